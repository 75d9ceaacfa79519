//! Golden vectors: a packet from a real session (`inscene walk` on the
//! sample catalog: an action failed, the content handed over) rendered with
//! each desk's mapping in tests/desk/, compared with the committed calls.
//! `UPDATE_GOLDEN=1 cargo test -p inscene-desk` rewrites them (review the diff).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene_desk::{Desk, render_json};

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/desk")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_desk_renders_its_golden_calls() {
    let packet = read("packet.json");
    for desk in Desk::ALL {
        let mapping = read(&format!("{}.mapping.json", desk.name()));
        let got = render_json(&packet, Some(&mapping), desk.name()).unwrap() + "\n";
        let path = dir().join(format!("{}.expected.json", desk.name()));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &got).unwrap();
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(got, want, "{}: rendered calls differ from {}", desk.name(), path.display());
    }
}

#[test]
fn nothing_personal_reaches_a_desk_that_the_packet_had_redacted() {
    let packet = read("packet.json");
    assert!(packet.contains("[redacted]"), "the packet holds redacted values");
    for desk in Desk::ALL {
        let mapping = read(&format!("{}.mapping.json", desk.name()));
        let got = render_json(&packet, Some(&mapping), desk.name()).unwrap();
        // The walk's context held this name and phone number; the packet has neither.
        assert!(!got.contains("Li Wei") && !got.contains("138 0013 8000"), "{}", desk.name());
    }
}

#[test]
fn the_summary_says_why_what_was_tried_and_what_failed() {
    let packet: inscene::handoff::HandoffPacket = serde_json::from_str(&read("packet.json")).unwrap();
    let s = inscene_desk::summary(&packet);
    let first = s.lines().next().unwrap();
    assert!(first.starts_with("Needs a person: the help content hands this problem to a person"), "{s}");
    assert!(first.contains("order_not_found"), "{s}");
    assert!(s.contains("Went through: ") && s.contains("explain_deleted > open_deleted"), "{s}");
    assert!(s.contains("Actions: open_deleted_orders failed."), "{s}");
    assert!(s.contains("The user wrote: \"my order disappeared\""), "{s}");
}

fn error(packet: &str, mapping: &str, desk: &str) -> inscene_desk::DeskError {
    render_json(packet, Some(mapping), desk).expect_err("refused")
}

#[test]
fn mistakes_are_typed_errors_with_the_mapping_path() {
    let packet = read("packet.json");
    let e = error(&packet, r#"{"fields": [{"from": "/scenario", "to": "priority"}]}"#, "chatwoot");
    assert_eq!((e.code, e.path.as_deref()), ("desk.reserved_key", Some("/fields/0/to")));
    let e = error(&packet, r#"{"note": true}"#, "intercom");
    assert_eq!((e.code, e.path.as_deref()), ("desk.option_missing", Some("/admin_id")));
    assert!(render_json(&packet, Some(r#"{"note": false}"#), "intercom").is_ok());
    let e = error(&packet, "{}", "bot_framework");
    assert_eq!((e.code, e.path.as_deref()), ("desk.option_missing", Some("/conversation")));
    let e = error(&packet, r#"{"fields": [{"from": "scenario", "to": "x"}]}"#, "salesforce");
    assert_eq!((e.code, e.path.as_deref()), ("desk.field_invalid", Some("/fields/0/from")));
    let e = error(&packet, r#"{"fields": [{"from": "/scenario", "to": "n", "kind": "number"}]}"#, "helpshift");
    assert_eq!((e.code, e.path.as_deref()), ("desk.value_type", Some("/fields/0/kind")));
    let e = error(&packet, r#"{"desk": "zendesk"}"#, "intercom");
    assert_eq!(e.code, "desk.desk_mismatch");
    let e = error(&packet, r#"{"feilds": []}"#, "zendesk");
    assert_eq!(e.code, "desk.mapping_invalid");
    let e = error(&packet, "{}", "freshdesk");
    assert_eq!(e.code, "desk.unknown_desk");
    let e = error("{\"schema\": 1}", "{}", "zendesk");
    assert_eq!(e.code, "desk.packet_invalid");
}

#[test]
fn a_value_the_packet_lacks_is_left_out() {
    let packet = read("packet.json");
    let got = render_json(
        &packet,
        Some(r#"{"fields": [{"from": "/intervention", "to": "w"}, {"from": "/nope/deeper", "to": "x"}]}"#),
        "salesforce",
    )
    .unwrap();
    let calls: serde_json::Value = serde_json::from_str(&got).unwrap();
    assert_eq!(calls[0]["body"], serde_json::json!({}));
}
