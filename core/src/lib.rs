//! # inscene: in-scene self-service help, portable core
//!
//! Content teams author solution flows as JSON ([`content`]); the core lints and
//! compiles them into an immutable [`Catalog`], resolves the user's in-product
//! context into ranked flows, runs a flow as a session and escalates to a human
//! with a handoff packet. The core is plain Rust: no FFI, no I/O, no clocks, no
//! global state. Platform facades live in other crates.
//!
//! ```
//! let report = inscene::lint::lint("{}");
//! assert!(report.has_errors());
//! ```

pub mod catalog;
pub mod condition;
pub mod content;
pub mod context;
pub mod crisis;
pub mod error;
pub mod escalation;
pub mod events;
pub mod fold;
pub mod handoff;
pub mod i18n;
pub mod id;
pub mod intent;
pub mod limits;
pub mod lint;
pub mod logic;
mod order;
pub mod pack;
pub mod redact;
pub mod resolve;
pub mod session;
mod syntax;
pub mod text;
mod wire;

pub use catalog::Catalog;
pub use error::{Code, Diagnostic, Error, Result, Severity};
pub use limits::Limits;
pub use lint::{LintReport, lint, lint_for_host, lint_with};
