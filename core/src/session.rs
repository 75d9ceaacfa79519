//! Sessions: running one flow with one user, step by step.
//!
//! A session is a small state machine whose state ([`SessionState`]) is plain
//! serializable data: ids, answers and counters, never indices, so a snapshot
//! can be restored against a newer catalog. Every call takes the catalog, the
//! current context and `now`; none reads a clock or keeps hidden state. Invalid
//! input returns a typed error and leaves the state unchanged.
//!
//! A human is never out of reach: [`Input::AskHuman`] works on every step, and
//! the escalation policy offers or forces a human after unhelpful answers, on
//! loops, for vulnerable segments, for risk, on crisis language, and whenever
//! an escalation step is reached.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::catalog::{Catalog, CompiledStep, Flow, FlowIx, StepIx};
use crate::content::{Channel, Priority, RiskLevel};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::escalation::{self, ActionRequest, EffectivePolicy};
pub use crate::events::{ActionOutcome, DeskState};
use crate::events::{EscalationReason, Event, EventKind, OfferReason, Recovery, StepKind};
use crate::handoff::{ActionRecord, CatalogRef, HANDOFF_SCHEMA, HandoffPacket, PathEntry, Speaker, TranscriptLine};
use crate::i18n;

/// Version of [`SessionState`] snapshots this crate writes and reads.
pub const STATE_VERSION: u32 = 1;

/// Most automatic steps (checks, flow links) taken for one input before the
/// session decides the content loops and hands over to a human.
pub const MAX_AUTOMATIC_STEPS: usize = 64;

/// Most nested flow calls.
pub const MAX_CALL_DEPTH: usize = 8;

/// Most transcript lines kept (the oldest are dropped).
pub const MAX_TRANSCRIPT_LINES: usize = 200;

/// Longest free text accepted anywhere, in characters.
pub const MAX_INPUT_CHARS: usize = 2_000;

/// Most steps kept for going back (the oldest are dropped).
pub const MAX_BACK_STEPS: usize = 64;

/// Most entries kept in the path, and most recorded actions (the oldest are dropped).
pub const MAX_PATH_ENTRIES: usize = 512;

/// Most distinct steps whose visits are counted, and most answers, that a
/// restored snapshot may hold: far beyond what any flow reaches.
const MAX_SNAPSHOT_ENTRIES: usize = 4_096;

/// Longest transcript line a restored snapshot may hold, in characters
/// (bot texts with their placeholders filled in stay far below it).
const MAX_LINE_CHARS: usize = 16_384;

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The user is working through the flow.
    Active,
    /// A resolution step was reached.
    Resolved,
    /// Handed over to a human.
    Escalated,
    /// The user left.
    Abandoned,
}

crate::wire::wire_names!(Status { Active = "active", Resolved = "resolved", Escalated = "escalated", Abandoned = "abandoned" });

/// One level of the flow stack: a flow and the step within it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Frame {
    /// Flow id.
    pub flow: String,
    /// Step id: the current step, or in a calling frame the step to return to.
    pub step: String,
}

crate::wire::wire_struct!(Frame { req flow, req step });

/// How and why the session was handed over.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EscalationState {
    /// Why.
    pub reason: EscalationReason,
    /// More about it (step reason, segment).
    pub detail: Option<String>,
    /// Priority.
    pub priority: Priority,
    /// Channels, best first.
    pub channels: Vec<Channel>,
    /// Agent queue.
    pub queue: Option<String>,
    /// A follow-up contact is requested.
    pub follow_up: bool,
    /// Urgency rules that held.
    pub urgency: Vec<String>,
    /// Crisis resources to show, when the reason is a crisis.
    pub crisis_resources: Option<String>,
    /// When.
    pub at: i64,
    /// When a person will answer on the first channel, in seconds, as the
    /// host's desk estimated it (the context's `desk`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_seconds: Option<u64>,
    /// Channels the escalation preferred that the desk has closed now: every
    /// one of them closed means `channels` are the fallbacks (a call back, a
    /// ticket).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closed: Vec<Channel>,
    /// The desk's latest word on this handoff, as the host relayed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<DeskReport>,
    /// Channels the desk failed on, in order: the route moved past them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<Channel>,
    /// When the queue's hours open again, seconds since the Unix epoch, if
    /// it is closed now (its live channels are then closed unless the host
    /// said otherwise): "a person answers from 09:00".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<i64>,
}

crate::wire::wire_struct!(EscalationState { req reason, opt detail, req priority, req channels, opt queue, req follow_up, req urgency, opt crisis_resources, req at, opt wait_seconds, def closed, opt desk, def failed, opt opens_at });

/// The whole state of a session: plain data, serializable with [`Session::snapshot`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionState {
    /// Snapshot format version.
    pub state_version: u32,
    /// Session id the host gave.
    pub session: String,
    /// Catalog id.
    pub catalog_id: String,
    /// Catalog content version the session ran against.
    pub catalog_version: String,
    /// Scenario the session started from.
    pub scenario: Option<String>,
    /// Scenario risk (or the intervention's, when higher).
    pub risk: RiskLevel,
    /// Intervention the session started from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention: Option<String>,
    /// Flow stack, innermost last. Empty only for a crisis before any flow.
    pub stack: Vec<Frame>,
    /// Flow stacks at each step the user saw, for going back.
    pub back: Vec<Vec<Frame>>,
    /// Every step the user saw, in order.
    pub path: Vec<PathEntry>,
    /// Answers by name.
    pub answers: Map<String, Value>,
    /// Actions performed.
    pub actions: Vec<ActionRecord>,
    /// Times each step was reached, by `flow/step`.
    pub visits: BTreeMap<String, u32>,
    /// "This didn't help" count.
    pub unhelpful: u32,
    /// The user asked for a human at least once.
    pub human_requested: bool,
    /// Where the session stands.
    pub status: Status,
    /// Set once escalated.
    pub escalation: Option<EscalationState>,
    /// "Did this help?" answer.
    pub feedback: Option<bool>,
    /// What was said.
    pub transcript: Vec<TranscriptLine>,
    /// A note for the view, e.g. after recovering from a content change.
    pub notice: Option<String>,
    /// When the session started.
    pub started_at: i64,
    /// How many analytics events the session has emitted: the last event's
    /// `seq` (absent until the first, and in snapshots of SDKs before it).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub events_emitted: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

crate::wire::wire_struct!(SessionState { req state_version, req session, req catalog_id, req catalog_version, opt scenario, req risk, opt intervention, req stack, req back, req path, req answers, req actions, req visits, req unhelpful, req human_requested, req status, opt escalation, opt feedback, req transcript, opt notice, req started_at, def events_emitted });

/// What the user or host does next.
// Deserialize is written by hand (below), as for `Step` and `Trigger`: serde's
// derive for an internally tagged enum buffers the input in its private Content
// type, and that machinery was 20 KiB of the mobile library for this one type.
// Serialize and the JSON Schema stay derived, so the format is described once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", schemars(rename = "SessionInput"))]
pub enum Input {
    /// Go on from a message.
    Next,
    /// Pick an option of a choice step.
    Choose {
        /// Option id.
        option: String,
    },
    /// Submit a value to an input step.
    Submit {
        /// The value.
        value: String,
    },
    /// Report the result of the action the step asked for.
    ActionResult {
        /// What happened.
        outcome: ActionOutcome,
        /// Result data, stored under the step's `save_as`.
        #[serde(default)]
        data: Option<Value>,
    },
    /// "This didn't help."
    NotHelpful,
    /// "Talk to a human."
    AskHuman,
    /// Go back to the previous step.
    Back,
    /// "Did this help?" after a resolution.
    Feedback {
        /// Whether it helped.
        helpful: bool,
    },
    /// The user left.
    Abandon,
    /// What the help desk says of the handoff (the host relays it): only
    /// after the session escalated.
    DeskStatus {
        /// The state.
        state: DeskState,
        /// Place in the queue, when queued.
        #[serde(default)]
        position: Option<u64>,
        /// Estimated wait in seconds, when queued.
        #[serde(default)]
        wait_seconds: Option<u64>,
        /// The desk's failure code, when failed: lowercase letters, digits,
        /// `_`, `-` and `.`, at most 64 (it reaches analytics; never words).
        #[serde(default)]
        reason: Option<String>,
    },
}

impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::{Error as _, IgnoredAny, MapAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Input;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an input object with a `type`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Input, A::Error> {
                let mut kind: Option<crate::wire::Key<'de>> = None;
                let mut option: Option<String> = None;
                let mut value: Option<String> = None;
                let mut outcome: Option<ActionOutcome> = None;
                let mut data: Option<Value> = None;
                let mut helpful: Option<bool> = None;
                let mut state: Option<DeskState> = None;
                let mut position: Option<u64> = None;
                let mut wait_seconds: Option<u64> = None;
                let mut reason: Option<String> = None;
                while let Some(crate::wire::Key(key)) = map.next_key()? {
                    match key.as_ref() {
                        "type" => kind = Some(map.next_value()?),
                        "option" => option = Some(map.next_value()?),
                        "value" => value = Some(map.next_value()?),
                        "outcome" => outcome = Some(map.next_value()?),
                        "data" => data = map.next_value()?,
                        "helpful" => helpful = Some(map.next_value()?),
                        "state" => state = Some(map.next_value()?),
                        "position" => position = map.next_value()?,
                        "wait_seconds" => wait_seconds = map.next_value()?,
                        "reason" => reason = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let kind = kind.ok_or_else(|| A::Error::missing_field("type"))?.0;
                Ok(match kind.as_ref() {
                    "next" => Input::Next,
                    "choose" => Input::Choose { option: option.ok_or_else(|| A::Error::missing_field("option"))? },
                    "submit" => Input::Submit { value: value.ok_or_else(|| A::Error::missing_field("value"))? },
                    "action_result" => Input::ActionResult {
                        outcome: outcome.ok_or_else(|| A::Error::missing_field("outcome"))?,
                        data,
                    },
                    "not_helpful" => Input::NotHelpful,
                    "ask_human" => Input::AskHuman,
                    "back" => Input::Back,
                    "feedback" => {
                        Input::Feedback { helpful: helpful.ok_or_else(|| A::Error::missing_field("helpful"))? }
                    }
                    "abandon" => Input::Abandon,
                    "desk_status" => Input::DeskStatus {
                        state: state.ok_or_else(|| A::Error::missing_field("state"))?,
                        position,
                        wait_seconds,
                        reason,
                    },
                    other => {
                        return Err(A::Error::unknown_variant(
                            other,
                            &[
                                "next",
                                "choose",
                                "submit",
                                "action_result",
                                "not_helpful",
                                "ask_human",
                                "back",
                                "feedback",
                                "abandon",
                                "desk_status",
                            ],
                        ));
                    }
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// The desk's latest word on a handoff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeskReport {
    /// The state.
    pub state: DeskState,
    /// Place in the queue (1: next), when queued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
    /// The desk's failure code (`no_agents`, `channel_down`), when failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The channel it was about.
    pub channel: Channel,
    /// When the host reported it.
    pub at: i64,
}

crate::wire::wire_struct!(DeskReport { req state, opt position, opt reason, req channel, req at });

/// How a session begins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StartRequest {
    /// Session id chosen by the host (the core makes no random ids).
    pub session: String,
    /// Scenario to start (from a suggestion).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Or a flow to start directly.
    #[serde(default)]
    pub flow: Option<String>,
    /// The proactive intervention the user is acting on (from `on_event`). The
    /// session inherits its risk, so "talk to a person" is prominent and routed
    /// at the intervention's priority and queue; its flow starts unless
    /// `scenario` or `flow` names another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention: Option<String>,
    /// Connect a person at once: the user asked before any help was shown. With
    /// no scenario, flow or intervention the session has no flow at all, and the
    /// packet carries the context and the question; otherwise it hands over from
    /// the first step of what was named.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub human: bool,
}

impl StartRequest {
    /// Starts a scenario: the usual case, the user picked a suggestion.
    pub fn for_scenario(session: impl Into<String>, scenario: impl Into<String>) -> Self {
        StartRequest {
            session: session.into(),
            scenario: Some(scenario.into()),
            flow: None,
            intervention: None,
            human: false,
        }
    }

    /// Starts a flow directly, without a scenario.
    pub fn for_flow(session: impl Into<String>, flow: impl Into<String>) -> Self {
        StartRequest {
            session: session.into(),
            scenario: None,
            flow: Some(flow.into()),
            intervention: None,
            human: false,
        }
    }
}

/// "Talk to a human", as the view should show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HumanView {
    /// Always true: a human can always be requested.
    pub available: bool,
    /// Show the choice on this step.
    pub visible: bool,
    /// Show it prominently: the policy recommends a human now.
    pub prominent: bool,
    /// Why it is prominent: `unhelpful`, `loop`, `segment`, `risk`, `urgency`.
    pub reasons: Vec<String>,
    /// Channels, best first.
    pub channels: Vec<Channel>,
    /// Priority an escalation would get now.
    pub priority: Priority,
}

/// A choice option, localized.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OptionView {
    /// Option id, to send back with [`Input::Choose`].
    pub id: String,
    /// Label, plain text.
    pub label: String,
}

/// Input field details.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InputView {
    /// Longest accepted value.
    pub max_length: u32,
    /// Error text to show after a rejected value.
    pub error: Option<String>,
}

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

/// The current step, ready to render. All text is plain text: render it as
/// text, never as markup.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StepView {
    /// Session id.
    pub session: String,
    /// Where the session stands.
    pub status: Status,
    /// Current flow.
    pub flow: Option<String>,
    /// Current step.
    pub step: Option<String>,
    /// `message`, `choice`, `input`, `action`, `resolution` or `escalation`.
    pub kind: &'static str,
    /// Flow title.
    pub title: Option<String>,
    /// Main text.
    pub text: String,
    /// Locale of the text.
    pub locale: String,
    /// Options of a choice.
    pub options: Vec<OptionView>,
    /// Input details.
    pub input: Option<InputView>,
    /// The action the host should perform now.
    pub action: Option<ActionRequest>,
    /// Ask "did this help?".
    pub ask_feedback: bool,
    /// "Talk to a human".
    pub human: HumanView,
    /// Whether going back one step is possible.
    pub can_go_back: bool,
    /// Set once escalated.
    pub escalation: Option<EscalationState>,
    /// A note to show (e.g. the content changed and the flow restarted).
    pub notice: Option<String>,
}

/// A running session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    state: SessionState,
}

/// What a step is, by index, for the engine.
struct At<'c> {
    flow_ix: FlowIx,
    flow: &'c Flow,
    step: &'c crate::catalog::Step,
}

fn locate<'c>(catalog: &'c Catalog, frame: &Frame) -> Option<At<'c>> {
    let flow_ix = catalog.flow_ix(&frame.flow)?;
    let flow = catalog.flow(flow_ix).ok()?;
    let step_ix = flow.step_ix(&frame.step)?;
    Some(At { flow_ix, flow, step: flow.step(step_ix) })
}

fn frame_at(catalog: &Catalog, flow: FlowIx, step: StepIx) -> Option<Frame> {
    let f = catalog.flow(flow).ok()?;
    Some(Frame { flow: f.id.to_string(), step: f.steps.get(step.0 as usize)?.id.to_string() })
}

/// The frame at a flow's first step, compiling the flow if needed.
fn flow_start(catalog: &Catalog, flow: FlowIx) -> Result<Frame> {
    let f = catalog.flow(flow)?;
    frame_at(catalog, flow, f.start).ok_or_else(|| Error::UnknownScenario { id: f.id.to_string() })
}

fn risk_priority(risk: RiskLevel) -> Priority {
    match risk {
        RiskLevel::Critical => Priority::Urgent,
        RiskLevel::High => Priority::High,
        _ => Priority::Normal,
    }
}

impl Session {
    /// Starts a session on a scenario or flow. Returns the session and the
    /// events to forward. The first step is settled at once: checks run, and a
    /// crisis in the context's query, an immediate segment rule or a forcing
    /// risk level hand over to a human before any flow step.
    pub fn start(catalog: &Catalog, ctx: &Context, request: &StartRequest, now: i64) -> Result<(Session, Output)> {
        let (mut session, events) = Self::start_unnumbered(catalog, ctx, request, now)?;
        let out = session.finish(catalog, ctx, now, events, false);
        Ok((session, out))
    }

    /// Numbers a transition's events and derives its effects from them: the
    /// one place that decides what the host must do. An action step reached
    /// asks for its action; an escalation hands over its packet, after the
    /// crisis resources when it was a crisis. `resumed`: a restore, which asks
    /// again for the action the session waits on (the host's last answer may
    /// never have arrived).
    fn finish(&mut self, catalog: &Catalog, ctx: &Context, now: i64, mut events: Vec<Event>, resumed: bool) -> Output {
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
    fn pending_action(&self, catalog: &Catalog, ctx: &Context, now: i64) -> Option<ActionRequest> {
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

    /// Gives each of a call's events its place in the session: `seq` (1, 2,
    /// ... over the session's life, snapshots included) and `id`
    /// (`<session>:<seq>`), unique wherever the session ids are, so that a
    /// store can drop a retried duplicate and order events that share a second.
    fn number(&mut self, events: &mut [Event]) {
        for e in events {
            self.state.events_emitted += 1;
            let seq = self.state.events_emitted;
            e.id = format!("{}:{seq}", self.state.session);
            e.seq = Some(seq);
        }
    }

    fn start_unnumbered(
        catalog: &Catalog,
        ctx: &Context,
        request: &StartRequest,
        now: i64,
    ) -> Result<(Session, Vec<Event>)> {
        let intervention = match &request.intervention {
            Some(id) => Some(
                catalog
                    .interventions()
                    .iter()
                    .find(|i| i.id.as_str() == id)
                    .ok_or_else(|| Error::UnknownScenario { id: id.clone() })?,
            ),
            None => None,
        };
        let (scenario, flow_ix) = match (&request.scenario, &request.flow, intervention.and_then(|i| i.flow)) {
            (Some(id), _, _) => {
                let s = catalog.scenario(id).ok_or_else(|| Error::UnknownScenario { id: id.clone() })?;
                (Some(s), Some(s.flow))
            }
            (None, Some(flow), _) => {
                (None, Some(catalog.flow_ix(flow).ok_or_else(|| Error::UnknownScenario { id: flow.clone() })?))
            }
            (None, None, Some(flow)) => (None, Some(flow)),
            (None, None, None) if request.human => (None, None),
            (None, None, None) => {
                return Err(Error::InvalidInput {
                    message: "start needs a scenario, a flow, an intervention with a flow, or `human`".into(),
                });
            }
        };
        if request.session.is_empty() || request.session.len() > 128 {
            return Err(Error::InvalidInput { message: "session id must be 1 to 128 characters".into() });
        }
        let stack = match flow_ix {
            Some(fx) => vec![flow_start(catalog, fx)?],
            None => Vec::new(),
        };
        let mut session = Session {
            state: SessionState {
                state_version: STATE_VERSION,
                session: request.session.clone(),
                catalog_id: catalog.meta().id.clone(),
                catalog_version: catalog.meta().version.clone(),
                scenario: scenario.map(|s| s.id.to_string()),
                risk: scenario
                    .map_or(RiskLevel::None, |s| s.risk)
                    .max(intervention.map_or(RiskLevel::None, |i| i.risk)),
                intervention: intervention.map(|i| i.id.to_string()),
                stack,
                back: Vec::new(),
                path: Vec::new(),
                answers: Map::new(),
                actions: Vec::new(),
                visits: BTreeMap::new(),
                unhelpful: 0,
                human_requested: false,
                status: Status::Active,
                escalation: None,
                feedback: None,
                transcript: Vec::new(),
                notice: None,
                started_at: now,
                events_emitted: 0,
            },
        };
        let mut events = vec![session.event(EventKind::Started {}, now)];
        if let Some(q) = ctx.query() {
            session.say(Speaker::User, q.to_owned());
            if session.crisis(catalog, ctx, None, now, &mut events) {
                return Ok((session, events));
            }
        }
        if request.human {
            session.state.human_requested = true;
            session.escalate(catalog, ctx, EscalationReason::UserRequest, None, None, now, &mut events);
            return Ok((session, events));
        }
        let policy = session.policy(catalog);
        let segments = ctx.segments();
        let data = session.data(ctx, now);
        let immediate = policy
            .segment_rules(catalog, &segments, &mut catalog.evaluator().scope(&data))
            .into_iter()
            .find(|r| r.mode == crate::content::HumanMode::Immediate)
            .map(|r| r.segment.clone());
        if let Some(detail) = immediate {
            session.escalate(catalog, ctx, EscalationReason::Segment, Some(detail), None, now, &mut events);
            return Ok((session, events));
        }
        if policy.force_at_risk.is_some_and(|r| session.state.risk >= r) {
            session.escalate(catalog, ctx, EscalationReason::Risk, None, None, now, &mut events);
            return Ok((session, events));
        }
        session.settle(catalog, ctx, now, &mut events);
        Ok((session, events))
    }

    /// The session's state.
    pub fn state(&self) -> &SessionState {
        &self.state
    }

    /// The state as JSON, to store and [`Session::restore`] later. It holds
    /// everything needed to go on, personal data included: the answers the
    /// user typed, the data actions returned, the parameters actions were asked
    /// with, and the transcript (bot texts with context values filled in, and
    /// what the user typed). Encrypt it at rest, or store
    /// [`Session::snapshot_redacted`] instead. It never holds the context.
    pub fn snapshot(&self) -> String {
        serde_json::to_string(&self.state).unwrap_or_default()
    }

    /// A snapshot with personal data removed as in the handoff packet:
    /// answers, action parameters and transcript lines are redacted (declared
    /// `pii` values of `ctx` wherever they appear, and numbers and addresses
    /// that look personal). It restores like any snapshot; a redacted answer
    /// then reads `[redacted]`, so a flow that needs it again asks again or
    /// goes on without it. For hosts that must not persist raw personal data.
    pub fn snapshot_redacted(&self, catalog: &Catalog, ctx: &Context) -> String {
        let redactor = catalog.redactor();
        let values = crate::redact::pii_values(ctx, catalog.pii_fields());
        let mut state = self.state.clone();
        state.answers = redactor.map_with(&state.answers, &values);
        for a in &mut state.actions {
            a.params = redactor.map_with(&a.params, &values);
        }
        for line in &mut state.transcript {
            line.text = redactor.scrub(&line.text, &values);
        }
        serde_json::to_string(&state).unwrap_or_default()
    }

    /// Restores a snapshot. Its lists must be within what a session keeps
    /// (call depth, steps to go back to, path, transcript): a crafted snapshot
    /// is refused with `session.invalid_snapshot` rather than restored at a
    /// cost that grows with whatever it holds. Against a newer catalog whose flows changed, the
    /// session recovers deterministically: a removed step restarts its flow, a
    /// removed flow hands over to a human; a `recovered` event reports it.
    pub fn restore(catalog: &Catalog, ctx: &Context, snapshot: &str, now: i64) -> Result<(Session, Output)> {
        let (mut session, events) = Self::restore_unnumbered(catalog, ctx, snapshot, now)?;
        let out = session.finish(catalog, ctx, now, events, true);
        Ok((session, out))
    }

    fn restore_unnumbered(catalog: &Catalog, ctx: &Context, snapshot: &str, now: i64) -> Result<(Session, Vec<Event>)> {
        if snapshot.len() > 4 * 1024 * 1024 {
            return Err(Error::InvalidSnapshot { message: "snapshot is larger than 4 MiB".into() });
        }
        let state: SessionState =
            serde_json::from_str(snapshot).map_err(|e| Error::InvalidSnapshot { message: e.to_string() })?;
        if state.state_version != STATE_VERSION {
            return Err(Error::InvalidSnapshot {
                message: format!("state_version {} is not supported", state.state_version),
            });
        }
        if state.catalog_id != catalog.meta().id {
            return Err(Error::InvalidSnapshot { message: "the snapshot belongs to another catalog".into() });
        }
        check_bounds(&state)?;
        let mut session = Session { state };
        // Steps to go back to whose flow or step is gone (the content changed) are dropped.
        session.state.back.retain(|stack| stack.iter().all(|f| locate(catalog, f).is_some()));
        let mut events = Vec::new();
        if session.state.status != Status::Active {
            return Ok((session, events));
        }
        let all_valid = session.state.stack.iter().all(|f| locate(catalog, f).is_some())
            && session.state.stack.len() <= MAX_CALL_DEPTH + 1;
        if all_valid && !session.state.stack.is_empty() {
            // An action the host (now) does not perform is never left waiting for it.
            let at = session.state.stack.last().and_then(|f| locate(catalog, f));
            if at.is_some_and(|at| matches!(&at.step.kind, CompiledStep::Action { action, .. } if !catalog.host_performs(action.as_str()))) {
                session.settle(catalog, ctx, now, &mut events);
            }
            return Ok((session, events));
        }
        // Recover: keep the outermost frame whose flow still exists and restart it.
        let flow = session.state.stack.first().and_then(|f| catalog.flow_ix(&f.flow));
        session.state.back.clear();
        session.state.catalog_version = catalog.meta().version.clone();
        match flow.and_then(|fx| flow_start(catalog, fx).ok()) {
            Some(first) => {
                session.state.stack = vec![first];
                session.state.notice = Some("content_changed_restarted".into());
                events.push(session.event(EventKind::Recovered { recovery: Recovery::FlowRestarted }, now));
                session.settle(catalog, ctx, now, &mut events);
            }
            None => {
                events.push(session.event(EventKind::Recovered { recovery: Recovery::Escalated }, now));
                session.escalate(catalog, ctx, EscalationReason::ContentChanged, None, None, now, &mut events);
            }
        }
        Ok((session, events))
    }

    /// Applies one input. On error the state is unchanged.
    pub fn apply(&mut self, catalog: &Catalog, ctx: &Context, input: &Input, now: i64) -> Result<Output> {
        let mut next = self.clone();
        let events = next.apply_inner(catalog, ctx, input, now)?;
        let out = next.finish(catalog, ctx, now, events, false);
        *self = next;
        Ok(out)
    }

    fn apply_inner(&mut self, catalog: &Catalog, ctx: &Context, input: &Input, now: i64) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        // Typed text is screened first, whole (the scan is linear), in any
        // state and at any step: a crisis is never "too long", "not a number"
        // or "session ended".
        if let Input::Submit { value } = input {
            if !self.in_crisis() && self.crisis(catalog, ctx, Some(value), now, &mut events) {
                return Ok(events);
            }
        }
        if let Input::DeskStatus { state, position, wait_seconds, reason } = input {
            if self.state.status != Status::Escalated {
                return Err(Error::InvalidInput {
                    message: "a desk status comes after the session was handed over".into(),
                });
            }
            let reason = reason.as_deref().map(desk_code).transpose()?;
            self.desk_status(catalog, ctx, *state, *position, *wait_seconds, reason, now, &mut events);
            return Ok(events);
        }
        match (self.state.status, input) {
            (Status::Resolved, Input::Feedback { helpful }) => {
                self.state.feedback = Some(*helpful);
                events.push(self.event(EventKind::Feedback { helpful: *helpful }, now));
                if !helpful {
                    self.state.unhelpful = self.state.unhelpful.saturating_add(1);
                    self.escalate(catalog, ctx, EscalationReason::ResolutionUnhelpful, None, None, now, &mut events);
                }
                return Ok(events);
            }
            (Status::Resolved | Status::Abandoned, Input::AskHuman) => {
                self.state.human_requested = true;
                self.escalate(catalog, ctx, EscalationReason::UserRequest, None, None, now, &mut events);
                return Ok(events);
            }
            (Status::Active, _) => {}
            _ => return Err(Error::SessionEnded),
        }
        let at = self.state.stack.last().and_then(|f| locate(catalog, f));
        let Some(at) = at else {
            // The catalog changed under a live session: hand over rather than guess.
            self.escalate(catalog, ctx, EscalationReason::ContentChanged, None, None, now, &mut events);
            return Ok(events);
        };
        let called = self.state.stack.len() > 1;
        match (input, &at.step.kind) {
            (Input::AskHuman, _) => {
                self.state.human_requested = true;
                self.escalate(catalog, ctx, EscalationReason::UserRequest, None, None, now, &mut events);
            }
            (Input::Abandon, _) => {
                self.state.status = Status::Abandoned;
                events.push(self.event(EventKind::Abandoned {}, now));
            }
            (Input::Back, _) => {
                let Some(previous) = self.state.back.pop() else {
                    return Err(Error::InvalidInput { message: "there is no previous step".into() });
                };
                self.state.stack = previous;
                events.push(self.event(EventKind::Back {}, now));
                self.arrive(catalog, ctx, now, false, &mut events);
            }
            (Input::NotHelpful, _) => {
                self.state.unhelpful = self.state.unhelpful.saturating_add(1);
                events.push(self.event(EventKind::NotHelpful { count: u64::from(self.state.unhelpful) }, now));
                let policy = self.policy(catalog);
                if self.state.unhelpful >= policy.force_after_unhelpful {
                    self.escalate(catalog, ctx, EscalationReason::Unhelpful, None, None, now, &mut events);
                } else if self.state.unhelpful == policy.offer_after_unhelpful {
                    events.push(self.event(EventKind::HumanOffered { reason: OfferReason::Unhelpful }, now));
                }
            }
            (Input::Next, CompiledStep::Message { next, .. }) => {
                self.push_back();
                self.goto(catalog, at.flow_ix, *next);
                self.settle(catalog, ctx, now, &mut events);
            }
            (Input::Next, CompiledStep::Resolution { .. }) if called => {
                self.push_back();
                self.state.stack.pop();
                self.settle(catalog, ctx, now, &mut events);
            }
            (Input::Choose { option }, CompiledStep::Choice { options, .. }) => {
                let Some(chosen) = options.iter().find(|o| &o.id == option) else {
                    return Err(Error::InvalidInput { message: "no such option on this step".into() });
                };
                let label =
                    i18n::pick(&chosen.label, &self.chain(catalog, ctx)).map(|(_, l)| l.to_owned()).unwrap_or_default();
                self.say(Speaker::User, label);
                events.push(self.event(EventKind::Answered { option: Some(chosen.id.clone()), input: None }, now));
                self.push_back();
                self.goto(catalog, at.flow_ix, chosen.next);
                self.settle(catalog, ctx, now, &mut events);
            }
            (Input::Submit { value }, CompiledStep::Input { save_as, pattern, max_length, next, .. }) => {
                let chars = value.chars().count();
                if chars > MAX_INPUT_CHARS || chars > *max_length as usize {
                    return Err(Error::InputRejected { message: format!("longer than {max_length} characters") });
                }
                if value.trim().is_empty() {
                    return Err(Error::InputRejected { message: "empty value".into() });
                }
                if let Some(p) = pattern {
                    if p.is_match(value) != Some(true) {
                        return Err(Error::InputRejected { message: "does not match the expected format".into() });
                    }
                }
                self.state.answers.insert(save_as.clone(), Value::String(value.clone()));
                self.say(Speaker::User, value.clone());
                events.push(self.event(EventKind::Answered { option: None, input: Some(save_as.clone()) }, now));
                self.push_back();
                self.goto(catalog, at.flow_ix, *next);
                self.settle(catalog, ctx, now, &mut events);
            }
            (
                Input::ActionResult { outcome, data },
                CompiledStep::Action { action, params, save_as, on_success, on_failure, on_cancelled, .. },
            ) => {
                if data.as_ref().is_some_and(|d| d.to_string().len() > 64 * 1024) {
                    return Err(Error::InvalidInput { message: "action result data is larger than 64 KiB".into() });
                }
                let rendered = escalation::render_params(params, &self.data(ctx, now));
                self.record_action(action.to_string(), rendered, outcome.wire_name().into(), now);
                if let (Some(key), Some(d)) = (save_as, data) {
                    self.state.answers.insert(key.clone(), d.clone());
                }
                self.say(Speaker::System, format!("{action}: {}", outcome.wire_name()));
                events.push(self.event(EventKind::ActionResult { action: action.to_string(), outcome: *outcome }, now));
                let target = match outcome {
                    ActionOutcome::Success => *on_success,
                    ActionOutcome::Failure => *on_failure,
                    ActionOutcome::Cancelled => *on_cancelled,
                };
                self.push_back();
                self.goto(catalog, at.flow_ix, target);
                self.settle(catalog, ctx, now, &mut events);
            }
            (other, kind) => {
                return Err(Error::InvalidInput {
                    message: format!(
                        "{} does not apply to a {} step",
                        input_name(other),
                        kind_name(kind, called).name()
                    ),
                });
            }
        }
        Ok(events)
    }

    /// The current step, localized for the context's languages.
    pub fn view(&self, catalog: &Catalog, ctx: &Context, now: i64) -> StepView {
        let chain = self.chain(catalog, ctx);
        let data = self.data(ctx, now);
        let pick = |t: &crate::content::LocalizedText| {
            i18n::pick(t, &chain).map(|(l, s)| (l.to_owned(), i18n::render(s, &data)))
        };
        let human = self.human(catalog, ctx, now);
        let at = self.state.stack.last().and_then(|f| locate(catalog, f));
        let mut view = StepView {
            session: self.state.session.clone(),
            status: self.state.status,
            flow: self.state.stack.last().map(|f| f.flow.clone()),
            step: self.state.stack.last().map(|f| f.step.clone()),
            kind: "escalation",
            title: at.as_ref().and_then(|a| a.flow.title.as_ref()).and_then(&pick).map(|(_, s)| s),
            text: String::new(),
            locale: chain.first().cloned().unwrap_or_default(),
            options: Vec::new(),
            input: None,
            action: None,
            ask_feedback: false,
            human,
            can_go_back: self.state.status == Status::Active && !self.state.back.is_empty(),
            escalation: self.state.escalation.clone(),
            notice: self.state.notice.clone(),
        };
        if let Some((locale, text)) = self.shown_text(at.as_ref(), &chain, &data) {
            view.locale = locale;
            view.text = text;
        }
        if self.state.escalation.is_some() {
            return view;
        }
        let Some(at) = at else { return view };
        let called = self.state.stack.len() > 1;
        view.kind = kind_name(&at.step.kind, called).name();
        match &at.step.kind {
            CompiledStep::Resolution { feedback, .. } => {
                view.ask_feedback = *feedback && !called && self.state.feedback.is_none();
            }
            CompiledStep::Choice { options, .. } => {
                view.options = options
                    .iter()
                    .map(|o| OptionView { id: o.id.clone(), label: pick(&o.label).map(|(_, s)| s).unwrap_or_default() })
                    .collect();
            }
            CompiledStep::Input { max_length, error, .. } => {
                view.input =
                    Some(InputView { max_length: *max_length, error: error.as_ref().and_then(&pick).map(|(_, s)| s) });
            }
            CompiledStep::Action { .. } if view.status == Status::Active => {
                view.action = self.pending_action(catalog, ctx, now);
            }
            CompiledStep::Action { .. }
            | CompiledStep::Message { .. }
            | CompiledStep::Escalation { .. }
            | CompiledStep::Check { .. }
            | CompiledStep::Goto { .. }
            | CompiledStep::Call { .. } => {}
        }
        view
    }

    /// The text the current step shows, with its locale: crisis resources once
    /// a crisis escalated the session, the escalation step's text once
    /// escalated, otherwise the step's own text.
    fn shown_text(&self, at: Option<&At<'_>>, chain: &[String], data: &Value) -> Option<(String, String)> {
        if let Some(resources) = self.state.escalation.as_ref().and_then(|e| e.crisis_resources.clone()) {
            return Some((chain.first().cloned().unwrap_or_default(), resources));
        }
        let text = match (&self.state.escalation, &at?.step.kind) {
            (Some(_), CompiledStep::Escalation { text, .. }) => text,
            (Some(_), _) => return None,
            (
                None,
                CompiledStep::Message { text, .. }
                | CompiledStep::Resolution { text, .. }
                | CompiledStep::Choice { text, .. }
                | CompiledStep::Input { text, .. }
                | CompiledStep::Escalation { text, .. }
                | CompiledStep::Action { text: Some(text), .. },
            ) => text,
            (None, _) => return None,
        };
        i18n::pick(text, chain).map(|(l, s)| (l.to_owned(), i18n::render(s, data)))
    }

    /// The handoff packet, once the session has escalated.
    pub fn handoff(&self, catalog: &Catalog, ctx: &Context) -> Option<HandoffPacket> {
        let e = self.state.escalation.as_ref()?;
        let redactor = catalog.redactor();
        let pii = catalog.pii_fields();
        let values = crate::redact::pii_values(ctx, pii);
        let chain = self.chain(catalog, ctx);
        let answers = redactor.map_with(&self.state.answers, &values);
        let actions = self
            .state
            .actions
            .iter()
            .map(|a| ActionRecord { params: redactor.map_with(&a.params, &values), ..a.clone() })
            .collect();
        // The agent's language: content's, or the catalog's default locale.
        let policy = self.policy(catalog);
        let locales = catalog.locales();
        let agent_chain = i18n::fallback_chain(locales, policy.agent_language.as_deref().unwrap_or(&locales.default));
        let agent_language = agent_chain.first().cloned().unwrap_or_else(|| locales.default.clone());
        let title = self
            .state
            .scenario
            .as_deref()
            .and_then(|id| catalog.scenario(id))
            .and_then(|sc| i18n::pick(&sc.title, &agent_chain).map(|(_, t)| t.to_owned()));
        // Guidance from the escalation step the content handed over at.
        let guidance = self
            .state
            .stack
            .last()
            .filter(|_| e.reason == EscalationReason::Content)
            .and_then(|frame| locate(catalog, frame))
            .and_then(|at| match &at.step.kind {
                CompiledStep::Escalation { agent_guidance: Some(g), .. } => {
                    i18n::pick(g, &agent_chain).map(|(_, t)| t.to_owned())
                }
                _ => None,
            })
            .map(|t| redactor.scrub(&i18n::render(&t, &self.data(ctx, e.at)), &values));
        let mut packet = HandoffPacket {
            schema: HANDOFF_SCHEMA.into(),
            summary: String::new(),
            agent_language,
            agent_guidance: guidance,
            signature: None,
            session: self.state.session.clone(),
            created_at: e.at,
            catalog: CatalogRef { id: self.state.catalog_id.clone(), version: self.state.catalog_version.clone() },
            scenario: self.state.scenario.clone(),
            intervention: self.state.intervention.clone(),
            flow: self.state.stack.last().map(|f| f.flow.clone()),
            step: self.state.stack.last().map(|f| f.step.clone()),
            reason: e.reason,
            reason_detail: e.detail.clone(),
            priority: e.priority,
            channels: e.channels.clone(),
            queue: e.queue.clone(),
            language: chain.first().cloned().unwrap_or_else(|| catalog.locales().default.clone()),
            follow_up: e.follow_up,
            urgency: e.urgency.clone(),
            risk: self.state.risk,
            path: self.state.path.clone(),
            answers,
            actions,
            unhelpful_count: self.state.unhelpful,
            context: redactor.value_with(&Value::Object(ctx.raw().clone()), "", pii, &values),
            transcript: self
                .state
                .transcript
                .iter()
                .map(|l| TranscriptLine { speaker: l.speaker, text: redactor.scrub(&l.text, &values) })
                .collect(),
        };
        let words = crate::handoff::summary_language(&agent_chain);
        packet.summary = crate::handoff::summary(&packet, words, title.as_deref());
        Some(packet)
    }

    // ---- engine ------------------------------------------------------------

    /// An event of the session; [`Session::number`] gives it its id and place.
    fn event(&self, kind: EventKind, now: i64) -> Event {
        let top = self.state.stack.last();
        Event {
            kind,
            id: String::new(),
            at: now,
            catalog: self.state.catalog_id.clone(),
            catalog_version: self.state.catalog_version.clone(),
            session: Some(self.state.session.clone()),
            seq: None,
            request: None,
            scenario: self.state.scenario.clone(),
            flow: top.map(|f| f.flow.clone()),
            step: top.map(|f| f.step.clone()),
            host: None,
        }
    }

    fn say(&mut self, speaker: Speaker, text: String) {
        if text.is_empty() {
            return;
        }
        self.state.transcript.push(TranscriptLine { speaker, text });
        if self.state.transcript.len() > MAX_TRANSCRIPT_LINES {
            let excess = self.state.transcript.len() - MAX_TRANSCRIPT_LINES;
            self.state.transcript.drain(..excess);
        }
    }

    fn chain(&self, catalog: &Catalog, ctx: &Context) -> Vec<String> {
        i18n::chain_for(catalog.locales(), &ctx.languages())
    }

    fn data(&self, ctx: &Context, now: i64) -> Value {
        ctx.evaluation_data(now, &self.state.answers)
    }

    fn policy(&self, catalog: &Catalog) -> EffectivePolicy {
        let flow = self.state.stack.last().and_then(|f| catalog.flow_ix(&f.flow)).and_then(|fx| catalog.flow(fx).ok());
        escalation::effective_policy(catalog, flow)
    }

    fn push_back(&mut self) {
        self.state.back.push(self.state.stack.clone());
        if self.state.back.len() > MAX_BACK_STEPS {
            self.state.back.remove(0);
        }
    }

    /// Records an action's outcome; the oldest records go first.
    fn record_action(&mut self, action: String, params: Map<String, Value>, result: String, at: i64) {
        self.state.actions.push(ActionRecord { action, params, result, at });
        if self.state.actions.len() > MAX_PATH_ENTRIES {
            self.state.actions.remove(0);
        }
    }

    /// Records that the session passed a step; the oldest entries go first.
    fn pass(&mut self, flow: String, step: String) {
        self.state.path.push(PathEntry { flow, step });
        if self.state.path.len() > MAX_PATH_ENTRIES {
            self.state.path.remove(0);
        }
    }

    fn goto(&mut self, catalog: &Catalog, flow: FlowIx, step: StepIx) {
        if let (Some(top), Some(frame)) = (self.state.stack.last_mut(), frame_at(catalog, flow, step)) {
            *top = frame;
        }
    }

    /// The host replaced the context during the session (it learned something
    /// new, or the user typed a new question). A question it carries is
    /// screened for crisis language at once, in any state, as typed text is;
    /// the events say what followed. Hosts call this with every new context.
    pub fn context_changed(&mut self, catalog: &Catalog, ctx: &Context, now: i64) -> Output {
        let mut events = Vec::new();
        if !self.in_crisis() {
            self.crisis(catalog, ctx, ctx.query(), now, &mut events);
        }
        self.finish(catalog, ctx, now, events, false)
    }

    /// Whether a crisis already escalated the session.
    fn in_crisis(&self) -> bool {
        self.state.escalation.as_ref().is_some_and(|e| e.reason == EscalationReason::Crisis)
    }

    /// Screens the user's text (`typed`, recorded in the transcript on a hit),
    /// or else the context's question; on a hit, hands over at top priority
    /// with crisis resources, whatever the session was doing.
    fn crisis(
        &mut self,
        catalog: &Catalog,
        ctx: &Context,
        typed: Option<&str>,
        now: i64,
        events: &mut Vec<Event>,
    ) -> bool {
        let Some(text) = typed.or_else(|| ctx.query()) else { return false };
        let Some(hit) = escalation::screen_crisis(catalog, ctx, text) else { return false };
        if let Some(typed) = typed {
            self.say(Speaker::User, typed.to_owned());
        }
        self.state.status = Status::Escalated;
        // A crisis line the desk has closed is no route: the resources show either way.
        let route = escalation::route(&hit.channels, ctx.desk());
        let (channels_first, fell_back) = (route.channels.first().copied(), route.fell_back);
        self.state.escalation = Some(EscalationState {
            reason: EscalationReason::Crisis,
            detail: Some(hit.kind.wire_name().into()),
            priority: Priority::Urgent,
            channels: route.channels,
            queue: hit.queue,
            follow_up: true,
            urgency: Vec::new(),
            crisis_resources: Some(hit.resources.clone()),
            at: now,
            wait_seconds: route.wait_seconds,
            closed: route.closed,
            desk: None,
            failed: Vec::new(),
            opens_at: None,
        });
        self.say(Speaker::Bot, hit.resources);
        events.push(self.event(
            EventKind::Escalated {
                reason: EscalationReason::Crisis,
                priority: Priority::Urgent,
                detail: None,
                channel: channels_first,
                fallback: fell_back,
                crisis_kind: Some(hit.kind),
            },
            now,
        ));
        true
    }

    /// Runs automatic steps until one needs the user, then arrives there.
    fn settle(&mut self, catalog: &Catalog, ctx: &Context, now: i64, events: &mut Vec<Event>) {
        for _ in 0..MAX_AUTOMATIC_STEPS {
            let Some(at) = self.state.stack.last().and_then(|f| locate(catalog, f)) else {
                self.escalate(catalog, ctx, EscalationReason::ContentChanged, None, None, now, events);
                return;
            };
            match &at.step.kind {
                CompiledStep::Check { branches, otherwise } => {
                    let data = self.data(ctx, now);
                    let mut scope = catalog.evaluator().scope(&data);
                    let target = branches.iter().find(|(c, _)| scope.holds(c)).map_or(*otherwise, |(_, t)| *t);
                    self.pass(at.flow.id.to_string(), at.step.id.to_string());
                    self.goto(catalog, at.flow_ix, target);
                }
                CompiledStep::Goto { flow } => {
                    self.pass(at.flow.id.to_string(), at.step.id.to_string());
                    match flow_start(catalog, *flow) {
                        Ok(frame) => {
                            if let Some(top) = self.state.stack.last_mut() {
                                *top = frame;
                            }
                        }
                        Err(_) => {
                            let detail = Some(catalog.flow_id(*flow).to_owned());
                            self.escalate(catalog, ctx, EscalationReason::ContentInvalid, detail, None, now, events);
                            return;
                        }
                    }
                }
                CompiledStep::Action { action, params, on_failure, .. } if !catalog.host_performs(action.as_str()) => {
                    // Never asked of the host: recorded, and on as after a failure.
                    let rendered = escalation::render_params(params, &self.data(ctx, now));
                    self.record_action(action.to_string(), rendered, "blocked".into(), now);
                    events.push(self.event(EventKind::ActionBlocked { action: action.to_string() }, now));
                    self.say(Speaker::System, format!("{action}: blocked"));
                    self.pass(at.flow.id.to_string(), at.step.id.to_string());
                    self.goto(catalog, at.flow_ix, *on_failure);
                }
                CompiledStep::Call { flow, next } => {
                    if self.state.stack.len() > MAX_CALL_DEPTH {
                        self.escalate(catalog, ctx, EscalationReason::ContentLoop, None, None, now, events);
                        return;
                    }
                    let Ok(frame) = flow_start(catalog, *flow) else {
                        let detail = Some(catalog.flow_id(*flow).to_owned());
                        self.escalate(catalog, ctx, EscalationReason::ContentInvalid, detail, None, now, events);
                        return;
                    };
                    self.pass(at.flow.id.to_string(), at.step.id.to_string());
                    self.goto(catalog, at.flow_ix, *next);
                    self.state.stack.push(frame);
                }
                _ => {
                    self.arrive(catalog, ctx, now, true, events);
                    return;
                }
            }
        }
        self.escalate(catalog, ctx, EscalationReason::ContentLoop, None, None, now, events);
    }

    /// The user reaches the current step: count the visit, log it, and act on
    /// outcomes. Going back is not counted: one step back is not a loop.
    fn arrive(&mut self, catalog: &Catalog, ctx: &Context, now: i64, forward: bool, events: &mut Vec<Event>) {
        let Some(frame) = self.state.stack.last().cloned() else { return };
        let Some(at) = locate(catalog, &frame) else { return };
        let key = format!("{}/{}", frame.flow, frame.step);
        let visits = {
            let v = self.state.visits.entry(key).or_insert(0);
            if forward || *v == 0 {
                *v = v.saturating_add(1);
            }
            *v
        };
        self.pass(frame.flow.clone(), frame.step.clone());
        let called = self.state.stack.len() > 1;
        events.push(
            self.event(EventKind::StepViewed { kind: kind_name(&at.step.kind, called), visit: u64::from(visits) }, now),
        );
        let shown = self.shown_text(Some(&at), &self.chain(catalog, ctx), &self.data(ctx, now));
        if let Some((_, text)) = shown {
            self.say(Speaker::Bot, text);
        }
        let policy = self.policy(catalog);
        if forward && visits == policy.offer_on_visit {
            events.push(self.event(EventKind::HumanOffered { reason: OfferReason::Loop }, now));
        }
        match &at.step.kind {
            CompiledStep::Action { action, .. } => {
                events.push(self.event(EventKind::ActionRequested { action: action.to_string() }, now));
            }
            CompiledStep::Resolution { .. } if !called => {
                self.state.status = Status::Resolved;
                events.push(self.event(EventKind::Resolved {}, now));
            }
            CompiledStep::Escalation { channels, queue, priority, reason, .. } => {
                let step = (channels.clone(), queue.clone(), *priority);
                self.escalate(catalog, ctx, EscalationReason::Content, Some(reason.clone()), Some(step), now, events);
            }
            _ => {}
        }
    }

    /// Hands over to a human, combining the step's routing with policy, segments, risk and urgency.
    #[allow(clippy::too_many_arguments)]
    fn escalate(
        &mut self,
        catalog: &Catalog,
        ctx: &Context,
        reason: EscalationReason,
        detail: Option<String>,
        step: Option<(Option<Vec<Channel>>, Option<String>, Priority)>,
        now: i64,
        events: &mut Vec<Event>,
    ) {
        let Offer { view: human, urgency, segment_channels, follow_up } = self.offer(catalog, ctx, now);
        let policy = self.policy(catalog);
        let (step_channels, step_queue, step_priority) = step.unwrap_or((None, None, Priority::Normal));
        // A vulnerable user's channel preference (voice for the elderly) wins over the step's.
        let preferred =
            segment_channels.or(step_channels).filter(|c| !c.is_empty()).unwrap_or_else(|| policy.channels.clone());
        let queue = step_queue.or_else(|| self.intervention_queue(catalog)).or_else(|| policy.queue.clone());
        // What the desk can do now (the host's word, and the queue's hours):
        // the open ones of those, or a call back or a ticket.
        let (desk, opens_at) = escalation::desk_with_hours(ctx.desk(), &policy, queue.as_deref(), now);
        let route = escalation::route(&preferred, &desk);
        let channels = route.channels;
        // A live channel the host keeps open answers now, whatever the hours.
        let opens_at =
            opens_at.filter(|_| !matches!(channels.first(), Some(Channel::Chat | Channel::Voice | Channel::Video)));
        let mut priority = human.priority.max(step_priority);
        if reason == EscalationReason::UserRequest && self.state.unhelpful >= policy.offer_after_unhelpful {
            priority = priority.max(Priority::High);
        }
        self.state.status = Status::Escalated;
        self.state.escalation = Some(EscalationState {
            reason,
            detail: detail.clone(),
            priority,
            channels: channels.clone(),
            queue,
            follow_up,
            urgency,
            crisis_resources: None,
            at: now,
            wait_seconds: route.wait_seconds,
            closed: route.closed,
            desk: None,
            failed: Vec::new(),
            opens_at,
        });
        self.say(Speaker::System, format!("escalated: {}", reason.wire_name()));
        let kind = EventKind::Escalated {
            reason,
            priority,
            detail,
            channel: channels.first().copied(),
            fallback: route.fell_back,
            crisis_kind: None,
        };
        events.push(self.event(kind, now));
    }

    /// Records what the desk says of the handoff; on a failure, moves the
    /// route past the channel that failed (to the next one, or a call back or
    /// a ticket: never none).
    #[allow(clippy::too_many_arguments)]
    fn desk_status(
        &mut self,
        catalog: &Catalog,
        ctx: &Context,
        state: DeskState,
        position: Option<u64>,
        wait_seconds: Option<u64>,
        reason: Option<String>,
        now: i64,
        events: &mut Vec<Event>,
    ) {
        let policy = self.policy(catalog);
        let Some(esc) = self.state.escalation.as_mut() else { return };
        // The host's word and the queue's hours, as when it escalated.
        let (desk, _) = escalation::desk_with_hours(ctx.desk(), &policy, esc.queue.as_deref(), now);
        let channel = esc.channels.first().copied().unwrap_or(Channel::Ticket);
        let seconds_since_handoff = now.saturating_sub(esc.at).max(0);
        let mut next_channel = None;
        match state {
            DeskState::Queued => {
                if wait_seconds.is_some() {
                    esc.wait_seconds = wait_seconds;
                }
            }
            DeskState::Accepted | DeskState::Completed => esc.wait_seconds = None,
            DeskState::Failed => {
                esc.failed.push(channel);
                let left: Vec<Channel> = esc.channels.iter().copied().filter(|c| !esc.failed.contains(c)).collect();
                let route = escalation::route(&left, &desk);
                let mut next: Vec<Channel> = route.channels.into_iter().filter(|c| !esc.failed.contains(c)).collect();
                if next.is_empty() {
                    // Every route failed once: a ticket is answered when the desk can.
                    next.push(Channel::Ticket);
                }
                esc.channels = next;
                esc.wait_seconds = route.wait_seconds;
                next_channel = esc.channels.first().copied();
            }
        }
        esc.desk = Some(DeskReport {
            state,
            position: position.filter(|_| state == DeskState::Queued),
            reason: reason.clone(),
            channel,
            at: now,
        });
        let kind = EventKind::HandoffStatus {
            state,
            channel,
            seconds_since_handoff,
            position: position.filter(|_| state == DeskState::Queued),
            reason: reason.filter(|_| state == DeskState::Failed),
            next_channel,
        };
        self.say(Speaker::System, format!("desk: {}", state.wire_name()));
        events.push(self.event(kind, now));
    }

    /// The agent queue of the intervention the session started from, if it names one.
    fn intervention_queue(&self, catalog: &Catalog) -> Option<String> {
        let id = self.state.intervention.as_deref()?;
        let found = catalog.interventions().iter().find(|i| i.id.as_str() == id)?;
        found.human.as_ref()?.queue.clone()
    }

    /// How "talk to a human" should show now.
    fn human(&self, catalog: &Catalog, ctx: &Context, now: i64) -> HumanView {
        self.offer(catalog, ctx, now).view
    }

    /// The human offer and what an escalation takes from the same rules: the
    /// segment rules and urgency rules are evaluated once, over one data and
    /// one shared budget.
    fn offer(&self, catalog: &Catalog, ctx: &Context, now: i64) -> Offer {
        let policy = self.policy(catalog);
        let segments = ctx.segments();
        let data = self.data(ctx, now);
        let mut scope = catalog.evaluator().scope(&data);
        let rules = policy.segment_rules(catalog, &segments, &mut scope);
        let mut reasons: Vec<String> = Vec::new();
        let mut priority = Priority::Normal;
        if self.state.unhelpful >= policy.offer_after_unhelpful {
            reasons.push("unhelpful".into());
        }
        let here = self.state.stack.last().map(|f| format!("{}/{}", f.flow, f.step));
        if here.and_then(|k| self.state.visits.get(&k).copied()).is_some_and(|v| v >= policy.offer_on_visit) {
            reasons.push("loop".into());
        }
        if !rules.is_empty() {
            reasons.push("segment".into());
            priority = priority.max(rules.iter().filter_map(|r| r.priority).max().unwrap_or(Priority::Normal));
        }
        if policy.offer_at_risk.is_some_and(|r| self.state.risk >= r) {
            reasons.push("risk".into());
        }
        priority = priority.max(risk_priority(self.state.risk));
        let mut urgency = Vec::new();
        if let Some((p, ids)) = escalation::urgency(catalog, &mut scope) {
            reasons.push("urgency".into());
            priority = priority.max(p);
            urgency = ids;
        }
        let segment_channels = rules.iter().find_map(|r| r.channels.clone());
        let follow_up = rules.iter().any(|r| r.follow_up);
        let preferred = segment_channels.clone().unwrap_or_else(|| policy.channels.clone());
        let queue = self.intervention_queue(catalog).or_else(|| policy.queue.clone());
        let (desk, _) = escalation::desk_with_hours(ctx.desk(), &policy, queue.as_deref(), now);
        let channels = escalation::route(&preferred, &desk).channels;
        let prominent = !reasons.is_empty();
        let view = HumanView {
            available: true,
            visible: policy.always_offer_human || prominent,
            prominent,
            reasons,
            channels,
            priority,
        };
        Offer { view, urgency, segment_channels, follow_up }
    }
}

/// What [`Session::offer`] works out: the human offer to show, the urgency
/// rules that hold, and the segment rules' channel preference and follow-up.
struct Offer {
    view: HumanView,
    urgency: Vec<String>,
    segment_channels: Option<Vec<Channel>>,
    follow_up: bool,
}

fn kind_name(kind: &CompiledStep, called: bool) -> StepKind {
    match kind {
        CompiledStep::Message { .. } => StepKind::Message,
        CompiledStep::Resolution { .. } if called => StepKind::Message,
        CompiledStep::Choice { .. } => StepKind::Choice,
        CompiledStep::Input { .. } => StepKind::Input,
        CompiledStep::Action { .. } => StepKind::Action,
        CompiledStep::Resolution { .. } => StepKind::Resolution,
        CompiledStep::Escalation { .. } => StepKind::Escalation,
        CompiledStep::Check { .. } => StepKind::Check,
        CompiledStep::Goto { .. } | CompiledStep::Call { .. } => StepKind::Flow,
    }
}

/// A desk's failure code, checked: it reaches analytics, so it may hold no words.
fn desk_code(code: &str) -> Result<String> {
    let ok = !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b));
    if ok {
        Ok(code.to_owned())
    } else {
        Err(Error::InvalidInput {
            message: "a desk's failure reason is a code: lowercase letters, digits, _, - and ., at most 64".into(),
        })
    }
}

fn input_name(input: &Input) -> &'static str {
    match input {
        Input::Next => "next",
        Input::Choose { .. } => "choose",
        Input::Submit { .. } => "submit",
        Input::ActionResult { .. } => "action_result",
        Input::NotHelpful => "not_helpful",
        Input::AskHuman => "ask_human",
        Input::Back => "back",
        Input::Feedback { .. } => "feedback",
        Input::Abandon => "abandon",
        Input::DeskStatus { .. } => "desk_status",
    }
}

/// Refuses a snapshot holding more than a session ever keeps, before any of
/// it is looked at (each list is checked by its length alone), or one whose
/// status contradicts what it holds.
fn check_bounds(state: &SessionState) -> Result<()> {
    let frames = MAX_CALL_DEPTH + 1;
    let longest = |lens: &mut dyn Iterator<Item = usize>| lens.max().unwrap_or(0);
    let counts: [(&str, usize, usize); 9] = [
        ("nested flows", state.stack.len(), frames),
        ("steps to go back to", state.back.len(), MAX_BACK_STEPS),
        ("nested flows in a step to go back to", longest(&mut state.back.iter().map(Vec::len)), frames),
        ("path entries", state.path.len(), MAX_PATH_ENTRIES),
        ("actions", state.actions.len(), MAX_PATH_ENTRIES),
        ("transcript lines", state.transcript.len(), MAX_TRANSCRIPT_LINES),
        (
            "characters in a transcript line",
            longest(&mut state.transcript.iter().map(|l| l.text.chars().count())),
            MAX_LINE_CHARS,
        ),
        ("visited steps", state.visits.len(), MAX_SNAPSHOT_ENTRIES),
        ("answers", state.answers.len(), MAX_SNAPSHOT_ENTRIES),
    ];
    if let Some((what, n, max)) = counts.into_iter().find(|(_, n, max)| n > max) {
        return Err(Error::InvalidSnapshot {
            message: format!("the snapshot holds {n} {what}; a session keeps at most {max}"),
        });
    }
    // Found by fuzzing: an escalated session without its routing would have no
    // packet, so nobody could take it over.
    if state.status == Status::Escalated && state.escalation.is_none() {
        return Err(Error::InvalidSnapshot { message: "an escalated session must say how it was escalated".into() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_input_reads_back_what_it_writes() {
        let inputs = [
            Input::Next,
            Input::Choose { option: "yes".into() },
            Input::Submit { value: "A-1".into() },
            Input::ActionResult { outcome: ActionOutcome::Failure, data: Some(serde_json::json!({"n": 1})) },
            Input::ActionResult { outcome: ActionOutcome::Success, data: None },
            Input::NotHelpful,
            Input::AskHuman,
            Input::Back,
            Input::Feedback { helpful: false },
            Input::Abandon,
        ];
        for input in inputs {
            let text = serde_json::to_string(&input).unwrap();
            assert_eq!(serde_json::from_str::<Input>(&text).unwrap(), input, "{text}");
        }
        // The tag may come last, unknown fields are ignored, `data: null` is no data.
        let late: Input = serde_json::from_str(r#"{"option": "b", "extra": [1], "type": "choose"}"#).unwrap();
        assert_eq!(late, Input::Choose { option: "b".into() });
        let null: Input =
            serde_json::from_str(r#"{"type": "action_result", "outcome": "cancelled", "data": null}"#).unwrap();
        assert_eq!(null, Input::ActionResult { outcome: ActionOutcome::Cancelled, data: None });
    }

    #[test]
    fn a_bad_input_says_what_is_wrong() {
        let err = |s: &str| serde_json::from_str::<Input>(s).unwrap_err().to_string();
        assert!(err(r#"{"type": "choose"}"#).starts_with("missing field `option`"));
        assert!(err(r#"{"option": "x"}"#).starts_with("missing field `type`"));
        assert!(err(r#"{"type": "teleport"}"#).starts_with("unknown variant `teleport`, expected one of"));
        assert!(err(r#"{"type": "feedback", "helpful": "yes"}"#).starts_with("invalid type: string"));
        assert!(err(r#"["next"]"#).starts_with("invalid type: sequence, expected an input object"));
    }
}
