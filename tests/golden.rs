//! Golden scenario tests: `tests/golden/*.json` replayed through the core.
//! Each vector is a context, an optional resolve / intervention check, and a
//! script of inputs with the views, errors, events and handoff expected. The
//! same files are meant to be replayed by the wasm and binding tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::Catalog;
use inscene::context::Context;
use inscene::events::EventKind;
use inscene::resolve::{ResolveOptions, resolve};
use inscene::session::{Effect, Input, Session, StartRequest};
use inscene_conformance::{Contract, Shape, read, repo_path};
use serde_json::Value;

/// Whether every member of `expected` is in `actual` with an equal (recursively subset) value.
fn subset(expected: &Value, actual: &Value, at: &str, problems: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => subset(ev, av, &format!("{at}/{k}"), problems),
                    None if ev.is_null() => {}
                    None => problems.push(format!("{at}/{k}: missing, expected {ev}")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            // Expected elements match the first actual elements: `[{"scenario": "x"}]` pins the top one.
            if e.len() > a.len() {
                problems.push(format!("{at}: expected at least {} items, got {}", e.len(), a.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset(ev, av, &format!("{at}/{i}"), problems);
            }
        }
        // "~text" means: contains "text".
        (Value::String(e), Value::String(a)) if e.starts_with('~') && !a.contains(&e[1..]) => {
            problems.push(format!("{at}: {a:?} does not contain {:?}", &e[1..]));
        }
        (Value::String(e), Value::String(_)) if e.starts_with('~') => {}
        (e, a) if e != a => problems.push(format!("{at}: expected {e}, got {a}")),
        _ => {}
    }
}

fn check(expected: &Value, actual: &Value, what: &str, name: &str) {
    let mut problems = Vec::new();
    subset(expected, actual, "", &mut problems);
    assert!(problems.is_empty(), "{name}: {what} differs:\n  {}\nactual: {actual:#}", problems.join("\n  "));
}

fn run(name: &str, contract: &Contract) {
    let vector: Value = serde_json::from_str(&read(&format!("tests/golden/{name}.json"))).expect("vector json");
    let mut catalog =
        Catalog::from_json(&read(vector["catalog"].as_str().expect("catalog path"))).expect("catalog loads");
    if let Some(Value::Array(list)) = vector.get("host_actions") {
        catalog = catalog.with_host_actions(list.iter().map(|a| a.as_str().expect("host action").to_owned()));
    }
    let now = vector["now"].as_i64().expect("now");
    let mut ctx = Context::from_json(&vector["context"].to_string()).expect("context");

    if let Some(expected) = vector.get("resolve") {
        let found = resolve(&catalog, &ctx, now, &ResolveOptions::default());
        let actual = serde_json::to_value(&found).unwrap();
        contract.check(Shape::Resolution, &actual, &format!("{name}: resolve"));
        contract.check(Shape::Event, &actual["event"], &format!("{name}: suggested"));
        check(expected, &actual, "resolve", name);
    }
    if let Some(event) = vector.get("event") {
        let found = inscene::escalation::on_event(&catalog, &ctx, event, now).expect("on_event");
        let actual = serde_json::to_value(&found).unwrap();
        if !actual.is_null() {
            contract.check(Shape::Intervention, &actual, &format!("{name}: intervention"));
            contract.check(Shape::Event, &actual["event"], &format!("{name}: intervention event"));
        }
        check(&vector["intervention"], &actual, "intervention", name);
    }
    let Some(start) = vector.get("start") else { return };
    let request: StartRequest = serde_json::from_value(start.clone()).expect("start request");
    let (mut session, first) = Session::start(&catalog, &ctx, &request, now).expect("start");
    let (mut events, mut effects) = (first.events, first.effects);
    let mut t = now;
    for (i, item) in vector["script"].as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
        t += 10;
        if let Some(expected) = item.get("view") {
            let actual = serde_json::to_value(session.view(&catalog, &ctx, t)).unwrap();
            contract.check(Shape::View, &actual, &format!("{name}: view at script[{i}]"));
            check(expected, &actual, &format!("view at script[{i}]"), name);
        }
        if item.get("restore").is_some() {
            let snapshot = session.snapshot();
            let (restored, more) = Session::restore(&catalog, &ctx, &snapshot, t).expect("restore");
            assert_eq!(restored, session, "{name}: restore changed the session");
            events.extend(more.events);
            // A restore asks again for the action the session waits on, and for nothing else.
            for e in &more.effects {
                assert!(matches!(e, Effect::PerformAction { resumed: true, .. }), "{name}: restore gave {e:?}");
            }
        }
        if let Some(new) = item.get("context") {
            ctx = Context::from_json(&new.to_string()).expect("context");
            let more = session.context_changed(&catalog, &ctx, t);
            events.extend(more.events);
            effects.extend(more.effects);
        }
        if let Some(input) = item.get("input") {
            let input: Input =
                serde_json::from_value(input.clone()).unwrap_or_else(|e| panic!("{name}: script[{i}]: {e}"));
            let before = session.clone();
            match (session.apply(&catalog, &ctx, &input, t), item.get("error").and_then(Value::as_str)) {
                (Ok(more), None) => {
                    events.extend(more.events);
                    effects.extend(more.effects);
                }
                (Err(e), Some(code)) => {
                    assert_eq!(e.code(), code, "{name}: script[{i}]");
                    assert_eq!(session, before, "{name}: script[{i}]: a rejected input changed the state");
                }
                (Ok(_), Some(code)) => panic!("{name}: script[{i}]: expected error {code}"),
                (Err(e), None) => panic!("{name}: script[{i}]: unexpected error {e} ({})", e.code()),
            }
        }
    }
    // What a host stores is what the snapshot schema says, redacted or not.
    for (what, snapshot) in
        [("snapshot", session.snapshot()), ("redacted snapshot", session.snapshot_redacted(&catalog, &ctx))]
    {
        let value: Value = serde_json::from_str(&snapshot).expect("a snapshot is JSON");
        contract.check(Shape::Snapshot, &value, &format!("{name}: {what}"));
    }
    let expect = &vector["expect"];
    assert_eq!(serde_json::to_value(session.state().status).unwrap(), expect["status"], "{name}: final status");
    if let Some(kinds) = expect.get("events") {
        let actual: Vec<&str> = events.iter().map(|e| e.name()).collect();
        let expected: Vec<&str> = kinds.as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        assert_eq!(actual, expected, "{name}: event sequence");
    }
    for (i, e) in events.iter().enumerate() {
        contract.check(Shape::Event, &serde_json::to_value(e).unwrap(), &format!("{name}: event {i}"));
        assert_eq!(e.seq, Some(i as u64 + 1), "{name}: events numbered in order");
        assert_eq!(e.id, format!("{}:{}", request.session, i + 1), "{name}: event id");
        assert_eq!(e.session.as_deref(), Some(request.session.as_str()), "{name}: event without session");
    }
    // Each effect once, on the transition that caused it.
    let count = |f: &dyn Fn(&EventKind) -> bool| events.iter().filter(|e| f(&e.kind)).count();
    let escalations = count(&|k| matches!(k, EventKind::Escalated { .. }));
    let crises = count(&|k| matches!(k, EventKind::Escalated { crisis_kind: Some(_), .. }));
    let actions = count(&|k| matches!(k, EventKind::ActionRequested { .. }));
    let handoffs = effects.iter().filter(|e| matches!(e, Effect::HandOff { .. })).count();
    assert_eq!(handoffs, escalations, "{name}: one handoff per escalation: {effects:?}");
    assert_eq!(effects.iter().filter(|e| matches!(e, Effect::ShowCrisis { .. })).count(), crises, "{name}: crisis");
    let asked = effects.iter().filter(|e| matches!(e, Effect::PerformAction { resumed: false, .. })).count();
    assert_eq!(asked, actions, "{name}: one request per action step reached");
    for (i, e) in effects.iter().enumerate() {
        contract.check(Shape::Effect, &serde_json::to_value(e).unwrap(), &format!("{name}: effect {i}"));
    }
    assert_eq!(expect.get("handoff").is_some(), handoffs == 1, "{name}: the handoff effect");
    match expect.get("handoff") {
        Some(expected) => {
            let packet = session.handoff(&catalog, &ctx).unwrap_or_else(|| panic!("{name}: no handoff packet"));
            let packet = serde_json::to_value(&packet).unwrap();
            contract.check(Shape::Packet, &packet, &format!("{name}: handoff"));
            check(expected, &packet, "handoff", name);
        }
        None => assert!(session.handoff(&catalog, &ctx).is_none(), "{name}: unexpected handoff"),
    }
}

#[test]
fn golden_vectors() {
    let mut names: Vec<String> = std::fs::read_dir(repo_path("tests/golden"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "expected a vector per story, found {}", names.len());
    let contract = Contract::load();
    for name in names {
        run(&name, &contract);
    }
}
