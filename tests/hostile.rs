//! Hostile content and inputs found by issue 14, each kept as a regression:
//! content that lints clean (or is refused with a typed error) must never
//! exhaust memory or stall a resolve or a session. These tests assert outcomes,
//! not times; the timings are measured by `perf-report --hostile` and recorded
//! in docs/RELIABILITY.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::context::Context;
use inscene::resolve::resolve;
use inscene::session::{Input, Session, StartRequest};
use inscene::{Catalog, Code, Error};
use inscene_conformance::read;
use serde_json::{Value, json};

fn base() -> Value {
    serde_json::from_str(&read("tests/lint/base.json")).unwrap()
}

fn load(doc: &Value) -> inscene::Result<Catalog> {
    Catalog::from_json(&doc.to_string())
}

/// `reduce` doubling a string at each of 40 steps: 2^40 bytes without a budget.
fn doubling_bomb() -> Value {
    let items: Vec<u32> = (0..40).collect();
    json!({"reduce": [items, {"cat": [{"var": "accumulator"}, {"var": "accumulator"}]}, "ab"]})
}

/// Twelve nested `map`s over ten items: 10^12 iterations without a budget.
fn nested_maps() -> Value {
    let mut rule = json!({"var": ""});
    for _ in 0..12 {
        rule = json!({"map": [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], rule]});
    }
    rule
}

#[test]
fn jsonlogic_bombs_load_and_never_hold() {
    for bomb in [doubling_bomb(), nested_maps()] {
        let mut doc = base();
        doc["scenarios"][0]["triggers"][2]["rule"] = bomb.clone();
        doc["scenarios"][0]["audience"] = json!({"!": [bomb.clone()]});
        doc["urgency"] = json!([{"id": "bomb", "when": bomb.clone(), "priority": "urgent"}]);
        let catalog = load(&doc).expect("a bomb is bounded by the evaluation budget, so the catalog loads");
        // Lint refuses it where the author can fix it.
        let report = inscene::lint(&doc.to_string());
        assert!(report.diagnostics.iter().any(|d| d.code == Code::RuleTooCostly), "{:?}", report.diagnostics);
        let ctx = Context::from_json(r#"{"entities": {"order": {"status": "lost"}}}"#).unwrap();
        let found = resolve(&catalog, &ctx, 1_000, &Default::default());
        assert!(found.suggestions.is_empty(), "a rule that runs out of budget does not hold");
        // The urgency rule runs on every view.
        let request = StartRequest::for_scenario("s", "order_help");
        let (mut session, _) = Session::start(&catalog, &ctx, &request, 1_000).unwrap();
        for _ in 0..3 {
            let _ = session.view(&catalog, &ctx, 1_001);
            let _ = session.apply(&catalog, &ctx, &Input::Next, 1_001);
        }
        session.apply(&catalog, &ctx, &Input::AskHuman, 1_002).unwrap();
        assert!(session.handoff(&catalog, &ctx).is_some());
    }
}

#[test]
fn ten_double_stars_against_a_long_screen_resolve() {
    let mut doc = base();
    let pattern = ["**"; 10].join("/x/") + "/y";
    doc["scenarios"][0]["triggers"][0]["patterns"] = json!([pattern]);
    let catalog = load(&doc).unwrap();
    let miss = vec!["x"; 200].join("/");
    let hit = miss.clone() + "/y";
    let ctx = |screen: &str| Context::from_json(&json!({"screen": screen}).to_string()).unwrap();
    assert!(resolve(&catalog, &ctx(&miss), 0, &Default::default()).suggestions.is_empty());
    assert_eq!(resolve(&catalog, &ctx(&hit), 0, &Default::default()).suggestions.len(), 1);
}

#[test]
fn screens_past_the_context_limit_are_a_typed_error() {
    let screen = "a/".repeat(40_000);
    let err = Context::from_json(&json!({"screen": screen}).to_string()).unwrap_err();
    assert_eq!(err.code(), "context.invalid");
    assert!(err.to_string().contains("screen"), "{err}");
}

#[test]
fn thirty_thousand_literal_free_patterns_are_refused_at_load() {
    let mut doc = base();
    // 30,000 patterns with no literal, 256 to a trigger, 32 triggers to a scenario.
    inscene_benches::literal_free_scenarios(&mut doc, 30_000);
    let err = load(&doc).unwrap_err();
    let Error::InvalidContent { diagnostics } = &err else { panic!("{err:?}") };
    assert!(diagnostics.iter().all(|d| d.code == Code::LimitExceeded), "{:?}", &diagnostics[..3]);
    assert_eq!(diagnostics.len(), 30_000 - 64, "every literal-free pattern past the 64th is named");
    assert_eq!(diagnostics[0].path, "/scenarios/0/triggers/0/patterns/en/64");
}

#[test]
fn patterns_whose_literal_is_everywhere_stop_at_the_scan_budget() {
    // 8,192 patterns that all need the letter `a`, and a long question full of
    // `a`: every one is a candidate. The scan runs them in catalog order until
    // its budget is spent, and the first ones still match.
    let mut doc = base();
    let triggers: Vec<Value> = (0..32)
        .map(|t| {
            let list: Vec<String> = (0..256).map(|i| format!("a{}b{t}x{i}|^a", "[0-9]".repeat(1 + i % 3))).collect();
            json!({"type": "text", "patterns": {"en": list}})
        })
        .collect();
    doc["scenarios"][0]["triggers"] = Value::Array(triggers);
    let catalog = load(&doc).unwrap();
    let query = "a ".repeat(999);
    let ctx = Context::from_json(&json!({"query": query}).to_string()).unwrap();
    let found = resolve(&catalog, &ctx, 0, &Default::default());
    assert_eq!(found.suggestions.len(), 1);
    assert!(!found.suggestions[0].reasons.is_empty());
}

/// A session on the base catalog at its first choice, as a snapshot to tamper with.
fn snapshot_at_choice() -> (Catalog, Context, Value) {
    let catalog = load(&base()).unwrap();
    let ctx = Context::from_json(r#"{"entities": {"order": {"id": "A1"}}}"#).unwrap();
    let (mut session, _) = Session::start(&catalog, &ctx, &StartRequest::for_scenario("s", "order_help"), 10).unwrap();
    session.apply(&catalog, &ctx, &Input::Next, 11).unwrap();
    let snapshot: Value = serde_json::from_str(&session.snapshot()).unwrap();
    (catalog, ctx, snapshot)
}

#[test]
fn counters_at_their_maximum_saturate_and_still_escalate() {
    let (catalog, ctx, mut snapshot) = snapshot_at_choice();
    snapshot["unhelpful"] = json!(u32::MAX);
    for v in snapshot["visits"].as_object_mut().unwrap().values_mut() {
        *v = json!(u32::MAX);
    }
    let (mut session, _) = Session::restore(&catalog, &ctx, &snapshot.to_string(), 12).unwrap();
    session.apply(&catalog, &ctx, &Input::NotHelpful, 13).unwrap();
    assert_eq!(session.state().unhelpful, u32::MAX, "the count stays at its maximum instead of wrapping to 0");
    assert_eq!(session.state().status, inscene::session::Status::Escalated);
    assert!(session.handoff(&catalog, &ctx).is_some());
}

#[test]
fn snapshots_holding_more_than_a_session_keeps_are_refused() {
    let (catalog, ctx, snapshot) = snapshot_at_choice();
    let frame = snapshot["stack"][0].clone();
    let line = json!({"speaker": "user", "text": "hello"});
    let cases = [
        ("back", json!(vec![json!([frame.clone()]); 80_000])),
        ("back", json!([vec![frame.clone(); 100]])),
        ("stack", json!(vec![frame; 100])),
        ("transcript", json!(vec![line; 4_000])),
        ("transcript", json!([{"speaker": "user", "text": "x".repeat(100_000)}])),
        ("path", json!(vec![json!({"flow": "help", "step": "ask"}); 10_000])),
        // Found by fuzzing: escalated, but without the escalation (so no packet).
        ("status", json!("escalated")),
    ];
    for (field, value) in cases {
        let mut tampered = snapshot.clone();
        tampered[field] = value;
        let err = Session::restore(&catalog, &ctx, &tampered.to_string(), 12).err();
        assert_eq!(err.as_ref().map(Error::code), Some("session.invalid_snapshot"), "{field}: {err:?}");
    }
}

#[test]
fn steps_to_go_back_to_that_no_longer_exist_are_dropped() {
    let (catalog, ctx, mut snapshot) = snapshot_at_choice();
    snapshot["back"] = json!([[{"flow": "help", "step": "gone"}]]);
    let (mut session, _) = Session::restore(&catalog, &ctx, &snapshot.to_string(), 12).unwrap();
    assert!(session.state().back.is_empty());
    assert_eq!(session.apply(&catalog, &ctx, &Input::Back, 13).err().map(|e| e.code()), Some("session.invalid_input"));
}

#[test]
fn deep_nesting_is_refused_by_lint_and_load_alike() {
    let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let places = [
        ("unknown field", r#""x_notes": DEEP"#),
        (
            "flow",
            r#""flows": [{"id": "f", "steps": [{"id": "a", "type": "message", "text": {"en": "x"}, "x": DEEP}]}]"#,
        ),
    ];
    for (what, place) in places {
        let mut doc = base();
        doc.as_object_mut().unwrap().remove("flows");
        let head = doc.to_string();
        let source = format!("{},{}}}", &head[..head.len() - 1], place.replace("DEEP", &deep(100_000)));
        let report = inscene::lint(&source);
        assert!(
            report.diagnostics.iter().any(|d| d.code == Code::LimitExceeded),
            "{what}: lint {:?}",
            report.diagnostics
        );
        let err = Catalog::from_json(&source).err().map(|e| e.code().to_owned());
        assert_eq!(err.as_deref(), Some("content.limit_exceeded"), "{what}: load");
    }
}
