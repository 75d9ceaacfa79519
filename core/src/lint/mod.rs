//! The content linter: every rule content must follow, each finding with a
//! stable code and the JSON pointer of the offending place.
//!
//! [`lint`] is for authors and CI (it also compiles every regular expression and
//! reports unknown fields); loading a catalog runs the same rules minus those two
//! costlier checks, so a catalog that lints clean always loads.

mod flow;
mod rules;
mod shape;

use rules::truncate;

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use crate::condition::{self, Evaluator};
use crate::content::{self, CatalogDoc, Channel, EscalationPolicy, Flow, FlowMode, LocalizedText, StepKind, Trigger};
use crate::context::{ANSWERS_ROOT, BUILTIN_CONTAINERS, BUILTIN_FIELDS, EVENT_ROOT};
use crate::error::{Code, Diagnostic, Path, Pointer, Severity};
use crate::i18n;
use crate::id::is_valid_id;
use crate::limits::Limits;
pub use crate::source::position_of;
use crate::source::{self, Flows, LazyFlowSource};

/// The findings of a lint run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LintReport {
    /// Every finding, errors first, then in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl LintReport {
    /// Whether any finding is an error (the catalog would not load).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The error findings.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// The warning findings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }
}

/// A finding with its place in the source, as the bindings and the CLI report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "LintFinding"))]
pub struct Finding {
    /// Stable code, e.g. `content.dangling_next`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Explanation; never contains user data.
    pub message: String,
    /// RFC 6901 JSON pointer of the offending value.
    pub path: String,
    /// 1-based line of the value in the source, where found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// Lints `source` and places every finding at its line and column.
///
/// ```
/// let found = inscene::lint::findings("{\n  \"schema_version\": \"2.0\"\n}");
/// assert_eq!((found[0].code, found[0].line), ("content.unsupported_version", Some(2)));
/// ```
pub fn findings(source: &str) -> Vec<Finding> {
    lint(source)
        .diagnostics
        .into_iter()
        .map(|d| {
            let position = place(source, &d);
            Finding {
                code: d.code.as_str(),
                severity: d.severity,
                message: d.message,
                path: d.path,
                line: position.map(|p| p.0),
                column: position.map(|p| p.1),
            }
        })
        .collect()
}

/// Where a finding is in `source`: the parser's position, else where its pointer leads.
pub fn place(source: &str, d: &Diagnostic) -> Option<(usize, usize)> {
    d.position.or_else(|| position_of(source, &d.path))
}

/// How a catalog document holds its flows: parsed, or raw until first use.
pub(crate) trait FlowSource {
    /// The flow's id.
    fn id(&self) -> &str;
    /// The parsed flow, when it is held parsed.
    fn parsed(&self) -> Option<&Flow>;
}
impl FlowSource for LazyFlowSource {
    fn id(&self) -> &str {
        &self.id
    }
    fn parsed(&self) -> Option<&content::Flow> {
        self.parsed.as_deref()
    }
}

/// How thorough a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// At load time: every rule, regexes checked for syntax only.
    Load,
    /// For authors: also compile every regex and report unknown fields.
    Full,
}

/// Lints a content document with the default limits.
///
/// ```
/// let report = inscene::lint::lint(r#"{"schema_version": "2.0"}"#);
/// assert_eq!(report.diagnostics[0].code.as_str(), "content.unsupported_version");
/// ```
pub fn lint(source: &str) -> LintReport {
    lint_with(source, &Limits::default())
}

/// Lints a content document with the given limits.
pub fn lint_with(source: &str, limits: &Limits) -> LintReport {
    let evaluator = Evaluator::new();
    let (_, diagnostics) = analyze(source, limits, &evaluator, Depth::Full, Flows::Parsed);
    LintReport { diagnostics }
}

/// Lints a content document against the in-app actions a host performs (see
/// [`crate::Catalog::with_host_actions`]): besides every finding of
/// [`lint_with`], each action step and intervention hold that names an action
/// outside `host_actions` is a `content.host_action_missing` error, since the
/// app would never perform it and the step would always take its failure path.
pub fn lint_for_host(source: &str, limits: &Limits, host_actions: &[String]) -> LintReport {
    let mut report = lint_with(source, limits);
    if report.diagnostics.iter().any(|d| matches!(d.code, Code::InvalidJson | Code::TooLarge | Code::LimitExceeded)) {
        return report;
    }
    let Ok(doc) = serde_json::from_str::<Value>(source) else { return report };
    let performs = |a: &str| host_actions.iter().any(|h| h == a);
    let mut found = Vec::new();
    let root = Path::Root;
    let flows = root.key("flows");
    for (i, flow) in doc.get("flows").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let steps = flows.index(i);
        let steps = steps.key("steps");
        for (j, step) in flow.get("steps").and_then(Value::as_array).into_iter().flatten().enumerate() {
            if step.get("type").and_then(Value::as_str) != Some("action") {
                continue;
            }
            if let Some(action) = step.get("action").and_then(Value::as_str).filter(|a| !performs(a)) {
                let at = steps.index(j);
                found.push(diag(
                    Code::HostActionMissing,
                    Severity::Error,
                    &at.key("action"),
                    format!(
                        "the host does not perform `{}`, so this step always takes its failure path",
                        truncate(action)
                    ),
                ));
            }
        }
    }
    let interventions = root.key("interventions");
    for (i, v) in doc.get("interventions").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let hold = v.get("hold_action").and_then(|h| h.get("action")).and_then(Value::as_str);
        if let Some(action) = hold.filter(|a| !performs(a)) {
            let at = interventions.index(i);
            let at = at.key("hold_action");
            found.push(diag(
                Code::HostActionMissing,
                Severity::Error,
                &at.key("action"),
                format!("the host does not perform `{}`, so the risky action is never held", truncate(action)),
            ));
        }
    }
    // Errors first, as every report lists them.
    let warnings = report.diagnostics.iter().position(|d| !d.is_error()).unwrap_or(report.diagnostics.len());
    report.diagnostics.splice(warnings..warnings, found);
    report
}

/// Parses and checks `source`. Returns the document when it parsed, and all
/// findings sorted errors first.
/// There is one document type, with flows held as text (`LazyFlowSource`), so
/// the libraries carry one copy of the document's deserializer and of the linter.
pub(crate) fn analyze(
    source: &str,
    limits: &Limits,
    evaluator: &Evaluator,
    depth: Depth,
    flows: Flows,
) -> (Option<CatalogDoc<LazyFlowSource>>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let doc = source::read(source, limits, flows, depth == Depth::Full, &mut out).map(|(doc, value)| {
        // Authors also hear about fields the format does not have.
        if let Some(input) = value {
            shape::unknown_fields(&input, &mut out);
        }
        doc
    });
    if let Some(doc) = &doc {
        let mut linter = Linter::new(doc, limits, evaluator, depth, out);
        linter.run();
        out = linter.out;
    }
    // Stable: errors first, document order kept within each severity.
    crate::order::by(&mut out, |a, b| a.severity.cmp(&b.severity));
    (doc, out)
}

/// Checks one flow on first use, against a loaded catalog's declarations.
/// `index` is the flow's position, so pointers read `/flows/<index>/...`.
pub(crate) fn lint_flow<'a, F: FlowSource>(
    doc: &'a CatalogDoc<F>,
    flow_index: &'a crate::id::IdIndex,
    flow: &'a Flow,
    index: usize,
    limits: &'a Limits,
    evaluator: &'a Evaluator,
) -> Vec<Diagnostic> {
    // Answers may be collected by any flow, parsed or not: accept any `answers.*`.
    let id_at = |i: usize| doc.flows.get(i).map_or("", FlowSource::id);
    let flows = FlowIds::Catalog(flow_index, &id_at);
    let mut linter = Linter::with_flows(doc, limits, evaluator, Depth::Load, Vec::new(), flows, BTreeSet::new(), true);
    let flows = ROOT.key("flows");
    linter.flow(flow, &flows.index(index));
    let mut out = linter.out;
    crate::order::by(&mut out, |a, b| a.severity.cmp(&b.severity));
    out
}

/// The root of every content path.
const ROOT: Path<'static> = Path::Root;

fn diag(code: Code, severity: Severity, path: &Path<'_>, message: impl Into<String>) -> Diagnostic {
    Diagnostic { code, severity, message: message.into(), path: path.to_string(), position: None }
}

/// Where a text or rule appears: decides which roots it may reference.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Scenarios, flows, urgency: context and answers.
    Context,
    /// Interventions: also the triggering event.
    Intervention,
}

struct Linter<'a, F: FlowSource> {
    doc: &'a CatalogDoc<F>,
    limits: &'a Limits,
    evaluator: &'a Evaluator,
    depth: Depth,
    out: Vec<Diagnostic>,
    /// Declared context fields: path -> whether sub-paths are open (object/list).
    fields: FxHashMap<&'a str, bool>,
    answer_keys: BTreeSet<&'a str>,
    /// Some flows are not parsed yet, so any `answers.*` name may be collected there.
    answers_open: bool,
    flows: FlowIds<'a>,
    actions: FxHashMap<&'a str, usize>,
    supported_locales: Vec<&'a str>,
    /// Indexed patterns with no required literal so far: scenario triggers, crisis screening.
    literal_free: [usize; 2],
}

/// Flow ids a linter resolves references against: its own map, or a loaded
/// catalog's index (checking one flow must not rebuild a map of all of them).
enum FlowIds<'a> {
    Own(FxHashMap<&'a str, usize>),
    /// A catalog's index of its flows, and each flow's id by position.
    Catalog(&'a crate::id::IdIndex, &'a dyn Fn(usize) -> &'a str),
}

impl FlowIds<'_> {
    fn get(&self, id: &str) -> Option<usize> {
        match self {
            FlowIds::Own(m) => m.get(id).copied(),
            FlowIds::Catalog(index, id_at) => index.get(id, id_at),
        }
    }
}

impl<'a, F: FlowSource> Linter<'a, F> {
    fn new(
        doc: &'a CatalogDoc<F>,
        limits: &'a Limits,
        evaluator: &'a Evaluator,
        depth: Depth,
        out: Vec<Diagnostic>,
    ) -> Self {
        let mut flows = FxHashMap::default();
        for (i, f) in doc.flows.iter().enumerate() {
            flows.entry(f.id()).or_insert(i);
        }
        let mut answer_keys = BTreeSet::new();
        let answers_open = doc.flows.iter().any(|f| f.parsed().is_none());
        for flow in doc.flows.iter().filter_map(F::parsed) {
            for step in &flow.steps {
                match &step.kind {
                    StepKind::Input { save_as, .. } => {
                        answer_keys.insert(save_as.as_str());
                    }
                    StepKind::Action { save_as: Some(k), .. } => {
                        answer_keys.insert(k.as_str());
                    }
                    _ => {}
                }
            }
        }
        Self::with_flows(doc, limits, evaluator, depth, out, FlowIds::Own(flows), answer_keys, answers_open)
    }

    #[allow(clippy::too_many_arguments)]
    fn with_flows(
        doc: &'a CatalogDoc<F>,
        limits: &'a Limits,
        evaluator: &'a Evaluator,
        depth: Depth,
        out: Vec<Diagnostic>,
        flows: FlowIds<'a>,
        answer_keys: BTreeSet<&'a str>,
        answers_open: bool,
    ) -> Self {
        let mut actions = FxHashMap::default();
        for (i, a) in doc.actions.iter().enumerate() {
            actions.entry(a.id.as_str()).or_insert(i);
        }
        let mut fields = FxHashMap::default();
        for f in &doc.context.fields {
            let open = matches!(f.kind, content::FieldType::Object | content::FieldType::List);
            fields.entry(f.path.as_str()).or_insert(open);
        }
        let supported_locales = doc.locales.supported.iter().map(String::as_str).collect();
        Linter {
            doc,
            limits,
            evaluator,
            depth,
            out,
            fields,
            answer_keys,
            answers_open,
            flows,
            actions,
            supported_locales,
            literal_free: [0, 0],
        }
    }

    fn error(&mut self, code: Code, path: &Path<'_>, message: impl Into<String>) {
        self.out.push(diag(code, Severity::Error, path, message));
    }

    fn warn(&mut self, code: Code, path: &Path<'_>, message: impl Into<String>) {
        self.out.push(diag(code, Severity::Warning, path, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_json_has_a_position() {
        let report = lint("{\n  \"schema_version\": \"1.0\",\n  oops\n}");
        let d = &report.diagnostics[0];
        assert_eq!(d.code, Code::InvalidJson);
        assert_eq!(d.position, Some((3, 3)));
    }
}
