//! The compiled catalog: validated, immutable and shareable across threads.
//!
//! Loading runs the linter; any error diagnostic rejects the content. Once
//! loaded, every reference between scenarios, flows, steps and actions is an
//! index that is known to be valid, and every condition is compiled.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::condition::{Condition, Evaluator};
use crate::content::{
    self, CatalogDoc, CatalogMeta, Channel, CrisisScreening, EscalationPolicy, FlowMode, HumanOffer, Locales,
    LocalizedText, Priority, RiskLevel, StepKind, Trigger,
};
use crate::error::{Code, Diagnostic, Error, Pointer, Result, Severity};
use crate::escalation::{CrisisIndex, build_crisis_index};
use crate::handoff::Redactor;
use crate::id::{ActionId, FlowId, InterventionId, ScenarioId, StepId};
use crate::limits::Limits;
use crate::lint::{self, Depth};
use crate::resolve::{ResolveIndex, TriggerRef};
use crate::text::{LazyRegex, PhraseIndexBuilder};

/// Index of a flow in a [`Catalog`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowIx(pub(crate) u32);

/// Index of a step within its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepIx(pub(crate) u32);

/// A loaded content catalog.
#[derive(Debug)]
pub struct Catalog {
    meta: CatalogMeta,
    locales: Locales,
    actions: Vec<ActionId>,
    policy: EscalationPolicy,
    crisis: Option<CrisisScreening>,
    urgency: Vec<UrgencyRule>,
    scenarios: Vec<Scenario>,
    interventions: Vec<Intervention>,
    flows: Vec<Flow>,
    scenario_index: HashMap<ScenarioId, usize>,
    flow_index: HashMap<FlowId, FlowIx>,
    pii_fields: Vec<String>,
    evaluator: Evaluator,
    warnings: Vec<Diagnostic>,
    resolve_index: ResolveIndex,
    crisis_index: Option<CrisisIndex>,
    redactor: std::sync::OnceLock<Redactor>,
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
    /// Triggers as authored (text patterns are compiled on first use by the resolver).
    pub triggers: Vec<Trigger>,
    /// Compiled condition of each `condition` trigger, by trigger position.
    pub trigger_conditions: BTreeMap<usize, Condition>,
    /// Base rank 0..=100.
    pub priority: u32,
    /// Audience condition.
    pub audience: Option<Condition>,
    /// Risk level.
    pub risk: RiskLevel,
    /// The flow it starts.
    pub flow: FlowIx,
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

    /// Loads content JSON with the given limits. Fails with
    /// [`Error::InvalidContent`] listing every finding when any is an error.
    pub fn from_json_with(source: &str, limits: &Limits) -> Result<Catalog> {
        let evaluator = Evaluator::new();
        let (doc, diagnostics) = lint::analyze(source, limits, &evaluator, Depth::Load);
        match doc {
            Some(doc) if !diagnostics.iter().any(Diagnostic::is_error) => compile(doc, evaluator, diagnostics, limits),
            _ => Err(Error::InvalidContent { diagnostics }),
        }
    }

    /// Identity and version.
    pub fn meta(&self) -> &CatalogMeta {
        &self.meta
    }

    /// Locale configuration.
    pub fn locales(&self) -> &Locales {
        &self.locales
    }

    /// Declared action ids.
    pub fn actions(&self) -> &[ActionId] {
        &self.actions
    }

    /// Catalog-wide escalation policy.
    pub fn policy(&self) -> &EscalationPolicy {
        &self.policy
    }

    /// Crisis screening, if configured.
    pub fn crisis(&self) -> Option<&CrisisScreening> {
        self.crisis.as_ref()
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
        self.scenario_index.get(id).map(|&i| &self.scenarios[i])
    }

    /// Interventions in document order.
    pub fn interventions(&self) -> &[Intervention] {
        &self.interventions
    }

    /// Flows in document order.
    pub fn flows(&self) -> &[Flow] {
        &self.flows
    }

    /// A flow by index.
    pub fn flow(&self, ix: FlowIx) -> &Flow {
        &self.flows[ix.0 as usize]
    }

    /// A flow's index by id.
    pub fn flow_ix(&self, id: &str) -> Option<FlowIx> {
        self.flow_index.get(id).copied()
    }

    /// Paths of context fields declared as personal data.
    pub fn pii_fields(&self) -> &[String] {
        &self.pii_fields
    }

    /// The condition evaluator for this catalog's rules.
    pub fn evaluator(&self) -> &Evaluator {
        &self.evaluator
    }

    /// Personal-data redaction for handoff packets, built on first use.
    pub fn redactor(&self) -> &Redactor {
        self.redactor.get_or_init(Redactor::new)
    }

    pub(crate) fn resolve_index(&self) -> &ResolveIndex {
        &self.resolve_index
    }

    pub(crate) fn crisis_index(&self) -> Option<&CrisisIndex> {
        self.crisis_index.as_ref()
    }

    /// Warnings found while loading (errors would have rejected the content).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
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
fn compile(doc: CatalogDoc, evaluator: Evaluator, warnings: Vec<Diagnostic>, limits: &Limits) -> Result<Catalog> {
    let flow_index: HashMap<FlowId, FlowIx> =
        doc.flows.iter().enumerate().map(|(i, f)| (FlowId::checked(&f.id), FlowIx(i as u32))).collect();
    let mut cx = Compiler { evaluator: &evaluator, flow_index: &flow_index, limits, problems: Vec::new() };

    let urgency = doc
        .urgency
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let p = Pointer::root().key("urgency").index(i).key("when");
            Some(UrgencyRule { id: r.id.clone(), when: cx.condition(&r.when, &p)?, priority: r.priority })
        })
        .collect();

    let mut index = ResolveIndex::default();
    // What each condition gives when the context has none of the paths it reads.
    let mut empty = evaluator.scope(&Value::Object(serde_json::Map::new()));
    let mut phrases = PhraseIndexBuilder::new(limits.max_regex_nesting, limits.max_regex_compiled_bytes);
    let mut pattern_pointers: Vec<Pointer> = Vec::new();
    let mut scenarios = Vec::with_capacity(doc.scenarios.len());
    for (i, s) in doc.scenarios.into_iter().enumerate() {
        let p = Pointer::root().key("scenarios").index(i);
        let mut trigger_conditions = BTreeMap::new();
        for (j, t) in s.triggers.iter().enumerate() {
            let tref = TriggerRef { scenario: scenarios.len() as u32, trigger: j as u16 };
            let tp = p.key("triggers").index(j);
            match t {
                Trigger::Screen { patterns, .. } => patterns.iter().for_each(|pat| index.add_screen(pat, tref)),
                Trigger::Event { names, .. } => names.iter().for_each(|n| index.add_event(n, tref)),
                Trigger::Condition { rule, .. } => {
                    if let Some(c) = cx.condition(rule, &tp.key("rule")) {
                        index.add_condition(rule, empty.holds(&c), tref);
                        trigger_conditions.insert(j, c);
                    }
                }
                Trigger::Text { keywords, patterns, .. } => {
                    keywords.values().flatten().for_each(|k| {
                        phrases.keyword(tref, k);
                    });
                    for (locale, list) in patterns {
                        for (k, pat) in list.iter().enumerate() {
                            phrases.pattern(tref, pat);
                            pattern_pointers.push(tp.key("patterns").key(locale).index(k));
                        }
                    }
                }
            }
        }
        let audience = s.audience.as_ref().and_then(|a| cx.condition(a, &p.key("audience")));
        let Some(flow) = cx.flow(&s.flow, &p.key("flow")) else {
            continue;
        };
        scenarios.push(Scenario {
            id: ScenarioId::checked(&s.id),
            title: s.title,
            summary: s.summary,
            product: s.product,
            triggers: s.triggers,
            trigger_conditions,
            priority: s.priority,
            audience,
            risk: s.risk,
            flow,
        });
    }

    let (phrase_index, pattern_errors) = phrases.build();
    for e in pattern_errors {
        let at = pattern_pointers.get(e.pattern).cloned().unwrap_or_default();
        cx.problem(Code::InvalidRegex, &at, format!("invalid regular expression: {}", e.message));
    }
    index.phrases = Some(phrase_index);
    let crisis_index = doc.crisis.as_ref().map(|c| {
        let (ci, errors) = build_crisis_index(c, limits);
        for (at, message) in errors {
            cx.problems.push(Diagnostic {
                code: Code::InvalidRegex,
                severity: Severity::Error,
                message: format!("invalid regular expression: {message}"),
                path: at,
                position: None,
            });
        }
        ci
    });

    let mut interventions = Vec::with_capacity(doc.interventions.len());
    for (i, v) in doc.interventions.into_iter().enumerate() {
        let p = Pointer::root().key("interventions").index(i);
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

    drop(empty);
    let mut flows = Vec::with_capacity(doc.flows.len());
    for (i, f) in doc.flows.into_iter().enumerate() {
        let p = Pointer::root().key("flows").index(i);
        let index: HashMap<String, StepIx> =
            f.steps.iter().enumerate().map(|(j, s)| (s.id.clone(), StepIx(j as u32))).collect();
        let start = match &f.start {
            Some(s) => cx.step(&index, s, &p.key("start")),
            None => Some(StepIx(0)),
        };
        let mut steps = Vec::with_capacity(f.steps.len());
        for (j, s) in f.steps.into_iter().enumerate() {
            let id = StepId::checked(&s.id);
            if let Some(kind) = cx.compile_step(s.kind, &index, &p.key("steps").index(j)) {
                steps.push(Step { id, kind });
            }
        }
        if let Some(start) = start {
            flows.push(Flow { id: FlowId::checked(&f.id), title: f.title, start, policy: f.escalation_policy, steps });
        }
    }

    if !cx.problems.is_empty() {
        let mut diagnostics = cx.problems;
        diagnostics.extend(warnings);
        return Err(Error::InvalidContent { diagnostics });
    }
    let scenario_index = scenarios.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
    Ok(Catalog {
        meta: doc.catalog,
        locales: doc.locales,
        actions: doc.actions.iter().map(|a| ActionId::checked(&a.id)).collect(),
        policy: doc.escalation_policy,
        crisis: doc.crisis,
        urgency,
        scenarios,
        interventions,
        flows,
        scenario_index,
        flow_index,
        pii_fields: doc.context.fields.iter().filter(|f| f.pii).map(|f| f.path.clone()).collect(),
        evaluator,
        warnings,
        resolve_index: index,
        crisis_index,
        redactor: std::sync::OnceLock::new(),
    })
}

struct Compiler<'a> {
    evaluator: &'a Evaluator,
    limits: &'a Limits,
    flow_index: &'a HashMap<FlowId, FlowIx>,
    problems: Vec<Diagnostic>,
}

impl Compiler<'_> {
    fn problem(&mut self, code: Code, p: &Pointer, message: String) {
        self.problems.push(Diagnostic {
            code,
            severity: Severity::Error,
            message,
            path: p.to_string(),
            position: None,
        });
    }

    fn condition(&mut self, rule: &Value, p: &Pointer) -> Option<Condition> {
        match self.evaluator.compile(rule) {
            Ok(c) => Some(c),
            Err(e) => {
                self.problem(Code::InvalidCondition, p, format!("invalid JsonLogic: {e}"));
                None
            }
        }
    }

    fn flow(&mut self, id: &str, p: &Pointer) -> Option<FlowIx> {
        let found = self.flow_index.get(id).copied();
        if found.is_none() {
            self.problem(Code::DanglingFlow, p, format!("no flow has id `{id}`"));
        }
        found
    }

    fn step(&mut self, index: &HashMap<String, StepIx>, id: &str, p: &Pointer) -> Option<StepIx> {
        let found = index.get(id).copied();
        if found.is_none() {
            self.problem(Code::DanglingNext, p, format!("no step `{id}`"));
        }
        found
    }

    fn compile_step(&mut self, kind: StepKind, ix: &HashMap<String, StepIx>, p: &Pointer) -> Option<CompiledStep> {
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
                    let bp = p.key("branches").index(i);
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
                pattern: pattern.map(|p| LazyRegex::whole(&p, self.limits.max_regex_compiled_bytes)),
                max_length: max_length.unwrap_or(DEFAULT_MAX_INPUT_CHARS),
                error,
                next: self.step(ix, &next, &p.key("next"))?,
            },
            StepKind::Resolution { text, feedback } => CompiledStep::Resolution { text, feedback },
            StepKind::Escalation { text, channels, queue, priority, reason } => {
                CompiledStep::Escalation { text, channels, queue, priority, reason }
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
