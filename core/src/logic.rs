//! A compact JsonLogic (<https://jsonlogic.com>) engine over `serde_json::Value`.
//!
//! Semantics follow the community compatibility suites (json-logic/compat-tables),
//! which the test suite runs in full: arithmetic and comparisons coerce like
//! JavaScript but throw `{"type": "NaN"}` where JavaScript would produce NaN,
//! `and`/`or`/`if`/comparisons are lazy, `{}` is truthy, `val` can climb scopes
//! inside iterators, and `try`/`throw` carry error values. Beyond the core
//! operators it has the extension set content authors use (string, array,
//! object and math helpers). A rule compiles once into a tree; evaluation
//! borrows from the data and the rule wherever it can.

use std::borrow::Cow;
use std::cell::Cell;
use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

/// Deepest rule nesting [`compile`] accepts; content limits are far lower.
const MAX_DEPTH: usize = 256;

macro_rules! operators {
    ($($name:literal => $op:ident),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Op { $($op),* }
        /// Every operator name the engine knows, in documentation order.
        pub const OPERATORS: &[&str] = &[$($name),*];
        fn op_named(name: &str) -> Option<Op> {
            match name { $($name => Some(Op::$op),)* _ => None }
        }
    };
}

operators! {
    "var" => Var, "val" => Val, "exists" => Exists, "missing" => Missing, "missing_some" => MissingSome,
    "if" => If, "?:" => Ternary, "and" => And, "or" => Or, "!" => Not, "!!" => Truthy, "??" => Coalesce,
    "==" => Eq, "!=" => Ne, "===" => StrictEq, "!==" => StrictNe, "<" => Lt, "<=" => Le, ">" => Gt, ">=" => Ge,
    "+" => Add, "-" => Sub, "*" => Mul, "/" => Div, "%" => Rem, "max" => Max, "min" => Min,
    "abs" => Abs, "ceil" => Ceil, "floor" => Floor,
    "cat" => Cat, "substr" => Substr, "in" => In, "length" => Length, "starts_with" => StartsWith,
    "ends_with" => EndsWith, "upper" => Upper, "lower" => Lower, "trim" => Trim, "split" => Split,
    "merge" => Merge, "map" => Map, "filter" => Filter, "reduce" => Reduce, "all" => All, "some" => AnyOf,
    "none" => NoneOf, "sort" => Sort, "slice" => Slice, "distinct" => Distinct,
    "keys" => Keys, "values" => Values, "entries" => Entries, "type" => Type,
    "switch" => Switch, "match" => Match, "try" => Try, "throw" => Throw, "preserve" => Preserve,
}

/// Why a rule does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The error type an evaluation would throw: `Unknown Operator` or `Invalid Arguments`.
    pub kind: &'static str,
    /// What is wrong, for content authors.
    pub message: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule(Node);

#[derive(Debug, Clone)]
enum Node {
    /// A value used as is.
    Lit(Value),
    /// An array whose items are rules.
    List(Vec<Node>),
    /// `var` with a literal path, split once; `None` reads the whole scope.
    Path(Option<Segments>, Option<Box<Node>>),
    /// A comparison of a `var` with a literal path and no default against a
    /// literal, the commonest shape of a condition: evaluated as the
    /// operator over its two arguments would be, in a third of the memory
    /// and without the dispatch.
    Compare(Box<Compare>),
    Op(Op, Args),
}

#[derive(Debug, Clone)]
struct Compare {
    /// One of the eight comparison operators.
    op: Op,
    /// Whether the path is the first argument (`{"==": [{"var": p}, v]}`),
    /// not the second.
    path_first: bool,
    path: Option<Segments>,
    literal: Value,
}

/// A literal path's segments in one allocation, each after its length
/// written as one character (`\u{8}entities\u{5}order\u{6}status`): a
/// `Vec` of segments costs an allocation per segment, and splitting the
/// dotted text at each evaluation costs a scan of it.
#[derive(Debug, Clone)]
struct Segments(Box<str>);

impl Segments {
    /// `path`'s segments (split on dots); `None` for a segment too long to
    /// write its length as a character (tens of kilobytes).
    fn new<'p>(segments: impl Iterator<Item = &'p str>, capacity: usize) -> Option<Segments> {
        let mut out = String::with_capacity(capacity);
        for seg in segments {
            out.push(u32::try_from(seg.len()).ok().and_then(char::from_u32)?);
            out.push_str(seg);
        }
        Some(Segments(out.into_boxed_str()))
    }

    /// The value at this path in `v`.
    fn walk<'a>(&self, v: &'a Value) -> Option<&'a Value> {
        self.walk_from(0, v)
    }

    /// The value at the segments from byte `at` of the text on, in `v`.
    /// Inlined into every reader, as the walk was before layered data.
    #[inline(always)]
    fn walk_from<'a>(&self, mut at: usize, mut v: &'a Value) -> Option<&'a Value> {
        let text = &*self.0;
        while let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) {
            at += c.len_utf8();
            let end = at + c as usize;
            v = step(v, text.get(at..end)?)?;
            at = end;
        }
        Some(v)
    }

    /// The first segment, and where the next starts in the text.
    fn first(&self) -> Option<(&str, usize)> {
        let c = self.0.chars().next()?;
        let (at, end) = (c.len_utf8(), c.len_utf8() + c as usize);
        Some((self.0.get(at..end)?, end))
    }
}

/// Data read as one object without building it: `over`'s members first,
/// then `base`'s. A resolve reads the host's context with `now`, `today` and
/// `answers` laid over it this way, instead of a copy of the context with
/// them added (a tenth of a resolve went to that copy and its drop).
pub struct Layered<'a> {
    over: &'a Map<String, Value>,
    base: &'a Map<String, Value>,
    /// The two as one object, built only for a rule that reads the whole data.
    whole: std::cell::OnceCell<Value>,
}

impl<'a> Layered<'a> {
    /// `over` laid on `base`: where both have a member, `over`'s is read.
    pub fn new(over: &'a Map<String, Value>, base: &'a Map<String, Value>) -> Self {
        Layered { over, base, whole: std::cell::OnceCell::new() }
    }

    /// The member `key`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.over.get(key).or_else(|| self.base.get(key))
    }

    /// The value at a dotted path, as `dotted` reads it in the merged object.
    pub fn dotted(&self, path: &str) -> Option<&'a Value> {
        match path.split_once('.') {
            None => self.get(path),
            Some((first, rest)) => dotted(self.get(first)?, rest),
        }
    }

    /// Every member, each key once (`over`'s where both have it), in no
    /// particular order.
    pub fn members(&self) -> impl Iterator<Item = (&'a String, &'a Value)> + '_ {
        let over = self.over;
        over.iter().chain(self.base.iter().filter(move |(k, _)| !over.contains_key(k.as_str())))
    }

    /// The merged object, built on first call.
    fn whole(&self) -> &Value {
        self.whole.get_or_init(|| {
            let mut m = self.base.clone();
            m.extend(self.over.iter().map(|(k, v)| (k.clone(), v.clone())));
            Value::Object(m)
        })
    }

    /// The value at a compiled path. Not inlined: it would weigh on the
    /// plain data's path walk, every evaluation's hottest code.
    #[inline(never)]
    fn walk(&self, p: &Segments) -> Option<&Value> {
        match p.first() {
            None => Some(self.whole()),
            Some((first, next)) => p.walk_from(next, self.get(first)?),
        }
    }
}

#[derive(Debug, Clone)]
enum Args {
    /// A literal array of argument rules.
    Many(Vec<Node>),
    /// One rule; operators taking a list spread it when it yields an array.
    One(Box<Node>),
}

/// Compiles `rule`.
pub fn compile(rule: &Value) -> Result<Rule, CompileError> {
    node(rule, 0).map(Rule)
}

fn invalid(message: impl Into<String>) -> CompileError {
    CompileError { kind: "Invalid Arguments", message: message.into() }
}

fn node(v: &Value, depth: usize) -> Result<Node, CompileError> {
    if depth > MAX_DEPTH {
        return Err(invalid(format!("rule is nested deeper than {MAX_DEPTH}")));
    }
    match v {
        Value::Array(items) => {
            let nodes = items.iter().map(|i| node(i, depth + 1)).collect::<Result<Vec<_>, _>>()?;
            if nodes.iter().all(|n| matches!(n, Node::Lit(_))) {
                Ok(Node::Lit(v.clone()))
            } else {
                Ok(Node::List(nodes))
            }
        }
        Value::Object(map) if map.len() == 1 => {
            let Some((name, raw)) = map.iter().next() else { return Ok(Node::Lit(v.clone())) };
            let Some(op) = op_named(name) else {
                return Err(CompileError { kind: "Unknown Operator", message: format!("unknown operator `{name}`") });
            };
            if op == Op::Preserve {
                return Ok(Node::Lit(raw.clone()));
            }
            // The common `{"var": "a.b"}`, read without a literal node to drop.
            if let (Op::Var, Value::String(path)) = (op, raw)
                && !path.is_empty()
                && let Some(p) = dotted_path(path)
            {
                return Ok(Node::Path(Some(p), None));
            }
            let args = match raw {
                Value::Array(items) => {
                    Args::Many(items.iter().map(|i| node(i, depth + 1)).collect::<Result<Vec<_>, _>>()?)
                }
                other => Args::One(Box::new(node(other, depth + 1)?)),
            };
            check(op, name, &args)?;
            Ok(match (op, args) {
                (Op::Var, Args::One(path)) => match static_path(&path) {
                    Some(p) => Node::Path(p, None),
                    None => Node::Op(op, Args::One(path)),
                },
                (Op::Var, Args::Many(mut list)) if !list.is_empty() && list.len() <= 2 => match static_path(&list[0]) {
                    Some(p) => {
                        let default = if list.len() == 2 { list.pop().map(Box::new) } else { None };
                        Node::Path(p, default)
                    }
                    None => Node::Op(op, Args::Many(list)),
                },
                (op, Args::Many(list)) if is_comparison(op) && is_path_and_literal(&list) => {
                    let mut pair = list.into_iter();
                    match (pair.next(), pair.next()) {
                        (Some(Node::Path(path, None)), Some(Node::Lit(literal))) => {
                            Node::Compare(Box::new(Compare { op, path_first: true, path, literal }))
                        }
                        (Some(Node::Lit(literal)), Some(Node::Path(path, None))) => {
                            Node::Compare(Box::new(Compare { op, path_first: false, path, literal }))
                        }
                        // Not reached: the guard saw one of the two shapes.
                        (a, b) => Node::Op(op, Args::Many(a.into_iter().chain(b).collect())),
                    }
                }
                (op, args) => Node::Op(op, args),
            })
        }
        // Objects that are not one operator are data.
        _ => Ok(Node::Lit(v.clone())),
    }
}

/// A non-empty dotted path's segments, in one allocation when every
/// segment is shorter than 128 bytes.
fn dotted_path(path: &str) -> Option<Segments> {
    Segments::new(path.split('.'), path.len() + 1 + path.bytes().filter(|&b| b == b'.').count())
}

/// A literal `var` path, split on dots: `None` for the whole scope.
fn static_path(n: &Node) -> Option<Option<Segments>> {
    match n {
        Node::Lit(Value::Null) => Some(None),
        Node::Lit(Value::String(s)) if s.is_empty() => Some(None),
        Node::Lit(Value::String(s)) => dotted_path(s).map(Some),
        Node::Lit(Value::Number(n)) if n.is_u64() => {
            let n = n.to_string();
            Segments::new(std::iter::once(n.as_str()), n.len() + 1).map(Some)
        }
        _ => None,
    }
}

/// Whether two arguments are a path without a default and a literal, either way round.
fn is_path_and_literal(list: &[Node]) -> bool {
    matches!(list, [Node::Path(_, None), Node::Lit(_)] | [Node::Lit(_), Node::Path(_, None)])
}

fn is_comparison(op: Op) -> bool {
    matches!(op, Op::Eq | Op::Ne | Op::StrictEq | Op::StrictNe | Op::Lt | Op::Le | Op::Gt | Op::Ge)
}

/// Shape checks the suites expect before anything runs.
fn check(op: Op, name: &str, args: &Args) -> Result<(), CompileError> {
    let needs_list = matches!(
        op,
        Op::If
            | Op::Ternary
            | Op::And
            | Op::Or
            | Op::Eq
            | Op::Ne
            | Op::StrictEq
            | Op::StrictNe
            | Op::Lt
            | Op::Le
            | Op::Gt
            | Op::Ge
            | Op::Map
            | Op::Filter
            | Op::Reduce
            | Op::All
            | Op::AnyOf
            | Op::NoneOf
            | Op::Switch
            | Op::Match
    );
    let list = match args {
        Args::Many(list) => list,
        Args::One(_) if needs_list => return Err(invalid(format!("`{name}` takes an array of arguments"))),
        Args::One(_) => return Ok(()),
    };
    let at_least = |n: usize| {
        if list.len() < n { Err(invalid(format!("`{name}` takes at least {n} arguments"))) } else { Ok(()) }
    };
    match op {
        op if is_comparison(op) => at_least(2),
        Op::Map | Op::Filter | Op::Reduce => {
            at_least(2)?;
            if list.iter().take(2).any(|n| matches!(n, Node::Lit(Value::Null))) {
                return Err(invalid(format!("`{name}` needs an array and a rule, not null")));
            }
            Ok(())
        }
        Op::All | Op::AnyOf | Op::NoneOf | Op::Switch | Op::Match => at_least(2),
        _ => Ok(()),
    }
}

/// A thrown error value, `{"type": ...}` for the engine's own errors.
pub type Thrown = Value;

/// The work one evaluation may do, in units: one per rule node evaluated and
/// per item iterated, one per byte of text and eight per JSON value built,
/// copied, scanned or compared. A rule that needs more stops with
/// [`BUDGET_EXCEEDED`]: `{"reduce": [[0, ..., 39], {"cat": [acc, acc]}]}`
/// would otherwise build a string of a trillion bytes. Real conditions use a
/// few hundred units (a `some` over 200 events, a few thousand); the budget is
/// about 4 ms of work and 3 MB of memory at worst (docs/RELIABILITY.md).
pub const FUEL: u64 = 500_000;

/// The error type of an evaluation that ran out of [`FUEL`]. `try` cannot
/// catch it: every rule node burns fuel, so a fallback fails the same way.
pub const BUDGET_EXCEEDED: &str = "Budget Exceeded";

/// Units charged per JSON value; see [`FUEL`].
const VALUE_UNITS: usize = 8;

/// What is left of one evaluation's [`FUEL`].
struct Fuel(Cell<u64>);

impl Fuel {
    /// Not inlined: thirty call sites share one body (the web module is
    /// measured in bytes, and this is never the hot part of a rule).
    #[inline(never)]
    fn burn(&self, units: usize) -> Result<(), Thrown> {
        let left = self.0.get();
        match left.checked_sub(units as u64) {
            Some(rest) => {
                self.0.set(rest);
                Ok(())
            }
            None => {
                self.0.set(0);
                Err(thrown(BUDGET_EXCEEDED))
            }
        }
    }

    /// Burns the cost of copying or scanning `v`, walking no further than the
    /// fuel left: the walk itself is bounded by the budget.
    #[inline(never)]
    fn burn_value(&self, v: &Value) -> Result<(), Thrown> {
        let left = self.0.get() as usize;
        let mut cost = 0usize;
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            cost += VALUE_UNITS;
            match v {
                Value::String(s) => cost += s.len(),
                Value::Array(items) => stack.extend(items),
                Value::Object(m) => {
                    for (k, v) in m {
                        cost += k.len();
                        stack.push(v);
                    }
                }
                _ => {}
            }
            if cost > left {
                break;
            }
        }
        self.burn(cost)
    }

    /// `c` as an owned value; copying a borrowed one is paid for.
    #[inline(never)]
    fn own(&self, c: Cow<'_, Value>) -> Result<Value, Thrown> {
        match c {
            Cow::Borrowed(v) => {
                self.burn_value(v)?;
                Ok(v.clone())
            }
            Cow::Owned(v) => Ok(v),
        }
    }
}

fn thrown(kind: &str) -> Thrown {
    let mut m = Map::new();
    m.insert("type".to_owned(), Value::String(kind.to_owned()));
    Value::Object(m)
}

fn nan() -> Thrown {
    thrown("NaN")
}

fn bad_args() -> Thrown {
    thrown("Invalid Arguments")
}

type Out<'a> = Result<Cow<'a, Value>, Thrown>;

/// One level of data a rule can read: `val` climbs these with `[[n], ...]`.
#[derive(Clone, Copy)]
enum Level<'a> {
    Data(&'a Value),
    /// The root data, as layers.
    Layered(&'a Layered<'a>),
    /// An iteration's position.
    Index(usize),
    /// A level with nothing in it (around a caught error).
    Empty,
}

#[derive(Clone, Copy)]
struct Frame<'a> {
    level: Level<'a>,
    parent: Option<&'a Frame<'a>>,
    fuel: &'a Fuel,
}

impl<'a> Frame<'a> {
    /// The whole data of this level.
    fn data(&self) -> Option<&'a Value> {
        match self.level {
            Level::Data(v) => Some(v),
            Level::Layered(l) => Some(l.whole()),
            _ => None,
        }
    }

    /// The value at a dotted path in this level's data.
    fn dotted(&self, path: &str) -> Option<&'a Value> {
        match self.level {
            Level::Data(v) => dotted(v, path),
            Level::Layered(l) => l.dotted(path),
            _ => None,
        }
    }

    /// The member or item `key` of this level's data.
    fn step(&self, key: &str) -> Option<&'a Value> {
        match self.level {
            Level::Data(v) => step(v, key),
            Level::Layered(l) => l.get(key),
            _ => None,
        }
    }

    /// The value at a compiled path in this level's data.
    fn walk(&self, p: &Segments) -> Option<&'a Value> {
        match self.level {
            Level::Data(v) => p.walk(v),
            Level::Layered(l) => l.walk(p),
            _ => None,
        }
    }

    fn up(&self, n: usize) -> &Frame<'a> {
        let mut f = self;
        for _ in 0..n {
            match f.parent {
                Some(p) => f = p,
                None => break,
            }
        }
        f
    }
}

impl Rule {
    /// Evaluates the rule against `data`, within the [`FUEL`] budget: a rule
    /// that would do more work throws `{"type": "Budget Exceeded"}`.
    pub fn apply<'a>(&'a self, data: &'a Value) -> Result<Value, Thrown> {
        let fuel = Fuel(Cell::new(FUEL));
        let out = self.0.eval(&Frame { level: Level::Data(data), parent: None, fuel: &fuel })?;
        fuel.own(out)
    }

    /// Whether the rule holds on `data`: its value is truthy. A rule that
    /// throws or runs out of fuel does not hold.
    pub fn holds(&self, data: &Value) -> bool {
        let mut left = FUEL;
        self.holds_within(data, &mut left).unwrap_or(false)
    }

    /// Whether the rule holds on `data`, with at most `left` units of fuel
    /// (and never more than [`FUEL`]): `None` when the fuel ran out first.
    /// What the evaluation burns is taken off `left`, so that many rules over
    /// one data share one budget.
    pub fn holds_within(&self, data: &Value, left: &mut u64) -> Option<bool> {
        self.holds_at(Level::Data(data), left)
    }

    /// [`Self::holds_within`] on layered data.
    pub fn holds_within_layered(&self, data: &Layered<'_>, left: &mut u64) -> Option<bool> {
        self.holds_at(Level::Layered(data), left)
    }

    fn holds_at(&self, level: Level<'_>, left: &mut u64) -> Option<bool> {
        let given = (*left).min(FUEL);
        let fuel = Fuel(Cell::new(given));
        let out = self.0.eval(&Frame { level, parent: None, fuel: &fuel });
        *left -= given - fuel.0.get();
        match out {
            Ok(v) => Some(truthy(&v)),
            Err(_) if fuel.0.get() == 0 => None,
            Err(_) => Some(false),
        }
    }
}

/// JsonLogic truthiness: `false`, `null`, `0`, `""` and `[]` are false; `{}` is true.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

/// A number during arithmetic: exact while integers stay in range.
#[derive(Clone, Copy)]
enum Num {
    I(i64),
    F(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }

    fn value(self) -> Result<Value, Thrown> {
        match self {
            Num::I(i) => Ok(Value::from(i)),
            Num::F(f) => float(f),
        }
    }
}

fn float(f: f64) -> Result<Value, Thrown> {
    if !f.is_finite() {
        return Err(nan());
    }
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        return Ok(Value::from(f as i64));
    }
    Number::from_f64(f).map(Value::Number).ok_or_else(nan)
}

fn number(n: &Number) -> Num {
    match n.as_i64() {
        Some(i) => Num::I(i),
        None => Num::F(n.as_f64().unwrap_or(f64::NAN)),
    }
}

/// A string as a number: plain decimal notation only (`""` is 0).
/// Whether loose comparison (`==`, `<`) reads `s` as a number.
pub(crate) fn reads_as_number(s: &str) -> bool {
    parse_num(s).is_some()
}

fn parse_num(s: &str) -> Option<Num> {
    if s.is_empty() {
        return Some(Num::I(0));
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Num::I(i));
    }
    // Rewritten in JSON's grammar (`+5`, `.5`, `5.` and `007` are plain decimals
    // too) for serde_json's number parser: std's `f64::from_str` would bring its
    // own tables, 10 KB that hardly compress, into the web module.
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'-') => ("-", &s[1..]),
        Some(b'+') => ("", &s[1..]),
        _ => ("", s),
    };
    let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (rest, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    let mut json = String::with_capacity(s.len() + 2);
    json.push_str(sign);
    let int = int.trim_start_matches('0');
    json.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        json.push('.');
        json.push_str(frac);
    }
    if let Some(e) = exponent {
        let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
        if unsigned.is_empty() || !digits(unsigned) {
            return None;
        }
        json.push('e');
        json.push_str(e);
    }
    let n: Number = json.parse().ok()?;
    n.as_f64().filter(|f| f.is_finite()).map(Num::F)
}

fn to_num(v: &Value) -> Result<Num, Thrown> {
    match v {
        Value::Null => Ok(Num::I(0)),
        Value::Bool(b) => Ok(Num::I(i64::from(*b))),
        Value::Number(n) => Ok(number(n)),
        Value::String(s) => parse_num(s).ok_or_else(nan),
        Value::Array(_) | Value::Object(_) => Err(nan()),
    }
}

fn cmp_num(a: Num, b: Num) -> Option<Ordering> {
    match (a, b) {
        (Num::I(x), Num::I(y)) => Some(x.cmp(&y)),
        _ => a.f().partial_cmp(&b.f()),
    }
}

/// Loose comparison: strings by text, everything else as numbers. `None`
/// when the two cannot be ordered (null against text).
fn loose(a: &Value, b: &Value) -> Result<Option<Ordering>, Thrown> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ok(Some(x.cmp(y))),
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => Err(nan()),
        (Value::Null, Value::String(s)) => Ok(parse_num(s).and_then(|n| cmp_num(Num::I(0), n))),
        (Value::String(s), Value::Null) => Ok(parse_num(s).and_then(|n| cmp_num(n, Num::I(0)))),
        _ => Ok(cmp_num(to_num(a)?, to_num(b)?)),
    }
}

/// Strict equality: same type and value; numbers by value, containers by content.
pub fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => cmp_num(number(x), number(y)) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| strict_eq(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| strict_eq(v, w)))
        }
        _ => a == b,
    }
}

pub(crate) use crate::wire::{dotted, step};

/// The value at a compiled path in the frame's data: the whole data for
/// `None`, nothing in a frame without data.
fn read<'a>(f: &Frame<'a>, path: Option<&Segments>) -> Option<&'a Value> {
    match path {
        None => f.data(),
        Some(p) => f.walk(p),
    }
}

/// Whether `a op b` holds, for a comparison operator; a strict one pays
/// for scanning `b`.
fn compare(op: Op, a: &Value, b: &Value, fuel: &Fuel) -> Result<bool, Thrown> {
    if matches!(op, Op::StrictEq | Op::StrictNe) {
        fuel.burn_value(b)?;
    }
    Ok(match op {
        Op::StrictEq => strict_eq(a, b),
        Op::StrictNe => !strict_eq(a, b),
        _ => {
            let ord = loose(a, b)?;
            match op {
                Op::Eq => ord == Some(Ordering::Equal),
                Op::Ne => ord != Some(Ordering::Equal),
                Op::Lt => ord == Some(Ordering::Less),
                Op::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
                Op::Gt => ord == Some(Ordering::Greater),
                _ => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
            }
        }
    })
}

/// A path segment from a value: text as is, whole numbers as their digits.
fn segment(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_u64() || n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}

/// Text for `cat`: numbers without a trailing `.0`, arrays joined by commas.
fn text(v: &Value, out: &mut String) -> Result<(), Thrown> {
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::String(s) => out.push_str(s),
        Value::Number(n) => match number(n) {
            Num::I(i) => out.push_str(&i.to_string()),
            // Rust prints whole floats without `.0` and never in exponent form, so
            // `3.0` is "3" and 1e20 is "100000000000000000000", as JavaScript prints
            // below 1e21. (Precision formatting would link a second float printer.)
            Num::F(f) => out.push_str(&f.to_string()),
        },
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                text(item, out)?;
            }
        }
        Value::Object(_) => return Err(bad_args()),
    }
    Ok(())
}

fn owned<'a>(v: Value) -> Out<'a> {
    Ok(Cow::Owned(v))
}

fn boolean<'a>(b: bool) -> Out<'a> {
    owned(Value::Bool(b))
}

fn null<'a>() -> Out<'a> {
    owned(Value::Null)
}

fn int_arg(v: Option<&Cow<'_, Value>>) -> Result<Option<i64>, Thrown> {
    match v.map(|c| c.as_ref()) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Ok(Some(to_num(v)?.f() as i64)),
    }
}

/// The `[start, end)` char range of a slice with JavaScript-style negative indices.
fn span(len: usize, start: i64, end: Option<i64>) -> (usize, usize) {
    let clamp = |i: i64| if i < 0 { (len as i64 + i).max(0) as usize } else { (i as usize).min(len) };
    let s = clamp(start);
    let e = end.map_or(len, clamp);
    (s, e.max(s))
}

impl Node {
    fn eval<'a>(&'a self, f: &Frame<'a>) -> Out<'a> {
        f.fuel.burn(1)?;
        match self {
            Node::Lit(v) => Ok(Cow::Borrowed(v)),
            Node::List(items) => owned(Value::Array(
                items.iter().map(|n| n.eval(f).and_then(|v| f.fuel.own(v))).collect::<Result<_, _>>()?,
            )),
            Node::Compare(c) => {
                // The operator's node and its two arguments, as `Op` would burn them.
                f.fuel.burn(2)?;
                let found = read(f, c.path.as_ref()).unwrap_or(&Value::Null);
                let (a, b) = if c.path_first { (found, &c.literal) } else { (&c.literal, found) };
                boolean(compare(c.op, a, b, f.fuel)?)
            }
            Node::Path(path, default) => {
                let found = read(f, path.as_ref());
                match (found, default) {
                    (Some(v), _) => Ok(Cow::Borrowed(v)),
                    (None, Some(d)) => d.eval(f),
                    (None, None) => null(),
                }
            }
            Node::Op(op, args) => op.eval(args, f),
        }
    }
}

impl Args {
    fn list(&self) -> &[Node] {
        match self {
            Args::Many(list) => list,
            Args::One(n) => std::slice::from_ref(n),
        }
    }

    /// Evaluated arguments; a single rule yielding an array gives its items.
    fn values<'a>(&'a self, f: &Frame<'a>) -> Result<Vec<Cow<'a, Value>>, Thrown> {
        match self {
            Args::Many(list) => list.iter().map(|n| n.eval(f)).collect(),
            Args::One(n) => Ok(match n.eval(f)? {
                Cow::Borrowed(Value::Array(items)) => items.iter().map(Cow::Borrowed).collect(),
                Cow::Owned(Value::Array(items)) => items.into_iter().map(Cow::Owned).collect(),
                v => vec![v],
            }),
        }
    }

    /// The first argument (a single rule is itself the argument), or null.
    fn first<'a>(&'a self, f: &Frame<'a>) -> Out<'a> {
        match self.list().first() {
            Some(n) => n.eval(f),
            None => null(),
        }
    }
}

/// Text of argument `i`, or an argument error.
fn str_at<'v>(vals: &'v [Cow<'_, Value>], i: usize) -> Result<&'v str, Thrown> {
    vals.get(i).and_then(|v| v.as_str()).ok_or_else(bad_args)
}

impl Op {
    fn eval<'a>(self, args: &'a Args, f: &Frame<'a>) -> Out<'a> {
        let list = args.list();
        match self {
            Op::Var => {
                let vals = args.values(f)?;
                let found = match vals.first().map(|c| c.as_ref()) {
                    None | Some(Value::Null) => f.data(),
                    Some(Value::String(s)) if s.is_empty() => f.data(),
                    Some(Value::String(s)) => {
                        f.fuel.burn(s.len())?;
                        f.dotted(s)
                    }
                    Some(v) => match segment(v) {
                        Some(seg) => f.step(&seg),
                        None => None,
                    },
                };
                match (found, vals.get(1)) {
                    (Some(v), _) => Ok(Cow::Borrowed(v)),
                    (None, Some(d)) => owned(f.fuel.own(d.clone())?),
                    (None, None) => null(),
                }
            }
            Op::Val | Op::Exists => {
                let vals = match args {
                    Args::One(n) => vec![n.eval(f)?],
                    Args::Many(_) => args.values(f)?,
                };
                let mut frame = f;
                let mut rest = &vals[..];
                if let (Args::Many(_), Some(Value::Array(up))) = (args, vals.first().map(|c| c.as_ref())) {
                    let n = up.first().and_then(Value::as_i64).unwrap_or(0).unsigned_abs() as usize;
                    frame = f.up(n);
                    rest = &vals[1..];
                }
                let mut found: Option<Value> = None;
                let mut at: Option<&Value> = match frame.level {
                    Level::Data(d) => Some(d),
                    Level::Layered(l) => Some(l.whole()),
                    Level::Index(i) => {
                        // An iteration level holds only its index.
                        match rest.first().map(|c| c.as_ref()) {
                            Some(Value::String(k)) if k == "index" && rest.len() == 1 => {
                                found = Some(Value::from(i));
                            }
                            _ => {}
                        }
                        None
                    }
                    Level::Empty => None,
                };
                if found.is_none() {
                    for seg in rest {
                        let key = segment(seg).ok_or_else(bad_args);
                        at = match (at, key) {
                            (Some(v), Ok(k)) => step(v, &k),
                            _ => None,
                        };
                    }
                }
                match (self, found, at) {
                    (Op::Exists, found, at) => boolean(found.is_some() || (at.is_some() && !rest.is_empty())),
                    (_, Some(v), _) => owned(v),
                    (_, None, Some(v)) => Ok(Cow::Borrowed(v)),
                    (_, None, None) => null(),
                }
            }
            Op::Missing | Op::MissingSome => {
                let vals = args.values(f)?;
                let (need, keys): (usize, &[Cow<'_, Value>]) = if self == Op::MissingSome {
                    let need = vals.first().map(|v| to_num(v)).transpose()?.map_or(0, |n| n.f().max(0.0) as usize);
                    (need, &vals[1.min(vals.len())..])
                } else {
                    (0, &vals[..])
                };
                let keys: Vec<&Value> = match keys.first().map(|c| c.as_ref()) {
                    Some(Value::Array(list)) => list.iter().collect(),
                    _ => keys.iter().map(|c| c.as_ref()).collect(),
                };
                let mut missing = Vec::new();
                for key in &keys {
                    let present = segment(key)
                        .is_some_and(|k| f.dotted(&k).is_some_and(|v| !v.is_null() && v.as_str() != Some("")));
                    if !present {
                        f.fuel.burn_value(key)?;
                        missing.push((*key).clone());
                    }
                }
                if self == Op::MissingSome && keys.len() - missing.len() >= need {
                    missing.clear();
                }
                owned(Value::Array(missing))
            }
            Op::If | Op::Ternary => {
                let mut i = 0;
                while i + 1 < list.len() {
                    if truthy(list[i].eval(f)?.as_ref()) {
                        return list[i + 1].eval(f);
                    }
                    i += 2;
                }
                match list.get(i) {
                    Some(n) => n.eval(f),
                    None => null(),
                }
            }
            Op::And | Op::Or => {
                let mut last = Cow::Owned(Value::Bool(false));
                for n in list {
                    last = n.eval(f)?;
                    if truthy(&last) == (self == Op::Or) {
                        break;
                    }
                }
                Ok(last)
            }
            Op::Not => boolean(!truthy(args.first(f)?.as_ref())),
            Op::Truthy => boolean(truthy(args.first(f)?.as_ref())),
            Op::Coalesce => {
                for n in list {
                    let v = n.eval(f)?;
                    if !v.is_null() {
                        return Ok(v);
                    }
                }
                null()
            }
            Op::Eq | Op::Ne | Op::StrictEq | Op::StrictNe | Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                let Args::Many(list) = args else { return Err(bad_args()) };
                if list.len() < 2 {
                    return Err(bad_args());
                }
                let mut prev = list[0].eval(f)?;
                for n in &list[1..] {
                    let next = n.eval(f)?;
                    if !compare(self, &prev, &next, f.fuel)? {
                        return boolean(false);
                    }
                    prev = next;
                }
                boolean(true)
            }
            Op::Add | Op::Mul => {
                let mut acc = Num::I(i64::from(self == Op::Mul));
                for v in args.values(f)? {
                    let n = to_num(&v)?;
                    acc = match (acc, n, self) {
                        (Num::I(a), Num::I(b), Op::Add) => a.checked_add(b).map_or(Num::F(a as f64 + b as f64), Num::I),
                        (Num::I(a), Num::I(b), _) => a.checked_mul(b).map_or(Num::F(a as f64 * b as f64), Num::I),
                        (a, b, Op::Add) => Num::F(a.f() + b.f()),
                        (a, b, _) => Num::F(a.f() * b.f()),
                    };
                }
                owned(acc.value()?)
            }
            Op::Sub | Op::Div | Op::Rem => {
                let vals = args.values(f)?;
                let nums = vals.iter().map(|v| to_num(v)).collect::<Result<Vec<_>, _>>()?;
                let (first, rest) = match (nums.split_first(), self) {
                    (None, _) => return Err(bad_args()),
                    (Some((_, [])), Op::Rem) => return Err(bad_args()),
                    (Some((&a, [])), Op::Sub) => (Num::I(0), vec![a]),
                    (Some((&a, [])), _) => (Num::I(1), vec![a]),
                    (Some((&a, rest)), _) => (a, rest.to_vec()),
                };
                let mut acc = first;
                for b in rest {
                    acc = match (acc, b, self) {
                        (Num::I(a), Num::I(b), Op::Sub) => a.checked_sub(b).map_or(Num::F(a as f64 - b as f64), Num::I),
                        (a, b, Op::Sub) => Num::F(a.f() - b.f()),
                        (_, b, _) if b.f() == 0.0 => return Err(nan()),
                        (Num::I(a), Num::I(b), Op::Rem) => a.checked_rem(b).map_or(Num::F(0.0), Num::I),
                        (a, b, Op::Rem) => Num::F(a.f() % b.f()),
                        (a, b, _) => Num::F(a.f() / b.f()),
                    };
                }
                owned(acc.value()?)
            }
            Op::Max | Op::Min => {
                let vals = args.values(f)?;
                let mut best: Option<(Num, &Value)> = None;
                for v in &vals {
                    let Value::Number(n) = v.as_ref() else { return Err(bad_args()) };
                    let n = number(n);
                    let better = best.is_none_or(|(b, _)| {
                        cmp_num(n, b) == Some(if self == Op::Max { Ordering::Greater } else { Ordering::Less })
                    });
                    if better {
                        best = Some((n, v.as_ref()));
                    }
                }
                match best {
                    Some((_, v)) => owned(v.clone()),
                    None => Err(bad_args()),
                }
            }
            Op::Abs | Op::Ceil | Op::Floor => {
                let v = args.first(f)?;
                let Value::Number(n) = v.as_ref() else { return Err(bad_args()) };
                match (number(n), self) {
                    (Num::I(i), Op::Abs) => owned(i.checked_abs().map_or(Value::from(i.unsigned_abs()), Value::from)),
                    (Num::I(_), _) => Ok(v),
                    (Num::F(x), Op::Abs) => owned(float(x.abs())?),
                    (Num::F(x), Op::Ceil) => owned(float(x.ceil())?),
                    (Num::F(x), _) => owned(float(x.floor())?),
                }
            }
            Op::Cat => {
                let mut out = String::new();
                for v in args.values(f)? {
                    if matches!(v.as_ref(), Value::Array(_)) {
                        f.fuel.burn_value(&v)?;
                    }
                    let before = out.len();
                    text(&v, &mut out)?;
                    f.fuel.burn(out.len() - before)?;
                }
                owned(Value::String(out))
            }
            Op::Substr => {
                let vals = args.values(f)?;
                let mut s = String::new();
                if let Some(v) = vals.first() {
                    f.fuel.burn_value(v)?;
                }
                text(vals.first().map_or(&Value::Null, |c| c.as_ref()), &mut s)?;
                f.fuel.burn(s.len())?;
                let chars: Vec<char> = s.chars().collect();
                let start = int_arg(vals.get(1))?.unwrap_or(0);
                let (from, _) = span(chars.len(), start, None);
                let to = match int_arg(vals.get(2))? {
                    None => chars.len(),
                    Some(n) if n < 0 => (chars.len() as i64 + n).max(0) as usize,
                    Some(n) => from.saturating_add(n as usize).min(chars.len()),
                };
                owned(Value::String(chars[from..to.max(from)].iter().collect()))
            }
            Op::In => {
                let vals = args.values(f)?;
                let needle = vals.first().map_or(&Value::Null, |c| c.as_ref());
                boolean(match vals.get(1).map(|c| c.as_ref()) {
                    Some(Value::String(hay)) => {
                        f.fuel.burn(hay.len())?;
                        needle.as_str().is_some_and(|n| hay.contains(n))
                    }
                    Some(Value::Array(items)) => {
                        f.fuel.burn_value(needle)?;
                        f.fuel.burn(items.len().saturating_mul(VALUE_UNITS))?;
                        items.iter().any(|i| strict_eq(i, needle))
                    }
                    _ => false,
                })
            }
            Op::Length => match args.first(f)?.as_ref() {
                Value::String(s) => {
                    f.fuel.burn(s.len())?;
                    owned(Value::from(s.chars().count()))
                }
                Value::Array(a) => owned(Value::from(a.len())),
                _ => Err(bad_args()),
            },
            Op::StartsWith | Op::EndsWith => {
                let vals = args.values(f)?;
                let (s, affix) = (str_at(&vals, 0)?, str_at(&vals, 1)?);
                f.fuel.burn(affix.len())?;
                boolean(if self == Op::StartsWith { s.starts_with(affix) } else { s.ends_with(affix) })
            }
            Op::Upper | Op::Lower | Op::Trim => {
                let v = args.first(f)?;
                let s = v.as_str().ok_or_else(bad_args)?;
                f.fuel.burn(s.len())?;
                owned(Value::String(match self {
                    Op::Upper => s.to_uppercase(),
                    Op::Lower => s.to_lowercase(),
                    _ => s.trim().to_owned(),
                }))
            }
            Op::Split => {
                let vals = args.values(f)?;
                let (s, sep) = (str_at(&vals, 0)?, str_at(&vals, 1)?);
                // Up to one value per byte of text, each paid for.
                f.fuel.burn(s.len().saturating_mul(VALUE_UNITS + 1))?;
                let parts: Vec<Value> = if sep.is_empty() {
                    s.chars().map(|c| Value::String(c.to_string())).collect()
                } else {
                    s.split(sep).map(|p| Value::String(p.to_owned())).collect()
                };
                owned(Value::Array(parts))
            }
            Op::Merge => {
                let mut out = Vec::new();
                for v in args.values(f)? {
                    match f.fuel.own(v)? {
                        Value::Array(items) => {
                            f.fuel.burn(items.len().saturating_mul(VALUE_UNITS))?;
                            out.extend(items)
                        }
                        other => out.push(other),
                    }
                }
                owned(Value::Array(out))
            }
            Op::Map | Op::Filter | Op::Reduce | Op::All | Op::AnyOf | Op::NoneOf => iterate(self, list, f),
            Op::Sort => {
                let vals = args.values(f)?;
                let Some(Value::Array(items)) = vals.first().map(|c| c.as_ref()) else { return Err(bad_args()) };
                f.fuel.burn_value(&vals[0])?;
                // n log n comparisons, each of them paid for.
                let log = usize::BITS - items.len().leading_zeros();
                f.fuel.burn(items.len().saturating_mul(log as usize).saturating_mul(VALUE_UNITS))?;
                let mut items = items.clone();
                let rank = |v: &Value| match v {
                    Value::Null => 0,
                    Value::Bool(_) => 1,
                    Value::Number(_) => 2,
                    Value::String(_) => 3,
                    Value::Array(_) => 4,
                    Value::Object(_) => 5,
                };
                crate::order::by(&mut items, |a, b| match (a, b) {
                    (Value::Number(x), Value::Number(y)) => cmp_num(number(x), number(y)).unwrap_or(Ordering::Equal),
                    (Value::String(x), Value::String(y)) => x.cmp(y),
                    (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
                    _ => rank(a).cmp(&rank(b)),
                });
                if vals.get(1).is_some_and(|d| !truthy(d)) {
                    items.reverse();
                }
                owned(Value::Array(items))
            }
            Op::Slice => {
                let vals = args.values(f)?;
                let start = int_arg(vals.get(1))?.unwrap_or(0);
                let end = int_arg(vals.get(2))?;
                match vals.first().map(|c| c.as_ref()) {
                    Some(Value::Array(items)) => {
                        let (s, e) = span(items.len(), start, end);
                        for item in &items[s..e] {
                            f.fuel.burn_value(item)?;
                        }
                        owned(Value::Array(items[s..e].to_vec()))
                    }
                    Some(Value::String(text)) => {
                        f.fuel.burn(text.len())?;
                        let chars: Vec<char> = text.chars().collect();
                        let (s, e) = span(chars.len(), start, end);
                        owned(Value::String(chars[s..e].iter().collect()))
                    }
                    _ => Err(bad_args()),
                }
            }
            Op::Distinct => {
                let v = args.first(f)?;
                let Value::Array(items) = v.as_ref() else { return Err(bad_args()) };
                let mut out: Vec<Value> = Vec::new();
                for item in items {
                    f.fuel.burn_value(item)?;
                    f.fuel.burn(out.len().saturating_mul(VALUE_UNITS))?;
                    if !out.iter().any(|o| strict_eq(o, item)) {
                        out.push(item.clone());
                    }
                }
                owned(Value::Array(out))
            }
            Op::Keys | Op::Values | Op::Entries => {
                let v = args.first(f)?;
                let Value::Object(map) = v.as_ref() else { return Err(bad_args()) };
                f.fuel.burn_value(&v)?;
                owned(Value::Array(
                    map.iter()
                        .map(|(k, v)| match self {
                            Op::Keys => Value::String(k.clone()),
                            Op::Values => v.clone(),
                            _ => {
                                let mut e = Map::new();
                                e.insert("key".to_owned(), Value::String(k.clone()));
                                e.insert("value".to_owned(), v.clone());
                                Value::Object(e)
                            }
                        })
                        .collect(),
                ))
            }
            Op::Type => owned(Value::String(
                match args.first(f)?.as_ref() {
                    Value::Null => "null",
                    Value::Bool(_) => "boolean",
                    Value::Number(_) => "number",
                    Value::String(_) => "string",
                    Value::Array(_) => "array",
                    Value::Object(_) => "object",
                }
                .to_owned(),
            )),
            Op::Switch | Op::Match => {
                let subject = list[0].eval(f)?;
                f.fuel.burn_value(&subject)?;
                let cases: Vec<&Node> = match &list[1] {
                    Node::List(cases) => cases.iter().collect(),
                    Node::Lit(Value::Array(cases)) => {
                        for case in cases {
                            match case.as_array().map(Vec::as_slice) {
                                Some([when, then]) if strict_eq(when, &subject) => return Ok(Cow::Borrowed(then)),
                                Some([_, _]) => {}
                                _ => return Err(bad_args()),
                            }
                        }
                        Vec::new()
                    }
                    _ => return Err(bad_args()),
                };
                for case in cases {
                    match case {
                        Node::List(pair) if pair.len() == 2 => {
                            if strict_eq(pair[0].eval(f)?.as_ref(), &subject) {
                                return pair[1].eval(f);
                            }
                        }
                        Node::Lit(Value::Array(pair)) if pair.len() == 2 => {
                            if strict_eq(&pair[0], &subject) {
                                return Ok(Cow::Borrowed(&pair[1]));
                            }
                        }
                        _ => return Err(bad_args()),
                    }
                }
                match list.get(2) {
                    Some(n) => n.eval(f),
                    None => null(),
                }
            }
            Op::Try => {
                let mut error: Option<Thrown> = None;
                for n in list {
                    let result = match &error {
                        None => n.eval(f).and_then(|v| f.fuel.own(v)),
                        Some(e) => {
                            let empty = Frame { level: Level::Empty, parent: Some(f), fuel: f.fuel };
                            n.eval(&Frame { level: Level::Data(e), parent: Some(&empty), fuel: f.fuel })
                                .and_then(|v| f.fuel.own(v))
                        }
                    };
                    match result {
                        Ok(v) => return owned(v),
                        Err(e) => error = Some(e),
                    }
                }
                match error {
                    Some(e) => Err(e),
                    None => null(),
                }
            }
            Op::Throw => Err(match f.fuel.own(args.first(f)?)? {
                Value::Object(m) => Value::Object(m),
                Value::String(s) => thrown(&s),
                other => {
                    let mut m = Map::new();
                    m.insert("type".to_owned(), other);
                    Value::Object(m)
                }
            }),
            Op::Preserve => Err(bad_args()),
        }
    }
}

/// map, filter, reduce, all, some, none: the body reads each item, one level
/// below the item's index, which is below the enclosing data.
fn iterate<'a>(op: Op, list: &'a [Node], f: &Frame<'a>) -> Out<'a> {
    let (Some(source), Some(body)) = (list.first(), list.get(1)) else { return Err(bad_args()) };
    let collection = source.eval(f)?;
    let items: &[Value] = match collection.as_ref() {
        Value::Array(items) => items,
        Value::Null if matches!(op, Op::Map | Op::Filter | Op::Reduce) => &[],
        _ => return Err(bad_args()),
    };
    let mut out = Vec::new();
    let mut acc = match (op, list.get(2)) {
        (Op::Reduce, Some(init)) => f.fuel.own(init.eval(f)?)?,
        _ => Value::Null,
    };
    let fuel = f.fuel;
    for (i, item) in items.iter().enumerate() {
        fuel.burn(1)?;
        let index = Frame { level: Level::Index(i), parent: Some(f), fuel };
        if op == Op::Reduce {
            fuel.burn_value(item)?;
            let mut m = Map::new();
            m.insert("current".to_owned(), item.clone());
            m.insert("accumulator".to_owned(), std::mem::take(&mut acc));
            let data = Value::Object(m);
            acc = fuel.own(body.eval(&Frame { level: Level::Data(&data), parent: Some(&index), fuel })?)?;
            continue;
        }
        let result = body.eval(&Frame { level: Level::Data(item), parent: Some(&index), fuel })?;
        match op {
            Op::Map => out.push(fuel.own(result)?),
            Op::Filter if truthy(&result) => {
                fuel.burn_value(item)?;
                out.push(item.clone())
            }
            Op::All if !truthy(&result) => return boolean(false),
            Op::AnyOf if truthy(&result) => return boolean(true),
            Op::NoneOf if truthy(&result) => return boolean(false),
            _ => {}
        }
    }
    match op {
        Op::Map | Op::Filter => owned(Value::Array(out)),
        Op::Reduce => owned(acc),
        Op::All => boolean(!items.is_empty()),
        Op::AnyOf => boolean(false),
        _ => boolean(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(rule: Value, data: Value) -> Result<Value, Value> {
        compile(&rule).map_err(|e| json!({"type": e.kind}))?.apply(&data)
    }

    /// A comparison of a path and a literal compiles to its own node; it
    /// gives what the operator gives over any two arguments (reached here
    /// through `??`, which the shortcut does not take), both ways round.
    #[test]
    fn path_and_literal_comparisons_agree_with_the_general_operator() {
        let values = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(1),
            json!(-2.5),
            json!(1e300),
            json!(""),
            json!("1"),
            json!("01"),
            json!("a"),
            json!("b"),
            json!(" 1 "),
            json!([1]),
            json!({"a": 1}),
        ];
        let data_of = |v: &Value| json!({"a": {"b": v}, "n": [v]});
        let mut shortcuts = 0;
        for op in ["==", "!=", "===", "!==", "<", "<=", ">", ">="] {
            for literal in &values {
                for p in ["a.b", "n.0", "a.missing"] {
                    for path_first in [true, false] {
                        let (fast, slow) = if path_first {
                            (json!({op: [{"var": p}, literal]}), json!({op: [{"??": [{"var": p}]}, literal]}))
                        } else {
                            (json!({op: [literal, {"var": p}]}), json!({op: [literal, {"??": [{"var": p}]}]}))
                        };
                        if matches!(compile(&fast).map(|r| r.0), Ok(Node::Compare(_))) {
                            shortcuts += 1;
                        }
                        for v in &values {
                            let data = data_of(v);
                            assert_eq!(run(fast.clone(), data.clone()), run(slow.clone(), data), "{fast} on {v}");
                        }
                    }
                }
            }
        }
        // Every literal but the object, which reads as an unknown operator.
        assert_eq!(shortcuts, 8 * (values.len() - 1) * 3 * 2);
    }

    /// A compiled path writes each segment's length as a character; a
    /// segment too long for one (from 55,296 bytes) is read the general way.
    #[test]
    fn paths_with_any_segment_length_are_read() {
        for n in [0usize, 1, 127, 128, 2047, 2048, 55_295, 55_296, 57_343, 57_344, 70_000] {
            let key = "k".repeat(n);
            let data = json!({"a": {key.clone(): 7}});
            let path = format!("a.{key}");
            assert_eq!(run(json!({"var": path}), data.clone()), Ok(json!(7)), "{n}");
            assert_eq!(run(json!({"==": [{"var": path}, 7]}), data), Ok(json!(true)), "{n}");
        }
    }

    #[test]
    fn strings_read_as_numbers_like_std_reads_plain_decimals() {
        let cases = [
            "1.5",
            "-1.5",
            "+1.5",
            ".5",
            "5.",
            "-.5",
            "007.25",
            "1e3",
            "1E-3",
            "2.5e+2",
            "-0.0",
            "0.1",
            "3.14159",
            "123456789012345678901234567890",
            "1e-400",
            "9007199254740993.5",
        ];
        for s in cases {
            let expected = s.parse::<f64>().unwrap();
            match parse_num(s) {
                Some(Num::F(f)) => assert_eq!(f.to_bits(), expected.to_bits(), "{s}"),
                Some(Num::I(i)) => panic!("{s} read as the integer {i}"),
                None => panic!("{s} not read"),
            }
        }
        assert!(matches!(parse_num("42"), Some(Num::I(42))));
        assert!(matches!(parse_num(""), Some(Num::I(0))));
        for s in
            [".", "-", "+", "e5", "1e", "1e+", "1.2.3", "--1", "+-1", "1e400", "inf", "NaN", "0x10", " 1", "1,5", "١"]
        {
            assert!(parse_num(s).is_none(), "{s} should not be a number");
        }
    }

    #[test]
    fn reads_paths_and_defaults() {
        assert_eq!(run(json!({"var": "a.b"}), json!({"a": {"b": [1]}})), Ok(json!([1])));
        assert_eq!(run(json!({"var": ["a.x", 7]}), json!({"a": {}})), Ok(json!(7)));
        assert_eq!(run(json!({"var": "l.1"}), json!({"l": [5, 6]})), Ok(json!(6)));
    }

    #[test]
    fn keeps_integers_exact_and_throws_nan() {
        assert_eq!(run(json!({"+": [9007199254740993_i64, 0]}), json!(null)), Ok(json!(9007199254740993_i64)));
        assert_eq!(run(json!({"*": [1e308, 10]}), json!(null)), Err(json!({"type": "NaN"})));
        assert_eq!(run(json!({"+": ["0x10"]}), json!(null)), Err(json!({"type": "NaN"})));
    }

    #[test]
    fn null_against_text_is_unequal_rather_than_an_error() {
        assert_eq!(run(json!({"!=": [{"var": "a"}, "x"]}), json!({})), Ok(json!(true)));
        assert_eq!(run(json!({"==": [{"var": "a"}, "x"]}), json!({})), Ok(json!(false)));
    }

    #[test]
    fn extension_operators() {
        assert_eq!(run(json!({"length": "héllo"}), json!(null)), Ok(json!(5)));
        assert_eq!(run(json!({"sort": [[3, 1, 2], false]}), json!(null)), Ok(json!([3, 2, 1])));
        assert_eq!(run(json!({"slice": ["hello", -3]}), json!(null)), Ok(json!("llo")));
        assert_eq!(run(json!({"switch": [{"var": "x"}, [["a", 1], ["b", 2]], 3]}), json!({"x": "b"})), Ok(json!(2)));
        assert_eq!(run(json!({"entries": {"var": ""}}), json!({"k": 1})), Ok(json!([{"key": "k", "value": 1}])));
        assert_eq!(run(json!({"upper": "héllo"}), json!(null)), Ok(json!("HÉLLO")));
    }

    /// Rules whose output or work grows exponentially with their size stop at
    /// the budget instead of exhausting memory: issue 14's bombs.
    #[test]
    fn bombs_run_out_of_fuel() {
        let exceeded = Err(json!({"type": BUDGET_EXCEEDED}));
        let items: Vec<u32> = (0..40).collect();
        let doubling = json!({"reduce": [items, {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "ab"]});
        assert_eq!(run(doubling, json!({})), exceeded);
        let merging = json!({"reduce": [items, {"merge": [{"var": "accumulator"}, {"var": "accumulator"}]}, [1]]});
        assert_eq!(run(merging, json!({})), exceeded);
        let mut nested = json!({"var": ""});
        for _ in 0..12 {
            nested = json!({"map": [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], nested]});
        }
        assert_eq!(run(nested, json!({})), exceeded);
        // `try` cannot swallow an exhausted budget.
        let caught =
            json!({"try": [{"reduce": [items, {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "ab"]}, 1]});
        assert_eq!(run(caught, json!({})), exceeded);
        // Copying a large part of the data again and again is work too.
        let big = json!({"s": "x".repeat(100_000)});
        let copies = json!({"map": [(0..100).collect::<Vec<u32>>(), {"val": [[2], "s"]}]});
        assert_eq!(run(copies, big.clone()), exceeded);
        let scans = json!({"map": [(0..100).collect::<Vec<u32>>(), {"in": ["y", {"val": [[2], "s"]}]}]});
        assert_eq!(run(scans, big), exceeded);
        // Ordinary rules are far within the budget.
        let events: Vec<Value> = (0..200).map(|i| json!({"name": format!("e{i}"), "data": {"code": i}})).collect();
        let some = json!({"some": [{"var": "events"}, {"==": [{"var": "data.code"}, 199]}]});
        assert_eq!(run(some, json!({"events": events})), Ok(json!(true)));
    }

    #[test]
    fn rejects_unknown_operators_and_bad_shapes_at_compile() {
        assert_eq!(compile(&json!({"frobnicate": [1]})).err().map(|e| e.kind), Some("Unknown Operator"));
        assert_eq!(compile(&json!({"if": 5})).err().map(|e| e.kind), Some("Invalid Arguments"));
        let mut deep = json!(true);
        for _ in 0..300 {
            deep = json!({"!": [deep]});
        }
        assert!(compile(&deep).is_err());
    }
}
