//! Resolution: context -> ranked, explainable suggestions of solution flows.
//!
//! Triggers are indexed when the catalog loads: screens by exact route and by
//! the first literal segment of a pattern, events by name (and by code when
//! they need one), conditions by the value they need at a path or else by the
//! context paths they read, and free text in one automaton ([`crate::text`]).
//! A resolve looks up only what the context contains, so its cost follows what
//! matches, not how many scenarios the catalog holds.
//!
//! The lookups only name candidates, each with the summed weights of its
//! triggers that may fire: an upper bound of its score. Candidates are scored
//! exactly (every trigger tried against the context) in order of that bound,
//! and once the suggestions asked for are full and no bound left reaches the
//! last kept score, the rest are never scored (max-score pruning, as search
//! engines rank postings): hundreds of scenarios on one screen, event or field
//! cost a heap of bounds, not hundreds of evaluations and reasons.
//!
//! A condition reading none of the paths present in the context evaluates as it
//! would on empty data; that value is computed once at load, so such rules are
//! only evaluated when something they read is present.

use rustc_hash::FxHashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog::Catalog;
use crate::catalog::CompiledTrigger as Trigger;
#[cfg(any(test, feature = "testing"))]
use crate::catalog::index::parse_glob;
use crate::catalog::index::{MAX_PATH_DEPTH, Seg, TriggerRef};
use crate::condition::Condition;
use crate::content::RiskLevel;
use crate::context::Context;
use crate::escalation::{self, CrisisHit};
use crate::events::{Event, EventKind};
use crate::i18n;
use crate::limits::MAX_GLOB_SEGMENTS;
use crate::text::Phrase;

/// Most suggestions returned unless the caller asks for fewer.
pub const DEFAULT_MAX_SUGGESTIONS: usize = 5;

/// Paths present in the data whose top-level members are `members`, null ones included (objects
/// only; lists are leaves), e.g. `entities`, `entities.order`, `entities.order.id`.
fn present_paths<'v>(members: impl Iterator<Item = (&'v String, &'v Value)>) -> FxHashSet<String> {
    let mut out = FxHashSet::default();
    let mut stack: Vec<(String, &Value, usize)> = members.map(|(k, v)| (k.clone(), v, 1)).collect();
    while let Some((path, v, depth)) = stack.pop() {
        // A null is present: a rule may read it otherwise than a missing value
        // (`var` gives its default only for the missing one).
        if let (Value::Object(m), true) = (v, depth < MAX_PATH_DEPTH) {
            stack.extend(m.iter().map(|(k, v)| {
                // Not `format!`: its machinery cost more than the paths' own bytes.
                let mut child = String::with_capacity(path.len() + 1 + k.len());
                child.push_str(&path);
                child.push('.');
                child.push_str(k);
                (child, v, depth + 1)
            }));
        }
        out.insert(path);
    }
    out
}

/// A pattern segment as [`glob_match`] reads it: borrowed, so a trigger's
/// pattern is matched without building its segments on the heap.
#[derive(Debug, Clone, Copy)]
enum SegRef<'a> {
    Lit(&'a str),
    One,
    Any,
}

trait AsSeg {
    fn seg(&self) -> SegRef<'_>;
}

impl AsSeg for Seg {
    fn seg(&self) -> SegRef<'_> {
        match self {
            Seg::Lit(l) => SegRef::Lit(l),
            Seg::One => SegRef::One,
            Seg::Any => SegRef::Any,
        }
    }
}

impl AsSeg for SegRef<'_> {
    fn seg(&self) -> SegRef<'_> {
        *self
    }
}

/// Whether the screen pattern `pattern` matches `route`, read as
/// [`parse_glob`](crate::catalog::index::parse_glob) reads it, without allocating.
fn pattern_matches(pattern: &str, route: &[&str]) -> bool {
    let mut segs = [SegRef::Any; MAX_GLOB_SEGMENTS + 1];
    let mut n = 0usize;
    for part in pattern.split('/') {
        let seg = match part {
            "*" => SegRef::One,
            "**" => SegRef::Any,
            lit => SegRef::Lit(lit),
        };
        if matches!(seg, SegRef::Any) && n > 0 && matches!(segs.get(n - 1), Some(SegRef::Any)) {
            continue;
        }
        let Some(slot) = segs.get_mut(n) else { return false };
        *slot = seg;
        n += 1;
    }
    glob_match(segs.get(..n).unwrap_or_default(), route)
}

/// Whether `route` matches the pattern `segs`, in time linear in both: the
/// pattern's positions run as a bit-parallel NFA over the route's segments,
/// so `**` never backtracks. Patterns have at most [`MAX_GLOB_SEGMENTS`]
/// segments (lint and load refuse longer ones); a longer one matches nothing.
fn glob_match<S: AsSeg>(segs: &[S], route: &[&str]) -> bool {
    let m = segs.len();
    if m > MAX_GLOB_SEGMENTS {
        return false;
    }
    // Bit i: the first i segments of the pattern have matched the route so far.
    let any: u64 =
        segs.iter().enumerate().filter(|(_, s)| matches!(s.seg(), SegRef::Any)).fold(0, |a, (i, _)| a | 1 << i);
    // A `**` at position i matches nothing, so being at i means being at i + 1 too.
    let close = |mut set: u64| {
        for i in 0..m {
            if set & any & (1 << i) != 0 {
                set |= 1 << (i + 1);
            }
        }
        set
    };
    let mut set = close(1);
    for r in route {
        let mut next = 0u64;
        for (i, s) in segs.iter().enumerate() {
            if set & (1 << i) == 0 {
                continue;
            }
            match s.seg() {
                SegRef::Any => next |= 1 << i,
                SegRef::One => next |= 1 << (i + 1),
                SegRef::Lit(l) if l == *r => next |= 1 << (i + 1),
                SegRef::Lit(_) => {}
            }
        }
        set = close(next);
        if set == 0 {
            return false;
        }
    }
    set & (1 << m) != 0
}

/// Why a trigger fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reason {
    /// Position of the trigger in the scenario's `triggers`; absent for an
    /// `intent` match, which no trigger makes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger: Option<usize>,
    /// `screen`, `event`, `condition`, `text` (a keyword or pattern) or
    /// `intent` (the question matched the scenario's examples).
    pub kind: &'static str,
    /// What matched: the screen pattern, event name and code, keyword or
    /// pattern, or for `intent` the question's words that weighed most.
    pub detail: String,
    /// The trigger's weight; for `intent`, the catalog's text weight times
    /// the confidence.
    pub weight: f64,
}

/// One ranked suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Suggestion {
    /// Scenario id.
    pub scenario: String,
    /// Flow it starts.
    pub flow: String,
    /// Rank score: summed trigger weights scaled by the scenario's priority.
    pub score: f64,
    /// Localized title.
    pub title: String,
    /// Localized summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Product tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Risk level.
    pub risk: RiskLevel,
    /// Every trigger that fired.
    pub reasons: Vec<Reason>,
}

/// What [`resolve`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Resolution {
    /// Suggestions, best first.
    pub suggestions: Vec<Suggestion>,
    /// Set when the query holds crisis language: show the resources and start
    /// a crisis escalation instead of any flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crisis: Option<CrisisHit>,
    /// What the typed question matched by the scenarios' examples; absent
    /// when the context holds no question.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<TextMatch>,
    /// Analytics event for the host to forward (`suggested`).
    pub event: Event,
}

/// How a typed question fared against the scenarios' texts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TextMatch {
    /// Whether some scenario is a confident match: an `intent` match at or
    /// above the catalog's threshold, or a keyword or pattern. When false the
    /// question is out of scope: the suggestions (if any) come from the screen
    /// and events alone, and a person should be offered beside them.
    pub in_scope: bool,
    /// The best scenario by its texts, confident or not; absent when the
    /// question shares nothing with any scenario's texts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// Its confidence, 0 to 1: its share among its 20 nearest rivals (see docs/INTENTS.md).
    pub confidence: f64,
}

/// A scenario a question matches by its texts (see [`rank_text`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TextCandidate {
    /// Scenario id.
    pub scenario: String,
    /// Confidence, 0 to 1.
    pub confidence: f64,
    /// The question's words (folded) that weighed most for it.
    pub terms: Vec<String>,
}

/// The `max` scenarios `question` is most likely about by their examples,
/// titles, summaries and keywords alone (no context, no triggers), best
/// first, confident or not: what `inscene eval-text` measures.
pub fn rank_text(catalog: &Catalog, question: &str, max: usize) -> Vec<TextCandidate> {
    catalog
        .intent_model()
        .rank(question, max)
        .into_iter()
        .filter_map(|c| {
            Some(TextCandidate {
                scenario: catalog.scenarios().get(c.class as usize)?.id.to_string(),
                confidence: c.confidence,
                terms: c.terms,
            })
        })
        .collect()
}

/// Ranks the question against the scenarios' texts; every confident match
/// gives its scenario an `intent` reason. Says whether anything textual was
/// confident.
/// `folded` is the question folded as [`crate::intent::FOLD`] folds.
fn match_text(catalog: &Catalog, folded: &str, keyword_hit: bool) -> (TextMatch, Vec<(u32, Reason)>) {
    let settings = catalog.text_matching();
    let ranked = catalog.intent_model().rank_folded(folded, 3);
    let mut intents = Vec::new();
    for c in ranked.iter().filter(|c| c.confidence >= settings.threshold) {
        let detail = format!("{} ({}% sure)", c.terms.join(", "), (c.confidence * 100.0).round());
        intents
            .push((c.class, Reason { trigger: None, kind: "intent", detail, weight: settings.weight * c.confidence }));
    }
    let best = ranked.first();
    let text = TextMatch {
        in_scope: keyword_hit || best.is_some_and(|c| c.confidence >= settings.threshold),
        scenario: best.and_then(|c| catalog.scenarios().get(c.class as usize)).map(|s| s.id.to_string()),
        confidence: best.map_or(0.0, |c| (c.confidence * 1000.0).round() / 1000.0),
    };
    (text, intents)
}

/// Options of a resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOptions {
    /// Most suggestions returned.
    pub max_suggestions: usize,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions { max_suggestions: DEFAULT_MAX_SUGGESTIONS }
    }
}

/// Every trigger that fired, by [`TriggerRef::key`], in firing order (the
/// naive oracle's); a trigger's first reason counts.
#[cfg(any(test, feature = "testing"))]
type Fired = Vec<(u64, Reason)>;

#[cfg(any(test, feature = "testing"))]
fn fire(fired: &mut Fired, catalog: &Catalog, t: TriggerRef, kind: &'static str, detail: String) {
    let weight = catalog
        .scenarios()
        .get(t.scenario as usize)
        .and_then(|s| s.triggers.get(t.trigger as usize))
        .map_or(0.0, Trigger::weight);
    fired.push((t.key(), Reason { trigger: Some(t.trigger as usize), kind, detail, weight }));
}

/// Resolves a context into ranked suggestions. `now` is the current time in
/// seconds since the Unix epoch (the core never reads a clock).
///
/// ```
/// # let json = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../content/sample-shop.json")).unwrap();
/// let catalog = inscene::Catalog::from_json(&json).unwrap();
/// let ctx = inscene::context::Context::from_json(r#"{"query": "my order disappeared"}"#).unwrap();
/// let found = inscene::resolve::resolve(&catalog, &ctx, 1_795_000_000, &Default::default());
/// assert_eq!(found.suggestions[0].scenario, "order_missing");
/// ```
pub fn resolve(catalog: &Catalog, ctx: &Context, now: i64, options: &ResolveOptions) -> Resolution {
    // The question folded once, for the keyword automaton and the intent
    // model alike, and for the crisis screen when it serves that too.
    let folded = ctx.query().map(|q| (q, crate::intent::FOLD.fold_text(q, false)));
    let screened = folded
        .as_ref()
        .and_then(|(q, f)| escalation::screen_crisis_folded(catalog, ctx, q, Some((f, crate::intent::FOLD))));
    if let Some(hit) = screened {
        let kind = EventKind::Suggested { scenarios: Vec::new(), text_in_scope: None, crisis_kind: Some(hit.kind) };
        let event = Event::outside_session(kind, catalog, ctx, now, "suggested");
        return Resolution { suggestions: Vec::new(), crisis: Some(hit), text: None, event };
    }
    let index = catalog.resolve_index();
    // Every scenario a trigger of which may fire, with the summed weights of
    // those triggers: an upper bound of its score before priority.
    let mut bounds = Bounds::default();
    let weight_of = |t: &TriggerRef| {
        catalog
            .scenarios()
            .get(t.scenario as usize)
            .and_then(|s| s.triggers.get(t.trigger as usize))
            .map_or(0.0, Trigger::weight)
    };
    let mut bound = |t: &TriggerRef| bounds.add(t.scenario, weight_of(t));

    let route: Vec<&str> = ctx.screen().map(|s| s.split('/').collect()).unwrap_or_default();
    if let Some(screen) = ctx.screen() {
        index.screens_exact.get(screen).into_iter().flatten().for_each(&mut bound);
        let globs =
            route.first().and_then(|f| index.screens_glob.get(*f)).into_iter().flatten().chain(&index.screens_glob_any);
        for (segs, _, t) in globs {
            if glob_match(segs, &route) {
                bound(t);
            }
        }
    }
    for e in ctx.events() {
        index.events.get(&e.name).into_iter().flatten().for_each(&mut bound);
        if let Some(code) = &e.code {
            index.events_coded.get(&e.name).and_then(|c| c.get(code)).into_iter().flatten().for_each(&mut bound);
        }
    }

    let mut hits: Vec<(TriggerRef, Phrase)> = Vec::new();
    if let (Some((query, folded)), Some(phrases)) = (&folded, &index.phrases) {
        hits = phrases
            .scan_folded(query, folded, crate::intent::FOLD)
            .into_iter()
            .map(|(phrase, hit)| (hit.owner, phrase))
            .collect();
        hits.iter().for_each(|(t, _)| bound(t));
        // By trigger, scan order kept within one: a scored trigger finds its first hit by binary search.
        crate::order::by(&mut hits, |a, b| a.0.cmp(&b.0));
    }
    let mut intents: Vec<(u32, Reason)> = Vec::new();
    let text = folded.as_ref().map(|(_, q)| {
        let (text, found) = match_text(catalog, q.as_str(), !hits.is_empty());
        intents = found;
        text
    });

    // The context with `now`, `today` and the answers laid over it, read in
    // place (the naive oracle below reads a copy with them added).
    let extras = ctx.evaluation_extras(now, &Map::new());
    let mut scope = catalog.evaluator().scope_layered(&extras, ctx.raw());
    let present = present_paths(scope.members());
    index.conditions_always.iter().for_each(&mut bound);
    for p in &present {
        index.conditions_by_path.get(p).into_iter().flatten().for_each(&mut bound);
        // Rules that need one of some strings at a path: only those the context's value names.
        if let Some(by_value) = index.conditions_by_value.get(p) {
            if let Some(Value::String(v)) = scope.dotted(p) {
                by_value.get(v.as_str()).into_iter().flatten().for_each(&mut bound);
            }
        }
        // Rules that compare it with a number: only those on the value's side.
        if let Some(thresholds) = index.conditions_by_number.get(p) {
            if let Some(v) = scope.dotted(p) {
                thresholds.candidates(v).for_each(&mut bound);
            }
        }
    }

    for (s, r) in &intents {
        bounds.add(*s, r.weight);
    }

    let found = Found { ctx, now, route: &route, hits: &hits, intents: &intents };
    let suggestions = top(catalog, &found, bounds, &mut scope, options);
    let kind = EventKind::Suggested {
        scenarios: suggestions.iter().map(|s| s.scenario.clone()).collect(),
        text_in_scope: text.as_ref().map(|t| t.in_scope),
        crisis_kind: None,
    };
    let event = Event::outside_session(kind, catalog, ctx, now, "suggested");
    Resolution { suggestions, crisis: None, text, event }
}

/// Candidate scenarios of a resolve and the summed weights of their triggers
/// that may fire (weights are at least 0; a trigger counted twice only loosens the bound).
#[derive(Default)]
struct Bounds {
    at: rustc_hash::FxHashMap<u32, usize>,
    list: Vec<(u32, f64)>,
}

impl Bounds {
    fn add(&mut self, scenario: u32, weight: f64) {
        let list = &mut self.list;
        let at = *self.at.entry(scenario).or_insert_with(|| {
            list.push((scenario, 0.0));
            list.len() - 1
        });
        if let Some(b) = self.list.get_mut(at) {
            b.1 += weight.max(0.0);
        }
    }
}

/// What the context holds that triggers are tried against, once per resolve.
struct Found<'a> {
    ctx: &'a Context,
    now: i64,
    route: &'a [&'a str],
    /// The question's keyword and pattern hits, by trigger (in scan order within one).
    hits: &'a [(TriggerRef, Phrase)],
    /// Confident `intent` matches, by scenario.
    intents: &'a [(u32, Reason)],
}

/// A candidate by its bound, for the max-heap of [`top`].
struct ByBound(f64, u32);

impl PartialEq for ByBound {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for ByBound {}
impl PartialOrd for ByBound {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ByBound {
    // Higher bound first, then the earlier scenario: the pop order is fixed.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

/// A scenario's rank factor: its priority scales its summed weights.
fn factor(priority: u32) -> f64 {
    0.5 + f64::from(priority) / 100.0
}

/// A scored scenario: score, priority, position, reasons.
type Ranked = (f64, u32, u32, Vec<Reason>);

/// Rank order: higher score, then higher priority, then catalog order, so the
/// same input always ranks the same.
fn rank_order(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
}

/// The suggestions of ranked scenarios, in the context's language.
fn suggestions(catalog: &Catalog, ctx: &Context, ranked: Vec<Ranked>) -> Vec<Suggestion> {
    let chain = i18n::chain_for(catalog.locales(), &ctx.languages());
    ranked
        .into_iter()
        .filter_map(|(score, _, s, reasons)| {
            let scenario = catalog.scenarios().get(s as usize)?;
            Some(Suggestion {
                scenario: scenario.id.to_string(),
                flow: catalog.flow_id(scenario.flow).to_owned(),
                score: (score * 1000.0).round() / 1000.0,
                title: i18n::pick(&scenario.title, &chain).map(|(_, t)| t.to_owned()).unwrap_or_default(),
                summary: scenario.summary.as_ref().and_then(|t| i18n::pick(t, &chain)).map(|(_, t)| t.to_owned()),
                product: scenario.product.clone(),
                risk: scenario.risk,
                reasons,
            })
        })
        .collect()
}

/// The best `options.max_suggestions` candidates, scored exactly in order of
/// their upper bounds (max-score pruning): once no candidate left can reach
/// the last kept score, the rest are never scored. Each scored candidate has
/// every trigger tried against the context ([`score`]).
fn top(
    catalog: &Catalog,
    found: &Found<'_>,
    bounds: Bounds,
    scope: &mut crate::condition::Scope<'_>,
    options: &ResolveOptions,
) -> Vec<Suggestion> {
    let k = options.max_suggestions;
    if k == 0 {
        return Vec::new();
    }
    let mut heap: std::collections::BinaryHeap<ByBound> = bounds
        .list
        .into_iter()
        .filter_map(|(s, w)| Some(ByBound(w * factor(catalog.scenarios().get(s as usize)?.priority), s)))
        .collect();
    // Best first, in rank order.
    let mut kept: Vec<Ranked> = Vec::with_capacity(k + 1);
    let before = |a: &Ranked, b: &Ranked| rank_order(a, b).is_lt();
    while let Some(ByBound(ub, s)) = heap.pop() {
        // A bound within rounding of the last kept score may still tie it and win on priority.
        if kept.len() == k && kept.last().is_some_and(|l| ub * (1.0 + 1e-9) < l.0) {
            break;
        }
        let Some((score, priority, reasons)) = score(catalog, found, s, scope) else { continue };
        let c = (score, priority, s, reasons);
        if kept.len() == k && kept.last().is_some_and(|l| !before(&c, l)) {
            continue;
        }
        let at = kept.iter().position(|r| before(&c, r)).unwrap_or(kept.len());
        kept.insert(at, c);
        kept.truncate(k);
    }
    suggestions(catalog, found.ctx, kept)
}

/// Scenario `s` scored exactly: every trigger tried against what the context
/// holds, in order, then its `intent` match; none if nothing fired, its
/// audience excludes the context or its score is not above 0.
fn score(
    catalog: &Catalog,
    found: &Found<'_>,
    s: u32,
    scope: &mut crate::condition::Scope<'_>,
) -> Option<(f64, u32, Vec<Reason>)> {
    let scenario = catalog.scenarios().get(s as usize)?;
    let mut reasons = Vec::new();
    for (ti, trigger) in scenario.triggers.iter().enumerate() {
        let t = TriggerRef { scenario: s, trigger: ti as u16 };
        let fired = match trigger {
            Trigger::Screen { patterns, .. } => found.ctx.screen().and_then(|screen| {
                let p = patterns.iter().find(|p| pattern_matches(p, found.route))?;
                let literal = p.split('/').all(|seg| seg != "*" && seg != "**");
                Some(("screen", if literal { screen.to_owned() } else { p.to_string() }))
            }),
            Trigger::Event(event) => found
                .ctx
                .events()
                .iter()
                .filter(|e| event.is_named(&e.name))
                .find_map(|e| event_fires(catalog, t, e, found.now))
                .map(|d| ("event", d)),
            Trigger::Condition { .. } => condition_of(catalog, t)
                .is_some_and(|c| scope.holds(c))
                .then(|| ("condition", "condition holds".to_owned())),
            Trigger::Text { .. } => found
                .hits
                .get(found.hits.partition_point(|(h, _)| *h < t))
                .filter(|(h, _)| *h == t)
                .map(|(_, phrase)| {
                    let detail =
                        catalog.resolve_index().phrases.as_ref().map_or_else(String::new, |phrases| match phrase {
                            Phrase::Keyword(k) => format!("keyword {}", phrases.keyword_text(*k).unwrap_or("")),
                            Phrase::Pattern(p) => format!("pattern {}", phrases.pattern_text(*p).unwrap_or("")),
                            Phrase::Folded(p) => format!("pattern {}", phrases.folded_pattern_text(*p).unwrap_or("")),
                        });
                    ("text", detail)
                }),
        };
        if let Some((kind, detail)) = fired {
            reasons.push(Reason { trigger: Some(ti), kind, detail, weight: trigger.weight() });
        }
    }
    reasons.extend(found.intents.iter().filter(|(c, _)| *c == s).map(|(_, r)| r.clone()));
    if reasons.is_empty() || !scenario.admits(scope) {
        return None;
    }
    let weight: f64 = reasons.iter().map(|r| r.weight).sum();
    let score = weight * factor(scenario.priority);
    (score > 0.0).then_some((score, scenario.priority, reasons))
}

fn condition_of(catalog: &Catalog, t: TriggerRef) -> Option<&Condition> {
    catalog.scenarios().get(t.scenario as usize)?.trigger_condition(t.trigger as usize)
}

fn event_fires(catalog: &Catalog, t: TriggerRef, e: &crate::context::ContextEvent, now: i64) -> Option<String> {
    let Trigger::Event(event) = catalog.scenarios().get(t.scenario as usize)?.triggers.get(t.trigger as usize)? else {
        return None;
    };
    if !event.codes.is_empty() && !e.code.as_ref().is_some_and(|c| event.codes.iter().any(|k| **k == **c)) {
        return None;
    }
    if let Some(within) = &event.within_seconds {
        let at = e.at?;
        if now.saturating_sub(at) > i64::try_from(*within).unwrap_or(i64::MAX) || at > now.saturating_add(300) {
            return None;
        }
    }
    Some(match &e.code {
        Some(code) => format!("{} code {code}", e.name),
        None => e.name.clone(),
    })
}

/// The oracle's ranking of everything that fired.
#[cfg(any(test, feature = "testing"))]
fn rank(
    catalog: &Catalog,
    ctx: &Context,
    mut fired: Fired,
    scope: &mut crate::condition::Scope<'_>,
    options: &ResolveOptions,
) -> Vec<Suggestion> {
    // By scenario, then trigger; stable, so a trigger's first reason stays first.
    crate::order::by(&mut fired, |a, b| a.0.cmp(&b.0));
    fired.dedup_by_key(|f| f.0);
    let mut ranked: Vec<Ranked> = Vec::new();
    let mut fired = fired.into_iter().peekable();
    while let Some((key, first)) = fired.next() {
        let s = TriggerRef::from_key(key).scenario;
        let mut reasons = vec![first];
        while let Some((_, next)) = fired.next_if(|(k, _)| TriggerRef::from_key(*k).scenario == s) {
            reasons.push(next);
        }
        let Some(scenario) = catalog.scenarios().get(s as usize) else { continue };
        if !scenario.admits(scope) {
            continue;
        }
        let weight: f64 = reasons.iter().map(|r| r.weight).sum();
        let score = weight * factor(scenario.priority);
        if score > 0.0 {
            ranked.push((score, scenario.priority, s, reasons));
        }
    }
    crate::order::by(&mut ranked, rank_order);
    ranked.truncate(options.max_suggestions);
    suggestions(catalog, ctx, ranked)
}

/// Every text-trigger keyword and regex of a catalog, regexes compiled up
/// front, for [`resolve_naive`]. Test oracle: only with the `testing` feature.
#[cfg(any(test, feature = "testing"))]
#[derive(Debug, Default)]
pub struct NaiveBaseline {
    keywords: rustc_hash::FxHashMap<TriggerRef, Vec<String>>,
    regexes: rustc_hash::FxHashMap<TriggerRef, Vec<(String, regex_lite::Regex)>>,
}

#[cfg(any(test, feature = "testing"))]
impl NaiveBaseline {
    /// Collects keywords and compiles every trigger pattern (what a naive engine pays at load).
    pub fn new(catalog: &Catalog) -> Self {
        let mut baseline = NaiveBaseline::default();
        if let Some(phrases) = &catalog.resolve_index().phrases {
            for (t, k) in phrases.keywords() {
                baseline.keywords.entry(t).or_default().push(k.to_owned());
            }
            for (t, p) in phrases.patterns() {
                if let Ok(re) = regex_lite::Regex::new(p) {
                    baseline.regexes.entry(t).or_default().push((p.to_owned(), re));
                }
            }
        }
        baseline
    }
}

/// The naive approach: evaluate every trigger of every scenario one by one
/// (regexes precompiled in `baseline`). Kept as the oracle the indexed
/// resolver is tested against, and as the baseline the benchmarks compare with.
/// Only with the `testing` feature.
#[cfg(any(test, feature = "testing"))]
pub fn resolve_naive(
    catalog: &Catalog,
    baseline: &NaiveBaseline,
    ctx: &Context,
    now: i64,
    options: &ResolveOptions,
) -> Vec<Suggestion> {
    let data = ctx.evaluation_data(now, &Map::new());
    let mut scope = catalog.evaluator().scope(&data);
    // Keywords meet the folded question, as in the index.
    let query_lower = ctx.query().map(|q| crate::fold::fold(q).as_str().to_owned());
    let route: Vec<&str> = ctx.screen().map(|s| s.split('/').collect()).unwrap_or_default();
    let mut fired: Fired = Vec::new();
    for (s, scenario) in catalog.scenarios().iter().enumerate() {
        for (ti, trigger) in scenario.triggers.iter().enumerate() {
            let t = TriggerRef { scenario: s as u32, trigger: ti as u16 };
            match trigger {
                Trigger::Screen { patterns, .. } => {
                    for p in patterns.iter() {
                        let segs = parse_glob(p);
                        if ctx.screen().is_some() && glob_match(&segs, &route) {
                            let detail = if segs.iter().all(|s| matches!(s, Seg::Lit(_))) {
                                ctx.screen().unwrap_or("").to_owned()
                            } else {
                                p.to_string()
                            };
                            fire(&mut fired, catalog, t, "screen", detail);
                        }
                    }
                }
                Trigger::Event(event) => {
                    for e in ctx.events().iter().filter(|e| event.is_named(&e.name)) {
                        if let Some(d) = event_fires(catalog, t, e, now) {
                            fire(&mut fired, catalog, t, "event", d);
                        }
                    }
                }
                Trigger::Condition { .. } => {
                    if condition_of(catalog, t).is_some_and(|c| scope.holds(c)) {
                        fire(&mut fired, catalog, t, "condition", "condition holds".to_owned());
                    }
                }
                Trigger::Text { .. } => {
                    let (Some(q), Some(ql)) = (ctx.query(), &query_lower) else { continue };
                    for k in baseline.keywords.get(&t).into_iter().flatten() {
                        let folded = crate::fold::fold_phrase(k, crate::fold::Fold::default());
                        if !folded.is_empty() && ql.contains(&folded) {
                            fire(&mut fired, catalog, t, "text", format!("keyword {k}"));
                        }
                    }
                    for (p, re) in baseline.regexes.get(&t).into_iter().flatten() {
                        if re.is_match(q) {
                            fire(&mut fired, catalog, t, "text", format!("pattern {p}"));
                        }
                    }
                }
            }
        }
    }
    // The intent matcher is no index of triggers: the same call as resolve's.
    if let Some(q) = ctx.query() {
        for (s, r) in match_text(catalog, crate::intent::FOLD.fold_text(q, false).as_str(), false).1 {
            fired.push((TriggerRef { scenario: s, trigger: u16::MAX }.key(), r));
        }
    }
    rank(catalog, ctx, fired, &mut scope, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let m = |p: &str, r: &str| glob_match(&parse_glob(p), &r.split('/').collect::<Vec<_>>());
        assert!(m("orders/**", "orders"));
        assert!(m("orders/**", "orders/detail/123"));
        assert!(m("checkout/*/payment", "checkout/42/payment"));
        assert!(!m("checkout/*/payment", "checkout/payment"));
        assert!(!m("orders/*", "orders"));
        assert!(m("**/help", "a/b/help"));
        assert!(m("**", ""));
        assert!(m("a/**/**/b", "a/b"));
        assert!(m("**/a/**/b/**/c", "x/a/y/b/c"));
        assert!(!m("**/a/**/b/**/c", "x/a/y/c/b"));
        assert!(m("*/**/*", "a/b"));
        assert!(!m("*/**/*", "a"));
    }

    /// Every pattern against every route of a small alphabet, checked against
    /// the plain recursive definition of a match.
    #[test]
    #[allow(clippy::disallowed_methods)] // test code: its size does not ship
    fn globs_agree_with_the_recursive_definition() {
        fn reference(segs: &[Seg], route: &[&str]) -> bool {
            match (segs.first(), route.first()) {
                (None, None) => true,
                (Some(Seg::Any), _) => (0..=route.len()).any(|skip| reference(&segs[1..], &route[skip..])),
                (Some(Seg::One), Some(_)) => reference(&segs[1..], &route[1..]),
                (Some(Seg::Lit(l)), Some(r)) if l == r => reference(&segs[1..], &route[1..]),
                _ => false,
            }
        }
        let atoms = ["a", "b", "*", "**"];
        let words = ["a", "b", "c"];
        let mut patterns: Vec<String> = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = patterns
                .iter()
                .flat_map(|p| {
                    atoms.iter().map(move |a| if p.is_empty() { (*a).to_owned() } else { format!("{p}/{a}") })
                })
                .collect();
            patterns.extend(longer);
        }
        patterns.sort();
        patterns.dedup();
        let mut routes: Vec<Vec<&str>> = vec![vec![]];
        for len in 1..=4 {
            let mut grown = Vec::new();
            for r in routes.iter().filter(|r| r.len() == len - 1) {
                for w in words {
                    let mut r = r.clone();
                    r.push(w);
                    grown.push(r);
                }
            }
            routes.extend(grown);
        }
        for p in patterns.iter().filter(|p| !p.is_empty()) {
            let segs = parse_glob(p);
            for r in &routes {
                let route: Vec<&str> = if r.is_empty() { vec![""] } else { r.clone() };
                assert_eq!(glob_match(&segs, &route), reference(&segs, &route), "{p} against {route:?}");
            }
        }
    }
}
