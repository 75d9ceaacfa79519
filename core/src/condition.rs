//! Conditions in JsonLogic (<https://jsonlogic.com>), evaluated by the
//! compact engine in [`crate::logic`].
//!
//! Rules are checked for size before they reach the engine, compiled once at load,
//! and evaluated against plain JSON data without copying it.

use serde_json::{Map, Value};

use crate::logic::{self, Rule};

/// Operators whose arguments after the first are evaluated per item, where
/// `var` names the item rather than the context.
const ITERATORS: &[&str] = &["map", "filter", "reduce", "all", "some", "none"];

/// A compiled JsonLogic rule, held inline: a catalog keeps one per
/// condition and never shares them, so a reference count would cost each an
/// allocation for nothing.
#[derive(Clone)]
pub struct Condition {
    rule: Rule,
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Condition")
    }
}

/// Evaluates compiled conditions. One per catalog; cheap to share across threads.
#[derive(Debug, Default)]
pub struct Evaluator {
    _private: (),
}

impl Evaluator {
    /// An evaluator with the standard JsonLogic operators and the extensions
    /// listed in [`logic::OPERATORS`].
    pub fn new() -> Self {
        Evaluator { _private: () }
    }

    /// Compiles `rule`; the error text says what the engine rejected.
    /// Unknown operators are rejected here rather than at evaluation time.
    pub fn compile(&self, rule: &Value) -> Result<Condition, String> {
        logic::compile(rule).map(|rule| Condition { rule }).map_err(|e| e.message)
    }

    /// Prepares `data` for evaluating many conditions against it.
    pub fn scope<'d>(&self, data: &'d Value) -> Scope<'d> {
        Scope { data: Data::Plain(data), fuel: SCOPE_FUEL }
    }

    /// [`Self::scope`] over `over`'s members laid on `base`'s, read as one
    /// object without building it (see [`logic::Layered`]).
    pub fn scope_layered<'d>(&self, over: &'d Map<String, Value>, base: &'d Map<String, Value>) -> Scope<'d> {
        Scope { data: Data::Layered(logic::Layered::new(over, base)), fuel: SCOPE_FUEL }
    }

    /// Evaluates `rule` against `data` and returns the JSON result, or the
    /// thrown error value (`{"type": "NaN"}`, `{"type": "Unknown Operator"}`,
    /// or what a `throw` threw). Used by the compatibility suite and the CLI.
    pub fn evaluate(&self, rule: &Value, data: &Value) -> Result<Value, Value> {
        let rule = logic::compile(rule).map_err(|e| serde_json::json!({ "type": e.kind }))?;
        rule.apply(data)
    }
}

/// What `rule` gives on empty data, when that is clear without the engine:
/// a rule that needs a string at a path ([`value_key`]) is false where the
/// path is absent. `None` means "ask the engine".
pub fn empty_value_hint(rule: &Value) -> Option<bool> {
    value_key(rule).map(|_| false)
}

/// The path and the string values a rule cannot hold without: the rule is, or
/// is an `and` of which a part is, `{"==": [{"var": p}, "s"]}` (either way
/// round; `s` not read as a number, so only the string `s` equals it),
/// `{"===": [{"var": p}, "s"]}`, or `{"in": [{"var": p}, ["s", "t"]]}` (all
/// strings; `in` compares strictly). Each of these is false unless the value at
/// `p` is a string among the values, so the rule is a candidate only then.
pub fn value_key(rule: &Value) -> Option<(String, Vec<String>)> {
    let Value::Object(m) = rule else { return None };
    let (op, args) = m.iter().next().filter(|_| m.len() == 1)?;
    let pair = || match args.as_array().map(Vec::as_slice) {
        Some([a, b]) => Some((a, b)),
        _ => None,
    };
    match op.as_str() {
        "and" => args.as_array()?.iter().find_map(value_key),
        "==" | "===" => {
            let (a, b) = pair()?;
            let (path, literal) = match (var_path(a), var_path(b)) {
                (Some(p), None) => (p, b),
                (None, Some(p)) => (p, a),
                _ => return None,
            };
            let s = literal.as_str().filter(|s| op == "===" || !crate::logic::reads_as_number(s))?;
            Some((path, vec![s.to_owned()]))
        }
        "in" => {
            let (a, b) = pair()?;
            let values = b.as_array()?.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>()?;
            Some((var_path(a)?, values))
        }
        _ => None,
    }
}

/// Which side of a threshold a number must be on for a rule to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The value must be above (or at) the threshold: `{">": [{"var": p}, t]}`, `{"<=": [t, {"var": p}]}`.
    Above,
    /// The value must be below (or at) the threshold: `{"<": [{"var": p}, t]}`, `{">=": [t, {"var": p}]}`.
    Below,
}

/// The path, side and threshold of a rule that compares a path with a number:
/// the rule is, or is an `and` of which a part is, `>`, `>=`, `<` or `<=` of
/// a plain `{"var": p}` and a finite number, either way round. Where the value
/// at `p` is a number on the other side of the threshold the rule is false,
/// so the rule is a candidate only for numbers on its side (and for values
/// that are not numbers, which the engine coerces). A comparison that holds
/// where `p` is absent (the engine reads null as 0: `{"<": [{"var": p}, 1]}`)
/// is not such a part: the rule may hold for a context without `p`, which a
/// lookup by the context's paths would never reach.
pub fn threshold_key(rule: &Value) -> Option<(String, Side, f64)> {
    let Value::Object(m) = rule else { return None };
    let (op, args) = m.iter().next().filter(|_| m.len() == 1)?;
    if op == "and" {
        return args.as_array()?.iter().find_map(threshold_key);
    }
    let greater = match op.as_str() {
        ">" | ">=" => true,
        "<" | "<=" => false,
        _ => return None,
    };
    let [a, b] = args.as_array().map(Vec::as_slice)? else { return None };
    let (path, number, var_first) = match (var_path(a), var_path(b)) {
        (Some(p), None) => (p, b.as_f64()?, true),
        (None, Some(p)) => (p, a.as_f64()?, false),
        _ => return None,
    };
    if !number.is_finite() {
        return None;
    }
    let (left, right) = if var_first { (0.0, number) } else { (number, 0.0) };
    let holds_at_null = match op.as_str() {
        ">" => left > right,
        ">=" => left >= right,
        "<" => left < right,
        _ => left <= right,
    };
    if holds_at_null {
        return None;
    }
    // `var > t` and `t < var` need the value above t; the others below.
    let side = if greater == var_first { Side::Above } else { Side::Below };
    Some((path, side, number))
}

/// `p` of a plain `{"var": "p"}` (or `{"var": ["p"]}`, no default).
fn var_path(v: &Value) -> Option<String> {
    let Value::Object(m) = v else { return None };
    let path = match m.get("var").filter(|_| m.len() == 1)? {
        Value::String(p) => p.as_str(),
        Value::Array(a) if a.len() == 1 => a[0].as_str()?,
        _ => return None,
    };
    Some(path.to_owned()).filter(|p| !p.is_empty())
}

/// The work all the conditions evaluated over one [`Scope`] may do together,
/// in [`logic::FUEL`] units: one resolve or one session step. Each rule still
/// gets at most [`logic::FUEL`]; once the scope's budget is spent, further
/// conditions do not hold. Thousands of ordinary rules fit many times over.
pub const SCOPE_FUEL: u64 = 4 * logic::FUEL;

/// Data prepared for evaluating many conditions; see [`Evaluator::scope`].
pub struct Scope<'d> {
    data: Data<'d>,
    fuel: u64,
}

/// What a scope's rules read.
enum Data<'d> {
    Plain(&'d Value),
    Layered(logic::Layered<'d>),
}

impl<'d> Scope<'d> {
    /// Whether `condition` holds. A rule that fails to evaluate (type errors,
    /// thrown values, more work than [`logic::FUEL`] allows) does not hold:
    /// content cannot crash or stall a session.
    pub fn holds(&mut self, condition: &Condition) -> bool {
        self.try_holds(condition).unwrap_or(false)
    }

    /// Like [`Scope::holds`], but `None` when the rule ran out of fuel (its
    /// own or the scope's) before it could say.
    pub fn try_holds(&mut self, condition: &Condition) -> Option<bool> {
        match &self.data {
            Data::Plain(v) => condition.rule.holds_within(v, &mut self.fuel),
            Data::Layered(l) => condition.rule.holds_within_layered(l, &mut self.fuel),
        }
    }

    /// The value at a dotted path in the scope's data.
    pub fn dotted(&self, path: &str) -> Option<&'d Value> {
        match &self.data {
            Data::Plain(v) => crate::wire::dotted(v, path),
            Data::Layered(l) => l.dotted(path),
        }
    }

    /// The data's top-level members, each key once; none when the data is not an object.
    pub fn members(&self) -> Box<dyn Iterator<Item = (&'d String, &'d Value)> + '_> {
        match &self.data {
            Data::Plain(Value::Object(m)) => Box::new(m.iter()),
            Data::Plain(_) => Box::new(std::iter::empty()),
            Data::Layered(l) => Box::new(l.members()),
        }
    }
}

/// Size of a rule: nesting depth and number of JSON nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSize {
    /// Deepest nesting of arrays and objects.
    pub depth: usize,
    /// Number of JSON values in the rule.
    pub nodes: usize,
}

/// Measures a rule without recursion, stopping early once `max_nodes` is passed.
pub fn measure(rule: &Value, max_nodes: usize) -> RuleSize {
    let mut size = RuleSize { depth: 0, nodes: 0 };
    let mut stack = vec![(rule, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        size.nodes += 1;
        size.depth = size.depth.max(depth);
        if size.nodes > max_nodes {
            break;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    size
}

/// The literal data paths a rule reads, or `None` when it reads data in a way
/// that cannot be listed (a computed `var`, `missing`, `exists`, the whole data).
pub fn exact_var_paths(rule: &Value) -> Option<Vec<String>> {
    match scan_vars(rule) {
        (paths, false) => Some(paths),
        (_, true) => None,
    }
}

/// The literal data paths a rule reads with `var` or `val` outside iterator
/// bodies, e.g. `entities.order.status`. Computed paths are skipped.
pub fn var_paths(rule: &Value) -> Vec<String> {
    scan_vars(rule).0
}

/// One walk over a rule: the literal paths it reads, and whether it also reads
/// data in a way that cannot be listed.
fn scan_vars(rule: &Value) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut dynamic = false;
    let mut stack = vec![rule];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) if map.len() == 1 => {
                for (op, args) in map {
                    match (op.as_str(), args) {
                        ("var" | "val", Value::String(p)) if !p.is_empty() => out.push(p.clone()),
                        ("var", Value::Array(a))
                            if a.first().is_some_and(|p| p.as_str().is_some_and(|p| !p.is_empty())) =>
                        {
                            out.extend(a.first().and_then(Value::as_str).map(str::to_owned));
                            stack.extend(a.iter().skip(1));
                        }
                        ("val", Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_string) => {
                            let parts: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                            out.push(parts.join("."));
                        }
                        ("var" | "val" | "missing" | "missing_some" | "exists", _) => {
                            dynamic = true;
                            stack.push(args);
                        }
                        (op, Value::Array(a)) if ITERATORS.contains(&op) => stack.extend(a.first()),
                        _ => stack.push(args),
                    }
                }
            }
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    (out, dynamic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compiles_and_evaluates_with_truthiness() {
        let ev = Evaluator::new();
        let c = ev.compile(&json!({">=": [{"var": "risk.fraud_score"}, 0.9]})).unwrap();
        assert!(ev.scope(&json!({"risk": {"fraud_score": 0.95}})).holds(&c));
        assert!(!ev.scope(&json!({"risk": {"fraud_score": 0.2}})).holds(&c));
        let c = ev.compile(&json!({"var": "user.segments"})).unwrap();
        assert!(!ev.scope(&json!({"user": {"segments": []}})).holds(&c));
    }

    #[test]
    fn rejects_unknown_operators() {
        assert!(Evaluator::new().compile(&json!({"frobnicate": [1]})).is_err());
    }

    #[test]
    fn measures_depth_and_nodes() {
        let size = measure(&json!({"and": [{"==": [1, 1]}, true]}), 100);
        assert_eq!(size, RuleSize { depth: 5, nodes: 7 });
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // test code: its size does not ship
    fn collects_literal_var_paths_but_not_iterator_scopes() {
        let rule = json!({"and": [
            {"==": [{"var": "entities.order.status"}, "deleted"]},
            {"some": [{"var": "events"}, {"==": [{"var": "name"}, "x"]}]},
            {"val": ["user", "vip_tier"]},
            {"var": ["risk.score", 0]}
        ]});
        let mut paths = var_paths(&rule);
        paths.sort();
        assert_eq!(paths, ["entities.order.status", "events", "risk.score", "user.vip_tier"]);
        assert!(exact_var_paths(&rule).is_some());
        assert!(exact_var_paths(&json!({"var": {"cat": ["a", "b"]}})).is_none());
        assert!(exact_var_paths(&json!({"missing": ["a"]})).is_none());
        assert!(exact_var_paths(&json!({"var": ""})).is_none());
    }

    #[test]
    fn thresholds_read_either_way_round() {
        let key = |r: Value| threshold_key(&r);
        assert_eq!(key(json!({">": [{"var": "a.n"}, 5]})), Some(("a.n".into(), Side::Above, 5.0)));
        assert_eq!(key(json!({"<=": [5, {"var": "a.n"}]})), Some(("a.n".into(), Side::Above, 5.0)));
        assert_eq!(key(json!({"<": [{"var": "a.n"}, -2.5]})), Some(("a.n".into(), Side::Below, -2.5)));
        assert_eq!(key(json!({">=": [-1, {"var": "a.n"}]})), Some(("a.n".into(), Side::Below, -1.0)));
        assert_eq!(key(json!({"and": [{"!": true}, {">": [{"var": "n"}, 1]}]})), Some(("n".into(), Side::Above, 1.0)));
        // A comparison that holds for an absent value (null reads as 0) is not filed,
        // and an `and` is filed by a part that does not.
        assert_eq!(key(json!({"<": [{"var": "a.n"}, 2.5]})), None);
        assert_eq!(key(json!({">=": [{"var": "a.n"}, 0]})), None);
        assert_eq!(key(json!({">=": [0, {"var": "a.n"}]})), None);
        assert_eq!(
            key(json!({"and": [{"<": [{"var": "m"}, 1]}, {">": [{"var": "n"}, 0]}]})),
            Some(("n".into(), Side::Above, 0.0))
        );
        let ev = Evaluator::new();
        for op in [">", ">=", "<", "<="] {
            for t in [-1.5, -1.0, 0.0, 1.0, 2.5] {
                for rule in [json!({op: [{"var": "n"}, t]}), json!({op: [t, {"var": "n"}]})] {
                    let at_null = ev.scope(&json!({})).holds(&ev.compile(&rule).unwrap());
                    assert_eq!(key(rule.clone()).is_none(), at_null, "{rule}");
                }
            }
        }
        // A string, a default, three arguments or two paths: not filed.
        assert_eq!(key(json!({">": [{"var": "n"}, "5"]})), None);
        assert_eq!(key(json!({">": [{"var": ["n", 0]}, 5]})), None);
        assert_eq!(key(json!({"<": [1, {"var": "n"}, 5]})), None);
        assert_eq!(key(json!({"<": [{"var": "m"}, {"var": "n"}]})), None);
    }

    #[test]
    fn empty_value_hints_agree_with_the_engine() {
        let ev = Evaluator::new();
        let rules = [
            json!({"==": [{"var": "a.b"}, "x"]}),
            json!({"===": ["x", {"var": "a"}]}),
            json!({"in": [{"var": "s"}, ["failed", "pending"]]}),
            json!({"and": [{"==": [{"var": "a"}, "x"]}, {"!": {"var": "b"}}]}),
            json!({"!=": [{"var": "a"}, "x"]}),
            json!({"<": [{"var": "a"}, 5]}),
            json!({"!": {"var": "a"}}),
            // Not false on empty data: a default, a string read as a number (null == "0").
            json!({"==": [{"var": ["a", "x"]}, "x"]}),
            json!({"==": [{"var": "a"}, "0"]}),
            json!({"and": [{"==": [{"var": "a"}, " 0 "]}, true]}),
        ];
        for rule in rules {
            let engine = ev.scope(&json!({})).holds(&ev.compile(&rule).unwrap());
            if let Some(hint) = empty_value_hint(&rule) {
                assert_eq!(hint, engine, "{rule}");
            }
        }
        assert_eq!(empty_value_hint(&json!({"!": {"var": "a"}})), None);
    }

    #[test]
    fn scope_evaluates_many_rules_on_one_parse() {
        let ev = Evaluator::new();
        let yes = ev.compile(&json!({"==": [{"var": "a.b"}, 1]})).unwrap();
        let bad = ev.compile(&json!({"+": [{"var": "a"}, {"throw": "x"}]})).unwrap();
        let data = json!({"a": {"b": 1}});
        let mut scope = ev.scope(&data);
        for _ in 0..3 {
            assert!(scope.holds(&yes));
            assert!(!scope.holds(&bad));
        }
    }

    #[test]
    fn layered_data_reads_as_the_merged_copy() {
        // `over` laid on `base` must read exactly as base with over's members added.
        let ev = Evaluator::new();
        let base = json!({"screen": "s", "now": {"x": 1}, "x": {"y": 1}, "0": 7, "list": [1, 2, 3], "e": ""});
        let over = json!({"now": 100, "today": "2026-12-07", "answers": {"q": "yes"}});
        let (Value::Object(b), Value::Object(o)) = (&base, &over) else { unreachable!() };
        let mut merged = b.clone();
        merged.extend(o.clone());
        let merged = Value::Object(merged);
        let rules = [
            json!({"==": [{"var": "now"}, 100]}),
            json!({"==": [{"var": "now.x"}, 1]}),
            json!({"==": [{"var": ["now.x", 5]}, 5]}),
            json!({"==": [{"var": "screen"}, "s"]}),
            json!({"==": ["s", {"var": "screen"}]}),
            json!({"==": [{"var": "x.y"}, 1]}),
            json!({"==": [{"var": 0}, 7]}),
            json!({"==": [{"var": "answers.q"}, "yes"]}),
            json!({">": [{"var": "now"}, 99]}),
            json!({"<": [{"var": "now"}, 99]}),
            json!({"var": ""}),
            json!({"==": [{"var": {"cat": ["x", ".y"]}}, 1]}),
            json!({"==": [{"var": {"cat": ["no", "w"]}}, 100]}),
            json!({"in": ["gone", {"missing": ["now", "answers.q", "gone", "e"]}]}),
            json!({"in": ["now", {"missing": ["now", "gone"]}]}),
            json!({"!": {"missing_some": [1, ["today", "gone"]]}}),
            json!({"==": [{"val": ["answers", "q"]}, "yes"]}),
            json!({"==": [{"val": "now"}, 100]}),
            json!({"exists": "today"}),
            json!({"exists": ["now", "x"]}),
            json!({"some": [{"var": "list"}, {"==": [{"var": ""}, 2]}]}),
            json!({"==": [{"reduce": [{"var": "list"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}, 6]}),
            json!({"in": ["today", {"var": ""}]}),
        ];
        let mut seen = [false; 2];
        for rule in rules {
            let c = ev.compile(&rule).unwrap();
            let plain = ev.scope(&merged).try_holds(&c);
            let layered = ev.scope_layered(o, b).try_holds(&c);
            assert_eq!(layered, plain, "{rule}");
            seen[usize::from(plain == Some(true))] = true;
        }
        assert_eq!(seen, [true, true], "the rules must hold and fail in turn");
        let scope = ev.scope_layered(o, b);
        assert_eq!(scope.dotted("now"), Some(&json!(100)));
        assert_eq!(scope.dotted("now.x"), None);
        assert_eq!(scope.dotted("x.y"), Some(&json!(1)));
        let mut keys: Vec<&str> = scope.members().map(|(k, _)| k.as_str()).collect();
        crate::order::by(&mut keys, |a, b| a.cmp(b));
        let Value::Object(m) = &merged else { unreachable!() };
        assert_eq!(keys, m.keys().map(String::as_str).collect::<Vec<_>>());
    }
}
