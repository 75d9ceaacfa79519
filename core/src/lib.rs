//! # inscene: in-scene self-service help, portable core
//!
//! Content teams author solution flows as JSON ([`content`]); the core lints and
//! compiles them into an immutable [`Catalog`], resolves the user's in-product
//! context into ranked flows, runs a flow as a session and escalates to a human
//! with a handoff packet. The core is plain Rust: no FFI, no I/O, no clocks, no
//! global state. Platform facades live in other crates.
//!
//! Embedding, as a host app does it (the README shows the same lines; a test
//! keeps them equal). Every call that moves a session returns an
//! [`session::Output`]: analytics events to forward and [`session::Effect`]s to
//! carry out, each once. The host draws the view and runs this one loop.
//!
//! ```
//! # fn main() -> inscene::Result<()> {
//! # let json = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../content/sample-shop.json")).unwrap();
//! # let context_json = r#"{"locale": "en", "screen": "orders/detail", "query": "my order disappeared"}"#;
//! # let forwarded = std::cell::Cell::new(0);
//! # let forward = |_: inscene::events::Event| forwarded.set(forwarded.get() + 1);
//! # let perform = |_: &inscene::escalation::ActionRequest| inscene::session::ActionOutcome::Failure;
//! # let send_to_desk = |_: &inscene::handoff::HandoffPacket| {};
//! # let show_now = |_: &str| {};
//! use inscene::session::{Effect, Input, Session, StartRequest};
//! use inscene::{Catalog, context::Context, resolve::resolve};
//!
//! let catalog = Catalog::from_json(&json)?;                   // once; immutable, Send + Sync
//! let ctx = Context::from_json(context_json)?;                // what the host knows now
//! let now = 1_795_000_000;                                    // the host's clock, in seconds
//! let found = resolve(&catalog, &ctx, now, &Default::default()); // ranked, with reasons; crisis screened
//! let request = StartRequest::for_scenario("s-1", found.suggestions[0].scenario.clone());
//! let (mut session, mut out) = Session::start(&catalog, &ctx, &request, now)?;
//! loop {
//!     out.events.into_iter().for_each(forward);               // analytics: ids and codes, no personal data
//!     let mut input = None;
//!     for effect in out.effects {
//!         match effect {
//!             Effect::PerformAction { request, .. } => {
//!                 input = Some(Input::ActionResult { outcome: perform(&request), data: None })
//!             }
//!             Effect::ShowCrisis { resources, .. } => show_now(&resources),
//!             Effect::HandOff { packet } => send_to_desk(&packet), // redacted, once
//!         }
//!     }
//!     let view = session.view(&catalog, &ctx, now);           // plain text, options, the human offer
//!     let Some(input) = input.or_else(|| (view.kind == "message").then_some(Input::Next)) else { break };
//!     out = session.apply(&catalog, &ctx, &input, now)?;      // the user's answer; errors leave it unchanged
//! }
//! let saved = session.snapshot();                             // plain JSON; Session::restore(&catalog, &ctx, &saved, now)
//! # assert!(forwarded.get() >= 3, "started, steps viewed");
//! # assert!(session.state().path.len() >= 2, "the loop went on past the first step");
//! # let _ = saved;
//! # Ok(())
//! # }
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
mod source;
mod syntax;
pub mod text;
mod wire;

pub use catalog::Catalog;
pub use error::{Code, Diagnostic, Error, Result, Severity};
pub use limits::Limits;
pub use lint::{LintReport, lint, lint_for_host, lint_with};
