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

mod effect;
mod escalate;
mod input;
mod state;
mod view;

pub use effect::{Effect, Output};
pub use input::{Input, StartRequest};
use input::{desk_code, input_name};
pub use state::{DeskReport, EscalationState, Frame, SessionState, Status};
pub use view::{HumanView, InputView, OptionView, StepView};

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
        let extras = session.extras(ctx, now);
        let immediate = policy
            .segment_rules(catalog, &segments, &mut catalog.evaluator().scope_layered(&extras, ctx.raw()))
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

    /// What conditions read laid over the context ([`Context::evaluation_extras`]).
    fn extras(&self, ctx: &Context, now: i64) -> Map<String, Value> {
        ctx.evaluation_extras(now, &self.state.answers)
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

    /// Runs automatic steps until one needs the user, then arrives there.
    fn settle(&mut self, catalog: &Catalog, ctx: &Context, now: i64, events: &mut Vec<Event>) {
        for _ in 0..MAX_AUTOMATIC_STEPS {
            let Some(at) = self.state.stack.last().and_then(|f| locate(catalog, f)) else {
                self.escalate(catalog, ctx, EscalationReason::ContentChanged, None, None, now, events);
                return;
            };
            match &at.step.kind {
                CompiledStep::Check { branches, otherwise } => {
                    let extras = self.extras(ctx, now);
                    let mut scope = catalog.evaluator().scope_layered(&extras, ctx.raw());
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
