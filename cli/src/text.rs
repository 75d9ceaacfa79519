//! `eval-text` and `dataset`: how well typed questions find their scenario, on
//! labelled query files, and catalogs plus query files made from the public
//! intent data sets (CLINC150, BANKING77).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use inscene::Catalog;
use inscene::context::Context;
use inscene::resolve::{ResolveOptions, rank_text, resolve};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{Format, read_jsonl};

/// One labelled query: `{"text": "...", "locale": "en", "expect": "scenario_id"}`,
/// `"expect": null` for a question the catalog should decline.
#[derive(Deserialize)]
struct Query {
    text: String,
    #[serde(default)]
    locale: Option<String>,
    expect: Option<String>,
}

/// Figures for one locale, or for all.
#[derive(Debug, Default, Serialize)]
struct Tally {
    /// In-scope lines.
    in_scope: u32,
    /// In-scope lines whose first suggestion is the expected scenario, as a confident text match.
    correct: u32,
    /// In-scope lines whose expected scenario is the text matcher's best, confident or not.
    top1: u32,
    /// In-scope lines whose expected scenario is among the text matcher's three best, confident or not.
    top3: u32,
    /// Out-of-scope lines (`expect: null`).
    out_of_scope: u32,
    /// Out-of-scope lines the catalog declined (no confident text match).
    declined: u32,
    /// Lines answered with a confident match that was wrong (an out-of-scope
    /// line accepted, or an in-scope line given another scenario).
    false_accepts: u32,
    /// Lines answered with a confident match.
    accepted: u32,
}

fn ratio(n: u32, d: u32) -> Option<f64> {
    (d > 0).then(|| f64::from(n) / f64::from(d))
}

#[derive(Serialize)]
struct Report {
    catalog: String,
    sets: Vec<String>,
    threshold: f64,
    queries: u32,
    /// Share of in-scope lines answered with the expected scenario, confidently.
    in_scope_accuracy: Option<f64>,
    /// Share of in-scope lines whose scenario is the matcher's best, confident or not.
    top1_accuracy: Option<f64>,
    /// Share of in-scope lines whose scenario is among the matcher's three best.
    top3_accuracy: Option<f64>,
    /// Share of out-of-scope lines declined; null when there are none.
    oos_recall: Option<f64>,
    /// Share of confident answers that were wrong.
    false_accept_rate: Option<f64>,
    p50_us: f64,
    p99_us: f64,
    all: Tally,
    by_locale: BTreeMap<String, Tally>,
    /// The most frequent mistakes, `expected -> answered` (`none` for declined, `out of scope` for null lines).
    confusions: Vec<(String, u32)>,
}

/// `inscene eval-text CATALOG QUERIES.jsonl...`.
pub fn eval_text(catalog_path: &Path, sets: &[PathBuf], format: Format, floors: &Floors, suggest: bool) -> ExitCode {
    let (catalog, _) = match crate::run::load(catalog_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    catalog.prepare();
    let queries: Vec<Query> = match read_jsonl(sets, "a labelled query") {
        Ok(q) => q,
        Err(code) => return code,
    };
    let report = measure(&catalog, catalog_path, sets, &queries);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default()),
        Format::Human => print_report(&report),
    }
    if suggest {
        let rows: Vec<(&str, Option<&str>)> = queries.iter().map(|q| (q.text.as_str(), q.expect.as_deref())).collect();
        let (threshold, accuracy) = choose_threshold(&catalog, &rows);
        println!(
            "suggested threshold {threshold:.4}: accuracy {:.1}% over these {} queries (in scope right and confident, \
             out of scope declined); set it as text_matching.threshold if these are validation queries",
            100.0 * accuracy,
            rows.len()
        );
    }
    floors.check(&report)
}

fn measure(catalog: &Catalog, path: &Path, sets: &[PathBuf], queries: &[Query]) -> Report {
    let mut all = Tally::default();
    let mut by_locale: BTreeMap<String, Tally> = BTreeMap::new();
    let mut confusions: BTreeMap<String, u32> = BTreeMap::new();
    let mut times: Vec<f64> = Vec::with_capacity(queries.len());
    let options = ResolveOptions { max_suggestions: 3 };
    for q in queries {
        let mut ctx = json!({ "query": q.text });
        if let (Some(l), Some(o)) = (&q.locale, ctx.as_object_mut()) {
            o.insert("locale".into(), Value::String(l.clone()));
        }
        let Ok(ctx) = Context::from_json(&ctx.to_string()) else { continue };
        let started = Instant::now();
        let found = resolve(catalog, &ctx, 0, &options);
        times.push(started.elapsed().as_secs_f64() * 1e6);
        let confident = found.text.as_ref().is_some_and(|t| t.in_scope);
        let answer = found.suggestions.first().filter(|_| confident).map(|s| s.scenario.clone());
        let ranked = q.expect.as_ref().map(|e| {
            let best = rank_text(catalog, &q.text, 3);
            let at = best.iter().position(|c| &c.scenario == e);
            (at == Some(0), at.is_some())
        });
        let ranked = ranked.unwrap_or_default();
        tally(&mut all, q, answer.as_deref(), ranked);
        tally(by_locale.entry(q.locale.clone().unwrap_or_default()).or_default(), q, answer.as_deref(), ranked);
        if answer.as_deref() != q.expect.as_deref() {
            let expected = q.expect.as_deref().unwrap_or("out of scope");
            *confusions.entry(format!("{expected} -> {}", answer.as_deref().unwrap_or("none"))).or_default() += 1;
        }
    }
    let mut confusions: Vec<(String, u32)> = confusions.into_iter().collect();
    confusions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    confusions.truncate(10);
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times.get(((times.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0.0);
    Report {
        catalog: path.display().to_string(),
        sets: sets.iter().map(|p| p.display().to_string()).collect(),
        threshold: catalog.text_matching().threshold,
        queries: queries.len() as u32,
        in_scope_accuracy: ratio(all.correct, all.in_scope),
        top1_accuracy: ratio(all.top1, all.in_scope),
        top3_accuracy: ratio(all.top3, all.in_scope),
        oos_recall: ratio(all.declined, all.out_of_scope),
        false_accept_rate: ratio(all.false_accepts, all.accepted),
        p50_us: (pct(0.5) * 10.0).round() / 10.0,
        p99_us: (pct(0.99) * 10.0).round() / 10.0,
        all,
        by_locale,
        confusions,
    }
}

fn tally(t: &mut Tally, q: &Query, answer: Option<&str>, (top1, top3): (bool, bool)) {
    if answer.is_some() {
        t.accepted += 1;
        if answer != q.expect.as_deref() {
            t.false_accepts += 1;
        }
    }
    match &q.expect {
        Some(expect) => {
            t.in_scope += 1;
            t.correct += u32::from(answer == Some(expect.as_str()));
            t.top1 += u32::from(top1);
            t.top3 += u32::from(top3);
        }
        None => {
            t.out_of_scope += 1;
            t.declined += u32::from(answer.is_none());
        }
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", 100.0 * v))
}

fn print_report(r: &Report) {
    println!("text matching on {} ({} queries, threshold {:.4})", r.sets.join(", "), r.queries, r.threshold);
    println!(
        "  accuracy: the first suggestion is the expected scenario, confidently; top 1 and 3: the text matcher's best, confident or not"
    );
    println!(
        "  {:<9} {:>8} {:>9} {:>8} {:>8}   {:>6} {:>10}   {:>13}",
        "locale", "in scope", "accuracy", "top 1", "top 3", "oos", "oos recall", "false accepts"
    );
    let row = |name: &str, t: &Tally| {
        println!(
            "  {:<9} {:>8} {:>9} {:>8} {:>8}   {:>6} {:>10}   {:>13}",
            name,
            t.in_scope,
            pct(ratio(t.correct, t.in_scope)),
            pct(ratio(t.top1, t.in_scope)),
            pct(ratio(t.top3, t.in_scope)),
            t.out_of_scope,
            pct(ratio(t.declined, t.out_of_scope)),
            pct(ratio(t.false_accepts, t.accepted)),
        );
    };
    for (locale, t) in &r.by_locale {
        if r.by_locale.len() > 1 {
            row(if locale.is_empty() { "-" } else { locale }, t);
        }
    }
    row("all", &r.all);
    println!("  latency per query (resolve): p50 {:.1} µs, p99 {:.1} µs", r.p50_us, r.p99_us);
    if !r.confusions.is_empty() {
        println!("  most frequent mistakes:");
        for (c, n) in &r.confusions {
            println!("    {n:>4}  {c}");
        }
    }
}

/// Floors below which `eval-text` exits 1.
#[derive(Default)]
pub struct Floors {
    pub min_accuracy: Option<f64>,
    pub min_top1: Option<f64>,
    pub min_oos_recall: Option<f64>,
}

impl Floors {
    fn check(&self, r: &Report) -> ExitCode {
        let mut low = Vec::new();
        if let Some(m) = self.min_accuracy {
            if r.in_scope_accuracy.unwrap_or(0.0) < m {
                low.push(format!("in-scope accuracy {} is below {m}", pct(r.in_scope_accuracy)));
            }
            // The floor holds in every locale, not only on average.
            for (locale, t) in r.by_locale.iter().filter(|_| r.by_locale.len() > 1) {
                let a = ratio(t.correct, t.in_scope);
                if a.is_some_and(|a| a < m) {
                    low.push(format!("in-scope accuracy in {locale} {} is below {m}", pct(a)));
                }
            }
        }
        if let Some(m) = self.min_top1 {
            let all = std::iter::once(("all", &r.all)).chain(r.by_locale.iter().map(|(l, t)| (l.as_str(), t)));
            for (locale, t) in all {
                let a = ratio(t.top1, t.in_scope);
                if a.is_some_and(|a| a < m) {
                    low.push(format!("top-1 accuracy in {locale} {} is below {m}", pct(a)));
                }
            }
        }
        if let Some(m) = self.min_oos_recall {
            if r.oos_recall.unwrap_or(0.0) < m {
                low.push(format!("out-of-scope recall {} is below {m}", pct(r.oos_recall)));
            }
        }
        if low.is_empty() {
            return ExitCode::SUCCESS;
        }
        eprintln!("error: {}", low.join("; "));
        ExitCode::from(1)
    }
}

/// The confidence threshold that maximises accuracy over labelled `rows`
/// (an in-scope line is right when its scenario is the best and confident,
/// an out-of-scope line when declined), as Larson et al. (2019) choose theirs
/// on CLINC150's validation splits; with that accuracy.
pub fn choose_threshold(catalog: &Catalog, rows: &[(&str, Option<&str>)]) -> (f64, f64) {
    // (confidence, +1 when accepting this line is right, -1 when declining it is).
    let mut points: Vec<(f64, i32)> = Vec::new();
    for &(text, intent) in rows {
        let best = rank_text(catalog, text, 1);
        let conf = best.first().map_or(0.0, |c| c.confidence);
        match intent {
            // Right only when accepted: counts for every threshold at or below its confidence.
            Some(i) if best.first().is_some_and(|c| c.scenario == i) => points.push((conf, 1)),
            Some(_) => {}
            // Right only when declined: counts for every threshold above its confidence.
            None => {
                points.push((conf, -1));
            }
        }
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Threshold t: correct = accepted-right with conf >= t + oos with conf < t.
    // Sweep t upward over the distinct confidences.
    let total = rows.len().max(1) as f64;
    let mut right_accepted: i32 = points.iter().filter(|p| p.1 == 1).count() as i32;
    let mut oos_declined = 0i32;
    let mut best = (0.0, f64::from(right_accepted) / total);
    let mut i = 0;
    while i < points.len() {
        let t = points[i].0;
        while i < points.len() && points[i].0 <= t {
            match points[i].1 {
                1 => right_accepted -= 1,
                _ => oos_declined += 1,
            }
            i += 1;
        }
        // A threshold just above t.
        let next = points.get(i).map_or(t + 1e-6, |p| (t + p.0) / 2.0);
        let acc = f64::from(right_accepted + oos_declined) / total;
        if acc > best.1 {
            best = (next, acc);
        }
    }
    (best.0, best.1)
}
