//! Analytics events: plain data the engine emits and the host forwards.
//!
//! The contract (`schema/inscene-events.v1.schema.json`, generated from these
//! types): every event has a `type`, a unique `id`, the time `at` (the `now`
//! the host passed), and the `catalog` and `catalog_version` it came from.
//! Session events add `session`, `seq` (1, 2, ... over the session's life,
//! across snapshots; `id` is `<session>:<seq>`), `scenario`, `flow` and
//! `step`. Events outside a session (`suggested`, `intervention`) take their
//! id from the context's `request` and a fingerprint of the call. The fields of each
//! kind are typed in [`EventKind`]. No event holds personal data or text the
//! user typed; hosts may add their own fields under `host`, which the SDK
//! never sets.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::content::{Channel, Priority};

/// Version of the event contract; `schema/inscene-events.v1.schema.json`.
pub const EVENTS_SCHEMA: &str = "inscene-events/1";

/// One analytics event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SessionEvent"))]
pub struct Event {
    /// What happened, and the fields of that kind of event.
    #[serde(flatten)]
    pub kind: EventKind,
    /// Unique: `<session>:<seq>` in a session; outside one
    /// `<request>:suggested:<16 hex>` or `<request>:intervention:<id>:<16 hex>`
    /// (the context's `request`, or `anon`, and a fingerprint of the call). A
    /// store drops a retried duplicate by it.
    pub id: String,
    /// Seconds since the Unix epoch, as passed by the host.
    pub at: i64,
    /// The catalog's id.
    pub catalog: String,
    /// The catalog's content version.
    pub catalog_version: String,
    /// The session id the host gave (session events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Place in the session, from 1 (session events): orders events that
    /// share a second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// The context's `request` (events outside a session), when the host gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// The scenario the session started from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The flow the session is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<String>,
    /// The step the session is at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The host's own fields; the SDK never sets them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<Map<String, Value>>,
}

/// What happened, with the fields of each kind (`type` on the wire).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A resolve ranked suggestions, or screened a crisis (then none).
    Suggested {
        /// The suggested scenarios, best first.
        scenarios: Vec<String>,
        /// Whether the typed question matched a scenario's text (absent without a question).
        #[serde(skip_serializing_if = "Option::is_none")]
        text_in_scope: Option<bool>,
        /// The question was crisis language: resources and a person, no suggestions.
        #[serde(skip_serializing_if = "Option::is_none")]
        crisis_kind: Option<CrisisKind>,
    },
    /// A host event triggered a proactive intervention.
    Intervention {
        /// The intervention's id.
        intervention: String,
        /// The host event's name.
        trigger_event: String,
        /// The action asked of the host to hold (e.g. a transfer), if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        hold_action: Option<String>,
    },
    /// A session started.
    Started {},
    /// The user reached a step.
    StepViewed {
        /// The step's kind as shown.
        kind: StepKind,
        /// How many times the session reached this step.
        visit: u64,
    },
    /// The user chose an option or gave an input.
    Answered {
        /// The option chosen.
        #[serde(skip_serializing_if = "Option::is_none")]
        option: Option<String>,
        /// The name the input was saved as (never its value).
        #[serde(skip_serializing_if = "Option::is_none")]
        input: Option<String>,
    },
    /// The session asks the host to perform an action.
    ActionRequested {
        /// The action's id.
        action: String,
    },
    /// The host reported an action's outcome.
    ActionResult {
        /// The action's id.
        action: String,
        /// How it went.
        outcome: ActionOutcome,
    },
    /// Content asked for an action the host does not perform: recorded, and on as after a failure.
    ActionBlocked {
        /// The action's id.
        action: String,
    },
    /// The user said a step did not help.
    NotHelpful {
        /// How many times in this session.
        count: u64,
    },
    /// A person was offered.
    HumanOffered {
        /// Why.
        reason: OfferReason,
    },
    /// The session was handed over to a person.
    Escalated {
        /// Why.
        reason: EscalationReason,
        /// Priority after segment, risk and urgency rules.
        priority: Priority,
        /// More about the reason: the escalation step's reason code, the segment, the flow.
        #[serde(skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
        /// The channel offered first.
        #[serde(skip_serializing_if = "Option::is_none")]
        channel: Option<Channel>,
        /// Every preferred channel was closed: a call back or a ticket instead.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        fallback: bool,
        /// The kind of crisis language (reason `crisis`).
        #[serde(skip_serializing_if = "Option::is_none")]
        crisis_kind: Option<CrisisKind>,
    },
    /// The help desk's word on the handoff, as the host relayed it.
    HandoffStatus {
        /// What the desk says.
        state: DeskState,
        /// The channel it concerns.
        channel: Channel,
        /// Seconds since the handoff.
        seconds_since_handoff: i64,
        /// Place in the queue (state `queued`).
        #[serde(skip_serializing_if = "Option::is_none")]
        position: Option<u64>,
        /// The desk's failure code (state `failed`).
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// The channel offered next (state `failed`).
        #[serde(skip_serializing_if = "Option::is_none")]
        next_channel: Option<Channel>,
    },
    /// The session reached a resolution.
    Resolved {},
    /// The user left.
    Abandoned {},
    /// The user went one step back.
    Back {},
    /// The user said whether the help helped.
    Feedback {
        /// Yes or no.
        helpful: bool,
    },
    /// A restored session could not continue where it was.
    Recovered {
        /// What it did instead.
        recovery: Recovery,
    },
}

impl EventKind {
    /// The kind's name on the wire (`type`).
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Suggested { .. } => "suggested",
            EventKind::Intervention { .. } => "intervention",
            EventKind::Started {} => "started",
            EventKind::StepViewed { .. } => "step_viewed",
            EventKind::Answered { .. } => "answered",
            EventKind::ActionRequested { .. } => "action_requested",
            EventKind::ActionResult { .. } => "action_result",
            EventKind::ActionBlocked { .. } => "action_blocked",
            EventKind::NotHelpful { .. } => "not_helpful",
            EventKind::HumanOffered { .. } => "human_offered",
            EventKind::Escalated { .. } => "escalated",
            EventKind::HandoffStatus { .. } => "handoff_status",
            EventKind::Resolved {} => "resolved",
            EventKind::Abandoned {} => "abandoned",
            EventKind::Back {} => "back",
            EventKind::Feedback { .. } => "feedback",
            EventKind::Recovered { .. } => "recovered",
        }
    }
}

impl Event {
    /// An event of `kind` at `at` from a catalog; the id and the session's
    /// fields are the caller's to fill.
    pub(crate) fn new(kind: EventKind, at: i64, catalog: &crate::content::CatalogMeta) -> Self {
        Event {
            kind,
            id: String::new(),
            at,
            catalog: catalog.id.clone(),
            catalog_version: catalog.version.clone(),
            session: None,
            seq: None,
            request: None,
            scenario: None,
            flow: None,
            step: None,
            host: None,
        }
    }

    /// An event outside a session (`suggested`, `intervention`), its id from
    /// the context's `request` and `what` it is about.
    pub(crate) fn outside_session(
        kind: EventKind,
        catalog: &crate::Catalog,
        ctx: &crate::context::Context,
        now: i64,
        what: &str,
    ) -> Self {
        let mut e = Event::new(kind, now, catalog.meta());
        e.id = request_id(ctx, catalog.meta(), now, what);
        e.request = ctx.request().map(str::to_owned);
        e
    }

    /// The kind's name on the wire (`type`).
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }
}

/// Why a session was handed over to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, crate::wire::WireNames)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EscalationReason {
    /// An escalation step of the content (its own reason code is the detail).
    Content,
    /// The user asked for a person.
    UserRequest,
    /// The user said, often enough, that the help did not help.
    Unhelpful,
    /// The user's segment is served by people at once (the segment is the detail).
    Segment,
    /// Risk signals above the policy's threshold.
    Risk,
    /// Crisis language.
    Crisis,
    /// The content ran in a loop or too deep.
    ContentLoop,
    /// The catalog changed under a live session.
    ContentChanged,
    /// The content pointed at something that is not there (the flow is the detail).
    ContentInvalid,
    /// The solution offered did not help.
    ResolutionUnhelpful,
}

/// Why a person was offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OfferReason {
    /// The user said the help did not help.
    Unhelpful,
    /// The user came back to the same step again and again.
    Loop,
}

/// What a restored session did when it could not continue where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Recovery {
    /// It started its flow again.
    FlowRestarted,
    /// It handed over to a person.
    Escalated,
}

/// A step's kind as the user sees it (a resolution inside a called flow is a message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Text to read.
    Message,
    /// Options to choose from.
    Choice,
    /// A value to give.
    Input,
    /// An action the host performs.
    Action,
    /// The problem is solved.
    Resolution,
    /// A person takes over.
    Escalation,
    /// A branch on a condition (never shown).
    Check,
    /// A jump to or a call of another flow (never shown).
    Flow,
}

impl StepKind {
    /// The kind's name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Message => "message",
            StepKind::Choice => "choice",
            StepKind::Input => "input",
            StepKind::Action => "action",
            StepKind::Resolution => "resolution",
            StepKind::Escalation => "escalation",
            StepKind::Check => "check",
            StepKind::Flow => "flow",
        }
    }
}

/// Result of an in-app action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, crate::wire::WireNames)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionOutcome {
    /// It worked.
    Success,
    /// It failed.
    Failure,
    /// The user cancelled it.
    Cancelled,
}

/// What the help desk says of a handoff, as the host relays it
/// (the session's `desk_status` input); Bot Framework's `handoff.status` has the same
/// states, with `queued` added for desks that report the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, crate::wire::WireNames)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeskState {
    /// Waiting for a person, perhaps with a place in the queue.
    Queued,
    /// A person took the conversation.
    Accepted,
    /// The desk could not take it on this channel: the next route is offered.
    Failed,
    /// The person finished.
    Completed,
}

/// The kind of crisis phrase a text held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, crate::wire::WireNames)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CrisisKind {
    /// A plan or a method: jumping from a height, charcoal, pesticide, pills, hanging.
    Method,
    /// Hurting oneself.
    SelfHarm,
    /// Wanting to die or to kill oneself.
    Ideation,
    /// Saying goodbye for good, a last message.
    Farewell,
    /// Life without meaning or hope.
    Hopelessness,
    /// A keyword or pattern of the catalog's own `crisis` section.
    Catalog,
}

/// The id of an event outside a session: `<request>:<what>:<16 hex>`, the
/// context's `request` (an id the host gives each opening of help, unique like
/// a session id; `anon` without one), what the event is about, and a
/// fingerprint of the call (FNV-1a over the catalog, the time, the screen, the
/// question's length and the context's events). A retried duplicate keeps its
/// id; two resolves of one opening differ unless they are the same call in the
/// same second. Without a `request`, identical calls of different users in the
/// same second share an id, so hosts that count suggestions exactly pass one.
pub(crate) fn request_id(
    ctx: &crate::context::Context,
    catalog: &crate::content::CatalogMeta,
    now: i64,
    what: &str,
) -> String {
    let mut h = crate::id::Fnv1a::default();
    h.write(catalog.id.as_bytes());
    h.write(&[0]);
    h.write(catalog.version.as_bytes());
    h.write(&[0]);
    h.write(&now.to_le_bytes());
    h.write(ctx.screen().unwrap_or("").as_bytes());
    h.write(&[0]);
    h.write(&ctx.query().map_or(0, str::len).to_le_bytes());
    for e in ctx.events() {
        h.write(e.name.as_bytes());
        h.write(&[0]);
        h.write(&e.at.unwrap_or(0).to_le_bytes());
    }
    format!("{}:{what}:{:016x}", ctx.request().unwrap_or("anon"), h.finish())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::context::Context;

    fn meta() -> crate::content::CatalogMeta {
        serde_json::from_str(r#"{"id": "shop", "version": "7"}"#).unwrap()
    }

    fn id(ctx: &str, now: i64) -> String {
        request_id(&Context::from_json(ctx).unwrap(), &meta(), now, "suggested")
    }

    #[test]
    fn ids_outside_a_session_come_from_the_request_and_a_fingerprint() {
        let r = id(r#"{"request": "open-41"}"#, 5);
        assert!(r.starts_with("open-41:suggested:") && r.len() == "open-41:suggested:".len() + 16, "{r}");
        let a = id(r#"{"screen": "orders/detail", "events": [{"name": "pay_failed", "at": 3}]}"#, 5);
        assert!(a.starts_with("anon:suggested:"), "{a}");
        // The same call keeps its id; another screen, time or event history does not.
        assert_eq!(a, id(r#"{"screen": "orders/detail", "events": [{"name": "pay_failed", "at": 3}]}"#, 5));
        assert_ne!(a, id(r#"{"screen": "orders/list", "events": [{"name": "pay_failed", "at": 3}]}"#, 5));
        assert_ne!(a, id(r#"{"screen": "orders/detail", "events": [{"name": "pay_failed", "at": 3}]}"#, 6));
        assert_ne!(a, id(r#"{"screen": "orders/detail", "events": [{"name": "pay_failed", "at": 4}]}"#, 5));
        // Two resolves of one opening of help differ.
        assert_ne!(r, id(r#"{"request": "open-41", "screen": "orders/detail"}"#, 5));
        // The fingerprint never reads what the user typed, only its length.
        assert_eq!(id(r#"{"query": "lost my card"}"#, 5), id(r#"{"query": "lost my cat!"}"#, 5));
    }

    #[test]
    fn a_request_id_is_checked_like_a_session_id() {
        for bad in [r#"{"request": ""}"#, r#"{"request": 7}"#] {
            assert_eq!(Context::from_json(bad).unwrap_err().code(), "context.invalid", "{bad}");
        }
        let long = format!(r#"{{"request": "{}"}}"#, "r".repeat(129));
        assert_eq!(Context::from_json(&long).unwrap_err().code(), "context.invalid");
    }

    #[test]
    fn every_kind_serializes_with_its_wire_name() {
        let kinds = [
            EventKind::Started {},
            EventKind::Resolved {},
            EventKind::Back {},
            EventKind::Abandoned {},
            EventKind::Feedback { helpful: true },
            EventKind::NotHelpful { count: 2 },
            EventKind::HumanOffered { reason: OfferReason::Loop },
            EventKind::Recovered { recovery: Recovery::FlowRestarted },
            EventKind::StepViewed { kind: StepKind::Choice, visit: 1 },
        ];
        for kind in kinds {
            let e = Event::new(kind.clone(), 9, &meta());
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["type"], kind.name(), "{v}");
            assert_eq!(v["catalog"], "shop");
            assert_eq!(v["catalog_version"], "7");
            assert!(v.get("session").is_none() && v.get("host").is_none(), "{v}");
        }
    }
}
