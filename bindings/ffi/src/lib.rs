//! UniFFI facade of the inscene core: Kotlin (Android), Swift (iOS) and Python.
//!
//! Thin by design: type conversion and error mapping only; all behaviour lives
//! in `inscene`. Contexts go in as one JSON buffer per call. Objects are shared
//! through `Arc` and use interior mutability, so they are safe across threads.
//! No panic crosses the boundary: errors are [`HelpError`] with the core's
//! stable code, a message and, where content is at fault, a JSON pointer.

use std::sync::{Arc, Mutex, MutexGuard};

use inscene::context::Context;
use inscene::error::Argument;
use inscene::session::{self, Input, Session, StartRequest};

uniffi::setup_scaffolding!();

/// Every failure of the SDK: a stable code (`content.dangling_next`,
/// `session.input_rejected`, ...), a human message without personal data, and
/// the JSON pointer of the offending content when content is at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum HelpError {
    /// The call failed; see the fields.
    #[error("{code}: {detail}")]
    Failed {
        /// Stable machine-readable code.
        code: String,
        /// Human-readable explanation (not `message`: that name belongs to Kotlin's Throwable).
        detail: String,
        /// RFC 6901 pointer into the content, when content is at fault.
        path: Option<String>,
    },
}

impl From<inscene::Error> for HelpError {
    fn from(e: inscene::Error) -> Self {
        HelpError::Failed { code: e.code().to_owned(), detail: e.to_string(), path: e.path().map(str::to_owned) }
    }
}

fn context(json: &str) -> Result<Context, HelpError> {
    Ok(Context::from_json(json)?)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a session half-updated
    // (inputs are applied to a copy), so a poisoned lock is safe to reuse.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LintFinding {
    /// Stable code.
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// Explanation.
    pub message: String,
    /// JSON pointer of the offending value.
    pub path: String,
    /// 1-based line of the value in the source, where found.
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
}

/// Lints content JSON: every finding, errors first.
#[uniffi::export]
pub fn lint(catalog_json: String) -> Vec<LintFinding> {
    inscene::lint::findings(&catalog_json)
        .into_iter()
        .map(|f| LintFinding {
            code: f.code.to_owned(),
            severity: f.severity.to_string(),
            message: f.message,
            path: f.path,
            line: f.line.map(|l| l as u32),
            column: f.column.map(|c| c as u32),
        })
        .collect()
}

/// Why a suggestion matched.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Reason {
    /// `screen`, `event`, `condition` or `text`.
    pub kind: String,
    /// What matched.
    pub detail: String,
    /// The trigger's weight.
    pub weight: f64,
}

/// A ranked suggestion.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Suggestion {
    /// Scenario id, to pass to [`HelpCatalog::start_session`].
    pub scenario: String,
    /// Flow it starts.
    pub flow: String,
    /// Localized title.
    pub title: String,
    /// Localized summary.
    pub summary: Option<String>,
    /// Rank score.
    pub score: f64,
    /// `none`, `low`, `medium`, `high` or `critical`.
    pub risk: String,
    /// Every trigger that fired.
    pub reasons: Vec<Reason>,
}

/// Crisis language was found: show `resources` and connect a human now.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Crisis {
    /// Crisis resources, localized, plain text.
    pub resources: String,
    /// Channels, best first.
    pub channels: Vec<String>,
}

/// What a context resolved to.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Resolution {
    /// Best first.
    pub suggestions: Vec<Suggestion>,
    /// Set when the query holds crisis language.
    pub crisis: Option<Crisis>,
    /// The `suggested` analytics event, as JSON.
    pub event_json: String,
}

/// The wire name of one of the core's closed sets (channels, priorities, ...).
fn name(v: &impl WireName) -> String {
    v.wire().to_owned()
}

/// The core's closed sets, named as on the wire (their own `wire_name`).
trait WireName {
    fn wire(&self) -> &'static str;
}

macro_rules! wire_name {
    ($($t:ty),+) => {$(impl WireName for $t { fn wire(&self) -> &'static str { self.wire_name() } })+};
}
wire_name!(
    inscene::content::Channel,
    inscene::content::Priority,
    inscene::content::RiskLevel,
    inscene::session::DeskState
);

/// Receives analytics events as the session emits them (JSON objects).
#[uniffi::export(with_foreign)]
pub trait EventSink: Send + Sync {
    /// One event, e.g. `{"type":"step_viewed","at":...,"session":...}`.
    fn on_event(&self, event_json: String);
}

/// A loaded content catalog; load once, share everywhere.
#[derive(uniffi::Object)]
pub struct HelpCatalog {
    inner: inscene::Catalog,
    /// The manifest, when the catalog came from a verified pack.
    pack: Option<inscene::pack::Manifest>,
}

#[uniffi::export]
impl HelpCatalog {
    /// Loads content JSON. Flows are checked and compiled on first use.
    #[uniffi::constructor]
    pub fn new(catalog_json: String) -> Result<Arc<Self>, HelpError> {
        Ok(Arc::new(HelpCatalog { inner: inscene::Catalog::from_json(&catalog_json)?, pack: None }))
    }

    /// Loads content JSON from bytes (a file or a download as it came). Bytes
    /// that are not UTF-8 are a `content.invalid_json` error at the first bad byte.
    #[uniffi::constructor]
    pub fn from_bytes(catalog_json: Vec<u8>) -> Result<Arc<Self>, HelpError> {
        Ok(Arc::new(HelpCatalog { inner: inscene::Catalog::from_json_bytes(&catalog_json)?, pack: None }))
    }

    /// Loads content JSON for a host that performs only `host_actions`: an
    /// action step naming any other action is never asked of the app (it is
    /// recorded as blocked and the step takes its failure path).
    #[uniffi::constructor]
    pub fn with_host_actions(catalog_json: String, host_actions: Vec<String>) -> Result<Arc<Self>, HelpError> {
        let inner = inscene::Catalog::from_json(&catalog_json)?.with_host_actions(host_actions);
        Ok(Arc::new(HelpCatalog { inner, pack: None }))
    }

    /// Verifies a signed content pack and loads its catalog strictly: the
    /// pack's bytes as downloaded, the trusted public keys (the text of each
    /// `pack.pub`; two while a key is rotated), the sequence number of the pack
    /// installed now (`pack_sequence()` of the catalog in use), the user's
    /// rollout id and the time. Any refusal is a `pack.*` error
    /// (`pack.bad_signature`, `pack.unknown_key`, `pack.rollback`,
    /// `pack.expired`, `pack.sdk_version`, `pack.not_in_rollout`,
    /// `pack.invalid`): keep the catalog you have then.
    #[uniffi::constructor]
    pub fn from_pack(
        pack: Vec<u8>,
        trusted_keys: Vec<String>,
        installed_sequence: Option<u64>,
        user_id: Option<String>,
        now: i64,
    ) -> Result<Arc<Self>, HelpError> {
        let v = inscene::pack::verify_with_key_texts(
            &pack,
            &trusted_keys,
            installed_sequence,
            env!("CARGO_PKG_VERSION"),
            now,
            user_id.as_deref(),
        )?;
        Ok(Arc::new(HelpCatalog { inner: v.catalog, pack: Some(v.manifest) }))
    }

    /// The pack's sequence number, when the catalog came from a pack: keep it
    /// beside the pack and give it as `installed_sequence` next time.
    pub fn pack_sequence(&self) -> Option<u64> {
        self.pack.as_ref().map(|m| m.sequence)
    }

    /// Catalog id.
    pub fn id(&self) -> String {
        self.inner.meta().id.clone()
    }

    /// Content version.
    pub fn version(&self) -> String {
        self.inner.meta().version.clone()
    }

    /// Builds now what is otherwise built on first use (call it off the main thread).
    pub fn prepare(&self) {
        self.inner.prepare();
    }

    /// `text` with personal data redacted as in handoff packets (phones, cards,
    /// IDs, IBANs, emails), for text the app logs or forwards itself.
    pub fn redact(&self, text: String) -> String {
        self.inner.redact(&text)
    }

    /// [`Self::resolve`] as one JSON text: the core's `Resolution` as
    /// `schema/inscene-api.v1.schema.json` describes it and the web package
    /// returns it. One string crosses instead of a record per suggestion and
    /// reason, for hosts that decode JSON themselves (issue 16: lifting the
    /// records was most of a binding's overhead).
    pub fn resolve_json(&self, context_json: String, now: i64) -> Result<String, HelpError> {
        let ctx = context(&context_json)?;
        let found = inscene::resolve::resolve(&self.inner, &ctx, now, &Default::default());
        Ok(serde_json::to_string(&found).unwrap_or_default())
    }

    /// Ranked suggestions for a context (one JSON buffer). `now` is seconds since the Unix epoch.
    pub fn resolve(&self, context_json: String, now: i64) -> Result<Resolution, HelpError> {
        let ctx = context(&context_json)?;
        let found = inscene::resolve::resolve(&self.inner, &ctx, now, &Default::default());
        Ok(Resolution {
            suggestions: found
                .suggestions
                .iter()
                .map(|s| Suggestion {
                    scenario: s.scenario.clone(),
                    flow: s.flow.clone(),
                    title: s.title.clone(),
                    summary: s.summary.clone(),
                    score: s.score,
                    risk: name(&s.risk),
                    reasons: s
                        .reasons
                        .iter()
                        .map(|r| Reason { kind: r.kind.to_owned(), detail: r.detail.clone(), weight: r.weight })
                        .collect(),
                })
                .collect(),
            crisis: found
                .crisis
                .as_ref()
                .map(|c| Crisis { resources: c.resources.clone(), channels: c.channels.iter().map(name).collect() }),
            event_json: serde_json::to_string(&found.event).unwrap_or_default(),
        })
    }

    /// A proactive intervention for a host event (`{"name": ..., "data": {...}}`), as JSON, if any.
    pub fn on_event(&self, event_json: String, context_json: String, now: i64) -> Result<Option<String>, HelpError> {
        let ctx = context(&context_json)?;
        let found = inscene::escalation::on_event_json(&self.inner, &ctx, &event_json, now)?;
        Ok(found.map(|i| serde_json::to_string(&i).unwrap_or_default()))
    }

    /// Starts a session on a scenario (from a suggestion), a flow, or the
    /// intervention `on_event` returned (`intervention`: its id). A session
    /// started from an intervention inherits its risk and queue, so a person
    /// asked for from the fraud flow is reached at the intervention's priority.
    #[uniffi::method(default(intervention = None))]
    #[allow(clippy::too_many_arguments)] // the exported signature; hosts name the optional ones
    pub fn start_session(
        self: Arc<Self>,
        session_id: String,
        scenario: Option<String>,
        flow: Option<String>,
        context_json: String,
        now: i64,
        sink: Option<Arc<dyn EventSink>>,
        intervention: Option<String>,
    ) -> Result<Arc<HelpSession>, HelpError> {
        let request = StartRequest { session: session_id, scenario, flow, intervention, human: false };
        self.start(&request, &context_json, now, sink)
    }

    /// Connects a person at once, with no flow: the user asked before any help
    /// was shown, or nothing matched. The session starts escalated; its handoff
    /// packet carries the context (redacted) and the question.
    pub fn connect_human(
        self: Arc<Self>,
        session_id: String,
        context_json: String,
        now: i64,
        sink: Option<Arc<dyn EventSink>>,
    ) -> Result<Arc<HelpSession>, HelpError> {
        let request = StartRequest { session: session_id, scenario: None, flow: None, intervention: None, human: true };
        self.start(&request, &context_json, now, sink)
    }

    /// Restores a session from [`HelpSession::snapshot`], recovering if the content changed.
    pub fn restore_session(
        self: Arc<Self>,
        snapshot: String,
        context_json: String,
        now: i64,
        sink: Option<Arc<dyn EventSink>>,
    ) -> Result<Arc<HelpSession>, HelpError> {
        let ctx = context(&context_json)?;
        let (session, out) = Session::restore(&self.inner, &ctx, &snapshot, now)?;
        let session = HelpSession::new(self, session, ctx, sink);
        session.emit(out);
        Ok(Arc::new(session))
    }
}

impl HelpCatalog {
    /// Starts a session for any start request: the exported constructors' one body.
    fn start(
        self: Arc<Self>,
        request: &StartRequest,
        context_json: &str,
        now: i64,
        sink: Option<Arc<dyn EventSink>>,
    ) -> Result<Arc<HelpSession>, HelpError> {
        let ctx = context(context_json)?;
        let (session, out) = Session::start(&self.inner, &ctx, request, now)?;
        let session = HelpSession::new(self, session, ctx, sink);
        session.emit(out);
        Ok(Arc::new(session))
    }
}

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SessionStatus {
    /// Working through the flow.
    Active,
    /// A resolution was reached.
    Resolved,
    /// Handed over to a human.
    Escalated,
    /// The user left.
    Abandoned,
}

impl From<session::Status> for SessionStatus {
    fn from(s: session::Status) -> Self {
        match s {
            session::Status::Active => SessionStatus::Active,
            session::Status::Resolved => SessionStatus::Resolved,
            session::Status::Escalated => SessionStatus::Escalated,
            session::Status::Abandoned => SessionStatus::Abandoned,
        }
    }
}

/// Result of an in-app action the host performed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ActionOutcome {
    /// It worked.
    Success,
    /// It failed.
    Failure,
    /// The user cancelled.
    Cancelled,
}

/// An option of a choice step.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ChoiceOption {
    /// Id to pass to [`HelpSession::choose`].
    pub id: String,
    /// Label, plain text.
    pub label: String,
}

/// The in-app action the host should perform now.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActionRequest {
    /// Declared action id.
    pub action: String,
    /// Parameters as a JSON object.
    pub params_json: String,
}

impl From<inscene::escalation::ActionRequest> for ActionRequest {
    fn from(a: inscene::escalation::ActionRequest) -> Self {
        ActionRequest { action: a.action, params_json: serde_json::Value::Object(a.params).to_string() }
    }
}

/// How "talk to a human" should show.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HumanOffer {
    /// A person can be reached at all (the policy or the user's segment allows it).
    pub available: bool,
    /// Show the choice on this step.
    pub visible: bool,
    /// The policy recommends a human now.
    pub prominent: bool,
    /// Why: `unhelpful`, `loop`, `segment`, `risk`, `urgency`.
    pub reasons: Vec<String>,
    /// Channels, best first.
    pub channels: Vec<String>,
    /// Priority an escalation would get.
    pub priority: String,
}

/// The text field of an input step.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct InputView {
    /// Longest accepted input, in characters.
    pub max_length: u32,
    /// Why the last input was rejected, in the user's language.
    pub error: Option<String>,
}

/// The desk's latest word on a handoff.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeskView {
    /// `queued`, `accepted`, `failed` or `completed`.
    pub state: String,
    /// Place in the desk's queue, when queued.
    pub position: Option<u64>,
    /// The desk's failure code (`no_agents`, `channel_down`), when failed.
    pub reason: Option<String>,
    /// The channel it is about.
    pub channel: String,
    /// When the desk said it (seconds since the Unix epoch).
    pub at: i64,
}

/// Where a session was handed over to a person, and how it goes there.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EscalationView {
    /// Why: `content`, `user_request`, `unhelpful`, `segment`, `risk`, `crisis`, ...
    pub reason: String,
    /// The reason's detail (the content's reason code, the segment, ...).
    pub detail: Option<String>,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// Where it goes, best first: the channels the desk answers on now, or the fallbacks.
    pub channels: Vec<String>,
    /// The desk queue.
    pub queue: Option<String>,
    /// The user is to be contacted again.
    pub follow_up: bool,
    /// The urgency rules that raised the priority.
    pub urgency: Vec<String>,
    /// Crisis resources shown to the user, for a crisis.
    pub crisis_resources: Option<String>,
    /// When it escalated (seconds since the Unix epoch).
    pub at: i64,
    /// When a person will answer on the first channel, in seconds, as the desk estimated it.
    pub wait_seconds: Option<u64>,
    /// Preferred channels the desk has closed now.
    pub closed: Vec<String>,
    /// The desk's latest word.
    pub desk: Option<DeskView>,
    /// Channels the desk failed on, in order: the route moved past them.
    pub failed: Vec<String>,
    /// When the queue's hours open again (seconds since the Unix epoch), if closed now.
    pub opens_at: Option<i64>,
}

/// The current step, ready to render. All text is plain text, never markup.
/// The same shape as the core's view (and the web package's), field for field;
/// only the action's parameters come as JSON text.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StepView {
    /// The session's id.
    pub session: String,
    /// Where the session stands.
    pub status: SessionStatus,
    /// Current flow.
    pub flow: Option<String>,
    /// Current step.
    pub step: Option<String>,
    /// `message`, `choice`, `input`, `action`, `resolution` or `escalation`.
    pub kind: String,
    /// Flow title.
    pub title: Option<String>,
    /// Main text.
    pub text: String,
    /// Locale of the text.
    pub locale: String,
    /// Options of a choice.
    pub options: Vec<ChoiceOption>,
    /// The text field, on input steps.
    pub input: Option<InputView>,
    /// The action to perform, on action steps.
    pub action: Option<ActionRequest>,
    /// Ask "did this help?".
    pub ask_feedback: bool,
    /// "Talk to a human".
    pub human: HumanOffer,
    /// Whether `back` is possible.
    pub can_go_back: bool,
    /// The handoff, once escalated.
    pub escalation: Option<EscalationView>,
    /// A note (e.g. the content changed and the flow restarted).
    pub notice: Option<String>,
}

/// A running session. Methods apply one input and return the new step;
/// analytics events go to the sink given at start.
#[derive(uniffi::Object)]
pub struct HelpSession {
    catalog: Arc<HelpCatalog>,
    state: Mutex<(Session, Context)>,
    sink: Option<Arc<dyn EventSink>>,
    /// Effects not yet taken by the host ([`HelpSession::take_effects`]).
    effects: Mutex<Vec<inscene::session::Effect>>,
}

/// Something the host must do now, decided by the core and given once
/// ([`HelpSession::take_effects`]).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Effect {
    /// Perform this in-app action, then report how it went (`action_result`).
    PerformAction {
        /// The action and its parameters.
        request: ActionRequest,
        /// Asked again after a restore: a host whose action is not idempotent checks whether it ran.
        resumed: bool,
    },
    /// Crisis language: show these resources at once, above everything else.
    ShowCrisis {
        /// What kind of crisis language it was (`ideation`, `method`, ...).
        kind: String,
        /// The catalog's crisis resources, in the user's language.
        resources: String,
    },
    /// A person takes over: send this packet (`inscene.handoff.v1` JSON) to the help desk.
    HandOff {
        /// The redacted handoff packet.
        packet_json: String,
    },
}

impl From<inscene::session::Effect> for Effect {
    fn from(e: inscene::session::Effect) -> Self {
        use inscene::session::Effect as Core;
        match e {
            Core::PerformAction { request, resumed } => Effect::PerformAction { request: request.into(), resumed },
            Core::ShowCrisis { kind, resources } => Effect::ShowCrisis { kind: kind.wire_name().to_owned(), resources },
            Core::HandOff { packet } => {
                Effect::HandOff { packet_json: serde_json::to_string(&packet).unwrap_or_default() }
            }
        }
    }
}

impl HelpSession {
    fn new(catalog: Arc<HelpCatalog>, session: Session, ctx: Context, sink: Option<Arc<dyn EventSink>>) -> Self {
        HelpSession { catalog, state: Mutex::new((session, ctx)), sink, effects: Mutex::new(Vec::new()) }
    }

    /// Forwards a transition's events to the sink and queues its effects.
    fn emit(&self, out: inscene::session::Output) {
        lock(&self.effects).extend(out.effects);
        if let Some(sink) = &self.sink {
            for e in &out.events {
                sink.on_event(serde_json::to_string(e).unwrap_or_default());
            }
        }
    }

    fn apply(&self, input: Input, now: i64) -> Result<StepView, HelpError> {
        let out = {
            let mut guard = lock(&self.state);
            let (session, ctx) = &mut *guard;
            session.apply(&self.catalog.inner, ctx, &input, now)?
        };
        self.emit(out);
        Ok(self.view(now))
    }
}

#[uniffi::export]
impl HelpSession {
    /// What the host must do now, in order, each given once: perform an
    /// action, show crisis resources, hand the packet to the desk. Call it
    /// after starting, restoring and every input; the queue is then empty.
    pub fn take_effects(&self) -> Vec<Effect> {
        std::mem::take(&mut *lock(&self.effects)).into_iter().map(Effect::from).collect()
    }

    /// The current step.
    pub fn view(&self, now: i64) -> StepView {
        let guard = lock(&self.state);
        let (session, ctx) = &*guard;
        let v = session.view(&self.catalog.inner, ctx, now);
        let names = |c: &[inscene::content::Channel]| c.iter().map(name).collect::<Vec<_>>();
        StepView {
            session: v.session,
            status: v.status.into(),
            flow: v.flow,
            step: v.step,
            kind: v.kind.to_owned(),
            title: v.title,
            text: v.text,
            locale: v.locale,
            options: v.options.into_iter().map(|o| ChoiceOption { id: o.id, label: o.label }).collect(),
            input: v.input.map(|i| InputView { max_length: i.max_length, error: i.error }),
            action: v.action.map(ActionRequest::from),
            ask_feedback: v.ask_feedback,
            human: HumanOffer {
                available: v.human.available,
                visible: v.human.visible,
                prominent: v.human.prominent,
                reasons: v.human.reasons,
                channels: names(&v.human.channels),
                priority: name(&v.human.priority),
            },
            can_go_back: v.can_go_back,
            escalation: v.escalation.map(|e| EscalationView {
                reason: e.reason.wire_name().to_owned(),
                detail: e.detail,
                priority: name(&e.priority),
                channels: names(&e.channels),
                queue: e.queue,
                follow_up: e.follow_up,
                urgency: e.urgency,
                crisis_resources: e.crisis_resources,
                at: e.at,
                wait_seconds: e.wait_seconds,
                closed: names(&e.closed),
                desk: e.desk.map(|d| DeskView {
                    state: name(&d.state),
                    position: d.position,
                    reason: d.reason,
                    channel: name(&d.channel),
                    at: d.at,
                }),
                failed: names(&e.failed),
                opens_at: e.opens_at,
            }),
            notice: v.notice,
        }
    }

    /// Replaces the context (the host learned something new, or the user typed
    /// a new question). A question is screened for crisis language at once,
    /// in any state; returns the view that follows.
    pub fn set_context(&self, context_json: String, now: i64) -> Result<StepView, HelpError> {
        let ctx = context(&context_json)?;
        let out = {
            let mut guard = lock(&self.state);
            let (session, current) = &mut *guard;
            *current = ctx;
            session.context_changed(&self.catalog.inner, current, now)
        };
        self.emit(out);
        Ok(self.view(now))
    }

    /// Go on from a message.
    pub fn next(&self, now: i64) -> Result<StepView, HelpError> {
        self.apply(Input::Next, now)
    }

    /// Pick an option of a choice step.
    pub fn choose(&self, option: String, now: i64) -> Result<StepView, HelpError> {
        self.apply(Input::Choose { option }, now)
    }

    /// Submit a value to an input step (validated; crisis-screened).
    pub fn submit(&self, value: String, now: i64) -> Result<StepView, HelpError> {
        self.apply(Input::Submit { value }, now)
    }

    /// Report the result of the requested action, with optional result data as JSON.
    pub fn action_result(
        &self,
        outcome: ActionOutcome,
        data_json: Option<String>,
        now: i64,
    ) -> Result<StepView, HelpError> {
        let data = match data_json {
            Some(d) => Some(serde_json::from_str(&d).map_err(|e| {
                inscene::Error::bad_argument(Argument::Input, format!("action result data is not JSON: {e}"))
            })?),
            None => None,
        };
        let outcome = match outcome {
            ActionOutcome::Success => session::ActionOutcome::Success,
            ActionOutcome::Failure => session::ActionOutcome::Failure,
            ActionOutcome::Cancelled => session::ActionOutcome::Cancelled,
        };
        self.apply(Input::ActionResult { outcome, data }, now)
    }

    /// "This didn't help."
    pub fn not_helpful(&self, now: i64) -> Result<StepView, HelpError> {
        self.apply(Input::NotHelpful, now)
    }

    /// "Talk to a human." Works in every state.
    pub fn ask_human(&self, now: i64) -> Result<StepView, HelpError> {
        self.apply(Input::AskHuman, now)
    }

    /// Go back one step.
    pub fn back(&self, now: i64) -> Result<StepView, HelpError> {
        self.apply(Input::Back, now)
    }

    /// "Did this help?" after a resolution.
    pub fn feedback(&self, helpful: bool, now: i64) -> Result<StepView, HelpError> {
        self.apply(Input::Feedback { helpful }, now)
    }

    /// The user left.
    pub fn abandon(&self, now: i64) -> Result<StepView, HelpError> {
        self.apply(Input::Abandon, now)
    }

    /// What the help desk says of the handoff, after an escalation: `state` is
    /// `queued` (with `position` and `wait_seconds`), `accepted`, `failed`
    /// (with a `reason` code such as `no_agents`; the next route is offered) or
    /// `completed`.
    pub fn desk_status(
        &self,
        state: String,
        position: Option<u64>,
        wait_seconds: Option<u64>,
        reason: Option<String>,
        now: i64,
    ) -> Result<StepView, HelpError> {
        let input = serde_json::json!({
            "type": "desk_status", "state": state, "position": position, "wait_seconds": wait_seconds, "reason": reason,
        });
        self.apply_json(input.to_string(), now)
    }

    /// Applies an input given as JSON (`{"type":"choose","option":"yes"}`), as the golden vectors do.
    pub fn apply_json(&self, input_json: String, now: i64) -> Result<StepView, HelpError> {
        self.apply(Input::from_json(&input_json)?, now)
    }

    /// The session's state as JSON, for [`HelpCatalog::restore_session`]. It
    /// holds the user's answers and the transcript as typed: store it encrypted,
    /// or store [`HelpSession::snapshot_redacted`].
    pub fn snapshot(&self) -> String {
        lock(&self.state).0.snapshot()
    }

    /// A snapshot with personal data redacted as in the handoff packet; it
    /// restores like any snapshot, with redacted answers reading `[redacted]`.
    pub fn snapshot_redacted(&self) -> String {
        let guard = lock(&self.state);
        let (session, ctx) = &*guard;
        session.snapshot_redacted(&self.catalog.inner, ctx)
    }

    /// The handoff packet (`inscene.handoff.v1` JSON) once escalated.
    pub fn handoff_json(&self) -> Option<String> {
        let guard = lock(&self.state);
        let (session, ctx) = &*guard;
        session.handoff(&self.catalog.inner, ctx).and_then(|p| serde_json::to_string(&p).ok())
    }
}
