//! Analytics events: plain data the engine emits and the host forwards.
//!
//! Every event has a `type` and `at` (the `now` the host passed); sessions add
//! `session`, `seq` (1, 2, ... over the session's life, across snapshots),
//! `id` (`<session>:<seq>`: a store drops a retried duplicate by it),
//! `catalog`, `catalog_version`, `scenario`, `flow` and `step`. Together they
//! are enough to compute deflection (resolved without a human) and per-step
//! drop-off. Types: `suggested`, `started`, `step_viewed`, `answered`,
//! `action_requested`, `action_result`, `not_helpful`, `human_offered`,
//! `escalated`, `handoff_status`, `resolved`, `abandoned`, `feedback`, `back`,
//! `intervention`, `recovered`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One analytics event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SessionEvent"))]
pub struct Event {
    /// Event type, e.g. `step_viewed`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Seconds since the Unix epoch, as passed by the host.
    pub at: i64,
    /// Everything else, flat.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

impl Event {
    /// An event of `kind` at time `at`.
    pub fn new(kind: &str, at: i64) -> Self {
        Event { kind: kind.to_owned(), at, fields: Map::new() }
    }

    /// Adds a field.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(key.to_owned(), value.into());
        self
    }

    /// A field's value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }
}
