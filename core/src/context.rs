//! The context model: what the host app tells the SDK about the user's situation.
//!
//! A context is one JSON object (version 1):
//!
//! ```json
//! {
//!   "context_version": 1,
//!   "locale": "zh-Hans", "languages": ["zh-Hans", "en"],
//!   "platform": "android", "app_version": "8.2.0",
//!   "screen": "orders/detail",
//!   "timezone_offset_minutes": 480,
//!   "events": [{ "name": "login_failed", "at": 1795000000, "data": { "code": "1004" } }],
//!   "entities": { "order": { "id": "20261122001", "status": "deleted" } },
//!   "user": { "segments": ["elderly"], "age_band": "70+", "vip_tier": 0, "account_status": "active" },
//!   "risk": { "fraud_score": 0.12 },
//!   "query": "my order disappeared"
//! }
//! ```
//!
//! Every field is optional. Unknown fields are kept and visible to conditions.
//! Content may reference the built-in fields below without declaring them; any
//! other field (entities, user attributes, risk scores) must be declared in the
//! catalog's `context.fields`. Time is never read from a clock: callers pass
//! `now` (seconds since the Unix epoch) and the core derives `now` and `today`.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Version of the context model this crate reads.
pub const CONTEXT_VERSION: u64 = 1;

/// Built-in context fields every host may send, by dotted path.
pub const BUILTIN_FIELDS: &[&str] = &[
    "locale",
    "languages",
    "platform",
    "app_version",
    "screen",
    "query",
    "now",
    "today",
    "timezone_offset_minutes",
    "events",
    "user.segments",
];

/// Built-in fields that hold lists or objects, whose elements may be addressed (`events.0.name`).
pub const BUILTIN_CONTAINERS: &[&str] = &["languages", "events", "user.segments"];

/// Root under which a session stores the user's answers (`answers.order_number`).
pub const ANSWERS_ROOT: &str = "answers";

/// Root under which an intervention's triggering event is visible (`event.data.amount`).
pub const EVENT_ROOT: &str = "event";

/// Bounds on what a host may send, so a runaway host cannot stall the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextLimits {
    /// Largest context JSON, in bytes.
    pub max_bytes: usize,
    /// Most recent events considered.
    pub max_events: usize,
    /// Longest free-text query, in characters.
    pub max_query_chars: usize,
    /// Longest `screen`, in bytes: routes are matched segment by segment.
    pub max_screen_bytes: usize,
}

impl Default for ContextLimits {
    fn default() -> Self {
        ContextLimits { max_bytes: 256 * 1024, max_events: 200, max_query_chars: 2_000, max_screen_bytes: 2_048 }
    }
}

/// A recent event the host reports.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextEvent {
    /// Event name, e.g. `login_failed`.
    pub name: String,
    /// When it happened, seconds since the Unix epoch, if known.
    pub at: Option<i64>,
    /// The event's `data.code` as text, if any (error codes are compared as text).
    pub code: Option<String>,
}

/// What the host's desk says of one channel now (the context's
/// `desk.channels.<channel>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChannelState {
    /// Whether a person answers on it now.
    pub open: bool,
    /// Estimated wait until a person answers, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_seconds: Option<u64>,
    /// People waiting ahead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_length: Option<u64>,
}

/// A validated context.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    raw: Map<String, Value>,
    events: Vec<ContextEvent>,
    desk: std::collections::BTreeMap<crate::content::Channel, ChannelState>,
}

/// Reads `desk`: `{"channels": {"chat": {"open": true, "wait_seconds": 120,
/// "queue_length": 4}, ...}}`.
fn desk_channels(desk: Option<&Value>) -> Result<std::collections::BTreeMap<crate::content::Channel, ChannelState>> {
    use crate::content::Channel;
    let mut out = std::collections::BTreeMap::new();
    let Some(desk) = desk.filter(|d| !d.is_null()) else { return Ok(out) };
    let Some(channels) = desk.as_object().map(|d| d.get("channels")) else {
        return Err(invalid("desk", "must be an object"));
    };
    let Some(channels) = channels.filter(|c| !c.is_null()) else { return Ok(out) };
    let Value::Object(channels) = channels else {
        return Err(invalid("desk.channels", "must be an object of channels"));
    };
    for (name, state) in channels {
        let field = format!("desk.channels.{name}");
        let channel = match name.as_str() {
            "chat" => Channel::Chat,
            "voice" => Channel::Voice,
            "video" => Channel::Video,
            "callback" => Channel::Callback,
            "ticket" => Channel::Ticket,
            _ => return Err(invalid(&field, "is not a channel: chat, voice, video, callback or ticket")),
        };
        let Value::Object(state) = state else { return Err(invalid(&field, "must be an object")) };
        let open = match state.get("open") {
            Some(Value::Bool(b)) => *b,
            _ => return Err(invalid(&format!("{field}.open"), "must be true or false")),
        };
        let count = |key: &str| -> Result<Option<u64>> {
            match state.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_u64()
                    .map(Some)
                    .ok_or_else(|| invalid(&format!("{field}.{key}"), "must be a whole number, 0 or more")),
            }
        };
        let wait_seconds = count("wait_seconds")?;
        let queue_length = count("queue_length")?;
        out.insert(channel, ChannelState { open, wait_seconds, queue_length });
    }
    Ok(out)
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::InvalidContext { field: field.to_owned(), message: message.into() }
}

impl Context {
    /// Parses and validates a context with the default limits.
    ///
    /// ```
    /// let ctx = inscene::context::Context::from_json(r#"{"screen": "orders", "query": "where is my order"}"#).unwrap();
    /// assert_eq!(ctx.screen(), Some("orders"));
    /// let err = inscene::context::Context::from_json(r#"{"screen": 5}"#).unwrap_err();
    /// assert_eq!(err.code(), "context.invalid");
    /// ```
    pub fn from_json(json: &str) -> Result<Context> {
        Self::from_json_with(json, &ContextLimits::default())
    }

    /// Parses and validates a context with the given limits.
    pub fn from_json_with(json: &str, limits: &ContextLimits) -> Result<Context> {
        if json.len() > limits.max_bytes {
            return Err(invalid("", format!("context is {} bytes; the limit is {}", json.len(), limits.max_bytes)));
        }
        let value: Value = serde_json::from_str(json).map_err(|e| invalid("", format!("not valid JSON: {e}")))?;
        Self::from_value(value, limits)
    }

    /// Validates a context already parsed as JSON.
    pub fn from_value(value: Value, limits: &ContextLimits) -> Result<Context> {
        let Value::Object(mut raw) = value else {
            return Err(invalid("", "a context must be a JSON object"));
        };
        if let Some(v) = raw.get("context_version") {
            match v.as_u64() {
                Some(CONTEXT_VERSION) => {}
                _ => {
                    return Err(invalid(
                        "context_version",
                        format!("this SDK reads context_version {CONTEXT_VERSION}"),
                    ));
                }
            }
        }
        for field in ["locale", "platform", "app_version", "screen", "query", "request"] {
            if let Some(v) = raw.get(field) {
                if !v.is_string() && !v.is_null() {
                    return Err(invalid(field, "must be a string"));
                }
            }
        }
        for field in ["entities", "user", "risk"] {
            if let Some(v) = raw.get(field) {
                if !v.is_object() && !v.is_null() {
                    return Err(invalid(field, "must be an object"));
                }
            }
        }
        if let Some(v) = raw.get("timezone_offset_minutes") {
            if !v.as_i64().is_some_and(|m| (-1440..=1440).contains(&m)) {
                return Err(invalid("timezone_offset_minutes", "must be a whole number of minutes within a day"));
            }
        }
        for field in ["languages", "user.segments"] {
            let v = match field {
                "languages" => raw.get("languages"),
                _ => raw.get("user").and_then(|u| u.get("segments")),
            };
            if let Some(v) = v {
                if !v.as_array().is_some_and(|a| a.iter().all(Value::is_string)) {
                    return Err(invalid(field, "must be a list of strings"));
                }
            }
        }
        if let Some(Value::String(screen)) = raw.get("screen") {
            if screen.len() > limits.max_screen_bytes {
                return Err(invalid(
                    "screen",
                    format!("screen is {} bytes; the limit is {}", screen.len(), limits.max_screen_bytes),
                ));
            }
        }
        if let Some(Value::String(r)) = raw.get("request") {
            if r.is_empty() || r.len() > 128 {
                return Err(invalid("request", "a request id must be 1 to 128 bytes"));
            }
        }
        if let Some(Value::String(q)) = raw.get("query") {
            let chars = q.chars().count();
            if chars > limits.max_query_chars {
                return Err(invalid(
                    "query",
                    format!("query has {chars} characters; the limit is {}", limits.max_query_chars),
                ));
            }
        }
        // Events: keep the newest `max_events`, validated.
        let mut events = Vec::new();
        if let Some(v) = raw.get_mut("events") {
            let Value::Array(list) = v else {
                return Err(invalid("events", "must be a list of events"));
            };
            if list.len() > limits.max_events {
                let excess = list.len() - limits.max_events;
                list.drain(..excess);
            }
            for (i, e) in list.iter().enumerate() {
                let name = e
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| invalid(&format!("events.{i}.name"), "every event needs a name"))?;
                let at =
                    match e.get("at") {
                        None | Some(Value::Null) => None,
                        Some(v) => Some(v.as_i64().ok_or_else(|| {
                            invalid(&format!("events.{i}.at"), "must be seconds since the Unix epoch")
                        })?),
                    };
                let code = match e.get("data").and_then(|d| d.get("code")) {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                events.push(ContextEvent { name: name.to_owned(), at, code });
            }
        }
        let desk = desk_channels(raw.get("desk"))?;
        Ok(Context { raw, events, desk })
    }

    /// What the host's desk says of each channel now (`desk.channels`); a
    /// channel not named is not known to be closed.
    pub fn desk(&self) -> &std::collections::BTreeMap<crate::content::Channel, ChannelState> {
        &self.desk
    }

    /// The context as JSON, as the host sent it (after trimming old events).
    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }

    fn str_field(&self, field: &str) -> Option<&str> {
        self.raw.get(field).and_then(Value::as_str)
    }

    /// Current screen or route.
    pub fn screen(&self) -> Option<&str> {
        self.str_field("screen")
    }

    /// The user's free-text question.
    pub fn query(&self) -> Option<&str> {
        self.str_field("query").filter(|q| !q.trim().is_empty())
    }

    /// The host's id for this opening of help (`request`), if given: events
    /// outside a session take their ids from it.
    pub fn request(&self) -> Option<&str> {
        self.str_field("request")
    }

    /// Preferred locale.
    pub fn locale(&self) -> Option<&str> {
        self.str_field("locale")
    }

    /// Preferred languages, best first (the locale first if given).
    pub fn languages(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.locale().into_iter().collect();
        if let Some(Value::Array(list)) = self.raw.get("languages") {
            out.extend(list.iter().filter_map(Value::as_str).filter(|l| !out.contains(l)).collect::<Vec<_>>());
        }
        out
    }

    /// User segments such as `elderly` or `vip_gold`.
    pub fn segments(&self) -> Vec<&str> {
        match self.raw.get("user").and_then(|u| u.get("segments")) {
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// Recent events, oldest first.
    pub fn events(&self) -> &[ContextEvent] {
        &self.events
    }

    /// Offset of the user's local time from UTC, in minutes.
    pub fn timezone_offset_minutes(&self) -> i64 {
        self.raw.get("timezone_offset_minutes").and_then(Value::as_i64).unwrap_or(0)
    }

    /// The value at a dotted path (`entities.order.id`), if present.
    pub fn get(&self, path: &str) -> Option<&Value> {
        match path.split_once('.') {
            None => self.raw.get(path),
            Some((first, rest)) => crate::wire::dotted(self.raw.get(first)?, rest),
        }
    }

    /// The data conditions see: the context plus `now`, `today` and `answers`.
    pub fn evaluation_data(&self, now: i64, answers: &Map<String, Value>) -> Value {
        let mut data = self.raw.clone();
        data.extend(self.evaluation_extras(now, answers));
        Value::Object(data)
    }

    /// What [`Self::evaluation_data`] adds to the context (`now`, `today`
    /// and the answers), to read laid over [`Self::raw`] without a copy of
    /// it ([`crate::condition::Evaluator::scope_layered`]).
    pub fn evaluation_extras(&self, now: i64, answers: &Map<String, Value>) -> Map<String, Value> {
        let mut extras = Map::new();
        extras.insert("now".into(), now.into());
        extras.insert("today".into(), local_date(now, self.timezone_offset_minutes()).into());
        extras.insert(ANSWERS_ROOT.into(), Value::Object(answers.clone()));
        extras
    }
}

/// The local calendar date `YYYY-MM-DD` of a Unix time at a UTC offset.
pub fn local_date(unix_seconds: i64, offset_minutes: i64) -> String {
    let local = unix_seconds.saturating_add(offset_minutes.saturating_mul(60));
    let days = local.div_euclid(86_400);
    // Howard Hinnant's civil-from-days algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_dates() {
        assert_eq!(local_date(0, 0), "1970-01-01");
        assert_eq!(local_date(1_795_478_400, 0), "2026-11-24");
        // 23:30 UTC on 2026-11-23 is already the 24th in UTC+8.
        assert_eq!(local_date(1_795_478_400 - 1_800, 480), "2026-11-24");
        assert_eq!(local_date(1_795_478_400 - 1_800, 0), "2026-11-23");
        assert_eq!(local_date(951_782_400, 0), "2000-02-29");
    }

    #[test]
    fn rejects_wrong_types_with_the_field_named() {
        for (json, field) in [
            (r#"[]"#, ""),
            (r#"{"screen": 1}"#, "screen"),
            (r#"{"user": {"segments": "elderly"}}"#, "user.segments"),
            (r#"{"events": [{"at": 1}]}"#, "events.0.name"),
            (r#"{"context_version": 2}"#, "context_version"),
            (r#"{"timezone_offset_minutes": 99999}"#, "timezone_offset_minutes"),
        ] {
            match Context::from_json(json) {
                Err(Error::InvalidContext { field: f, .. }) => assert_eq!(f, field, "{json}"),
                other => panic!("{json}: {other:?}"),
            }
        }
    }

    #[test]
    fn keeps_unknown_fields_and_newest_events() {
        let limits = ContextLimits { max_events: 2, ..ContextLimits::default() };
        let ctx = Context::from_json_with(
            r#"{"custom": {"x": 1}, "events": [{"name": "a"}, {"name": "b"}, {"name": "c", "data": {"code": 1004}}]}"#,
            &limits,
        )
        .unwrap();
        assert_eq!(ctx.get("custom.x"), Some(&Value::from(1)));
        let names: Vec<&str> = ctx.events().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["b", "c"]);
        assert_eq!(ctx.events()[1].code.as_deref(), Some("1004"));
    }

    #[test]
    fn oversized_query_is_rejected() {
        let json = format!(r#"{{"query": "{}"}}"#, "x".repeat(2_001));
        assert_eq!(Context::from_json(&json).unwrap_err().code(), "context.invalid");
    }
}

// The documented shape of a context, for the JSON Schema and the TypeScript
// types generated from it. Parsing is done by `Context::from_value`, which
// checks the same fields; a test keeps the two lists equal.
/// What the host app tells the SDK about the user's situation (context model
/// version 1). Every field is optional; unknown fields are kept and visible to
/// conditions; entities, user attributes and risk scores are those the content declares.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)] // a description, never built
#[cfg_attr(feature = "schema", schemars(rename = "Context"))]
pub struct ContextShape {
    /// Context model version; `1` when given.
    context_version: Option<u64>,
    /// The user's locale, e.g. `zh-Hans`.
    locale: Option<String>,
    /// The user's preferred languages, best first.
    languages: Option<Vec<String>>,
    /// `ios`, `android`, `web`, ...
    platform: Option<String>,
    /// The host app's version.
    app_version: Option<String>,
    /// Current screen route, e.g. `orders/detail`.
    screen: Option<String>,
    /// Free text the user typed.
    query: Option<String>,
    /// The host's id for this opening of help (1 to 128 bytes), unique like a
    /// session id: the `suggested` and `intervention` events take their `id`
    /// from it.
    request: Option<String>,
    /// The user's offset from UTC, in minutes (-1440..=1440).
    timezone_offset_minutes: Option<i32>,
    /// Recent events, oldest first (the newest 200 are kept).
    events: Option<Vec<ContextEventShape>>,
    /// Entities on screen (`order`, `charge`, `payment`, ...), as declared by the content.
    entities: Option<serde_json::Map<String, serde_json::Value>>,
    /// The user: `segments` plus attributes declared by the content.
    user: Option<UserShape>,
    /// Risk scores, as declared by the content.
    risk: Option<serde_json::Map<String, serde_json::Value>>,
    /// What the host's help desk can do now: escalations offer the open
    /// channels, or a call back or a ticket when every preferred one is closed.
    desk: Option<DeskShape>,
    /// Any other field is kept and visible to conditions.
    #[serde(flatten)]
    other: serde_json::Map<String, serde_json::Value>,
}

/// The help desk's availability in a context.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)] // a description, never built
#[cfg_attr(feature = "schema", schemars(rename = "DeskAvailability"))]
pub struct DeskShape {
    /// Per channel (`chat`, `voice`, `video`, `callback`, `ticket`): open now,
    /// the estimated wait and the queue's length. A channel not named is not
    /// known to be closed.
    channels: Option<std::collections::BTreeMap<crate::content::Channel, ChannelState>>,
}

/// A recent event in a context.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)] // a description, never built
#[cfg_attr(feature = "schema", schemars(rename = "ContextEvent"))]
pub struct ContextEventShape {
    /// Event name, e.g. `login_failed`.
    name: String,
    /// Seconds since the Unix epoch.
    at: Option<i64>,
    /// Event data; `data.code` is compared as text.
    data: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The user part of a context.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)] // a description, never built
#[cfg_attr(feature = "schema", schemars(rename = "User"))]
pub struct UserShape {
    /// Segments such as `elderly` or `vip`.
    segments: Option<Vec<String>>,
    /// Attributes declared by the content.
    #[serde(flatten)]
    other: serde_json::Map<String, serde_json::Value>,
}

/// A host event for proactive interventions (`on_event`).
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)] // a description, never built
#[cfg_attr(feature = "schema", schemars(rename = "HostEvent"))]
pub struct HostEventShape {
    /// Event name, e.g. `payment_submitted`.
    name: String,
    /// Event data, visible to conditions as `event.data`.
    data: Option<serde_json::Map<String, serde_json::Value>>,
}
