//! The handoff packet: everything an agent needs so the user repeats nothing.
//!
//! Versioned (`schema: "inscene.handoff.v1"`); its JSON Schema is generated
//! into `schema/inscene-handoff.v1.schema.json`. Personal data is redacted:
//! context fields the catalog declares as `pii` (their values wherever they
//! appear again too), and anything that looks like a phone number, payment card,
//! ID, social security or passport number, IBAN or email address in free text,
//! answers and action parameters; see [`crate::redact`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::content::{Channel, Priority, RiskLevel};

/// Identifier of this packet format.
pub const HANDOFF_SCHEMA: &str = "inscene.handoff.v1";

pub use crate::redact::{REDACTED, Redactor, pii_values};

/// A handoff packet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "inscene handoff packet v1"))]
pub struct HandoffPacket {
    /// Always `inscene.handoff.v1`.
    pub schema: String,
    /// Session id the host gave.
    pub session: String,
    /// When the handoff was made, seconds since the Unix epoch.
    pub created_at: i64,
    /// Catalog identity and content version.
    pub catalog: CatalogRef,
    /// Scenario the user started from, if any.
    pub scenario: Option<String>,
    /// Proactive intervention the user started from (e.g. a fraud warning), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention: Option<String>,
    /// Flow and step where the handoff happened (absent for a crisis before any flow).
    pub flow: Option<String>,
    /// Step id.
    pub step: Option<String>,
    /// Stable reason code: `content`, `user_request`, `unhelpful`, `loop`, `segment`, `risk`, `crisis`, `content_loop`, `content_changed`, `content_invalid`, `resolution_unhelpful`, or a step's own reason.
    pub reason: String,
    /// More about the reason (the step's reason code, the segment).
    pub reason_detail: Option<String>,
    /// Priority after segment, risk and urgency rules.
    pub priority: Priority,
    /// Channels, best first.
    pub channels: Vec<Channel>,
    /// Agent queue.
    pub queue: Option<String>,
    /// Language to serve the user in.
    pub language: String,
    /// The user's segment asks for a follow-up contact.
    pub follow_up: bool,
    /// Urgency rules that held.
    pub urgency: Vec<String>,
    /// Risk level of the scenario.
    pub risk: RiskLevel,
    /// Steps the user went through, in order.
    pub path: Vec<PathEntry>,
    /// Answers given, redacted.
    pub answers: Map<String, Value>,
    /// Actions the host performed and their results.
    pub actions: Vec<ActionRecord>,
    /// "This didn't help" count.
    pub unhelpful_count: u32,
    /// The context, redacted.
    pub context: Value,
    /// What was said, redacted.
    pub transcript: Vec<TranscriptLine>,
}

/// Catalog identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CatalogRef {
    /// Catalog id.
    pub id: String,
    /// Content version.
    pub version: String,
}

/// One step on the user's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PathEntry {
    /// Flow id.
    pub flow: String,
    /// Step id.
    pub step: String,
}

crate::wire::wire_struct!(PathEntry { req flow, req step });

/// An action performed by the host.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionRecord {
    /// Action id.
    pub action: String,
    /// Parameters it was asked with.
    pub params: Map<String, Value>,
    /// `success`, `failure` or `cancelled` as the host reported it, or
    /// `blocked`: the host does not perform this action, so it was never asked.
    pub result: String,
    /// When the result was reported.
    pub at: i64,
}

crate::wire::wire_struct!(ActionRecord { req action, req params, req result, req at });

/// Who said a transcript line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    /// The help content.
    Bot,
    /// The user.
    User,
    /// The app (action results, escalation notes).
    System,
}

crate::wire::wire_names!(Speaker { Bot = "bot", User = "user", System = "system" });

/// One line of the transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TranscriptLine {
    /// Who.
    pub speaker: Speaker,
    /// What, as plain text.
    pub text: String,
}

crate::wire::wire_struct!(TranscriptLine { req speaker, req text });
