//! Errors and diagnostics.
//!
//! Content problems are [`Diagnostic`]s: a stable [`Code`], a severity, a human
//! message without personal data, and an RFC 6901 JSON pointer to the offending
//! place. API calls fail with [`Error`], whose [`Error::code`] is just as stable.

use std::fmt;

use serde::{Serialize, Serializer};

/// Result type of the core API.
pub type Result<T, E = Error> = std::result::Result<T, E>;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, )*) => {
        /// Stable machine-readable code of a content diagnostic. Codes are never
        /// renamed; hosts and CI may match on [`Code::as_str`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable text of the code, e.g. `content.dangling_next`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }
        }
    };
}

codes! {
    /// The content is larger than the configured limit.
    TooLarge = "content.too_large",
    /// The content is not valid JSON.
    InvalidJson = "content.invalid_json",
    /// `schema_version` is missing, malformed or of an unsupported major version.
    UnsupportedVersion = "content.unsupported_version",
    /// A value has the wrong shape or type, or a required field is missing.
    Schema = "content.schema",
    /// A field this version does not know; tolerated, but often a typo.
    UnknownField = "content.unknown_field",
    /// A count, length or depth limit is exceeded.
    LimitExceeded = "content.limit_exceeded",
    /// A number is out of its allowed range.
    OutOfRange = "content.out_of_range",
    /// An id is empty, too long or uses characters outside `A-Z a-z 0-9 _ . -`.
    InvalidId = "content.invalid_id",
    /// Two items of the same kind share an id.
    DuplicateId = "content.duplicate_id",
    /// The locale configuration is inconsistent (default not supported, bad tag, unknown fallback).
    InvalidLocale = "content.invalid_locale",
    /// A text is written in a locale the catalog does not declare.
    UndeclaredLocale = "content.undeclared_locale",
    /// A text lacks the catalog's default locale, so some users would see nothing.
    MissingDefaultText = "content.missing_default_text",
    /// A text lacks one of the declared locales (the fallback chain is used).
    MissingTranslation = "content.missing_translation",
    /// A step points to a step that does not exist in its flow.
    DanglingNext = "content.dangling_next",
    /// A reference names a flow that does not exist.
    DanglingFlow = "content.dangling_flow",
    /// A step can never be reached from the flow's start.
    UnreachableStep = "content.unreachable_step",
    /// A step that is not an outcome has no way on.
    DeadEnd = "content.dead_end",
    /// Steps form a cycle that nothing leads out of.
    CycleNoExit = "content.cycle_no_exit",
    /// No resolution or human escalation can be reached from the flow's start.
    NoOutcome = "content.no_outcome",
    /// Flows call each other in a cycle, which would never return.
    RecursiveFlow = "content.recursive_flow",
    /// A flow has no steps.
    EmptyFlow = "content.empty_flow",
    /// A flow is not used by any scenario, intervention or flow step.
    UnusedFlow = "content.unused_flow",
    /// A scenario has no triggers and no examples, so it can only be started by id.
    NoTriggers = "content.no_triggers",
    /// The same example (as folded) is written under two scenarios.
    DuplicateExample = "content.duplicate_example",
    /// Typed as a question, an example finds another scenario than its own.
    ExampleMisranked = "content.example_misranked",
    /// An action step or intervention hold names an action the host does not
    /// perform (`inscene lint --host-actions`).
    HostActionMissing = "content.host_action_missing",
    /// A step or intervention names an action the catalog does not declare.
    UnknownAction = "content.unknown_action",
    /// A required action parameter is not supplied.
    MissingActionParam = "content.missing_action_param",
    /// An action parameter the action does not declare.
    UnknownActionParam = "content.unknown_action_param",
    /// A regular expression does not compile or breaks the regex limits.
    InvalidRegex = "content.invalid_regex",
    /// A `\b` stands next to a non-ASCII character; word boundaries are ASCII.
    RegexBoundaryNonAscii = "content.regex_boundary_non_ascii",
    /// A trigger or crisis pattern has no literal text it must contain, so it
    /// runs on every question (and only so many of them are allowed).
    RegexNoLiteral = "content.regex_no_literal",
    /// A JsonLogic rule is not valid.
    InvalidCondition = "content.invalid_condition",
    /// A JsonLogic rule does more work than the evaluation budget allows even
    /// on empty data (exponential output, deeply nested iteration); it would never hold.
    RuleTooCostly = "content.rule_too_costly",
    /// A JsonLogic `var` names no known context field.
    UnknownVariable = "content.unknown_variable",
    /// A text has a malformed placeholder (unclosed `{`, stray `}`, bad name).
    InvalidPlaceholder = "content.invalid_placeholder",
    /// A placeholder names no context field declared in the catalog's context schema.
    UnknownPlaceholder = "content.unknown_placeholder",
    /// The catalog has no `crisis` section: the built-in lexicon screens, with generic resources.
    NoCrisisScreening = "content.no_crisis_screening",
    /// The catalog turned the built-in crisis lexicon off.
    CrisisBuiltinOff = "content.crisis_builtin_off",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The catalog cannot be loaded.
    Error,
    /// The catalog loads, but something is probably wrong.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A finding about content: what, how bad, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// Human-readable explanation; never contains user data.
    pub message: String,
    /// RFC 6901 JSON pointer to the offending value (`""` is the whole document).
    pub path: String,
    /// 1-based line and column, where known (JSON syntax errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<(usize, usize)>,
}

impl Diagnostic {
    /// A finding of `code` at `path`, with no position yet.
    pub(crate) fn at(code: Code, severity: Severity, path: &Pointer, message: impl Into<String>) -> Self {
        Diagnostic { code, severity, message: message.into(), path: path.as_str().to_owned(), position: None }
    }

    /// Whether this diagnostic blocks loading.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "/" } else { &self.path };
        write!(f, "{} {} at {}: {}", self.severity, self.code, path, self.message)
    }
}

/// An RFC 6901 JSON pointer under construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    /// The pointer to the whole document.
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// The pointer to member `key` of the value this pointer names.
    pub fn key(&self, key: &str) -> Self {
        let mut s = String::with_capacity(self.0.len() + key.len() + 1);
        s.push_str(&self.0);
        s.push('/');
        for c in key.chars() {
            match c {
                '~' => s.push_str("~0"),
                '/' => s.push_str("~1"),
                c => s.push(c),
            }
        }
        Pointer(s)
    }

    /// The pointer to element `index` of the array this pointer names.
    pub fn index(&self, index: usize) -> Self {
        Pointer(format!("{}/{}", self.0, index))
    }

    /// The pointer as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A JSON pointer built on the stack without allocating, rendered to text
/// only when a diagnostic needs it. Linting a large catalog builds one for
/// every value it visits, so this keeps the happy path allocation-free.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    /// The whole document.
    Root,
    /// Member `1` of the value at `0`.
    Key(&'a Path<'a>, &'a str),
    /// Element `1` of the array at `0`.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// Member `key` of this value.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// Element `index` of this array.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// The pointer as owned text.
    pub fn to_pointer(&self) -> Pointer {
        match self {
            Path::Root => Pointer::root(),
            Path::Key(parent, k) => parent.to_pointer().key(k),
            Path::Index(parent, i) => parent.to_pointer().index(*i),
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.to_pointer().as_str())
    }
}

/// Errors of the core API.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The content cannot be loaded; `diagnostics` lists every problem found (errors first).
    #[error("{}", content_summary(.diagnostics))]
    InvalidContent {
        /// Every finding, errors first.
        diagnostics: Vec<Diagnostic>,
    },
    /// The context the host sent is malformed or too large.
    #[error("invalid context at `{field}`: {message}")]
    InvalidContext {
        /// Dotted path of the offending field (`""` for the whole context).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// No scenario (or flow) with this id in the catalog.
    #[error("no scenario `{id}` in the catalog")]
    UnknownScenario {
        /// The id asked for.
        id: String,
    },
    /// The input cannot be taken: it does not fit the current step (e.g. an
    /// option id on an input step), or a host argument is not what it should be; state is unchanged.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What was expected.
        message: String,
    },
    /// The user's value failed the step's validation; state is unchanged and the step's error text applies.
    #[error("value rejected: {message}")]
    InputRejected {
        /// Why, without repeating the value.
        message: String,
    },
    /// The session has ended (resolved, escalated or abandoned); only feedback is accepted.
    #[error("the session has ended")]
    SessionEnded,
    /// A snapshot cannot be restored.
    #[error("cannot restore snapshot: {message}")]
    InvalidSnapshot {
        /// Why.
        message: String,
    },
    /// The session is already handling a call: a host callback (an analytics
    /// hook, an action) called back into it. Nothing changed; call again after.
    #[error("the session is already handling a call")]
    Busy,
    /// The SDK could not hand a result over (it could not be written as JSON
    /// for the host); a defect to report, never caused by the input.
    #[error("internal error: {message}")]
    Internal {
        /// What failed.
        message: String,
    },
    /// A content pack is refused (see [`crate::pack`]); the host keeps what it had.
    #[error("{}: {message}", code.as_str())]
    Pack {
        /// Why.
        code: PackCode,
        /// What went wrong, for a person.
        message: String,
        /// For `pack.invalid` by the catalog inside: its content diagnostics.
        diagnostics: Vec<Diagnostic>,
    },
}

/// An argument a host hands the SDK. A facade that finds one of the wrong type
/// (a number where the catalog's text goes, bytes that are not a `Uint8Array`)
/// reports it with [`Error::bad_argument`], so the code is the core's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Argument {
    /// The catalog's JSON text or bytes: `content.invalid_json`.
    Catalog,
    /// A context, or a host event: `context.invalid`.
    Context,
    /// A session input, a start request, action data, a host action list: `session.invalid_input`.
    Input,
    /// A snapshot: `session.invalid_snapshot`.
    Snapshot,
    /// A content pack's bytes: `pack.invalid`.
    Pack,
    /// The trusted public keys of packs: `pack.unknown_key`.
    TrustedKeys,
}

fn content_summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    match diagnostics.iter().find(|d| d.is_error()) {
        Some(first) => format!("content has {errors} error(s); first: {first}"),
        None => "content is invalid".to_owned(),
    }
}

impl Error {
    /// The error for an `argument` a host handed over that cannot be read.
    ///
    /// ```
    /// use inscene::error::{Argument, Error};
    /// assert_eq!(Error::bad_argument(Argument::Input, "not a session input").code(), "session.invalid_input");
    /// assert_eq!(Error::bad_argument(Argument::Catalog, "must be a string").code(), "content.invalid_json");
    /// ```
    pub fn bad_argument(argument: Argument, message: impl Into<String>) -> Error {
        let message = message.into();
        match argument {
            Argument::Catalog => Error::InvalidContent {
                diagnostics: vec![Diagnostic::at(Code::InvalidJson, Severity::Error, &Pointer::root(), message)],
            },
            Argument::Context => Error::InvalidContext { field: String::new(), message },
            Argument::Input => Error::InvalidInput { message },
            Argument::Snapshot => Error::InvalidSnapshot { message },
            Argument::Pack => Error::Pack { code: PackCode::Invalid, message, diagnostics: Vec::new() },
            Argument::TrustedKeys => Error::Pack { code: PackCode::UnknownKey, message, diagnostics: Vec::new() },
        }
    }

    /// Stable code of the error. For invalid content it is the code of the
    /// first error diagnostic, so a single broken reference reads as
    /// `content.dangling_next`, not as a generic failure.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidContent { diagnostics } => {
                diagnostics.iter().find(|d| d.is_error()).map_or("content.invalid", |d| d.code.as_str())
            }
            Error::InvalidContext { .. } => "context.invalid",
            Error::UnknownScenario { .. } => "session.unknown_scenario",
            Error::InvalidInput { .. } => "session.invalid_input",
            Error::InputRejected { .. } => "session.input_rejected",
            Error::SessionEnded => "session.ended",
            Error::InvalidSnapshot { .. } => "session.invalid_snapshot",
            Error::Busy => "session.busy",
            Error::Internal { .. } => "internal",
            Error::Pack { code, .. } => code.as_str(),
        }
    }

    /// JSON pointer to the offending content, where content is at fault.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::InvalidContent { diagnostics } | Error::Pack { diagnostics, .. } => {
                diagnostics.iter().find(|d| d.is_error()).map(|d| d.path.as_str())
            }
            _ => None,
        }
    }
}

/// Why a pack is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PackCode {
    /// Not a pack of this format, or its catalog does not load.
    Invalid,
    /// Signed by no key the app trusts.
    UnknownKey,
    /// The signature does not match the bytes.
    BadSignature,
    /// Not newer than the installed pack.
    Rollback,
    /// Past its expiry.
    Expired,
    /// Not for this SDK version.
    SdkVersion,
    /// This user is not in the pack's rollout.
    NotInRollout,
}

impl PackCode {
    /// The stable code, e.g. `pack.bad_signature`.
    pub fn as_str(self) -> &'static str {
        match self {
            PackCode::Invalid => "pack.invalid",
            PackCode::UnknownKey => "pack.unknown_key",
            PackCode::BadSignature => "pack.bad_signature",
            PackCode::Rollback => "pack.rollback",
            PackCode::Expired => "pack.expired",
            PackCode::SdkVersion => "pack.sdk_version",
            PackCode::NotInRollout => "pack.not_in_rollout",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_tilde_and_slash() {
        let p = Pointer::root().key("flows").index(2).key("a/b~c");
        assert_eq!(p.as_str(), "/flows/2/a~1b~0c");
    }

    #[test]
    fn paths_render_like_pointers() {
        let root = Path::Root;
        let flows = root.key("flows");
        let flow = flows.index(2);
        assert_eq!(flow.key("a/b~c").to_string(), "/flows/2/a~1b~0c");
        assert_eq!(Path::Root.to_string(), "");
    }

    #[test]
    fn codes_are_unique_and_namespaced() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(code.as_str().starts_with("content."), "{code}");
            assert!(seen.insert(code.as_str()), "duplicate {code}");
        }
    }
}
