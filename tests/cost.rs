//! Costs on adversarial content stay within a fixed multiple of the input's
//! size: random members of each hostile family of issue 14 (JsonLogic bombs
//! of any depth and width, screen patterns with any number of `**` against
//! long screens, thousands of patterns sharing one literal against long
//! questions, crafted snapshots) are loaded, resolved and run as sessions, and
//! the peak live heap of each must stay under `PER_BYTE` bytes per input byte
//! plus the fixed budgets (`FIXED`). Heap is counted exactly, so the check is
//! deterministic; times are measured by `hostile-report`, not asserted here.
//! One test in its own binary: the counting allocator sees no other thread.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::Catalog;
use inscene::context::Context;
use inscene::resolve::resolve;
use inscene::session::{Input, Session, StartRequest};
use inscene_benches::Counting;
use inscene_conformance::read;
use proptest::prelude::*;
use serde_json::{Value, json};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap per byte of input that loading, resolving and a session step may
/// take: a loaded catalog holds its parsed content, indexes and texts.
const PER_BYTE: usize = 64;

/// The fixed budgets: a resolve's or a view's rules share 4 x FUEL units of
/// JsonLogic work (a few MB at most), a scan's regexes 256 KB of text and 512
/// cached compiled patterns.
const FIXED: usize = 24 << 20;

#[derive(Debug, Clone)]
enum Hostile {
    /// `reduce` doubling a string `steps` times.
    Doubling { steps: usize },
    /// `depth` nested `map`s over `width` items.
    NestedMaps { depth: usize, width: usize },
    /// `stars` `**` segments against a screen of `segments` segments.
    Globs { stars: usize, segments: usize },
    /// `patterns` regexes needing the letter `a`, against `query` characters of `a`s.
    SharedLiteral { patterns: usize, query: usize },
    /// A snapshot whose back list holds `frames` frames.
    BackFrames { frames: usize },
}

fn hostile() -> impl Strategy<Value = Hostile> {
    prop_oneof![
        (1usize..80).prop_map(|steps| Hostile::Doubling { steps }),
        (1usize..16, 2usize..14).prop_map(|(depth, width)| Hostile::NestedMaps { depth, width }),
        (1usize..30, 1usize..900).prop_map(|(stars, segments)| Hostile::Globs { stars, segments }),
        (1usize..4000, 1usize..2000).prop_map(|(patterns, query)| Hostile::SharedLiteral { patterns, query }),
        (1usize..100_000).prop_map(|frames| Hostile::BackFrames { frames }),
    ]
}

/// The catalog and context of a case, and an optional snapshot to restore.
fn build(case: &Hostile) -> (String, String, Option<String>) {
    let mut doc: Value = serde_json::from_str(&read("tests/lint/base.json")).unwrap();
    let mut ctx = json!({"entities": {"order": {"id": "A1", "status": "lost"}}});
    let mut snapshot = None;
    match case {
        Hostile::Doubling { steps } => {
            let items: Vec<usize> = (0..*steps).collect();
            let rule = json!({"reduce": [items, {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "ab"]});
            doc["scenarios"][0]["triggers"][2]["rule"] = rule.clone();
            doc["urgency"] = json!([{"id": "u", "when": rule, "priority": "urgent"}]);
        }
        Hostile::NestedMaps { depth, width } => {
            let mut rule = json!({"var": ""});
            for _ in 0..*depth {
                rule = json!({"map": [(0..*width).collect::<Vec<_>>(), rule]});
            }
            doc["scenarios"][0]["triggers"][2]["rule"] = rule.clone();
            doc["urgency"] = json!([{"id": "u", "when": rule, "priority": "urgent"}]);
        }
        Hostile::Globs { stars, segments } => {
            doc["scenarios"][0]["triggers"][0]["patterns"] = json!([vec!["**"; (*stars).min(31)].join("/x/") + "/y"]);
            ctx["screen"] = json!(vec!["x"; (*segments).min(1000)].join("/"));
        }
        Hostile::SharedLiteral { patterns, query } => {
            let list: Vec<String> = (0..*patterns).map(|i| format!("a[0-9]{{{}}}b{i}|^a", 1 + i % 3)).collect();
            doc["scenarios"][0]["triggers"] =
                list.chunks(256).take(32).map(|c| json!({"type": "text", "patterns": {"en": c}})).collect();
            ctx["query"] = json!("a ".repeat(*query / 2 + 1));
        }
        Hostile::BackFrames { frames } => {
            let frame = json!({"flow": "help", "step": "ask"});
            let state = json!({"state_version": 1, "session": "c", "catalog_id": "lint-base", "catalog_version": "1",
                "scenario": "order_help", "risk": "none", "stack": [frame.clone()], "back": vec![json!([frame]); *frames],
                "path": [], "answers": {}, "actions": [], "visits": {}, "unhelpful": 0, "human_requested": false,
                "status": "active", "transcript": [], "started_at": 0});
            snapshot = Some(state.to_string());
        }
    }
    (doc.to_string(), ctx.to_string(), snapshot)
}

/// Loads, resolves, starts a session, steps it and asks for a person.
fn run(catalog_json: &str, context_json: &str, snapshot: Option<&str>) {
    let Ok(catalog) = Catalog::from_json(catalog_json) else { return };
    let Ok(ctx) = Context::from_json(context_json) else { return };
    let _ = resolve(&catalog, &ctx, 1_000, &Default::default());
    let started = match snapshot {
        Some(s) => Session::restore(&catalog, &ctx, s, 1_000),
        None => Session::start(&catalog, &ctx, &StartRequest::for_scenario("c", "order_help"), 1_000),
    };
    if let Ok((mut session, _)) = started {
        let _ = session.view(&catalog, &ctx, 1_001);
        let _ = session.apply(&catalog, &ctx, &Input::Next, 1_002);
        let _ = session.apply(&catalog, &ctx, &Input::AskHuman, 1_003);
        let _ = session.handoff(&catalog, &ctx);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn hostile_content_costs_at_most_a_fixed_multiple_of_its_size(case in hostile()) {
        let (catalog, context, snapshot) = build(&case);
        let input = catalog.len() + context.len() + snapshot.as_ref().map_or(0, String::len);
        let before = Counting::reset_peak();
        run(&catalog, &context, snapshot.as_deref());
        let peak = Counting::peak().saturating_sub(before);
        let bound = PER_BYTE * input + FIXED;
        prop_assert!(peak <= bound, "{case:?}: peak heap {peak} B for {input} B of input (bound {bound} B)");
    }
}
