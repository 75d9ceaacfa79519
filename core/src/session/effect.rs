//! What a session gives the host: events to forward and effects to carry out.

use super::*;

/// What a transition gives the host: the analytics events to forward and the
/// effects to carry out, each once, in order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Transition"))]
pub struct Output {
    /// Analytics events, in order.
    pub events: Vec<Event>,
    /// What the host must do now, in order.
    pub effects: Vec<Effect>,
}

/// Something the host must do, decided by the core on the transition that
/// causes it and given exactly once: shells carry effects out instead of
/// inferring them from the view.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Perform this in-app action, then report how it went (`action_result`).
    PerformAction {
        /// The action and its parameters.
        request: ActionRequest,
        /// Asked again after a restore: the session was already waiting on it,
        /// so a host whose action is not idempotent checks whether it ran.
        resumed: bool,
    },
    /// Crisis language: show these resources at once, above everything else.
    ShowCrisis {
        /// What kind of crisis language it was.
        kind: crate::crisis::CrisisKind,
        /// The catalog's crisis resources, in the user's language.
        resources: String,
    },
    /// A person takes over: send this packet to the help desk.
    HandOff {
        /// The redacted handoff packet.
        packet: Box<HandoffPacket>,
    },
}

impl Session {
    /// Numbers a transition's events and derives its effects from them: the
    /// one place that decides what the host must do. An action step reached
    /// asks for its action; an escalation hands over its packet, after the
    /// crisis resources when it was a crisis. `resumed`: a restore, which asks
    /// again for the action the session waits on (the host's last answer may
    /// never have arrived).
    pub(super) fn finish(
        &mut self,
        catalog: &Catalog,
        ctx: &Context,
        now: i64,
        mut events: Vec<Event>,
        resumed: bool,
    ) -> Output {
        self.number(&mut events);
        let mut effects = Vec::new();
        for e in &events {
            match &e.kind {
                EventKind::ActionRequested { .. } => {
                    if let Some(request) = self.pending_action(catalog, ctx, now) {
                        effects.push(Effect::PerformAction { request, resumed: false });
                    }
                }
                EventKind::Escalated { crisis_kind, .. } => {
                    if let (Some(kind), Some(resources)) =
                        (crisis_kind, self.state.escalation.as_ref().and_then(|x| x.crisis_resources.clone()))
                    {
                        effects.push(Effect::ShowCrisis { kind: *kind, resources });
                    }
                    if let Some(packet) = self.handoff(catalog, ctx) {
                        effects.push(Effect::HandOff { packet: Box::new(packet) });
                    }
                }
                _ => {}
            }
        }
        if resumed && effects.is_empty() && self.state.status == Status::Active {
            if let Some(request) = self.pending_action(catalog, ctx, now) {
                effects.push(Effect::PerformAction { request, resumed: true });
            }
        }
        Output { events, effects }
    }

    /// The action the session waits on the host for, if it is at an action step the host performs.
    pub(super) fn pending_action(&self, catalog: &Catalog, ctx: &Context, now: i64) -> Option<ActionRequest> {
        let at = self.state.stack.last().and_then(|f| locate(catalog, f))?;
        match &at.step.kind {
            CompiledStep::Action { action, params, .. } if catalog.host_performs(action.as_str()) => {
                Some(ActionRequest {
                    action: action.to_string(),
                    params: escalation::render_params(params, &self.data(ctx, now)),
                })
            }
            _ => None,
        }
    }
}
