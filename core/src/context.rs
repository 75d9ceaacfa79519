//! The context model: what the host app tells the SDK about the user's situation.
//!
//! Content may reference the built-in fields below without declaring them; any
//! other field (entities, user attributes, risk scores) must be declared in the
//! catalog's `context.fields` so that content can be checked against what hosts send.

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
