//! wasm-bindgen facade of the inscene core for browsers and Node.
//!
//! Thin by design: conversion and error mapping only; all behaviour lives in
//! `inscene`. Values cross the boundary as JSON text (`JSON.stringify` on the
//! way in, `JSON.parse` on the way out), so the shapes are exactly the core's
//! serde shapes, the same ones the golden vectors, the handoff schema and the
//! mobile bindings use. Every failure is thrown as an `Error` named
//! `InSceneError` with `code` (stable) and, where content is at fault, `path`
//! (a JSON pointer). No call panics on bad input.
//!
//! `now` is optional everywhere: the core never reads a clock, so when the
//! caller leaves it out the facade passes `Date.now()` in seconds.

use std::cell::RefCell;
use std::rc::Rc;

use inscene::context::Context;
use inscene::error::Argument;
use inscene::session::{Input, Session, StartRequest};
use js_sys::{Function, JSON, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
import type {
  Context, Effect, HostEvent, Intervention, Resolution, SessionEvent, SessionInput, StartRequest, StepView,
  HandoffPacket, LintFinding, ActionOutcome,
} from "./types.js";
export type * from "./types.js";

/** Every failure of the SDK. */
export interface InSceneError extends Error {
  name: "InSceneError";
  /** Stable machine-readable code, e.g. `content.dangling_next`, `session.invalid_input`. */
  code: string;
  /** RFC 6901 pointer into the content, when content is at fault. */
  path?: string;
}

// Overloads with the optional trailing arguments (wasm-bindgen types them as required).
export interface Catalog {
  startSession(request: StartRequest, context?: Context | string, now?: number | null,
    onEvent?: (event: SessionEvent) => void): Session;
  restoreSession(snapshot: string, context?: Context | string, now?: number | null,
    onEvent?: (event: SessionEvent) => void): Session;
}
export interface Session {
  actionResult(outcome: ActionOutcome, data?: unknown, now?: number | null): StepView;
}
"#;

/// Builds the error thrown to JS: an `Error` named `InSceneError` with `code` and `path`.
fn error(code: &str, message: &str, path: Option<&str>) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("InSceneError");
    let _ = Reflect::set(&e, &"code".into(), &code.into());
    if let Some(p) = path {
        let _ = Reflect::set(&e, &"path".into(), &p.into());
    }
    e.into()
}

fn core_error(e: &inscene::Error) -> JsValue {
    error(e.code(), &e.to_string(), e.path())
}

/// A host argument that cannot be read, with the core's code for it.
fn bad(argument: Argument, message: &str) -> JsValue {
    core_error(&inscene::Error::bad_argument(argument, message))
}

/// JSON text of a JS value: strings pass through, everything else is stringified.
fn json_text(value: &JsValue, argument: Argument, what: &str) -> Result<String, JsValue> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if value.is_undefined() || value.is_null() {
        return Ok("{}".to_owned());
    }
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| bad(argument, &format!("{what} cannot be written as JSON")))
}

/// A string argument, or a typed error naming what was expected. Strings
/// cross as JS values and are checked here: a non-string handed to a `&str`
/// parameter made the generated glue write out of bounds (a trap).
fn string_arg(value: &JsValue, argument: Argument, what: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| bad(argument, &format!("{what} must be a string")))
}

fn parse_context(value: &JsValue) -> Result<Context, JsValue> {
    let text = json_text(value, Argument::Context, "the context")?;
    Context::from_json(&text).map_err(|e| core_error(&e))
}

/// A JS value from anything serde can write.
fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text =
        serde_json::to_string(value).map_err(|e| core_error(&inscene::Error::Internal { message: e.to_string() }))?;
    JSON::parse(&text).map_err(|_| {
        core_error(&inscene::Error::Internal { message: "the SDK produced JSON the host could not read".into() })
    })
}

fn now_or_clock(now: Option<f64>) -> i64 {
    match now {
        Some(n) if n.is_finite() => n as i64,
        _ => (js_sys::Date::now() / 1000.0) as i64,
    }
}

/// Lints content JSON: every finding, errors first, with line and column.
#[wasm_bindgen(unchecked_return_type = "LintFinding[]")]
pub fn lint(
    #[wasm_bindgen(js_name = catalogJson, unchecked_param_type = "string")] catalog_json: JsValue,
) -> Result<JsValue, JsValue> {
    let text = string_arg(&catalog_json, Argument::Catalog, "the catalog")?;
    to_js(&inscene::lint::findings(&text))
}

/// A loaded content catalog. Load once and keep it; sessions share it.
#[wasm_bindgen]
pub struct Catalog {
    inner: Rc<inscene::Catalog>,
    /// The pack's sequence number, when the catalog came from a verified pack.
    pack_sequence: Option<u64>,
}

#[wasm_bindgen]
impl Catalog {
    /// Loads content JSON (a string). Flows are checked and compiled on first use;
    /// use `lint` in content CI for the full check. `hostActions`, when given, lists
    /// the in-app actions the page performs: an action step naming any other is never
    /// asked of it (recorded as blocked; the step takes its failure path).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = catalogJson, unchecked_param_type = "string")] catalog_json: JsValue,
        #[wasm_bindgen(js_name = hostActions, unchecked_optional_param_type = "string[]")] host_actions: Option<
            JsValue,
        >,
    ) -> Result<Catalog, JsValue> {
        let text = string_arg(&catalog_json, Argument::Catalog, "the catalog")?;
        let mut inner = inscene::Catalog::from_json(&text).map_err(|e| core_error(&e))?;
        if let Some(list) = host_actions.filter(|v| !v.is_undefined() && !v.is_null()) {
            let not_a_list = || bad(Argument::Input, "hostActions must be a list of action ids (strings)");
            // Through JSON, like every other structured argument: one reader for all.
            let text = if list.is_array() { json_text(&list, Argument::Input, "hostActions")? } else { String::new() };
            let ids: Vec<String> = serde_json::from_str(&text).map_err(|_| not_a_list())?;
            inner = inner.with_host_actions(ids);
        }
        Ok(Catalog { inner: Rc::new(inner), pack_sequence: None })
    }

    /// Loads content JSON from bytes, e.g. `new Uint8Array(await response.arrayBuffer())`
    /// (no decoding to a string first). Bytes that are not UTF-8 are a
    /// `content.invalid_json` error at the first bad byte.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(
        #[wasm_bindgen(js_name = catalogJson, unchecked_param_type = "Uint8Array")] catalog_json: JsValue,
    ) -> Result<Catalog, JsValue> {
        let bytes = catalog_json
            .dyn_into::<js_sys::Uint8Array>()
            .map_err(|_| bad(Argument::Catalog, "the catalog bytes must be a Uint8Array"))?
            .to_vec();
        let inner = inscene::Catalog::from_json_bytes(&bytes).map_err(|e| core_error(&e))?;
        Ok(Catalog { inner: Rc::new(inner), pack_sequence: None })
    }

    /// Verifies a signed content pack and loads its catalog strictly: the pack's
    /// bytes as downloaded, the trusted public keys (the text of each `pack.pub`;
    /// two while a key is rotated), the sequence number of the pack installed now
    /// (`packSequence` of the catalog in use), the user's rollout id and the time.
    /// A refusal throws a `pack.*` InSceneError: keep the catalog you have then.
    #[wasm_bindgen(js_name = fromPack)]
    pub fn from_pack(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] pack: JsValue,
        #[wasm_bindgen(js_name = trustedKeys, unchecked_param_type = "string[]")] trusted_keys: JsValue,
        #[wasm_bindgen(js_name = installedSequence)] installed_sequence: Option<f64>,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "string | null | undefined")] user_id: Option<JsValue>,
        now: Option<f64>,
    ) -> Result<Catalog, JsValue> {
        let bytes = pack
            .dyn_into::<js_sys::Uint8Array>()
            .map_err(|_| bad(Argument::Pack, "the pack must be a Uint8Array"))?
            .to_vec();
        let bad_keys = || bad(Argument::TrustedKeys, "trustedKeys must be a list of public keys (strings)");
        let text = if trusted_keys.is_array() {
            json_text(&trusted_keys, Argument::TrustedKeys, "trustedKeys")?
        } else {
            String::new()
        };
        let keys: Vec<String> = serde_json::from_str(&text).map_err(|_| bad_keys())?;
        let installed = match installed_sequence {
            Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Some(n as u64),
            Some(_) => {
                return Err(bad(Argument::Input, "installedSequence must be a whole number, 0 or more"));
            }
            None => None,
        };
        let user = match user_id.filter(|v| !v.is_undefined() && !v.is_null()) {
            Some(v) => Some(v.as_string().ok_or_else(|| bad(Argument::Input, "userId must be a string"))?),
            None => None,
        };
        let v = inscene::pack::verify_with_key_texts(
            &bytes,
            &keys,
            installed,
            env!("CARGO_PKG_VERSION"),
            now_or_clock(now),
            user.as_deref(),
        )
        .map_err(|e| core_error(&e))?;
        Ok(Catalog { inner: Rc::new(v.catalog), pack_sequence: Some(v.manifest.sequence) })
    }

    /// The pack's sequence number, when the catalog came from a pack: keep it
    /// beside the pack and give it as `installedSequence` next time.
    #[wasm_bindgen(getter, js_name = packSequence)]
    pub fn pack_sequence(&self) -> Option<f64> {
        self.pack_sequence.map(|s| s as f64)
    }

    /// Catalog id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.meta().id.clone()
    }

    /// Content version.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> String {
        self.inner.meta().version.clone()
    }

    /// Locales the content is written in (the default among them).
    #[wasm_bindgen(getter)]
    pub fn locales(&self) -> Vec<String> {
        self.inner.locales().supported.clone()
    }

    /// The locale used when nothing better is available.
    #[wasm_bindgen(getter, js_name = defaultLocale)]
    pub fn default_locale(&self) -> String {
        self.inner.locales().default.clone()
    }

    /// Builds now what is otherwise built on the first typed question (e.g. in an idle callback).
    pub fn prepare(&self) {
        self.inner.prepare();
    }

    /// `text` with personal data redacted as in handoff packets (phones, cards,
    /// IDs, IBANs, emails), for text the page logs or forwards itself.
    pub fn redact(&self, #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<String, JsValue> {
        Ok(self.inner.redact(&string_arg(&text, Argument::Input, "the text to redact")?))
    }

    /// Ranked, explained suggestions for a context. `now`: seconds since the epoch (default: the clock).
    #[wasm_bindgen(unchecked_return_type = "Resolution")]
    pub fn resolve(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
        now: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let ctx = parse_context(&context)?;
        let found = inscene::resolve::resolve(&self.inner, &ctx, now_or_clock(now), &Default::default());
        to_js(&found)
    }

    /// The proactive intervention for a host event (`{name, data}`), or `undefined`.
    #[wasm_bindgen(js_name = onEvent, unchecked_return_type = "Intervention | undefined")]
    pub fn on_event(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HostEvent")] event: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
        now: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let ctx = parse_context(&context)?;
        let text = json_text(&event, Argument::Context, "the event")?;
        match inscene::escalation::on_event_json(&self.inner, &ctx, &text, now_or_clock(now)) {
            Ok(Some(found)) => to_js(&found),
            Ok(None) => Ok(JsValue::UNDEFINED),
            Err(e) => Err(core_error(&e)),
        }
    }

    /// Starts a session on a scenario (from a suggestion) or a flow. `onEvent` receives
    /// the analytics events as they happen; exceptions it throws are ignored so a
    /// broken analytics hook cannot break help.
    #[wasm_bindgen(js_name = startSession)]
    pub fn start_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StartRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
        now: Option<f64>,
        #[wasm_bindgen(js_name = onEvent, unchecked_param_type = "(event: SessionEvent) => void")] on_event: Option<
            Function,
        >,
    ) -> Result<HelpSession, JsValue> {
        let ctx = parse_context(&context)?;
        let text = json_text(&request, Argument::Input, "the start request")?;
        let request: StartRequest = serde_json::from_str(&text).map_err(|e| {
            bad(
                Argument::Input,
                &format!("not a start request ({{session, scenario?, flow?, intervention?, human?}}): {e}"),
            )
        })?;
        let started = Session::start(&self.inner, &ctx, &request, now_or_clock(now));
        self.open(started, ctx, on_event)
    }

    /// Restores a session from `snapshot()`, recovering if the content changed meanwhile.
    #[wasm_bindgen(js_name = restoreSession)]
    pub fn restore_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] snapshot: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
        now: Option<f64>,
        #[wasm_bindgen(js_name = onEvent, unchecked_param_type = "(event: SessionEvent) => void")] on_event: Option<
            Function,
        >,
    ) -> Result<HelpSession, JsValue> {
        let snapshot = string_arg(&snapshot, Argument::Snapshot, "the snapshot")?;
        let ctx = parse_context(&context)?;
        let restored = Session::restore(&self.inner, &ctx, &snapshot, now_or_clock(now));
        self.open(restored, ctx, on_event)
    }
}

impl Catalog {
    /// Wraps a started or restored session and forwards its first events.
    fn open(
        &self,
        opened: inscene::Result<(Session, inscene::session::Output)>,
        ctx: Context,
        sink: Option<Function>,
    ) -> Result<HelpSession, JsValue> {
        let (session, out) = opened.map_err(|e| core_error(&e))?;
        let session = HelpSession {
            catalog: self.inner.clone(),
            state: RefCell::new((session, ctx)),
            sink,
            effects: RefCell::new(Vec::new()),
        };
        session.emit(out);
        Ok(session)
    }
}

/// A running session. Each method applies one input and returns the new step view.
#[wasm_bindgen(js_name = Session)]
pub struct HelpSession {
    catalog: Rc<inscene::Catalog>,
    state: RefCell<(Session, Context)>,
    sink: Option<Function>,
    /// Effects not yet taken by the host (`takeEffects`).
    effects: RefCell<Vec<inscene::session::Effect>>,
}

impl HelpSession {
    /// Forwards a transition's events to the sink and queues its effects.
    fn emit(&self, out: inscene::session::Output) {
        if let Ok(mut queue) = self.effects.try_borrow_mut() {
            queue.extend(out.effects);
        }
        if let Some(sink) = &self.sink {
            for e in &out.events {
                if let Ok(value) = to_js(e) {
                    let _ = sink.call1(&JsValue::NULL, &value);
                }
            }
        }
    }

    fn apply_input(&self, input: &Input, now: Option<f64>) -> Result<JsValue, JsValue> {
        let now = now_or_clock(now);
        let out = {
            let mut guard = self.state.try_borrow_mut().map_err(|_| busy())?;
            let (session, ctx) = &mut *guard;
            session.apply(&self.catalog, ctx, input, now).map_err(|e| core_error(&e))?
        };
        self.emit(out);
        self.view_at(now)
    }

    fn view_at(&self, now: i64) -> Result<JsValue, JsValue> {
        let guard = self.state.try_borrow().map_err(|_| busy())?;
        let (session, ctx) = &*guard;
        to_js(&session.view(&self.catalog, ctx, now))
    }
}

fn busy() -> JsValue {
    core_error(&inscene::Error::Busy)
}

#[wasm_bindgen(js_class = Session)]
impl HelpSession {
    /// What the host must do now, in order, each given once: perform an
    /// action, show crisis resources, hand the packet to the desk. Call it
    /// after starting, restoring and every input; the queue is then empty.
    #[wasm_bindgen(js_name = takeEffects, unchecked_return_type = "Effect[]")]
    pub fn take_effects(&self) -> Result<JsValue, JsValue> {
        let taken = std::mem::take(&mut *self.effects.try_borrow_mut().map_err(|_| busy())?);
        to_js(&taken)
    }

    /// The current step, ready to render. All text is plain text: render it as text, never as HTML.
    #[wasm_bindgen(unchecked_return_type = "StepView")]
    pub fn view(&self, now: Option<f64>) -> Result<JsValue, JsValue> {
        self.view_at(now_or_clock(now))
    }

    /// Replaces the context (the host learned something new, or the user typed
    /// a new question). A question is screened for crisis language at once,
    /// in any state; returns the view that follows.
    #[wasm_bindgen(js_name = setContext, unchecked_return_type = "StepView")]
    pub fn set_context(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
        now: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let now = now_or_clock(now);
        let ctx = parse_context(&context)?;
        let out = {
            let mut guard = self.state.try_borrow_mut().map_err(|_| busy())?;
            let (session, current) = &mut *guard;
            *current = ctx;
            session.context_changed(&self.catalog, current, now)
        };
        self.emit(out);
        self.view_at(now)
    }

    /// Go on from a message.
    #[wasm_bindgen(unchecked_return_type = "StepView")]
    pub fn next(&self, now: Option<f64>) -> Result<JsValue, JsValue> {
        self.apply_input(&Input::Next, now)
    }

    /// Pick an option of a choice step.
    #[wasm_bindgen(unchecked_return_type = "StepView")]
    pub fn choose(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] option: JsValue,
        now: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let option = string_arg(&option, Argument::Input, "the option id")?;
        self.apply_input(&Input::Choose { option }, now)
    }

    /// Submit a value to an input step (validated and crisis-screened).
    #[wasm_bindgen(unchecked_return_type = "StepView")]
    pub fn submit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] value: JsValue,
        now: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let value = string_arg(&value, Argument::Input, "the submitted value")?;
        self.apply_input(&Input::Submit { value }, now)
    }

    /// Report the result of the requested action, with optional result data.
    #[wasm_bindgen(js_name = actionResult, unchecked_return_type = "StepView")]
    pub fn action_result(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActionOutcome")] outcome: JsValue,
        #[wasm_bindgen(unchecked_param_type = "unknown")] data: JsValue,
        now: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let outcome = outcome.as_string().unwrap_or_default();
        let data = if data.is_undefined() || data.is_null() {
            "null".to_owned()
        } else {
            json_text(&data, Argument::Input, "the action result data")?
        };
        let text =
            format!(r#"{{"type":"action_result","outcome":{},"data":{data}}}"#, serde_json::Value::String(outcome));
        self.apply_text(&text, now)
    }

    /// "This didn't help."
    #[wasm_bindgen(js_name = notHelpful, unchecked_return_type = "StepView")]
    pub fn not_helpful(&self, now: Option<f64>) -> Result<JsValue, JsValue> {
        self.apply_input(&Input::NotHelpful, now)
    }

    /// "Talk to a human." Works in every state.
    #[wasm_bindgen(js_name = askHuman, unchecked_return_type = "StepView")]
    pub fn ask_human(&self, now: Option<f64>) -> Result<JsValue, JsValue> {
        self.apply_input(&Input::AskHuman, now)
    }

    /// Go back one step.
    #[wasm_bindgen(unchecked_return_type = "StepView")]
    pub fn back(&self, now: Option<f64>) -> Result<JsValue, JsValue> {
        self.apply_input(&Input::Back, now)
    }

    /// "Did this help?" after a resolution.
    #[wasm_bindgen(unchecked_return_type = "StepView")]
    pub fn feedback(&self, helpful: bool, now: Option<f64>) -> Result<JsValue, JsValue> {
        self.apply_input(&Input::Feedback { helpful }, now)
    }

    /// The user left.
    #[wasm_bindgen(unchecked_return_type = "StepView")]
    pub fn abandon(&self, now: Option<f64>) -> Result<JsValue, JsValue> {
        self.apply_input(&Input::Abandon, now)
    }

    /// Applies an input object (`{type: "choose", option: "yes"}`), as the golden vectors do.
    #[wasm_bindgen(unchecked_return_type = "StepView")]
    pub fn apply(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SessionInput")] input: JsValue,
        now: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let text = json_text(&input, Argument::Input, "the input")?;
        self.apply_text(&text, now)
    }

    /// The session's state as a string, for `Catalog.restoreSession` (e.g. after a
    /// reload). It holds the user's answers and the transcript as typed: keep it
    /// in memory or session storage, or persist `snapshotRedacted()` instead.
    pub fn snapshot(&self) -> Result<String, JsValue> {
        Ok(self.state.try_borrow().map_err(|_| busy())?.0.snapshot())
    }

    /// A snapshot with personal data redacted as in the handoff packet; it
    /// restores like any snapshot, with redacted answers reading `[redacted]`.
    #[wasm_bindgen(js_name = snapshotRedacted)]
    pub fn snapshot_redacted(&self) -> Result<String, JsValue> {
        let guard = self.state.try_borrow().map_err(|_| busy())?;
        let (session, ctx) = &*guard;
        Ok(session.snapshot_redacted(&self.catalog, ctx))
    }

    /// The handoff packet (`inscene.handoff.v1`) once escalated, else `undefined`.
    #[wasm_bindgen(unchecked_return_type = "HandoffPacket | undefined")]
    pub fn handoff(&self) -> Result<JsValue, JsValue> {
        let guard = self.state.try_borrow().map_err(|_| busy())?;
        let (session, ctx) = &*guard;
        match session.handoff(&self.catalog, ctx) {
            Some(packet) => to_js(&packet),
            None => Ok(JsValue::UNDEFINED),
        }
    }
}

impl HelpSession {
    fn apply_text(&self, text: &str, now: Option<f64>) -> Result<JsValue, JsValue> {
        let input = Input::from_json(text).map_err(|e| core_error(&e))?;
        self.apply_input(&input, now)
    }
}
