//! What a session is: plain, serializable state, and its snapshots.

use super::*;

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, crate::wire::WireNames)]
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

/// One level of the flow stack: a flow and the step within it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Frame {
    /// Flow id.
    pub flow: String,
    /// Step id: the current step, or in a calling frame the step to return to.
    pub step: String,
}

/// How and why the session was handed over.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
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

/// The whole state of a session: plain data, serializable with [`Session::snapshot`].
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// The desk's latest word on a handoff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, crate::wire::WireStruct)]
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

/// Refuses a snapshot holding more than a session ever keeps, before any of
/// it is looked at (each list is checked by its length alone), or one whose
/// status contradicts what it holds.
pub(super) fn check_bounds(state: &SessionState) -> Result<()> {
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

impl Session {
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

    pub(super) fn restore_unnumbered(
        catalog: &Catalog,
        ctx: &Context,
        snapshot: &str,
        now: i64,
    ) -> Result<(Session, Vec<Event>)> {
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
}
