//! Measures what hostile content and inputs cost (issue 14's cases), for
//! docs/RELIABILITY.md: wall time (median of repeated runs) and peak live heap
//! of each case, and the cost per byte of input, so that growth faster than the
//! input shows. Run in release:
//! `cargo run --release -p inscene-benches --bin hostile-report`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a measuring tool: fail loudly

use std::time::Instant;

use inscene::Catalog;
use inscene::context::Context;
use inscene::resolve::resolve;
use inscene::session::{Input, Session, StartRequest};
use inscene_benches::Counting;
use serde_json::{Value, json};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Median wall time of `runs` calls, and the peak heap above what was live before.
fn measure<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, usize) {
    let mut times = Vec::with_capacity(runs);
    let base = Counting::reset_peak();
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        drop(out);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], Counting::peak().saturating_sub(base))
}

fn base() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/lint/base.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn row(case: &str, input_bytes: usize, outcome: &str, (ms, heap): (f64, usize)) {
    let per_byte = ms * 1e6 / input_bytes.max(1) as f64;
    println!("| {case} | {input_bytes} | {outcome} | {ms:.3} ms | {:.2} MB | {per_byte:.1} ns/B |", heap as f64 / 1e6);
}

fn main() {
    println!("| case | input bytes | outcome | median time | peak heap | time per input byte |");
    println!("|---|---:|---|---:|---:|---:|");
    let items: Vec<u32> = (0..40).collect();
    let doubling = json!({"reduce": [items, {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "ab"]});
    let mut nested = json!({"var": ""});
    for _ in 0..12 {
        nested = json!({"map": [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], nested]});
    }
    for (name, bomb) in
        [("doubling `reduce`/`cat` (40 steps)", &doubling), ("twelve nested `map`s over ten items", &nested)]
    {
        let mut doc = base();
        doc["scenarios"][0]["triggers"][2]["rule"] = bomb.clone();
        doc["urgency"] = json!([{"id": "bomb", "when": bomb, "priority": "urgent"}]);
        let text = doc.to_string();
        row(
            &format!("{name}: load"),
            text.len(),
            "loads; lint: content.rule_too_costly",
            measure(5, || Catalog::from_json(&text).unwrap()),
        );
        let catalog = Catalog::from_json(&text).unwrap();
        let ctx = Context::from_json(r#"{"entities": {"order": {"status": "lost"}}}"#).unwrap();
        row(
            &format!("{name}: resolve"),
            text.len(),
            "no suggestion (the rule does not hold)",
            measure(5, || resolve(&catalog, &ctx, 0, &Default::default())),
        );
        let request = StartRequest::for_scenario("h", "order_help");
        row(
            &format!("{name}: session start and one step (urgency on every view)"),
            text.len(),
            "runs",
            measure(5, || {
                let (mut s, _) = Session::start(&catalog, &ctx, &request, 0).unwrap();
                let _ = s.apply(&catalog, &ctx, &Input::Next, 1);
                s.view(&catalog, &ctx, 2)
            }),
        );
    }

    let mut doc = base();
    let pattern = ["**"; 10].join("/x/") + "/y";
    doc["scenarios"][0]["triggers"][0]["patterns"] = json!([pattern]);
    let catalog = Catalog::from_json(&doc.to_string()).unwrap();
    let screen = vec!["x"; 200].join("/");
    let ctx = Context::from_json(&json!({"screen": screen}).to_string()).unwrap();
    row(
        "ten `**` against a 200-segment screen: resolve",
        screen.len(),
        "no match, linear",
        measure(101, || resolve(&catalog, &ctx, 0, &Default::default())),
    );
    let long = "a/".repeat(40_000);
    let long_ctx = json!({"screen": long}).to_string();
    row(
        "an 80 KB screen",
        long_ctx.len(),
        "context.invalid (screens are at most 2048 bytes)",
        measure(21, || Context::from_json(&long_ctx).err()),
    );

    let mut doc = base();
    inscene_benches::literal_free_scenarios(&mut doc, 30_000);
    let text = doc.to_string();
    row(
        "30,000 literal-free patterns: load",
        text.len(),
        "refused: content.limit_exceeded past the 64th",
        measure(3, || Catalog::from_json(&text).err()),
    );

    let mut doc = base();
    doc["scenarios"][0]["triggers"] = (0..32)
        .map(|t| {
            let list: Vec<String> = (0..256).map(|i| format!("a{}b{t}x{i}|^a", "[0-9]".repeat(1 + i % 3))).collect();
            json!({"type": "text", "patterns": {"en": list}})
        })
        .collect();
    let text = doc.to_string();
    let query = json!({"query": "a ".repeat(999)}).to_string();
    let ctx = Context::from_json(&query).unwrap();
    row(
        "8,192 patterns whose literal is in a 2,000-char question: load and first resolve",
        text.len() + query.len(),
        "scan budget: patterns run in order until 256 KB searched",
        measure(3, || {
            let catalog = Catalog::from_json(&text).unwrap();
            resolve(&catalog, &ctx, 0, &Default::default())
        }),
    );
    let catalog = Catalog::from_json(&text).unwrap();
    let _ = resolve(&catalog, &ctx, 0, &Default::default());
    row(
        "the same, next resolves (regexes cached, at most 512)",
        query.len(),
        "scan budget",
        measure(11, || resolve(&catalog, &ctx, 0, &Default::default())),
    );

    // Scenarios that all tie: one shared keyword, the same priority. Every
    // candidate's bound equals the last kept score, so pruning cannot stop
    // early and each is scored once: the cost must stay linear in their number.
    for n in [2_000usize, 8_000] {
        let mut doc = base();
        let template = doc["scenarios"][0].clone();
        doc["scenarios"] = (0..n)
            .map(|i| {
                let mut s = template.clone();
                s["id"] = json!(format!("tie{i}"));
                s["priority"] = json!(50);
                s["triggers"] = json!([{"type": "text", "keywords": {"en": ["refund"]}}]);
                s.as_object_mut().map(|o| o.remove("audience"));
                s
            })
            .collect();
        let text = doc.to_string();
        let catalog = Catalog::from_json(&text).unwrap();
        let ctx = Context::from_json(r#"{"query": "refund please"}"#).unwrap();
        let _ = resolve(&catalog, &ctx, 0, &Default::default());
        row(
            &format!("{n} scenarios tied on one keyword: resolve"),
            text.len(),
            "every tied candidate scored once",
            measure(21, || resolve(&catalog, &ctx, 0, &Default::default())),
        );
    }

    let catalog = Catalog::from_json(&base().to_string()).unwrap();
    let ctx = Context::from_json(r#"{"entities": {"order": {"id": "A1"}}}"#).unwrap();
    let (mut session, _) = Session::start(&catalog, &ctx, &StartRequest::for_scenario("h", "order_help"), 0).unwrap();
    session.apply(&catalog, &ctx, &Input::Next, 1).unwrap();
    let snapshot: Value = serde_json::from_str(&session.snapshot()).unwrap();
    for (name, field, value) in [
        ("80,000 back frames", "back", json!(vec![json!([snapshot["stack"][0].clone()]); 80_000])),
        ("4,000 transcript lines", "transcript", json!(vec![json!({"speaker": "user", "text": "hello"}); 4_000])),
    ] {
        let mut tampered = snapshot.clone();
        tampered[field] = value;
        let text = tampered.to_string();
        row(
            &format!("snapshot with {name}: restore"),
            text.len(),
            "refused: session.invalid_snapshot",
            measure(5, || Session::restore(&catalog, &ctx, &text, 2).err()),
        );
    }
}
