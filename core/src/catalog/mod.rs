//! The compiled catalog: validated, immutable and shareable across threads.
//!
//! Loading checks and compiles everything resolution needs: scenarios,
//! triggers, conditions, policy, crisis screening, interventions, and that
//! every flow reference names a flow. Flows themselves are kept as JSON text
//! and checked and compiled the first time a session needs them (then cached),
//! so loading stays fast and small however many flows a catalog has, and one
//! broken flow fails only its own sessions, with the same typed errors.
//! [`Catalog::from_json_strict`] checks every flow up front (for CI and tools).
//! Once compiled, every reference between steps, flows and actions is an index
//! that is known to be valid.

pub(crate) mod index;

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::condition::{Condition, Evaluator, Scope};
use crate::content::{
    self, CatalogDoc, CatalogMeta, Channel, CrisisScreening, EscalationPolicy, FlowMode, HumanOffer, Locales,
    LocalizedText, Priority, RiskLevel, StepKind, Trigger,
};
use crate::crisis::{self, CrisisIndex};
use crate::error::{Code, Diagnostic, Error, Path, Result, Severity};
use crate::handoff::Redactor;
use crate::id::{ActionId, FlowId, IdIndex, InterventionId, ScenarioId, StepId};
pub use crate::id::{FlowIx, StepIx};
use crate::intent::{IntentModel, Sample};
use crate::limits::Limits;
use crate::lint::{self, Depth};
pub(crate) use crate::source::LazyFlowSource;
use crate::source::{self, Flows};
use crate::text::{LazyRegex, PhraseIndexBuilder};
use index::{ResolveIndex, TriggerRef};

/// A loaded content catalog.
#[derive(Debug)]
pub struct Catalog {
    /// Declarations (meta, locales, context, actions, policy, crisis) and the raw flows.
    doc: CatalogDoc<LazyFlowSource>,
    actions: Vec<ActionId>,
    urgency: Vec<UrgencyRule>,
    scenarios: Vec<Scenario>,
    interventions: Vec<Intervention>,
    /// Each flow once compiled, boxed: most flows of a large catalog never
    /// run, and an empty cell is 32 bytes where a `Flow` in place is 248.
    flows: Vec<OnceLock<std::result::Result<Box<Flow>, Vec<Diagnostic>>>>,
    limits: Limits,
    /// Scenarios by id, against `scenarios`.
    scenario_index: IdIndex,
    /// Flows by id, against `doc.flows`.
    flow_index: IdIndex,
    pii_fields: Vec<String>,
    evaluator: Evaluator,
    warnings: Vec<Diagnostic>,
    resolve_index: ResolveIndex,
    crisis_index: CrisisIndex,
    intents: Intents,
    redactor: OnceLock<Redactor>,
    /// The actions the host performs, when it said; see [`Catalog::with_host_actions`].
    host_actions: Option<Vec<String>>,
}

/// What typed questions are matched against: the scenarios' texts until the
/// model is learned from them on first use, then the model alone (the texts
/// are the examples' only copy, and the model does not read them again).
#[derive(Debug)]
struct Intents {
    samples: std::sync::Mutex<Vec<Sample>>,
    model: OnceLock<IntentModel>,
}

/// A compiled urgency rule.
#[derive(Debug)]
pub struct UrgencyRule {
    /// Rule id, reported as the reason for the raised priority.
    pub id: String,
    /// The condition.
    pub when: Condition,
    /// Minimum priority while it holds.
    pub priority: Priority,
}

/// A compiled scenario.
#[derive(Debug)]
pub struct Scenario {
    /// Scenario id.
    pub id: ScenarioId,
    /// Title per locale.
    pub title: LocalizedText,
    /// Summary per locale.
    pub summary: Option<LocalizedText>,
    /// Product tag.
    pub product: Option<String>,
    /// Triggers as a resolve scores them, by position.
    pub(crate) triggers: Box<[CompiledTrigger]>,
    /// Each `condition` trigger's compiled rule, with the trigger's position:
    /// only those, as most triggers are not conditions.
    conditions: Box<[(u16, Condition)]>,
    /// Base rank 0..=100.
    pub priority: u32,
    /// Audience rule, compiled; boxed, as most scenarios have none.
    audience: Option<Box<Condition>>,
    /// Risk level.
    pub risk: RiskLevel,
    /// The flow it starts.
    pub flow: FlowIx,
}

/// A trigger as a resolve scores it: what the context must show, and the
/// weight. A condition's rule is in its scenario's `conditions`, a text
/// trigger's keywords and patterns in the resolver's text index. 32 bytes,
/// where the trigger as read is 72 (an event's lists and window are boxed).
#[derive(Debug)]
pub(crate) enum CompiledTrigger {
    Screen { patterns: Box<[Box<str>]>, weight: f64 },
    Event(Box<EventTrigger>),
    Condition { weight: f64 },
    Text { weight: f64 },
}

/// An event trigger's names, the codes it needs (none: any) and its window.
#[derive(Debug)]
pub(crate) struct EventTrigger {
    pub(crate) names: Box<[Box<str>]>,
    pub(crate) codes: Box<[Box<str>]>,
    pub(crate) within_seconds: Option<u64>,
    pub(crate) weight: f64,
}

impl EventTrigger {
    /// Whether an event of this name can fire the trigger.
    pub(crate) fn is_named(&self, name: &str) -> bool {
        self.names.iter().any(|n| **n == *name)
    }
}

impl CompiledTrigger {
    /// The trigger's contribution to a scenario's score.
    pub(crate) fn weight(&self) -> f64 {
        match self {
            CompiledTrigger::Event(e) => e.weight,
            CompiledTrigger::Screen { weight, .. }
            | CompiledTrigger::Condition { weight }
            | CompiledTrigger::Text { weight } => *weight,
        }
    }
}

/// A list of texts at its length, each at its own.
fn boxed(list: Vec<String>) -> Box<[Box<str>]> {
    list.into_iter().map(String::into_boxed_str).collect()
}

/// A compiled proactive intervention.
#[derive(Debug)]
pub struct Intervention {
    /// Intervention id.
    pub id: InterventionId,
    /// Events that can raise it.
    pub events: Vec<String>,
    /// Condition over context and event.
    pub when: Option<Condition>,
    /// Risk level.
    pub risk: RiskLevel,
    /// Warning text.
    pub message: LocalizedText,
    /// Education text.
    pub education: Option<LocalizedText>,
    /// Action the host performs at once, with raw parameter values.
    pub hold_action: Option<(ActionId, BTreeMap<String, Value>)>,
    /// Human contact offered now.
    pub human: Option<HumanOffer>,
    /// Flow to continue with.
    pub flow: Option<FlowIx>,
}

/// A compiled flow.
#[derive(Debug)]
pub struct Flow {
    /// Flow id.
    pub id: FlowId,
    /// Title per locale.
    pub title: Option<LocalizedText>,
    /// First step.
    pub start: StepIx,
    /// Flow-level overrides of the escalation policy.
    pub policy: Option<EscalationPolicy>,
    /// Steps, indexed by [`StepIx`].
    pub steps: Vec<Step>,
}

/// A compiled step.
#[derive(Debug)]
pub struct Step {
    /// Step id.
    pub id: StepId,
    /// What it does.
    pub kind: CompiledStep,
}

/// A compiled step's behaviour; every reference is a valid index.
#[derive(Debug)]
#[allow(missing_docs)] // fields mirror `content::StepKind`, documented there
pub enum CompiledStep {
    Message {
        text: LocalizedText,
        next: StepIx,
    },
    Choice {
        text: LocalizedText,
        options: Vec<ChoiceOption>,
    },
    Check {
        branches: Vec<(Condition, StepIx)>,
        otherwise: StepIx,
    },
    Action {
        text: Option<LocalizedText>,
        action: ActionId,
        params: BTreeMap<String, Value>,
        save_as: Option<String>,
        on_success: StepIx,
        on_failure: StepIx,
        on_cancelled: StepIx,
    },
    Input {
        text: LocalizedText,
        save_as: String,
        pattern: Option<LazyRegex>,
        max_length: u32,
        error: Option<LocalizedText>,
        next: StepIx,
    },
    Resolution {
        text: LocalizedText,
        feedback: bool,
    },
    Escalation {
        text: LocalizedText,
        channels: Option<Vec<Channel>>,
        queue: Option<String>,
        priority: Priority,
        reason: String,
        agent_guidance: Option<LocalizedText>,
    },
    Goto {
        flow: FlowIx,
    },
    Call {
        flow: FlowIx,
        next: StepIx,
    },
}

/// A compiled choice option.
#[derive(Debug)]
pub struct ChoiceOption {
    /// Option id.
    pub id: String,
    /// Label per locale.
    pub label: LocalizedText,
    /// Next step.
    pub next: StepIx,
}

/// Default longest input, in characters.
pub const DEFAULT_MAX_INPUT_CHARS: u32 = 500;

impl Catalog {
    /// Loads content JSON with the default [`Limits`].
    ///
    /// ```
    /// let err = inscene::Catalog::from_json("{").unwrap_err();
    /// assert_eq!(err.code(), "content.invalid_json");
    /// ```
    pub fn from_json(source: &str) -> Result<Catalog> {
        Self::from_json_with(source, &Limits::default())
    }

    /// Loads content JSON from bytes (a file or a download as it came), with
    /// the default [`Limits`]. Bytes that are not UTF-8 are a JSON syntax
    /// error at the line and column of the first bad byte.
    ///
    /// ```
    /// let err = inscene::Catalog::from_json_bytes(b"{\n  \"id\": \"\xff\"}").unwrap_err();
    /// assert_eq!(err.code(), "content.invalid_json");
    /// ```
    pub fn from_json_bytes(source: &[u8]) -> Result<Catalog> {
        match std::str::from_utf8(source) {
            Ok(text) => Self::from_json(text),
            Err(e) => Err(Error::InvalidContent { diagnostics: vec![source::not_utf8(source, &e)] }),
        }
    }

    /// Loads content JSON with the given limits. Fails with
    /// [`Error::InvalidContent`] listing every finding when any is an error.
    pub fn from_json_with(source: &str, limits: &Limits) -> Result<Catalog> {
        let evaluator = Evaluator::new();
        let (doc, diagnostics) = lint::analyze(source, limits, &evaluator, Depth::Load, Flows::Lazy);
        match doc {
            Some(doc) if !diagnostics.iter().any(Diagnostic::is_error) => compile(doc, evaluator, diagnostics, limits),
            _ => Err(Error::InvalidContent { diagnostics }),
        }
    }

    /// Loads content and checks and compiles every flow up front: any broken
    /// flow rejects the whole catalog. For CI, tools and hosts that prefer to
    /// fail at start-up rather than in one session.
    pub fn from_json_strict(source: &str, limits: &Limits) -> Result<Catalog> {
        // One pass of every rule over the document and every flow, parsed up
        // front, so all errors are listed at once; then each flow compiles from
        // its parsed form, not parsed and checked a second time.
        let evaluator = Evaluator::new();
        let (doc, diagnostics) = lint::analyze(source, limits, &evaluator, Depth::Load, Flows::Parsed);
        let doc = match doc {
            Some(doc) if !diagnostics.iter().any(Diagnostic::is_error) => doc,
            _ => return Err(Error::InvalidContent { diagnostics }),
        };
        let mut catalog = compile(doc, evaluator, diagnostics, limits)?;
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        for i in 0..catalog.flows.len() {
            let Some(flow) = catalog.doc.flows[i].parsed.take() else { continue };
            match catalog.compile_checked(i, *flow) {
                Ok(compiled) => {
                    let _ = catalog.flows[i].set(Ok(Box::new(compiled)));
                }
                Err(d) => diagnostics.extend(d),
            }
        }
        if diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.extend(catalog.warnings.iter().cloned());
            crate::order::by(&mut diagnostics, |a, b| a.severity.cmp(&b.severity));
            return Err(Error::InvalidContent { diagnostics });
        }
        Ok(catalog)
    }

    /// Identity and version.
    pub fn meta(&self) -> &CatalogMeta {
        &self.doc.catalog
    }

    /// Locale configuration.
    pub fn locales(&self) -> &Locales {
        &self.doc.locales
    }

    /// Declared action ids.
    pub fn actions(&self) -> &[ActionId] {
        &self.actions
    }

    /// The catalog, limited to the in-app actions the host performs: an
    /// action step naming any other action never reaches the host. The session
    /// records it as `blocked` (an `action_blocked` event, the action in the
    /// packet) and takes the step's failure path, as if the host had reported
    /// a failure. Content comes from a server; this is the host's say over what
    /// that content may ask the app to do. Without a list, every declared
    /// action may be asked for.
    ///
    /// ```
    /// # let json = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../content/sample-shop.json")).unwrap();
    /// let catalog = inscene::Catalog::from_json(&json).unwrap().with_host_actions(["open_deleted_orders"]);
    /// assert!(catalog.host_performs("open_deleted_orders"));
    /// assert!(!catalog.host_performs("delete_account"));
    /// ```
    pub fn with_host_actions<I, S>(mut self, actions: I) -> Catalog
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.host_actions = Some(actions.into_iter().map(Into::into).collect());
        self
    }

    /// Whether the host performs `action`: it is on the host's list, or the host gave none.
    /// A host performs a handful of actions, so the list is searched in order.
    pub fn host_performs(&self, action: &str) -> bool {
        self.host_actions.as_ref().is_none_or(|list| list.iter().any(|a| a == action))
    }

    /// Catalog-wide escalation policy.
    pub fn policy(&self) -> &EscalationPolicy {
        &self.doc.escalation_policy
    }

    /// Crisis screening, if configured.
    pub fn crisis(&self) -> Option<&CrisisScreening> {
        self.doc.crisis.as_ref()
    }

    /// Urgency rules.
    pub fn urgency(&self) -> &[UrgencyRule] {
        &self.urgency
    }

    /// Scenarios in document order.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// A scenario by id.
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenario_index
            .get(id, |i| self.scenarios.get(i).map_or("", |s| s.id.as_str()))
            .and_then(|i| self.scenarios.get(i))
    }

    /// Interventions in document order.
    pub fn interventions(&self) -> &[Intervention] {
        &self.interventions
    }

    /// Flows in document order.
    pub fn flow_count(&self) -> usize {
        self.flows.len()
    }

    /// A flow's id, without compiling it.
    pub fn flow_id(&self, ix: FlowIx) -> &str {
        self.doc.flows.get(ix.0 as usize).map_or("", |f| f.id.as_str())
    }

    /// A flow, compiled on first use. Fails with [`Error::InvalidContent`]
    /// (pointers under `/flows/<n>`) when the flow breaks a rule.
    pub fn flow(&self, ix: FlowIx) -> Result<&Flow> {
        let Some(cell) = self.flows.get(ix.0 as usize) else {
            return Err(Error::UnknownScenario { id: format!("flow #{}", ix.0) });
        };
        cell.get_or_init(|| self.compile_flow(ix.0 as usize).map(Box::new))
            .as_ref()
            .map(|flow| &**flow)
            .map_err(|diagnostics| Error::InvalidContent { diagnostics: diagnostics.clone() })
    }

    fn compile_flow(&self, i: usize) -> std::result::Result<Flow, Vec<Diagnostic>> {
        let flows = Path::Root;
        let flows = flows.key("flows");
        let p = flows.index(i);
        let Some(src) = self.doc.flows.get(i) else { return Err(Vec::new()) };
        let flow: content::Flow = match serde_json::from_str(src.raw.get()) {
            Ok(f) => f,
            Err(e) => {
                let at = source::pointer_at(src.raw.get(), e.line(), e.column(), p.to_pointer());
                return Err(vec![Diagnostic {
                    code: Code::Schema,
                    severity: Severity::Error,
                    message: e.to_string(),
                    path: at.to_string(),
                    position: None,
                }]);
            }
        };
        let diagnostics = lint::lint_flow(&self.doc, &self.flow_index, &flow, i, &self.limits, &self.evaluator);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(diagnostics);
        }
        self.compile_checked(i, flow)
    }

    /// Compiles flow `i`, which the linter has passed.
    fn compile_checked(&self, i: usize, flow: content::Flow) -> std::result::Result<Flow, Vec<Diagnostic>> {
        let p = Path::Root;
        let p = p.key("flows");
        let p = p.index(i);
        let mut cx = Compiler {
            evaluator: &self.evaluator,
            flow_index: &self.flow_index,
            flow_ids: &self.doc.flows,
            limits: &self.limits,
            problems: Vec::new(),
        };
        let index: FxHashMap<String, StepIx> =
            flow.steps.iter().enumerate().map(|(j, s)| (s.id.clone(), StepIx(j as u32))).collect();
        let start = match &flow.start {
            Some(s) => cx.step(&index, s, &p.key("start")),
            None => Some(StepIx(0)),
        };
        let mut steps = Vec::with_capacity(flow.steps.len());
        for (j, s) in flow.steps.into_iter().enumerate() {
            let id = StepId::checked(&s.id);
            if let Some(kind) = cx.compile_step(s.kind, &index, &p.key("steps").index(j)) {
                steps.push(Step { id, kind });
            }
        }
        match start {
            Some(start) if cx.problems.is_empty() => Ok(Flow {
                id: FlowId::checked(&flow.id),
                title: flow.title,
                start,
                policy: flow.escalation_policy,
                steps,
            }),
            _ => Err(cx.problems),
        }
    }

    /// A flow's index by id.
    pub fn flow_ix(&self, id: &str) -> Option<FlowIx> {
        flow_at(&self.flow_index, &self.doc.flows, id)
    }

    /// Paths of context fields declared as personal data.
    pub fn pii_fields(&self) -> &[String] {
        &self.pii_fields
    }

    /// The condition evaluator for this catalog's rules.
    pub fn evaluator(&self) -> &Evaluator {
        &self.evaluator
    }

    /// Builds now what is otherwise built on first use: the text automaton
    /// (about 15 ms for 20k phrases) and the crisis screen. Hosts may call this
    /// on a background thread after loading so the first typed question does
    /// not pay for it; flows still compile on first use.
    pub fn prepare(&self) {
        if let Some(p) = &self.resolve_index.phrases {
            p.prepare();
        }
        self.crisis_index.prepare();
        let _ = self.intent_model();
    }

    /// The intent model, learned from the scenarios' texts on first use.
    pub(crate) fn intent_model(&self) -> &IntentModel {
        self.intents.model.get_or_init(|| {
            let samples =
                std::mem::take(&mut *self.intents.samples.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            IntentModel::build(&samples, self.scenarios.len())
        })
    }

    /// How typed questions are matched to scenarios by their examples.
    pub fn text_matching(&self) -> &content::TextMatching {
        &self.doc.text_matching
    }

    /// Personal-data redaction for handoff packets, built on first use.
    pub fn redactor(&self) -> &Redactor {
        self.redactor.get_or_init(Redactor::new)
    }

    /// `text` with personal data found by its shape redacted, as in handoff
    /// packets (phones, cards, IDs, IBANs, emails; see [`crate::redact`]):
    /// for hosts that log or forward free text themselves.
    pub fn redact(&self, text: &str) -> String {
        self.redactor().text(text)
    }

    pub(crate) fn resolve_index(&self) -> &ResolveIndex {
        &self.resolve_index
    }

    pub(crate) fn crisis_index(&self) -> &CrisisIndex {
        &self.crisis_index
    }

    /// Warnings found while loading (errors would have rejected the content).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

impl Scenario {
    /// The compiled rule of condition trigger `trigger`.
    pub fn trigger_condition(&self, trigger: usize) -> Option<&Condition> {
        self.conditions.iter().find(|(t, _)| usize::from(*t) == trigger).map(|(_, c)| c)
    }

    /// How many triggers the scenario has.
    pub fn trigger_count(&self) -> usize {
        self.triggers.len()
    }

    /// Whether the audience rule admits the context in `scope` (no rule admits
    /// everyone; a rule that does not compile rejects the content at load).
    pub fn admits(&self, scope: &mut Scope<'_>) -> bool {
        self.audience.as_ref().is_none_or(|c| scope.holds(c))
    }
}

impl Flow {
    /// A step by index.
    pub fn step(&self, ix: StepIx) -> &Step {
        &self.steps[ix.0 as usize]
    }

    /// A step's index by id.
    pub fn step_ix(&self, id: &str) -> Option<StepIx> {
        self.steps.iter().position(|s| s.id.as_str() == id).map(|i| StepIx(i as u32))
    }
}

/// Turns a lint-clean document into a catalog. The linter has proven every
/// reference; should one still be missing, this reports it instead of panicking.
fn compile(
    mut doc: CatalogDoc<LazyFlowSource>,
    evaluator: Evaluator,
    warnings: Vec<Diagnostic>,
    limits: &Limits,
) -> Result<Catalog> {
    // Read from JSON with room to grow (16,384 places for 10,000 flows).
    doc.flows.shrink_to_fit();
    let flow_index = IdIndex::new(doc.flows.len(), |i| doc.flows.get(i).map_or("", |f| f.id.as_str()));
    let mut cx =
        Compiler { evaluator: &evaluator, flow_index: &flow_index, flow_ids: &doc.flows, limits, problems: Vec::new() };

    let urgency = doc
        .urgency
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let root = Path::Root;
            let list = root.key("urgency");
            let item = list.index(i);
            Some(UrgencyRule {
                id: r.id.clone(),
                when: cx.condition(&r.when, &item.key("when"))?,
                priority: r.priority,
            })
        })
        .collect();

    // Segment conditions run on every view; at load their operators are checked.
    {
        let root = Path::Root;
        let policy = root.key("escalation_policy");
        let list = policy.key("segments");
        for (i, rule) in doc.escalation_policy.segments.iter().flatten().enumerate() {
            if let Some(when) = &rule.when {
                let item = list.index(i);
                let _ = cx.condition(when, &item.key("when"));
            }
        }
    }

    let mut index = ResolveIndex::default();
    // What each condition gives when the context has none of the paths it reads.
    let empty_data = Value::Object(serde_json::Map::new());
    let mut empty = evaluator.scope(&empty_data);
    let mut phrases = PhraseIndexBuilder::new(limits.max_regex_nesting, limits.max_regex_compiled_bytes)
        .literal_free_limit(limits.max_literal_free_patterns);
    // Where each text pattern is (scenario, trigger, locale in `pattern_locales`,
    // place in its list), for the pointer of an error: built only for those.
    let mut pattern_places: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut pattern_locales: Vec<String> = Vec::new();
    let mut scenarios = Vec::with_capacity(doc.scenarios.len());
    let root = Path::Root;
    let scenario_list = root.key("scenarios");
    let mut samples: Vec<Sample> = Vec::new();
    for (i, mut s) in std::mem::take(&mut doc.scenarios).into_iter().enumerate() {
        let p = scenario_list.index(i);
        let trigger_list = p.key("triggers");
        let class = scenarios.len() as u32;
        let mut own = crate::intent::take_samples(class, &mut s);
        let mut conditions: Vec<(u16, Condition)> =
            Vec::with_capacity(s.triggers.iter().filter(|t| matches!(t, Trigger::Condition { .. })).count());
        let mut triggers: Vec<CompiledTrigger> = Vec::with_capacity(s.triggers.len());
        for (j, t) in s.triggers.into_iter().enumerate() {
            let tref = TriggerRef { scenario: scenarios.len() as u32, trigger: j as u16 };
            let tp = trigger_list.index(j);
            let weight = t.weight();
            match t {
                Trigger::Screen { patterns, .. } => {
                    patterns.iter().for_each(|pat| index.add_screen(pat, tref));
                    triggers.push(CompiledTrigger::Screen { patterns: boxed(patterns), weight });
                }
                Trigger::Event { names, codes, within_seconds, .. } => {
                    names.iter().for_each(|n| index.add_event(n, &codes, tref));
                    triggers.push(CompiledTrigger::Event(Box::new(EventTrigger {
                        names: boxed(names),
                        codes: boxed(codes),
                        within_seconds,
                        weight,
                    })));
                }
                Trigger::Condition { rule, .. } => {
                    triggers.push(CompiledTrigger::Condition { weight });
                    // Compiled once, here: the compiled form of a common rule is
                    // no larger than its text, so keeping the text for a later
                    // compile saved nothing once the catalog was in use.
                    let compiled = match evaluator.compile(&rule) {
                        Ok(c) => c,
                        Err(e) => {
                            cx.problem(Code::InvalidCondition, &tp.key("rule"), format!("invalid JsonLogic: {e}"));
                            continue;
                        }
                    };
                    // Its value on empty data decides how to index it. A rule that
                    // runs out of fuel here (or once the load's shared budget is
                    // spent) is evaluated on every resolve: the safe side, where
                    // nothing is indexed away.
                    index.add_condition(&rule, || empty.try_holds(&compiled).unwrap_or(true), tref);
                    conditions.push((j as u16, compiled));
                }
                Trigger::Text { keywords, patterns, .. } => {
                    triggers.push(CompiledTrigger::Text { weight });
                    for k in keywords.into_values().flatten() {
                        phrases.keyword(tref, k);
                    }
                    for (locale, list) in patterns {
                        let l = pattern_locales.iter().position(|x| *x == locale).unwrap_or_else(|| {
                            pattern_locales.push(locale);
                            pattern_locales.len() - 1
                        });
                        for (k, pat) in list.into_iter().enumerate() {
                            phrases.pattern(tref, pat);
                            pattern_places.push((i, j, l, k));
                        }
                    }
                }
            }
        }
        let audience = match s.audience {
            Some(rule) => match evaluator.compile(&rule) {
                Ok(c) => Some(Box::new(c)),
                Err(e) => {
                    cx.problem(Code::InvalidCondition, &p.key("audience"), format!("invalid JsonLogic: {e}"));
                    None
                }
            },
            None => None,
        };
        let Some(flow) = cx.flow(&s.flow, &p.key("flow")) else {
            continue;
        };
        samples.append(&mut own);
        scenarios.push(Scenario {
            id: ScenarioId::checked(&s.id),
            title: s.title,
            summary: s.summary,
            product: s.product,
            triggers: triggers.into_boxed_slice(),
            conditions: conditions.into_boxed_slice(),
            priority: s.priority,
            audience,
            risk: s.risk,
            flow,
        });
    }

    let (phrase_index, pattern_errors) = phrases.build();
    for e in pattern_errors {
        let at = pattern_places.get(e.pattern).map_or_else(String::new, |&(i, j, l, k)| {
            let locale = pattern_locales.get(l).map_or("", String::as_str);
            let list = scenario_list.index(i);
            let triggers = list.key("triggers");
            let trigger = triggers.index(j);
            let patterns = trigger.key("patterns");
            let by_locale = patterns.key(locale);
            by_locale.index(k).to_string()
        });
        cx.problems.push(pattern_problem(at, &e));
    }
    index.phrases = Some(phrase_index);
    index.finish();
    let crisis_index = {
        let (ci, errors) = crisis::build_index(doc.crisis.as_ref(), limits);
        for (at, e) in errors {
            cx.problems.push(pattern_problem(at, &e));
        }
        ci
    };

    let mut interventions = Vec::with_capacity(doc.interventions.len());
    let intervention_list = root.key("interventions");
    for (i, v) in std::mem::take(&mut doc.interventions).into_iter().enumerate() {
        let p = intervention_list.index(i);
        let when = v.when.as_ref().and_then(|w| cx.condition(w, &p.key("when")));
        let flow = v.flow.as_ref().and_then(|f| cx.flow(f, &p.key("flow")));
        interventions.push(Intervention {
            id: InterventionId::checked(&v.id),
            events: v.events,
            when,
            risk: v.risk,
            message: v.message,
            education: v.education,
            hold_action: v.hold_action.map(|c| (ActionId::checked(&c.action), c.params)),
            human: v.human,
            flow,
        });
    }

    let flows = doc.flows.iter().map(|_| OnceLock::new()).collect();

    if !cx.problems.is_empty() {
        let mut diagnostics = cx.problems;
        diagnostics.extend(warnings);
        return Err(Error::InvalidContent { diagnostics });
    }
    let scenario_index = IdIndex::new(scenarios.len(), |i| scenarios.get(i).map_or("", |s: &Scenario| s.id.as_str()));
    doc.urgency.clear();
    Ok(Catalog {
        actions: doc.actions.iter().map(|a| ActionId::checked(&a.id)).collect(),
        pii_fields: doc.context.fields.iter().filter(|f| f.pii).map(|f| f.path.clone()).collect(),
        doc,
        urgency,
        scenarios,
        interventions,
        flows,
        limits: limits.clone(),
        scenario_index,
        flow_index,
        evaluator,
        warnings,
        resolve_index: index,
        crisis_index,
        intents: Intents { samples: std::sync::Mutex::new(samples), model: OnceLock::new() },
        redactor: OnceLock::new(),
        host_actions: None,
    })
}

/// A pattern the text index refused, as a diagnostic at its pointer.
fn pattern_problem(path: String, e: &crate::text::PatternError) -> Diagnostic {
    let (code, message) = match e.over_limit {
        true => (Code::LimitExceeded, e.message.clone()),
        false => (Code::InvalidRegex, format!("invalid regular expression: {}", e.message)),
    };
    Diagnostic { code, severity: Severity::Error, message, path, position: None }
}

struct Compiler<'a> {
    evaluator: &'a Evaluator,
    limits: &'a Limits,
    flow_index: &'a IdIndex,
    flow_ids: &'a [LazyFlowSource],
    problems: Vec<Diagnostic>,
}

/// The position of flow `id` among `flows`, by `index`.
fn flow_at(index: &IdIndex, flows: &[LazyFlowSource], id: &str) -> Option<FlowIx> {
    index.get(id, |i| flows.get(i).map_or("", |f| f.id.as_str())).map(|i| FlowIx(i as u32))
}

impl Compiler<'_> {
    fn problem(&mut self, code: Code, p: &Path<'_>, message: String) {
        self.problems.push(Diagnostic {
            code,
            severity: Severity::Error,
            message,
            path: p.to_string(),
            position: None,
        });
    }

    fn condition(&mut self, rule: &Value, p: &Path<'_>) -> Option<Condition> {
        match self.evaluator.compile(rule) {
            Ok(c) => Some(c),
            Err(e) => {
                self.problem(Code::InvalidCondition, p, format!("invalid JsonLogic: {e}"));
                None
            }
        }
    }

    fn flow(&mut self, id: &str, p: &Path<'_>) -> Option<FlowIx> {
        let found = flow_at(self.flow_index, self.flow_ids, id);
        if found.is_none() {
            self.problem(Code::DanglingFlow, p, format!("no flow has id `{id}`"));
        }
        found
    }

    fn step(&mut self, index: &FxHashMap<String, StepIx>, id: &str, p: &Path<'_>) -> Option<StepIx> {
        let found = index.get(id).copied();
        if found.is_none() {
            self.problem(Code::DanglingNext, p, format!("no step `{id}`"));
        }
        found
    }

    fn compile_step(&mut self, kind: StepKind, ix: &FxHashMap<String, StepIx>, p: &Path<'_>) -> Option<CompiledStep> {
        Some(match kind {
            StepKind::Message { text, next } => match next {
                Some(n) => CompiledStep::Message { text, next: self.step(ix, &n, &p.key("next"))? },
                None => {
                    self.problem(Code::DeadEnd, p, "message step has no `next`".to_owned());
                    return None;
                }
            },
            StepKind::Choice { text, options } => {
                let mut out = Vec::with_capacity(options.len());
                for (i, o) in options.into_iter().enumerate() {
                    let next = self.step(ix, &o.next, &p.key("options").index(i).key("next"))?;
                    out.push(ChoiceOption { id: o.id, label: o.label, next });
                }
                CompiledStep::Choice { text, options: out }
            }
            StepKind::Check { branches, otherwise } => {
                let mut out = Vec::with_capacity(branches.len());
                for (i, b) in branches.iter().enumerate() {
                    let list = p.key("branches");
                    let bp = list.index(i);
                    let c = self.condition(&b.when, &bp.key("when"))?;
                    out.push((c, self.step(ix, &b.next, &bp.key("next"))?));
                }
                CompiledStep::Check { branches: out, otherwise: self.step(ix, &otherwise, &p.key("otherwise"))? }
            }
            StepKind::Action { text, action, params, save_as, on_success, on_failure, on_cancelled } => {
                let on_failure_ix = self.step(ix, &on_failure, &p.key("on_failure"))?;
                let on_cancelled = match on_cancelled {
                    Some(c) => self.step(ix, &c, &p.key("on_cancelled"))?,
                    None => on_failure_ix,
                };
                CompiledStep::Action {
                    text,
                    action: ActionId::checked(&action),
                    params,
                    save_as,
                    on_success: self.step(ix, &on_success, &p.key("on_success"))?,
                    on_failure: on_failure_ix,
                    on_cancelled,
                }
            }
            StepKind::Input { text, save_as, pattern, max_length, error, next } => CompiledStep::Input {
                text,
                save_as,
                pattern: pattern
                    .map(|p| LazyRegex::whole(&p, self.limits.max_regex_compiled_bytes, self.limits.max_regex_nesting)),
                max_length: max_length.unwrap_or(DEFAULT_MAX_INPUT_CHARS),
                error,
                next: self.step(ix, &next, &p.key("next"))?,
            },
            StepKind::Resolution { text, feedback } => CompiledStep::Resolution { text, feedback },
            StepKind::Escalation { text, channels, queue, priority, reason, agent_guidance } => {
                CompiledStep::Escalation { text, channels, queue, priority, reason, agent_guidance }
            }
            StepKind::Flow { flow, mode: FlowMode::Goto, .. } => {
                CompiledStep::Goto { flow: self.flow(&flow, &p.key("flow"))? }
            }
            StepKind::Flow { flow, mode: FlowMode::Call, next } => {
                let flow = self.flow(&flow, &p.key("flow"))?;
                let Some(next) = next else {
                    self.problem(Code::DeadEnd, p, "a `call` needs `next`".to_owned());
                    return None;
                };
                CompiledStep::Call { flow, next: self.step(ix, &next, &p.key("next"))? }
            }
        })
    }
}

#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Catalog>();
}

#[doc(hidden)]
pub use content::SCHEMA_MAJOR;
