//! The redaction fixture (`tests/redaction.json`): personal data in every
//! format the packet must hide, and look-alikes it must keep. The same file
//! is replayed by the wasm package in Node and by the Python and Kotlin
//! bindings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::handoff::Redactor;
use inscene_conformance::read;
use serde_json::Value;

#[test]
fn every_format_is_redacted_and_every_look_alike_kept() {
    let fixture: Value = serde_json::from_str(&read("tests/redaction.json")).unwrap();
    let r = Redactor::new();
    let mut failures = Vec::new();
    let redact = fixture["redact"].as_array().unwrap();
    let keep = fixture["keep"].as_array().unwrap();
    assert!(redact.len() >= 100 && keep.len() >= 50, "the fixture keeps at least 100 formats and 50 look-alikes");
    for case in redact {
        let (text, expect) = (case["text"].as_str().unwrap(), case["expect"].as_str().unwrap());
        let got = r.text(text);
        if got != expect {
            failures.push(format!("redact {text:?}: expected {expect:?}, got {got:?}"));
        }
    }
    for text in keep.iter().map(|t| t.as_str().unwrap()) {
        let got = r.text(text);
        if got != text {
            failures.push(format!("keep {text:?}: got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        redact.len() + keep.len(),
        failures.join("\n")
    );
}

/// A catalog whose bot text greets the user by a declared-personal name and
/// whose context holds a declared-personal phone number.
fn personal_catalog() -> inscene::Catalog {
    let mut doc: Value = serde_json::from_str(&read("tests/lint/base.json")).unwrap();
    doc["context"]["fields"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"path": "user.name", "type": "string", "pii": true}));
    doc["flows"][0]["steps"][1]["text"]["en"] = "Hi {user.name}, about order {entities.order.id}".into();
    inscene::Catalog::from_json(&doc.to_string()).unwrap()
}

#[test]
fn no_declared_personal_value_is_anywhere_in_the_packet_or_a_redacted_snapshot() {
    use inscene::context::Context;
    use inscene::session::{Input, Session, StartRequest};
    let catalog = personal_catalog();
    let ctx = Context::from_json(
        r#"{"user": {"name": "Mei Chan", "phone": "5551234"}, "entities": {"order": {"id": "A1"}}, "query": "Mei Chan here, my phone 5551234"}"#,
    )
    .unwrap();
    let (mut session, _) = Session::start(&catalog, &ctx, &StartRequest::for_scenario("s", "order_help"), 10).unwrap();
    session.apply(&catalog, &ctx, &Input::Next, 11).unwrap();
    session.apply(&catalog, &ctx, &Input::Choose { option: "number".into() }, 12).unwrap();
    // The user types their phone number and name back where a number is asked.
    let _ = session.apply(&catalog, &ctx, &Input::Submit { value: "5551234".into() }, 13);
    assert_eq!(session.state().status, inscene::session::Status::Escalated);
    let raw = session.snapshot();
    assert!(raw.contains("Mei Chan"), "the plain snapshot holds the transcript as shown, as documented");
    let packet = serde_json::to_string(&session.handoff(&catalog, &ctx).unwrap()).unwrap();
    let redacted = session.snapshot_redacted(&catalog, &ctx);
    for text in [&packet, &redacted] {
        for value in ["Mei Chan", "mei chan", "5551234"] {
            assert!(!text.contains(value), "{value} leaked: {text}");
        }
    }
    assert!(packet.contains("A1"), "what is not personal stays: {packet}");
    let (restored, _) = Session::restore(&catalog, &ctx, &redacted, 15).unwrap();
    assert_eq!(restored.state().status, session.state().status);
}
