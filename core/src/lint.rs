//! The content linter: every rule content must follow, each finding with a
//! stable code and the JSON pointer of the offending place.
//!
//! [`lint`] is for authors and CI (it also compiles every regular expression and
//! reports unknown fields); loading a catalog runs the same rules minus those two
//! costlier checks, so a catalog that lints clean always loads.

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::LazyFlowSource;
use crate::condition::{self, Evaluator};
use crate::content::{self, CatalogDoc, Channel, EscalationPolicy, Flow, FlowMode, LocalizedText, StepKind, Trigger};
use crate::context::{ANSWERS_ROOT, BUILTIN_CONTAINERS, BUILTIN_FIELDS, EVENT_ROOT};
use crate::error::{Code, Diagnostic, Path, Pointer, Severity};
use crate::i18n;
use crate::id::is_valid_id;
use crate::limits::Limits;

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

/// Whether a run parses every flow up front or leaves them as text until used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flows {
    /// As text; each is parsed and checked on first use (loading).
    Lazy,
    /// Parsed and checked now (the full lint, the strict loader).
    Parsed,
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
    let doc = parse(source, limits, depth, flows, &mut out);
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
    flow_index: &'a FxHashMap<crate::id::FlowId, crate::catalog::FlowIx>,
    flow: &'a Flow,
    index: usize,
    limits: &'a Limits,
    evaluator: &'a Evaluator,
) -> Vec<Diagnostic> {
    // Answers may be collected by any flow, parsed or not: accept any `answers.*`.
    let flows = FlowIds::Catalog(flow_index);
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

fn diag_at(code: Code, severity: Severity, path: &Pointer, message: impl Into<String>) -> Diagnostic {
    Diagnostic { code, severity, message: message.into(), path: path.as_str().to_owned(), position: None }
}

/// The finding for content bytes that are not UTF-8: a JSON syntax error at the
/// first bad byte (1-based line, and column in bytes as serde_json counts them).
pub(crate) fn not_utf8(source: &[u8], e: &std::str::Utf8Error) -> Diagnostic {
    let valid = source.get(..e.valid_up_to()).unwrap_or_default();
    let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
    let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    let mut d = diag_at(
        Code::InvalidJson,
        Severity::Error,
        &Pointer::root(),
        format!("content is not UTF-8: invalid byte at offset {} (line {line}, column {column})", e.valid_up_to()),
    );
    d.position = Some((line, column));
    d
}

#[derive(Deserialize)]
struct VersionProbe {
    schema_version: Option<Value>,
}

fn parse(
    source: &str,
    limits: &Limits,
    depth: Depth,
    flows: Flows,
    out: &mut Vec<Diagnostic>,
) -> Option<CatalogDoc<LazyFlowSource>> {
    let root = Pointer::root();
    if source.len() > limits.max_source_bytes {
        out.push(diag_at(
            Code::TooLarge,
            Severity::Error,
            &root,
            format!("content is {} bytes; the limit is {}", source.len(), limits.max_source_bytes),
        ));
        return None;
    }
    // Nesting first, by a scan of the text: parts of the document that are
    // kept as text (flows) or skipped (unknown fields) are never parsed into
    // values at load, so only this scan bounds their depth, for lint and load alike.
    if let Some((offset, depth)) = too_deep(source, limits.max_json_depth) {
        let (line, column) = line_column(source, offset);
        let mut d = diag_at(
            Code::LimitExceeded,
            Severity::Error,
            &pointer_at(source, line, column, Pointer::root()),
            format!("values are nested {depth} deep here; the limit is {}", limits.max_json_depth),
        );
        d.position = Some((line, column));
        out.push(d);
        return None;
    }
    // One plain typed parse. A failure is located from serde_json's line and
    // column by a scan of the text (`pointer_at`), so no second, path-tracking
    // deserializer is compiled into the libraries and loading pays nothing for it.
    let parsed = serde_json::from_str::<CatalogDoc<LazyFlowSource>>(source)
        .map_err(|e| (pointer_at(source, e.line(), e.column(), Pointer::root()), e));
    let result = match parsed {
        Ok(mut doc) => {
            let version = Value::String(doc.schema_version.clone());
            if !check_version(Some(&version), out) {
                return None;
            }
            if flows == Flows::Parsed && !parse_flows(source, &mut doc, out) {
                return None;
            }
            match depth {
                Depth::Load => return Some(doc),
                // Authors also hear about fields the format does not have.
                Depth::Full => match serde_json::from_str::<Value>(source) {
                    Ok(value) => Ok((doc, Some(value))),
                    Err(e) => Err((Pointer::root(), e)),
                },
            }
        }
        Err(e) => {
            // Check the version before the shape, so a v2 document gets the right
            // error instead of a confusing complaint about a field v1 does not have.
            match serde_json::from_str::<VersionProbe>(source) {
                Ok(probe) if !check_version(probe.schema_version.as_ref(), out) => return None,
                Ok(_) => Err(e),
                Err(syntax) => {
                    let mut d = diag_at(Code::InvalidJson, Severity::Error, &root, syntax.to_string());
                    d.position = Some((syntax.line(), syntax.column()));
                    out.push(d);
                    return None;
                }
            }
        }
    };
    match result {
        Ok((doc, value)) => {
            if let Some(input) = value {
                match serde_json::from_str::<Value>(CONTENT_FIELDS) {
                    Ok(fields) => Shape::new(&fields).unknown_fields(&fields, &input, &root, out),
                    Err(e) => out.push(diag_at(Code::Schema, Severity::Error, &root, e.to_string())),
                }
            }
            Some(doc)
        }
        Err((p, inner)) => {
            let mut d = diag_at(Code::Schema, Severity::Error, &p, inner.to_string());
            if inner.line() > 0 {
                d.position = Some((inner.line(), inner.column()));
            }
            out.push(d);
            None
        }
    }
}

/// The byte offset where `source` first nests arrays and objects deeper than
/// `max`, with that depth. Strings are skipped, escapes included; the text
/// need not be valid JSON (the parser says what else is wrong).
fn too_deep(source: &str, max: usize) -> Option<(usize, usize)> {
    let b = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            // String contents are most of a document: skipped to the closing
            // quote in one tight loop, stepping over escapes. (Eight bytes at a
            // time cost more here: strings in content are short.)
            b'"' => loop {
                i += 1;
                match b.get(i..).and_then(|rest| rest.iter().position(|&c| c == b'"' || c == b'\\')) {
                    Some(k) if b[i + k] == b'\\' => i += k + 1,
                    Some(k) => {
                        i += k;
                        break;
                    }
                    None => return None,
                }
            },
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some((i, depth));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The 1-based line and byte column of a byte offset, as serde_json counts them.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = source.as_bytes().get(..offset).unwrap_or_default();
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line, offset - start + 1)
}

/// Parses every flow held as text; reports each that does not parse, at its
/// own pointer, and says whether all did.
fn parse_flows(source: &str, doc: &mut CatalogDoc<LazyFlowSource>, out: &mut Vec<Diagnostic>) -> bool {
    let mut all = true;
    for (i, f) in doc.flows.iter_mut().enumerate() {
        match serde_json::from_str::<Flow>(f.raw.get()) {
            Ok(flow) => f.parsed = Some(Box::new(flow)),
            Err(e) => {
                all = false;
                let p = pointer_at(f.raw.get(), e.line(), e.column(), Pointer::root().key("flows").index(i));
                let mut d = diag_at(Code::Schema, Severity::Error, &p, serde_message(&e));
                d.position = position_of(source, p.as_str());
                out.push(d);
            }
        }
    }
    all
}

/// A serde_json error's message without its " at line L column C" suffix, for
/// errors whose position is relative to a part of the document.
pub(crate) fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((message, _)) if e.line() > 0 => message.to_owned(),
        _ => text,
    }
}

/// The JSON pointer, under `base`, of the value a parse error at `line` and
/// `column` (as serde_json reports them: 1-based line, bytes into the line) is
/// in: the member or element being read there, or the object that just closed
/// when the error is about the object as a whole (a missing field).
pub(crate) fn pointer_at(source: &str, line: usize, column: usize, base: Pointer) -> Pointer {
    enum Seg {
        Key(Option<String>),
        Index(usize),
    }
    let b = source.as_bytes();
    let mut start = 0;
    for _ in 1..line {
        match b.get(start..).and_then(|rest| rest.iter().position(|&c| c == b'\n')) {
            Some(n) => start += n + 1,
            None => break,
        }
    }
    let end = start.saturating_add(column).min(b.len());
    let mut stack: Vec<Seg> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < end {
        match b[i] {
            b'"' => {
                let Some(close) = skip_string(b, i) else { break };
                if expect_key {
                    if let Some(Seg::Key(k)) = stack.last_mut() {
                        *k = b.get(i..close).and_then(|raw| serde_json::from_slice::<String>(raw).ok());
                    }
                    expect_key = false;
                }
                i = close;
                continue;
            }
            b'{' => {
                stack.push(Seg::Key(None));
                expect_key = true;
            }
            b'[' => stack.push(Seg::Index(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Seg::Index(n)) => *n += 1,
                Some(Seg::Key(k)) => {
                    *k = None;
                    expect_key = true;
                }
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    stack.iter().fold(base, |p, seg| match seg {
        Seg::Key(Some(k)) => p.key(k),
        Seg::Key(None) => p,
        Seg::Index(n) => p.index(*n),
    })
}

/// Whether `version` is a supported `schema_version`; reports why not.
fn check_version(version: Option<&Value>, out: &mut Vec<Diagnostic>) -> bool {
    let vp = Pointer::root().key("schema_version");
    let supported = format!("this SDK reads schema_version \"{}.x\"", content::SCHEMA_MAJOR);
    let problem = match version {
        None => format!("schema_version is missing; {supported}"),
        Some(Value::String(v)) => {
            let major = v.split('.').next().and_then(|m| m.parse::<u64>().ok());
            let well_formed = v.split('.').count() == 2 && v.split('.').all(|p| p.parse::<u64>().is_ok());
            if well_formed && major == Some(content::SCHEMA_MAJOR) {
                return true;
            }
            format!("schema_version \"{v}\" is not supported; {supported}")
        }
        Some(_) => format!("schema_version must be a string; {supported}"),
    };
    out.push(diag_at(Code::UnsupportedVersion, Severity::Error, &vp, problem));
    false
}

/// The content schema stripped to its structure: `$defs`, `$ref`, `properties`,
/// `additionalProperties`, `items`, `anyOf`, `oneOf` and `const` tags. Generated
/// from the Rust content types with the JSON Schema (tests/schema.rs keeps it fresh),
/// so the libraries need no serializer for every content type to tell which
/// fields the format has.
const CONTENT_FIELDS: &str = include_str!("content-fields.json");

/// Walks a document along the stripped content schema.
struct Shape<'s> {
    defs: Option<&'s serde_json::Map<String, Value>>,
}

impl<'s> Shape<'s> {
    fn new(fields: &'s Value) -> Self {
        Shape { defs: fields.get("$defs").and_then(Value::as_object) }
    }

    /// A schema with its `$ref` followed.
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..8 {
            match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
                Some(name) => match self.defs.and_then(|d| d.get(name)) {
                    Some(next) => schema = next,
                    None => break,
                },
                None => break,
            }
        }
        schema
    }

    /// The alternative of `anyOf`/`oneOf` that describes `value`: for an
    /// object, one with fields whose `type` tag (if any) is the object's; for
    /// an array, one with items.
    fn alternative(&self, schema: &'s Value, value: &Value) -> Option<&'s Value> {
        let alternatives = schema.get("anyOf").or_else(|| schema.get("oneOf"))?.as_array()?;
        alternatives.iter().map(|a| self.resolve(a)).find(|a| match value {
            Value::Object(o) => {
                let structured = a.get("properties").is_some() || a.get("additionalProperties").is_some();
                let tag = a.get("properties").and_then(|p| p.get("type")).and_then(|t| t.get("const"));
                structured && tag.is_none_or(|t| o.get("type") == Some(t))
            }
            Value::Array(_) => a.get("items").is_some(),
            _ => false,
        })
    }

    /// Reports every key of `input` that `schema` does not have, at any depth.
    fn unknown_fields(&self, schema: &'s Value, input: &Value, at: &Pointer, out: &mut Vec<Diagnostic>) {
        let schema = self.resolve(schema);
        let alternative = self.alternative(schema, input);
        match input {
            Value::Object(object) => {
                let props = |s: Option<&'s Value>| s.and_then(|s| s.get("properties")).and_then(Value::as_object);
                let (own, chosen) = (props(Some(schema)), props(alternative));
                let rest = schema
                    .get("additionalProperties")
                    .or_else(|| alternative.and_then(|a| a.get("additionalProperties")));
                if own.is_none() && chosen.is_none() && rest.is_none() {
                    return; // any value, such as a rule
                }
                for (key, value) in object {
                    match own.and_then(|p| p.get(key)).or_else(|| chosen.and_then(|p| p.get(key))) {
                        Some(field) => self.unknown_fields(field, value, &at.key(key), out),
                        None => match rest {
                            Some(Value::Bool(true)) => {}
                            Some(s @ Value::Object(_)) => self.unknown_fields(s, value, &at.key(key), out),
                            _ if value.is_null() => {}
                            _ => out.push(diag_at(
                                Code::UnknownField,
                                Severity::Warning,
                                &at.key(key),
                                format!("`{key}` is not a field of content format v1 here; it is ignored"),
                            )),
                        },
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item) = schema.get("items").or_else(|| alternative.and_then(|a| a.get("items"))) {
                    for (n, value) in items.iter().enumerate() {
                        self.unknown_fields(item, value, &at.index(n), out);
                    }
                }
            }
            _ => {}
        }
    }
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
    Catalog(&'a FxHashMap<crate::id::FlowId, crate::catalog::FlowIx>),
}

impl FlowIds<'_> {
    fn get(&self, id: &str) -> Option<usize> {
        match self {
            FlowIds::Own(m) => m.get(id).copied(),
            FlowIds::Catalog(m) => m.get(id).map(|ix| ix.0 as usize),
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

    fn run(&mut self) {
        let doc = self.doc;
        let root = ROOT;
        self.id(&doc.catalog.id, &root.key("catalog").key("id"));
        self.locales();
        self.context_fields();
        self.actions_decl();
        self.policy(&doc.escalation_policy, &root.key("escalation_policy"));
        self.crisis();
        self.urgency();
        self.scenarios();
        if self.depth == Depth::Full {
            self.examples();
        }
        self.interventions();
        self.flows();
        self.flow_usage();
        self.call_cycles();
    }

    // ---- building blocks -------------------------------------------------

    fn id(&mut self, id: &str, p: &Path<'_>) -> bool {
        let ok = is_valid_id(id, self.limits.max_id_bytes);
        if !ok {
            self.error(
                Code::InvalidId,
                p,
                format!("`{}` is not a valid id: use 1 to {} characters of A-Z a-z 0-9 _ . -, starting with a letter or digit", truncate(id), self.limits.max_id_bytes),
            );
        }
        ok
    }

    /// Checks ids of a list for syntax and uniqueness; `what` names the kind.
    /// Checks ids of a list for syntax and uniqueness; the id of item `i` is at `base/i/field`.
    fn unique_ids<'b>(&mut self, ids: impl Iterator<Item = &'b str>, base: &Path<'_>, field: &str, what: &str) {
        let mut seen: FxHashMap<&'b str, usize> = FxHashMap::default();
        for (i, id) in ids.enumerate() {
            let item = base.index(i);
            let at = item.key(field);
            self.id(id, &at);
            if let Some(&first) = seen.get(id) {
                let first_item = base.index(first);
                let msg = format!("{what} id `{}` is already used at {}", truncate(id), first_item.key(field));
                self.error(Code::DuplicateId, &at, msg);
            } else {
                seen.insert(id, i);
            }
        }
    }

    fn count(&mut self, n: usize, max: usize, p: &Path<'_>, what: &str) -> bool {
        if n > max {
            self.error(Code::LimitExceeded, p, format!("{n} {what}; the limit is {max}"));
            return false;
        }
        true
    }

    fn locale_declared(&self, l: &str) -> bool {
        self.supported_locales.iter().any(|s| s.eq_ignore_ascii_case(l))
    }

    fn text(&mut self, text: &LocalizedText, p: &Path<'_>, scope: Scope) {
        let default = self.doc.locales.default.as_str();
        for (locale, s) in text {
            let lp = p.key(locale);
            if !self.locale_declared(locale) {
                self.warn(
                    Code::UndeclaredLocale,
                    &lp,
                    format!("locale `{}` is not in locales.supported", truncate(locale)),
                );
            }
            let chars = s.chars().count();
            if chars > self.limits.max_text_chars {
                self.error(
                    Code::LimitExceeded,
                    &lp,
                    format!("text has {chars} characters; the limit is {}", self.limits.max_text_chars),
                );
                continue;
            }
            if s.contains(['{', '}']) {
                self.template(s, &lp, scope);
            }
        }
        if !text.keys().any(|k| k.eq_ignore_ascii_case(default)) {
            self.error(
                Code::MissingDefaultText,
                p,
                format!("text has no `{default}` version, the catalog's default locale"),
            );
        }
        let missing: Vec<&str> = self
            .supported_locales
            .iter()
            .copied()
            .filter(|l| !text.keys().any(|k| k.eq_ignore_ascii_case(l)))
            .collect();
        for l in missing {
            if !l.eq_ignore_ascii_case(default) {
                self.warn(Code::MissingTranslation, p, format!("no `{l}` translation; users in `{l}` see a fallback"));
            }
        }
    }

    fn template(&mut self, s: &str, p: &Path<'_>, scope: Scope) {
        match i18n::parse_template(s) {
            Err(e) => self.error(Code::InvalidPlaceholder, p, format!("{} (at byte {})", e.reason, e.offset)),
            Ok(segments) => {
                for seg in segments {
                    if let i18n::Segment::Placeholder(name) = seg {
                        if !self.known_path(&name, scope) {
                            self.error(
                                Code::UnknownPlaceholder,
                                p,
                                format!(
                                    "placeholder `{{{name}}}` names no declared context field, answer or built-in field"
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    fn known_path(&self, path: &str, scope: Scope) -> bool {
        if let Some(rest) = path.strip_prefix(ANSWERS_ROOT).and_then(|r| r.strip_prefix('.')) {
            let key = rest.split('.').next().unwrap_or(rest);
            return self.answers_open || self.answer_keys.contains(key);
        }
        if scope == Scope::Intervention && (path == EVENT_ROOT || path.starts_with("event.")) {
            return true;
        }
        if BUILTIN_FIELDS.contains(&path) || BUILTIN_CONTAINERS.iter().any(|c| has_prefix(path, c)) {
            return true;
        }
        if self.fields.contains_key(path) {
            return true;
        }
        // A sub-path of an open (object or list) field, or an object holding declared fields.
        self.fields.iter().any(|(f, open)| (*open && has_prefix(path, f)) || has_prefix(f, path))
    }

    fn rule(&mut self, rule: &Value, p: &Path<'_>, scope: Scope) {
        let size = condition::measure(rule, self.limits.max_rule_nodes);
        if size.nodes > self.limits.max_rule_nodes || size.depth > self.limits.max_rule_depth {
            self.error(
                Code::LimitExceeded,
                p,
                format!(
                    "rule is too large: the limits are depth {} and {} values",
                    self.limits.max_rule_depth, self.limits.max_rule_nodes
                ),
            );
            return;
        }
        // At load the catalog compiles every rule once and reports failures at
        // the same pointers; the full lint compiles here.
        if self.depth == Depth::Full {
            let compiled = match self.evaluator.compile(rule) {
                Ok(c) => c,
                Err(e) => {
                    self.error(Code::InvalidCondition, p, format!("invalid JsonLogic: {e}"));
                    return;
                }
            };
            let empty = Value::Object(serde_json::Map::new());
            if self.evaluator.scope(&empty).try_holds(&compiled).is_none() {
                self.error(
                    Code::RuleTooCostly,
                    p,
                    "rule does more work than one evaluation may (its output or iterations grow too fast); it would never hold",
                );
                return;
            }
        }
        for path in condition::var_paths(rule) {
            if !self.known_path(&path, scope) {
                self.warn(
                    Code::UnknownVariable,
                    p,
                    format!("`{path}` names no declared context field, answer or built-in field"),
                );
            }
        }
    }

    /// Checks a regex. Trigger and crisis patterns (`indexed`) are parsed by the
    /// catalog's text index at load, so the load-time lint leaves them to it.
    fn regex(&mut self, pattern: &str, p: &Path<'_>, indexed: bool) {
        if pattern.len() > self.limits.max_regex_bytes {
            self.error(
                Code::LimitExceeded,
                p,
                format!("pattern is {} bytes; the limit is {}", pattern.len(), self.limits.max_regex_bytes),
            );
            return;
        }
        if indexed && self.depth == Depth::Load {
            return;
        }
        let ast = match crate::text::parse(pattern, self.limits.max_regex_nesting) {
            Ok(ast) => ast,
            Err(e) => {
                self.error(Code::InvalidRegex, p, format!("invalid regular expression: {e}"));
                return;
            }
        };
        if self.depth == Depth::Full {
            if let Err(e) =
                crate::text::compile(pattern, self.limits.max_regex_compiled_bytes, self.limits.max_regex_nesting)
            {
                self.error(Code::InvalidRegex, p, format!("regular expression does not compile within limits: {e}"));
            }
            if indexed && !ast.as_ref().is_some_and(crate::text::has_required_literals) {
                // Counted like the catalog's text index counts them at load.
                let kind = usize::from(p.to_pointer().to_string().starts_with("/crisis/"));
                self.literal_free[kind] += 1;
                if self.literal_free[kind] > self.limits.max_literal_free_patterns {
                    let message = crate::text::literal_free_over_limit(self.limits.max_literal_free_patterns);
                    self.error(Code::LimitExceeded, p, message);
                } else {
                    self.warn(
                        Code::RegexNoLiteral,
                        p,
                        "pattern has no word it must contain, so it runs on every question; \
                         a literal (`refund`, `退款`) lets the index skip it"
                            .to_owned(),
                    );
                }
            }
            if ast.as_ref().is_some_and(crate::text::boundary_beside_non_ascii) {
                self.warn(
                    Code::RegexBoundaryNonAscii,
                    p,
                    "`\\b` next to a non-ASCII character: word boundaries are ASCII, so `\\b订单` holds only \
                     right after an ASCII letter or digit; drop the `\\b` for Chinese text"
                        .to_owned(),
                );
            }
        }
    }

    /// Keywords and patterns per locale (text triggers and crisis screening).
    fn phrases(&mut self, by_locale: &std::collections::BTreeMap<String, Vec<String>>, p: &Path<'_>, regex: bool) {
        for (locale, items) in by_locale {
            let lp = p.key(locale);
            if !self.locale_declared(locale) {
                self.warn(
                    Code::UndeclaredLocale,
                    &lp,
                    format!("locale `{}` is not in locales.supported", truncate(locale)),
                );
            }
            if !self.count(items.len(), self.limits.max_phrases, &lp, "phrases") {
                continue;
            }
            for (i, item) in items.iter().enumerate() {
                let ip = lp.index(i);
                if item.trim().is_empty() {
                    self.error(Code::Schema, &ip, "empty phrase: it would match every text");
                } else if regex {
                    self.regex(item, &ip, true);
                } else if item.len() > self.limits.max_regex_bytes {
                    self.error(
                        Code::LimitExceeded,
                        &ip,
                        format!("keyword is {} bytes; the limit is {}", item.len(), self.limits.max_regex_bytes),
                    );
                }
            }
        }
    }

    /// For authors: an example written under two scenarios, and an example
    /// the text matcher ranks under another scenario than its own (which
    /// a user typing it would be sent to).
    fn examples(&mut self) {
        let scenarios = &self.doc.scenarios;
        let list = ROOT.key("scenarios");
        let mut seen: FxHashMap<String, (usize, String)> = FxHashMap::default();
        let mut samples = Vec::new();
        for (i, s) in scenarios.iter().enumerate() {
            samples.extend(crate::intent::samples_of(i as u32, s));
            for (locale, items) in &s.examples {
                for (k, e) in items.iter().enumerate() {
                    let sp = list.index(i);
                    let ep = sp.key("examples");
                    let lp = ep.key(locale);
                    let at = lp.index(k);
                    let folded = crate::fold::fold(e).as_str().to_owned();
                    match seen.get(&folded) {
                        Some((j, first)) if *j != i => self.warn(
                            Code::DuplicateExample,
                            &at,
                            format!("the same example is under scenario `{}` at {first}", truncate(&scenarios[*j].id)),
                        ),
                        Some(_) => {}
                        None => {
                            seen.insert(folded, (i, at.to_pointer().to_string()));
                        }
                    }
                }
            }
        }
        if samples.is_empty() {
            return;
        }
        let model = crate::intent::IntentModel::build(&samples, scenarios.len());
        for (i, s) in scenarios.iter().enumerate() {
            for (locale, items) in &s.examples {
                for (k, e) in items.iter().enumerate() {
                    let Some(best) = model.rank(e, 1).into_iter().next() else { continue };
                    let j = best.class as usize;
                    if j == i {
                        continue;
                    }
                    let Some(other) = scenarios.get(j) else { continue };
                    let sp = list.index(i);
                    let ep = sp.key("examples");
                    let lp = ep.key(locale);
                    let at = lp.index(k);
                    self.warn(
                        Code::ExampleMisranked,
                        &at,
                        format!(
                            "typed as a question, this example finds scenario `{}` (/scenarios/{j}, {:.0}% sure) rather than its own: \
                             make it more specific, or move it",
                            truncate(&other.id),
                            best.confidence * 100.0
                        ),
                    );
                }
            }
        }
    }

    fn channels(&mut self, channels: &Option<Vec<Channel>>, p: &Path<'_>) {
        if channels.as_ref().is_some_and(Vec::is_empty) {
            self.error(Code::Schema, p, "list at least one channel, or leave the field out for the default");
        }
    }

    fn action_call(
        &mut self,
        action: &str,
        params: &std::collections::BTreeMap<String, Value>,
        p: &Path<'_>,
        scope: Scope,
    ) {
        let ap = p.key("action");
        let Some(&ix) = self.actions.get(action) else {
            self.error(Code::UnknownAction, &ap, format!("action `{}` is not declared in `actions`", truncate(action)));
            return;
        };
        let def = &self.doc.actions[ix];
        let pp = p.key("params");
        for (name, value) in params {
            if !def.params.iter().any(|d| &d.name == name) {
                self.warn(
                    Code::UnknownActionParam,
                    &pp.key(name),
                    format!("action `{action}` declares no parameter `{name}`"),
                );
            }
            if let Value::String(s) = value {
                self.template(s, &pp.key(name), scope);
            }
        }
        for d in &def.params {
            if d.required && !params.contains_key(&d.name) {
                self.error(Code::MissingActionParam, &pp, format!("action `{action}` requires parameter `{}`", d.name));
            }
        }
    }

    fn flow_ref(&mut self, flow: &str, p: &Path<'_>) {
        if self.flows.get(flow).is_none() {
            self.error(Code::DanglingFlow, p, format!("no flow has id `{}`", truncate(flow)));
        }
    }

    // ---- sections ----------------------------------------------------------

    fn locales(&mut self) {
        let l = &self.doc.locales;
        let p = ROOT.key("locales");
        self.count(l.supported.len(), self.limits.max_locales, &p.key("supported"), "locales");
        let mut seen = FxHashSet::default();
        for (i, tag) in l.supported.iter().enumerate() {
            if !i18n::is_locale_tag(tag) {
                self.error(
                    Code::InvalidLocale,
                    &p.key("supported").index(i),
                    format!("`{}` is not a locale tag like `en` or `zh-Hans`", truncate(tag)),
                );
            }
            if !seen.insert(tag.to_ascii_lowercase()) {
                self.error(Code::DuplicateId, &p.key("supported").index(i), format!("locale `{tag}` is listed twice"));
            }
        }
        if !self.locale_declared(&l.default) {
            self.error(
                Code::InvalidLocale,
                &p.key("default"),
                format!("default locale `{}` is not in locales.supported", truncate(&l.default)),
            );
        }
        for (from, tos) in &l.fallbacks {
            let fallbacks = p.key("fallbacks");
            let fp = fallbacks.key(from);
            if !self.locale_declared(from) {
                self.error(
                    Code::InvalidLocale,
                    &fp,
                    format!("fallbacks are given for `{}`, which is not in locales.supported", truncate(from)),
                );
            }
            for (i, to) in tos.iter().enumerate() {
                if !self.locale_declared(to) {
                    self.error(
                        Code::InvalidLocale,
                        &fp.index(i),
                        format!("fallback `{}` is not in locales.supported", truncate(to)),
                    );
                }
            }
        }
    }

    fn context_fields(&mut self) {
        let ctx = ROOT.key("context");
        let p = ctx.key("fields");
        let fields = &self.doc.context.fields;
        self.count(fields.len(), self.limits.max_declarations, &p, "context fields");
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, f) in fields.iter().enumerate() {
            let field = p.index(i);
            let fp = field.key("path");
            if i18n::parse_template(&format!("{{{}}}", f.path)).is_err() || f.path.contains('{') {
                self.error(
                    Code::InvalidId,
                    &fp,
                    format!("`{}` is not a dotted path like `entities.order.id`", truncate(&f.path)),
                );
            }
            if f.path == ANSWERS_ROOT || f.path.starts_with("answers.") || BUILTIN_FIELDS.contains(&f.path.as_str()) {
                self.error(Code::DuplicateId, &fp, format!("`{}` is reserved or built in; do not declare it", f.path));
            }
            if let Some(first) = seen.insert(f.path.as_str(), i) {
                self.error(
                    Code::DuplicateId,
                    &fp,
                    format!("context field `{}` is already declared at {}", f.path, p.index(first)),
                );
            }
        }
    }

    fn actions_decl(&mut self) {
        let p = ROOT.key("actions");
        let actions = &self.doc.actions;
        self.count(actions.len(), self.limits.max_declarations, &p, "actions");
        self.unique_ids(actions.iter().map(|a| a.id.as_str()), &p, "id", "action");
        for (i, a) in actions.iter().enumerate() {
            let pp_parent = p.index(i);
            let pp = pp_parent.key("params");
            self.unique_ids(a.params.iter().map(|d| d.name.as_str()), &pp, "name", "parameter");
        }
    }

    fn policy(&mut self, policy: &EscalationPolicy, p: &Path<'_>) {
        for (name, v) in [
            ("offer_after_unhelpful", policy.offer_after_unhelpful),
            ("force_after_unhelpful", policy.force_after_unhelpful),
            ("offer_on_visit", policy.offer_on_visit),
        ] {
            if v == Some(0) {
                self.error(Code::OutOfRange, &p.key(name), "must be at least 1");
            }
        }
        if let (Some(offer), Some(force)) = (policy.offer_after_unhelpful, policy.force_after_unhelpful) {
            if force < offer {
                self.warn(
                    Code::OutOfRange,
                    &p.key("force_after_unhelpful"),
                    "escalation is forced before a human is offered",
                );
            }
        }
        self.channels(&policy.channels, &p.key("channels"));
        if let Some(l) = &policy.agent_language {
            if !self.locale_declared(l) {
                self.warn(
                    Code::UndeclaredLocale,
                    &p.key("agent_language"),
                    format!("agent language `{}` is not in locales.supported", truncate(l)),
                );
            }
        }
        let hours_path = p.key("hours");
        for (queue, hours) in policy.hours.iter().flatten() {
            let hp = hours_path.key(queue);
            let open_path = hp.key("open");
            if !(-1440..=1440).contains(&hours.utc_offset_minutes) {
                self.error(Code::OutOfRange, &hp.key("utc_offset_minutes"), "must be within a day (-1440 to 1440)");
            }
            if hours.open.is_empty() {
                self.warn(
                    Code::OutOfRange,
                    &open_path,
                    "no opening window: live channels of this queue are always closed",
                );
            }
            for (i, w) in hours.open.iter().enumerate() {
                let wp = open_path.index(i);
                if w.days.is_empty() || w.day_numbers().is_none() {
                    self.error(Code::Schema, &wp.key("days"), "days are mon, tue, wed, thu, fri, sat and sun");
                }
                if w.minutes().is_none() {
                    self.error(
                        Code::Schema,
                        &wp,
                        format!(
                            "`from` {:?} and `to` {:?} must be HH:MM (24-hour, `24:00` for midnight), `from` first",
                            w.from, w.to
                        ),
                    );
                }
            }
        }
        if let Some(segments) = &policy.segments {
            let sp = p.key("segments");
            self.unique_ids(segments.iter().map(|s| s.segment.as_str()), &sp, "segment", "segment");
            for (i, s) in segments.iter().enumerate() {
                self.channels(&s.channels, &sp.index(i).key("channels"));
                if let Some(when) = &s.when {
                    self.rule(when, &sp.index(i).key("when"), Scope::Context);
                }
            }
        }
    }

    fn crisis(&mut self) {
        let p = ROOT.key("crisis");
        let Some(crisis) = &self.doc.crisis else {
            self.warn(
                Code::NoCrisisScreening,
                &ROOT,
                "no `crisis` section: the built-in lexicon screens free text, but a user in crisis is shown \
                 generic resources with no hotline and routed to the default queue; add `crisis.resources`",
            );
            return;
        };
        if !crisis.builtin {
            self.warn(
                Code::CrisisBuiltinOff,
                &p.key("builtin"),
                "the built-in crisis lexicon is off: only this section's phrases are screened, \
                 and most ways people write about crisis go unnoticed",
            );
        }
        self.phrases(&crisis.keywords, &p.key("keywords"), false);
        self.phrases(&crisis.patterns, &p.key("patterns"), true);
        self.phrases(&crisis.exclude, &p.key("exclude"), true);
        if !crisis.builtin && crisis.keywords.values().chain(crisis.patterns.values()).all(Vec::is_empty) {
            self.error(Code::Schema, &p, "with the built-in lexicon off, crisis screening needs a keyword or pattern");
        }
        self.text(&crisis.resources, &p.key("resources"), Scope::Context);
        self.channels(&crisis.channels, &p.key("channels"));
    }

    fn urgency(&mut self) {
        let p = ROOT.key("urgency");
        let rules = &self.doc.urgency;
        self.count(rules.len(), self.limits.max_declarations, &p, "urgency rules");
        self.unique_ids(rules.iter().map(|r| r.id.as_str()), &p, "id", "urgency rule");
        for (i, r) in rules.iter().enumerate() {
            self.rule(&r.when, &p.index(i).key("when"), Scope::Context);
        }
    }

    fn scenarios(&mut self) {
        let p = ROOT.key("scenarios");
        let scenarios = &self.doc.scenarios;
        if !self.count(scenarios.len(), self.limits.max_scenarios, &p, "scenarios") {
            return;
        }
        self.unique_ids(scenarios.iter().map(|s| s.id.as_str()), &p, "id", "scenario");
        for (i, s) in scenarios.iter().enumerate() {
            let sp = p.index(i);
            self.text(&s.title, &sp.key("title"), Scope::Context);
            if let Some(summary) = &s.summary {
                self.text(summary, &sp.key("summary"), Scope::Context);
            }
            if s.priority > 100 {
                self.error(Code::OutOfRange, &sp.key("priority"), format!("priority {} is above 100", s.priority));
            }
            if let Some(audience) = &s.audience {
                self.rule(audience, &sp.key("audience"), Scope::Context);
            }
            self.flow_ref(&s.flow, &sp.key("flow"));
            let tp = sp.key("triggers");
            if s.triggers.is_empty() && s.examples.values().all(Vec::is_empty) {
                self.warn(
                    Code::NoTriggers,
                    &tp,
                    "no triggers and no examples: the scenario is never suggested, only started by id",
                );
            }
            self.phrases(&s.examples, &sp.key("examples"), false);
            if !self.count(s.triggers.len(), self.limits.max_triggers, &tp, "triggers") {
                continue;
            }
            for (j, t) in s.triggers.iter().enumerate() {
                self.trigger(t, &tp.index(j));
            }
        }
    }

    fn trigger(&mut self, t: &Trigger, p: &Path<'_>) {
        let w = t.weight();
        if !w.is_finite() || w < 0.0 {
            self.error(Code::OutOfRange, &p.key("weight"), "weight must be a finite number of at least 0");
        }
        match t {
            Trigger::Screen { patterns, .. } => {
                if patterns.is_empty() {
                    self.error(Code::Schema, &p.key("patterns"), "list at least one screen pattern");
                }
                self.count(patterns.len(), self.limits.max_phrases, &p.key("patterns"), "patterns");
                for (i, pat) in patterns.iter().enumerate() {
                    if pat.trim().is_empty() || pat.split('/').any(|seg| seg.contains('*') && seg != "*" && seg != "**")
                    {
                        self.error(
                            Code::Schema,
                            &p.key("patterns").index(i),
                            "screen patterns are `/`-separated segments; `*` and `**` must stand alone in a segment",
                        );
                    }
                    let segments = pat.split('/').count();
                    if segments > crate::limits::MAX_GLOB_SEGMENTS {
                        self.error(
                            Code::LimitExceeded,
                            &p.key("patterns").index(i),
                            format!(
                                "screen pattern has {segments} segments; the limit is {}",
                                crate::limits::MAX_GLOB_SEGMENTS
                            ),
                        );
                    }
                }
            }
            Trigger::Event { names, codes, .. } => {
                if names.is_empty() {
                    self.error(Code::Schema, &p.key("names"), "list at least one event name");
                }
                self.count(names.len() + codes.len(), self.limits.max_phrases, p, "event names and codes");
            }
            Trigger::Condition { rule, .. } => self.rule(rule, &p.key("rule"), Scope::Context),
            Trigger::Text { keywords, patterns, .. } => {
                if keywords.values().chain(patterns.values()).all(Vec::is_empty) {
                    self.error(Code::Schema, p, "a text trigger needs at least one keyword or pattern");
                }
                self.phrases(keywords, &p.key("keywords"), false);
                self.phrases(patterns, &p.key("patterns"), true);
            }
        }
    }

    fn interventions(&mut self) {
        let p = ROOT.key("interventions");
        let list = &self.doc.interventions;
        self.count(list.len(), self.limits.max_declarations, &p, "interventions");
        self.unique_ids(list.iter().map(|v| v.id.as_str()), &p, "id", "intervention");
        for (i, v) in list.iter().enumerate() {
            let ip = p.index(i);
            if v.events.is_empty() {
                self.error(Code::Schema, &ip.key("events"), "list at least one event name");
            }
            if let Some(when) = &v.when {
                self.rule(when, &ip.key("when"), Scope::Intervention);
            }
            self.text(&v.message, &ip.key("message"), Scope::Intervention);
            if let Some(edu) = &v.education {
                self.text(edu, &ip.key("education"), Scope::Intervention);
            }
            if let Some(call) = &v.hold_action {
                self.action_call(&call.action, &call.params, &ip.key("hold_action"), Scope::Intervention);
            }
            if let Some(h) = &v.human {
                if h.channels.is_empty() {
                    self.error(Code::Schema, &ip.key("human").key("channels"), "list at least one channel");
                }
                self.id(&h.reason, &ip.key("human").key("reason"));
            }
            if let Some(f) = &v.flow {
                self.flow_ref(f, &ip.key("flow"));
            }
        }
    }

    fn flows(&mut self) {
        let p = ROOT.key("flows");
        let flows = &self.doc.flows;
        if !self.count(flows.len(), self.limits.max_flows, &p, "flows") {
            return;
        }
        self.unique_ids(flows.iter().map(|f| f.id()), &p, "id", "flow");
        for (i, f) in flows.iter().enumerate() {
            if let Some(flow) = f.parsed() {
                self.flow(flow, &p.index(i));
            }
        }
    }

    fn flow(&mut self, flow: &'a Flow, p: &Path<'_>) {
        if let Some(title) = &flow.title {
            self.text(title, &p.key("title"), Scope::Context);
        }
        if let Some(policy) = &flow.escalation_policy {
            self.policy(policy, &p.key("escalation_policy"));
        }
        let sp = p.key("steps");
        if flow.steps.is_empty() {
            self.error(Code::EmptyFlow, &sp, "a flow needs at least one step");
            return;
        }
        if !self.count(flow.steps.len(), self.limits.max_steps_per_flow, &sp, "steps") {
            return;
        }
        self.unique_ids(flow.steps.iter().map(|s| s.id.as_str()), &sp, "id", "step");
        for (i, step) in flow.steps.iter().enumerate() {
            self.step(&step.kind, &sp.index(i));
        }
        self.graph(flow, p);
    }

    fn step(&mut self, kind: &StepKind, p: &Path<'_>) {
        let s = Scope::Context;
        match kind {
            StepKind::Message { text, .. } => self.text(text, &p.key("text"), s),
            StepKind::Choice { text, options } => {
                self.text(text, &p.key("text"), s);
                let op = p.key("options");
                if self.count(options.len(), self.limits.max_options, &op, "options") {
                    self.unique_ids(options.iter().map(|o| o.id.as_str()), &op, "id", "option");
                    for (i, o) in options.iter().enumerate() {
                        self.text(&o.label, &op.index(i).key("label"), s);
                    }
                }
            }
            StepKind::Check { branches, .. } => {
                let bp = p.key("branches");
                if self.count(branches.len(), self.limits.max_options, &bp, "branches") {
                    for (i, b) in branches.iter().enumerate() {
                        self.rule(&b.when, &bp.index(i).key("when"), s);
                    }
                }
            }
            StepKind::Action { text, action, params, save_as, .. } => {
                if let Some(t) = text {
                    self.text(t, &p.key("text"), s);
                }
                self.action_call(action, params, p, s);
                if let Some(k) = save_as {
                    self.id(k, &p.key("save_as"));
                }
            }
            StepKind::Input { text, save_as, pattern, max_length, error, .. } => {
                self.text(text, &p.key("text"), s);
                self.id(save_as, &p.key("save_as"));
                if let Some(pat) = pattern {
                    self.regex(pat, &p.key("pattern"), false);
                }
                if *max_length == Some(0) {
                    self.error(Code::OutOfRange, &p.key("max_length"), "must be at least 1");
                }
                if let Some(e) = error {
                    self.text(e, &p.key("error"), s);
                }
            }
            StepKind::Resolution { text, .. } => self.text(text, &p.key("text"), s),
            StepKind::Escalation { text, channels, reason, agent_guidance, .. } => {
                self.text(text, &p.key("text"), s);
                if let Some(g) = agent_guidance {
                    self.text(g, &p.key("agent_guidance"), s);
                }
                self.channels(channels, &p.key("channels"));
                self.id(reason, &p.key("reason"));
            }
            StepKind::Flow { flow, .. } => self.flow_ref(flow, &p.key("flow")),
        }
    }

    /// Graph checks of one flow: dangling references, dead ends, unreachable
    /// steps, cycles with no exit, and whether an outcome can be reached at all.
    fn graph(&mut self, flow: &Flow, p: &Path<'_>) {
        let sp = p.key("steps");
        let mut index: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, s) in flow.steps.iter().enumerate() {
            index.entry(s.id.as_str()).or_insert(i);
        }
        let n = flow.steps.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut outcome = vec![false; n];
        for (i, step) in flow.steps.iter().enumerate() {
            let here = sp.index(i);
            // (target step, where the reference stands: field, or list and position)
            let mut refs: Vec<(&str, &'static str, Option<usize>)> = Vec::new();
            match &step.kind {
                StepKind::Message { next, .. } => refs.extend(next.as_deref().map(|n| (n, "next", None))),
                StepKind::Choice { options, .. } => {
                    refs.extend(options.iter().enumerate().map(|(j, o)| (o.next.as_str(), "options", Some(j))))
                }
                StepKind::Check { branches, otherwise } => {
                    refs.extend(branches.iter().enumerate().map(|(j, b)| (b.next.as_str(), "branches", Some(j))));
                    refs.push((otherwise, "otherwise", None));
                }
                StepKind::Action { on_success, on_failure, on_cancelled, .. } => {
                    refs.push((on_success, "on_success", None));
                    refs.push((on_failure, "on_failure", None));
                    refs.extend(on_cancelled.as_deref().map(|n| (n, "on_cancelled", None)));
                }
                StepKind::Input { next, .. } => refs.push((next, "next", None)),
                StepKind::Resolution { .. } | StepKind::Escalation { .. } => outcome[i] = true,
                StepKind::Flow { mode: FlowMode::Goto, next, .. } => {
                    outcome[i] = true;
                    if next.is_some() {
                        self.warn(
                            Code::UnknownField,
                            &here.key("next"),
                            "`next` is only used with mode `call`; a `goto` never returns",
                        );
                    }
                }
                StepKind::Flow { mode: FlowMode::Call, next, .. } => {
                    refs.extend(next.as_deref().map(|n| (n, "next", None)))
                }
            }
            if refs.is_empty() && !outcome[i] {
                let why = match &step.kind {
                    StepKind::Choice { .. } => "a choice needs at least one option",
                    StepKind::Flow { .. } => "a `call` needs `next`, where the flow continues after the call returns",
                    _ => "this step is not a resolution or escalation but has no `next`",
                };
                self.error(Code::DeadEnd, &here, format!("step `{}` is a dead end: {why}", step.id));
            }
            for (target, field, position) in refs {
                match index.get(target) {
                    Some(&t) => edges[i].push(t),
                    None => {
                        let list = here.key(field);
                        let item = position.map(|j| list.index(j));
                        let at = match &item {
                            Some(item) => item.key("next"),
                            None => list,
                        };
                        self.error(
                            Code::DanglingNext,
                            &at,
                            format!("no step `{}` in flow `{}`", truncate(target), flow.id),
                        );
                    }
                }
            }
        }

        let start = match &flow.start {
            None => 0,
            Some(s) => match index.get(s.as_str()) {
                Some(&i) => i,
                None => {
                    self.error(
                        Code::DanglingNext,
                        &p.key("start"),
                        format!("start step `{}` is not in flow `{}`", truncate(s), flow.id),
                    );
                    return;
                }
            },
        };

        let mut reachable = vec![false; n];
        let mut stack = vec![start];
        reachable[start] = true;
        while let Some(i) = stack.pop() {
            for &t in &edges[i] {
                if !reachable[t] {
                    reachable[t] = true;
                    stack.push(t);
                }
            }
        }
        for (i, r) in reachable.iter().enumerate() {
            if !r {
                self.warn(
                    Code::UnreachableStep,
                    &sp.index(i),
                    format!("step `{}` cannot be reached from the start of flow `{}`", flow.steps[i].id, flow.id),
                );
            }
        }

        let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, targets) in edges.iter().enumerate() {
            for &t in targets {
                reverse[t].push(i);
            }
        }
        let mut can_finish = outcome.clone();
        let mut stack: Vec<usize> = (0..n).filter(|&i| outcome[i]).collect();
        while let Some(i) = stack.pop() {
            for &s in &reverse[i] {
                if !can_finish[s] {
                    can_finish[s] = true;
                    stack.push(s);
                }
            }
        }
        if !can_finish[start] {
            self.error(
                Code::NoOutcome,
                p,
                format!("no resolution or human escalation can be reached from the start of flow `{}`", flow.id),
            );
        }
        for component in strongly_connected(&edges) {
            let cyclic = component.len() > 1 || component.first().is_some_and(|&c| edges[c].contains(&c));
            let Some(&first) = component.iter().min() else {
                continue;
            };
            if cyclic && reachable[first] && !can_finish[first] {
                let mut ids: Vec<&str> = component.iter().map(|&c| flow.steps[c].id.as_str()).collect();
                crate::order::by(&mut ids, Ord::cmp);
                self.error(
                    Code::CycleNoExit,
                    &sp.index(first),
                    format!("steps {} loop with no way out to a resolution or escalation", ids.join(", ")),
                );
            }
        }
    }

    fn flow_usage(&mut self) {
        let doc = self.doc;
        if self.answers_open {
            // Flow steps of unparsed flows may use any flow; only a full lint can tell.
            return;
        }
        let mut used: FxHashSet<&str> = FxHashSet::default();
        used.extend(doc.scenarios.iter().map(|s| s.flow.as_str()));
        used.extend(doc.interventions.iter().filter_map(|v| v.flow.as_deref()));
        for f in doc.flows.iter().filter_map(F::parsed) {
            for s in &f.steps {
                if let StepKind::Flow { flow, .. } = &s.kind {
                    if flow != &f.id {
                        used.insert(flow);
                    }
                }
            }
        }
        let p = ROOT.key("flows");
        for (i, f) in doc.flows.iter().enumerate() {
            if !used.contains(f.id()) {
                self.warn(
                    Code::UnusedFlow,
                    &p.index(i),
                    format!("flow `{}` is not started by any scenario, intervention or flow step", f.id()),
                );
            }
        }
    }

    /// Flows that `call` each other in a cycle would never return.
    fn call_cycles(&mut self) {
        let flows = &self.doc.flows;
        // calls[i] = (callee flow index, pointer of the calling step)
        let mut calls: Vec<Vec<(usize, Pointer)>> = vec![Vec::new(); flows.len()];
        for (i, f) in flows.iter().enumerate() {
            let Some(f) = f.parsed() else { continue };
            for (j, s) in f.steps.iter().enumerate() {
                if let StepKind::Flow { flow, mode: FlowMode::Call, .. } = &s.kind {
                    if let Some(t) = self.flows.get(flow.as_str()) {
                        calls[i].push((t, ROOT.key("flows").index(i).key("steps").index(j).key("flow").to_pointer()));
                    }
                }
            }
        }
        if calls.iter().all(Vec::is_empty) {
            return;
        }
        let adjacency: Vec<Vec<usize>> = calls.iter().map(|c| c.iter().map(|(t, _)| *t).collect()).collect();
        for component in strongly_connected(&adjacency) {
            let cyclic = component.len() > 1 || component.first().is_some_and(|&c| adjacency[c].contains(&c));
            if !cyclic {
                continue;
            }
            let members: FxHashSet<usize> = component.iter().copied().collect();
            let Some(&first) = component.iter().min() else {
                continue;
            };
            if let Some((_, at)) = calls[first].iter().find(|(t, _)| members.contains(t)) {
                let mut ids: Vec<&str> = component.iter().map(|&c| flows[c].id()).collect();
                crate::order::by(&mut ids, Ord::cmp);
                self.out.push(diag_at(
                    Code::RecursiveFlow,
                    Severity::Error,
                    at,
                    format!("flows {} call each other in a cycle", ids.join(", ")),
                ));
            }
        }
    }
}

fn has_prefix(path: &str, prefix: &str) -> bool {
    path.len() > prefix.len() && path.starts_with(prefix) && path.as_bytes()[prefix.len()] == b'.'
}

/// Keeps content excerpts in messages short.
fn truncate(s: &str) -> String {
    if s.chars().count() <= 60 { s.to_owned() } else { format!("{}…", s.chars().take(60).collect::<String>()) }
}

/// Strongly connected components (Tarjan), iterative so that deep graphs
/// cannot overflow the stack. Each component lists node indices.
pub(crate) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    let mut next_index = 0usize;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, position in its edge list)
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if let Some(&w) = edges[v].get(*pos) {
                *pos += 1;
                if w >= n {
                    continue;
                }
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(component);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::disallowed_methods)] // test code: its size does not ship
    fn scc_finds_cycles_and_singletons() {
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![]];
        let mut comps: Vec<Vec<usize>> = strongly_connected(&edges)
            .into_iter()
            .map(|mut c| {
                c.sort_unstable();
                c
            })
            .collect();
        comps.sort();
        assert_eq!(comps, vec![vec![0, 1, 2], vec![3], vec![4]]);
    }

    #[test]
    fn scc_handles_long_chains_without_recursion() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![0] }).collect();
        let comps = strongly_connected(&edges);
        assert_eq!(comps.len(), 1);
        assert_eq!(comps[0].len(), n);
    }

    #[test]
    fn invalid_json_has_a_position() {
        let report = lint("{\n  \"schema_version\": \"1.0\",\n  oops\n}");
        let d = &report.diagnostics[0];
        assert_eq!(d.code, Code::InvalidJson);
        assert_eq!(d.position, Some((3, 3)));
    }
}

/// 1-based line and column (in characters) where the value named by the RFC
/// 6901 `pointer` starts in `source`, for editors and CLI output. `None` when
/// the pointer does not resolve or the text is not valid JSON up to that value.
///
/// ```
/// let src = "{\n  \"a\": [1, {\"b\": true}]\n}";
/// assert_eq!(inscene::lint::position_of(src, "/a/1/b"), Some((2, 18)));
/// ```
pub fn position_of(source: &str, pointer: &str) -> Option<(usize, usize)> {
    let bytes = source.as_bytes();
    let mut at = skip_ws(bytes, 0);
    if !pointer.is_empty() {
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            at = match bytes.get(at)? {
                b'{' => find_member(bytes, at, &token)?,
                b'[' => find_element(bytes, at, token.parse().ok()?)?,
                _ => return None,
            };
        }
    }
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Some((line, source.get(line_start..at)?.chars().count() + 1))
}

/// The string value of top-level member `key` of a JSON object, without
/// parsing the rest (used to read a flow's id at load).
pub(crate) fn member_str(source: &str, key: &str) -> Option<String> {
    let b = source.as_bytes();
    let open = skip_ws(b, 0);
    if *b.get(open)? != b'{' {
        return None;
    }
    let at = find_member(b, open, key)?;
    if *b.get(at)? != b'"' {
        return None;
    }
    serde_json::from_str(source.get(at..skip_string(b, at)?)?).ok()
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// End (exclusive) of the string starting at `i` (which is `"`).
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// End (exclusive) of the value starting at `i`, without recursion.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b.get(j).is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace()) {
                j += 1;
            }
            Some(j)
        }
    }
}

fn find_member(b: &[u8], open: usize, key: &str) -> Option<usize> {
    let mut i = skip_ws(b, open + 1);
    while *b.get(i)? == b'"' {
        let end = skip_string(b, i)?;
        let raw = &b[i + 1..end - 1];
        // Keys without escapes compare as bytes; only escaped keys are decoded.
        let matches = if raw.contains(&b'\\') {
            serde_json::from_slice::<String>(&b[i..end]).ok()? == key
        } else {
            raw == key.as_bytes()
        };
        i = skip_ws(b, end);
        if *b.get(i)? != b':' {
            return None;
        }
        let value = skip_ws(b, i + 1);
        if matches {
            return Some(value);
        }
        i = skip_ws(b, skip_value(b, value)?);
        if *b.get(i)? == b',' {
            i = skip_ws(b, i + 1);
        }
    }
    None
}

fn find_element(b: &[u8], open: usize, index: usize) -> Option<usize> {
    let mut i = skip_ws(b, open + 1);
    for n in 0.. {
        if *b.get(i)? == b']' {
            return None;
        }
        if n == index {
            return Some(i);
        }
        i = skip_ws(b, skip_value(b, i)?);
        if *b.get(i)? == b',' {
            i = skip_ws(b, i + 1);
        }
    }
    None
}

#[cfg(test)]
mod position_tests {
    use super::position_of;

    /// The pointer `pointer_at` gives for serde_json's error on `source` parsed as `T`.
    fn located<T: serde::de::DeserializeOwned + std::fmt::Debug>(source: &str) -> String {
        let e = serde_json::from_str::<T>(source).expect_err("the source is invalid");
        super::pointer_at(source, e.line(), e.column(), crate::error::Pointer::root()).to_string()
    }

    #[test]
    fn bytes_that_are_not_utf8_are_a_syntax_error_at_the_first_bad_byte() {
        let src = b"{\n  \"id\": \"caf\xc3\xa9 \xff\"}";
        let Err(crate::Error::InvalidContent { diagnostics }) = crate::Catalog::from_json_bytes(src) else {
            panic!("not UTF-8 must not load")
        };
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!((d.code, d.path.as_str(), d.position), (crate::error::Code::InvalidJson, "", Some((2, 16))));
        assert!(d.message.contains("offset 17"), "{}", d.message);
        // UTF-8 bytes load exactly as the same text does.
        let text = "{\"schema_version\": 1";
        let (a, b) = (crate::Catalog::from_json_bytes(text.as_bytes()), crate::Catalog::from_json(text));
        assert_eq!(a.map(|_| ()).unwrap_err().to_string(), b.map(|_| ()).unwrap_err().to_string());
    }

    #[test]
    fn locates_parse_errors_from_line_and_column() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            id: String,
            n: u32,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Doc {
            items: Vec<Item>,
            tag: Option<String>,
        }
        // A wrong type: the member itself, across lines and after escaped keys and strings.
        let src =
            "{\"tag\": \"a,}\\\"[\",\n \"items\": [{\"id\": \"x\", \"n\": 1},\n  {\"id\": \"y\", \"n\": \"two\"}]}";
        assert_eq!(located::<Doc>(src), "/items/1/n");
        // A missing field: the object that lacks it.
        assert_eq!(located::<Doc>(r#"{"items": [{"id": "x", "n": 1}, {"n": 2}]}"#), "/items/1");
        assert_eq!(located::<Doc>(r#"{"tag": null}"#), "");
        // Keys with escapes are decoded.
        assert_eq!(located::<std::collections::BTreeMap<String, u32>>(r#"{"a\/b": "x"}"#), "/a~1b");
    }

    #[test]
    fn reads_a_top_level_string_member() {
        use super::member_str;
        assert_eq!(member_str(r#"{"steps": [{"id": "inner"}], "id": "f\u0031"}"#, "id").as_deref(), Some("f1"));
        assert_eq!(member_str(r#"{"id": 5}"#, "id"), None);
        assert_eq!(member_str(r#"[1]"#, "id"), None);
    }

    #[test]
    fn resolves_members_elements_and_escapes() {
        let src = "{\"x\": \"a}\\\"]\", \"list\": [ {\"k\": 1}, {\"k\": [2, 3]} ],\n \"a/b\": null}";
        assert_eq!(position_of(src, ""), Some((1, 1)));
        assert_eq!(position_of(src, "/list/1/k/1"), Some((1, 46)));
        assert_eq!(position_of(src, "/a~1b"), Some((2, 9)));
        assert_eq!(position_of(src, "/list/5"), None);
        assert_eq!(position_of(src, "/missing"), None);
        assert_eq!(position_of("{\"a\": 1", "/b"), None);
    }
}
