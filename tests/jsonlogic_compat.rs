//! Runs the JsonLogic community compatibility suites (json-logic/compat-tables)
//! against the condition engine the SDK ships (`inscene::logic`), and prints
//! `jsonlogic-compat: N passed, M failed`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::condition::Evaluator;
use serde_json::Value;

/// Numbers compare by value (`1` equals `1.0`), everything else structurally.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Differences from the suites that are deliberate, as `file: description`.
/// Any other failure fails the test; a listed one that starts passing is reported.
const KNOWN_DIFFERENCES: &[&str] = &[];

#[test]
fn jsonlogic_community_suites() {
    let Some(dir) = inscene_conformance::jsonlogic_suites() else {
        println!(
            "jsonlogic-compat: SKIPPED: suites not found (set INSCENE_JSONLOGIC_SUITES or place shared/ beside the repo)"
        );
        return;
    };
    let index: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).expect("index.json"))
            .expect("index list");
    let evaluator = Evaluator::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut failures = Vec::new();
    for file in &index {
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let cases: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        for case in cases.iter().filter(|c| c.is_object()) {
            let rule = &case["rule"];
            let data = case.get("data").cloned().unwrap_or(Value::Null);
            let outcome = evaluator.evaluate(rule, &data);
            let ok = match (case.get("result"), case.get("error"), &outcome) {
                (Some(expected), _, Ok(got)) => same(expected, got),
                (_, Some(expected), Err(got)) => same(expected, got),
                _ => false,
            };
            if ok {
                passed += 1;
            } else {
                failed += 1;
                failures.push(format!("{file}: {}", case["description"].as_str().unwrap_or("?")));
            }
        }
    }
    let unexpected: Vec<&String> = failures.iter().filter(|f| !KNOWN_DIFFERENCES.contains(&f.as_str())).collect();
    for f in KNOWN_DIFFERENCES.iter().filter(|k| !failures.iter().any(|f| f == *k)) {
        println!("  now passing (remove from KNOWN_DIFFERENCES): {f}");
    }
    for f in &unexpected {
        println!("  failed: {f}");
    }
    println!("jsonlogic-compat: {passed} passed, {failed} failed");
    assert!(passed + failed >= 1138, "the suites ran too few cases: {}", passed + failed);
    assert!(unexpected.is_empty(), "JsonLogic compatibility regressed in {} case(s)", unexpected.len());
}
