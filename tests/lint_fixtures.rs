//! Every lint rule has a broken-content fixture in `tests/lint/`: a JSON Patch
//! (RFC 6902) over `base.json`, or raw `source` text, with the exact findings
//! expected (code, severity, JSON pointer). The fixtures are data so that the
//! CLI and the platform bindings can replay them too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use std::collections::BTreeSet;

use inscene::{Catalog, Code, Limits};
use inscene_conformance::{read, repo_path};
use serde_json::Value;

struct Fixture {
    name: String,
    source: String,
    limits: Limits,
    expect: BTreeSet<(String, String, String)>,
    load_accepts: bool,
    /// The host's actions, for `lint --host-actions`.
    host_actions: Option<Vec<String>>,
}

fn limits_from(v: Option<&Value>) -> Limits {
    let mut limits = Limits::default();
    if let Some(Value::Object(map)) = v {
        for (key, value) in map {
            let n = value.as_u64().unwrap_or_else(|| panic!("limit {key} must be a number")) as usize;
            match key.as_str() {
                "max_source_bytes" => limits.max_source_bytes = n,
                "max_steps_per_flow" => limits.max_steps_per_flow = n,
                "max_rule_depth" => limits.max_rule_depth = n,
                "max_text_chars" => limits.max_text_chars = n,
                "max_literal_free_patterns" => limits.max_literal_free_patterns = n,
                other => panic!("fixture sets unknown limit {other}"),
            }
        }
    }
    limits
}

fn fixtures() -> Vec<Fixture> {
    let base: Value = serde_json::from_str(&read("tests/lint/base.json")).expect("base.json");
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(repo_path("tests/lint")).expect("tests/lint").flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().trim_end_matches(".json").to_owned();
        if name == "base" {
            continue;
        }
        let fx: Value = serde_json::from_str(&read(&format!("tests/lint/{name}.json"))).expect("fixture json");
        let source = match (fx.get("source"), fx.get("patch")) {
            (Some(Value::String(s)), _) => s.clone(),
            (_, Some(patch)) => {
                let patch: json_patch::Patch = serde_json::from_value(patch.clone()).expect("patch");
                let mut doc = base.clone();
                json_patch::patch(&mut doc, &patch).unwrap_or_else(|e| panic!("{name}: patch does not apply: {e}"));
                serde_json::to_string_pretty(&doc).expect("serialize")
            }
            _ => panic!("{name}: needs `patch` or `source`"),
        };
        let expect = fx["expect"]
            .as_array()
            .expect("expect")
            .iter()
            .map(|e| {
                let s = |k: &str| e[k].as_str().unwrap_or_else(|| panic!("{name}: expect.{k}")).to_owned();
                (s("code"), s("severity"), s("path"))
            })
            .collect();
        out.push(Fixture {
            name,
            source,
            limits: limits_from(fx.get("limits")),
            expect,
            load_accepts: fx.get("load_accepts").and_then(Value::as_bool).unwrap_or(false),
            host_actions: fx
                .get("host_actions")
                .and_then(Value::as_array)
                .map(|list| list.iter().map(|a| a.as_str().expect("host action").to_owned()).collect()),
        });
    }
    out
}

#[test]
fn base_fixture_is_clean() {
    let report = inscene::lint(&read("tests/lint/base.json"));
    assert!(report.diagnostics.is_empty(), "base.json must lint clean: {:#?}", report.diagnostics);
    Catalog::from_json(&read("tests/lint/base.json")).expect("base.json loads");
}

#[test]
fn unknown_fields_are_found_at_every_depth_and_only_there() {
    let mut doc: Value = serde_json::from_str(&read("tests/lint/base.json")).expect("base.json");
    // Every kind of place: the root, a struct, a tagged step and trigger, a
    // choice option, a check branch, a list of structs, crisis screening, and the
    // policies of the catalog and of a flow.
    let places = [
        "",
        "/catalog",
        "/scenarios/0",
        "/scenarios/0/triggers/0",
        "/scenarios/0/triggers/1",
        "/flows/0",
        "/flows/0/steps/0",
        "/flows/0/steps/0/branches/0",
        "/flows/0/steps/1",
        "/flows/0/steps/2/options/0",
        "/actions/0",
        "/crisis",
        "/context/fields/0",
    ];
    for place in places {
        doc.pointer_mut(place)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("{place}"))
            .insert("typo".into(), 1.into());
    }
    doc["escalation_policy"] =
        serde_json::json!({"queue": "q", "segments": [{"segment": "vip", "mode": "offer", "typo": 1}], "typo": 1});
    doc["flows"][0]["escalation_policy"] = serde_json::json!({"typo": 1});
    // Values that are open by design are never walked: rules, action params, texts.
    doc["flows"][0]["steps"][0]["branches"][0]["when"] =
        serde_json::json!({"==": [{"var": "entities.order.status"}, "deleted"], "typo": 1});
    doc["scenarios"][0]["title"]["typo"] = "text in a locale the catalog does not list".into();
    let report = inscene::lint(&serde_json::to_string(&doc).expect("json"));
    let unknown: BTreeSet<String> =
        report.diagnostics.iter().filter(|d| d.code == Code::UnknownField).map(|d| d.path.clone()).collect();
    let mut expected: BTreeSet<String> = places.iter().map(|p| format!("{p}/typo")).collect();
    expected.extend(
        ["/escalation_policy/typo", "/escalation_policy/segments/0/typo", "/flows/0/escalation_policy/typo"]
            .map(String::from),
    );
    assert_eq!(unknown, expected);
}

#[test]
fn each_fixture_yields_exactly_its_findings() {
    let mut failures = Vec::new();
    for fx in fixtures() {
        let report = match &fx.host_actions {
            Some(host) => inscene::lint_for_host(&fx.source, &fx.limits, host),
            None => inscene::lint_with(&fx.source, &fx.limits),
        };
        let got: BTreeSet<(String, String, String)> = report
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str().to_owned(), d.severity.to_string(), d.path.clone()))
            .collect();
        if got != fx.expect {
            failures.push(format!("{}:\n  expected {:?}\n  got      {:?}", fx.name, fx.expect, got));
        }
        for d in &report.diagnostics {
            assert!(!d.message.is_empty(), "{}: empty message for {}", fx.name, d.code);
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn loading_agrees_with_the_linter() {
    for fx in fixtures() {
        let expected_errors: BTreeSet<&(String, String, String)> =
            fx.expect.iter().filter(|e| e.1 == "error").collect();
        match Catalog::from_json_strict(&fx.source, &fx.limits) {
            Ok(catalog) => {
                assert!(
                    expected_errors.is_empty() || fx.load_accepts,
                    "{}: loaded despite errors {expected_errors:?}",
                    fx.name
                );
                let warned: BTreeSet<&str> = catalog.warnings().iter().map(|d| d.code.as_str()).collect();
                for (code, severity, _) in &fx.expect {
                    // Authoring hints only the full lint gives (it alone reads unknown fields
                    // and looks inside trigger patterns); everything else loading keeps.
                    let full_lint_only = [
                        "content.unknown_field",
                        "content.regex_boundary_non_ascii",
                        "content.regex_no_literal",
                        "content.duplicate_example",
                        "content.example_misranked",
                    ];
                    if severity == "warning" && !full_lint_only.contains(&code.as_str()) {
                        assert!(warned.contains(code.as_str()), "{}: load did not keep warning {code}", fx.name);
                    }
                }
            }
            Err(err) => {
                assert!(!expected_errors.is_empty(), "{}: rejected valid content: {err}", fx.name);
                let inscene::Error::InvalidContent { diagnostics } = &err else {
                    panic!("{}: wrong error {err:?}", fx.name)
                };
                for (code, _, path) in &expected_errors {
                    assert!(
                        diagnostics.iter().any(|d| d.code.as_str() == code && &d.path == path),
                        "{}: load error lacks {code} at {path}: {err}",
                        fx.name
                    );
                }
                assert!(
                    expected_errors.iter().any(|(c, _, p)| c == err.code() && Some(p.as_str()) == err.path()),
                    "{}: Error::code/path ({}, {:?}) is not one of the expected errors",
                    fx.name,
                    err.code(),
                    err.path()
                );
            }
        }
    }
}

#[test]
fn every_code_has_a_fixture() {
    let covered: BTreeSet<String> = fixtures().into_iter().flat_map(|f| f.expect.into_iter().map(|e| e.0)).collect();
    let missing: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).filter(|c| !covered.contains(*c)).collect();
    assert!(missing.is_empty(), "codes without a broken-content fixture: {missing:?}");
}

#[test]
fn invalid_json_reports_line_and_column() {
    let fx = fixtures().into_iter().find(|f| f.name == "invalid_json").expect("fixture");
    let report = inscene::lint(&fx.source);
    assert_eq!(report.diagnostics[0].position, Some((2, 14)));
}

#[test]
fn readme_lists_every_code() {
    let readme = read("README.md");
    let missing: Vec<&str> =
        Code::ALL.iter().map(|c| c.as_str()).filter(|c| !readme.contains(&format!("`{c}`"))).collect();
    assert!(missing.is_empty(), "README.md does not document: {missing:?}");
    let api = [
        inscene::Error::InvalidContext { field: String::new(), message: String::new() },
        inscene::Error::UnknownScenario { id: String::new() },
        inscene::Error::InvalidInput { message: String::new() },
        inscene::Error::InputRejected { message: String::new() },
        inscene::Error::SessionEnded,
        inscene::Error::InvalidSnapshot { message: String::new() },
    ];
    for e in api {
        assert!(readme.contains(&format!("`{}`", e.code())), "README.md does not document {}", e.code());
    }
}

#[test]
fn a_broken_flow_fails_only_its_own_sessions() {
    use inscene::context::Context;
    use inscene::session::{Input, Session, StartRequest, Status};
    // The appeal flow (flows/1) gets a dangling reference; the help flow links to it.
    let mut doc: Value = serde_json::from_str(&read("tests/lint/base.json")).unwrap();
    doc["flows"][1]["steps"][0]["next"] = Value::from("nowhere");
    let source = doc.to_string();

    let strict = Catalog::from_json_strict(&source, &Limits::default()).unwrap_err();
    assert_eq!((strict.code(), strict.path()), ("content.dangling_next", Some("/flows/1/steps/0/next")));

    let catalog = Catalog::from_json(&source).expect("lazy load accepts the catalog");
    let ctx = Context::from_json(r#"{"entities": {"order": {"id": "7", "status": "lost"}}}"#).unwrap();
    let found = inscene::resolve::resolve(&catalog, &ctx, 0, &Default::default());
    assert_eq!(found.suggestions[0].scenario, "order_help");

    let broken = StartRequest::for_flow("s1", "appeal");
    let err = Session::start(&catalog, &ctx, &broken, 0).unwrap_err();
    assert_eq!((err.code(), err.path()), ("content.dangling_next", Some("/flows/1/steps/0/next")));

    let ok = StartRequest::for_scenario("s2", "order_help");
    let (mut session, _) = Session::start(&catalog, &ctx, &ok, 0).unwrap();
    session.apply(&catalog, &ctx, &Input::Next, 1).unwrap();
    let events = session.apply(&catalog, &ctx, &Input::Choose { option: "appeal".into() }, 2).unwrap();
    assert_eq!(session.state().status, Status::Escalated);
    assert_eq!(session.state().escalation.as_ref().map(|e| e.reason.wire_name()), Some("content_invalid"));
    assert!(events.events.iter().any(|e| e.name() == "escalated"));
    assert!(matches!(events.effects.as_slice(), [inscene::session::Effect::HandOff { .. }]), "{:?}", events.effects);
}
