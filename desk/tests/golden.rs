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

#[test]
fn a_django_helpdesk_ticket_reads_back_as_the_sessions_desk_status() {
    use inscene_desk::status_json;
    let ticket = |id: u64, status: u64, assigned: Option<u64>| serde_json::json!({ "id": id, "queue": 2, "status": status, "assigned_to": assigned });
    let listing = serde_json::json!({ "count": 4, "results": [
        ticket(3, 1, None), ticket(5, 1, Some(7)), ticket(6, 2, None), ticket(9, 1, None),
        { "id": 4, "queue": 1, "status": 1, "assigned_to": null }
    ] })
    .to_string();
    let mine = ticket(9, 1, None).to_string();
    // Tickets 3 and 6 wait ahead in the same queue; 5 has an agent, 4 is another queue.
    assert_eq!(
        status_json("django_helpdesk", &mine, Some(&listing)).unwrap(),
        r#"{"type":"desk_status","state":"queued","position":3}"#
    );
    assert_eq!(status_json("django_helpdesk", &mine, None).unwrap(), r#"{"type":"desk_status","state":"queued"}"#);
    let accepted = ticket(9, 1, Some(7)).to_string();
    assert_eq!(
        status_json("django_helpdesk", &accepted, None).unwrap(),
        r#"{"type":"desk_status","state":"accepted"}"#
    );
    for done in [3, 4, 5] {
        let t = ticket(9, done, Some(7)).to_string();
        assert_eq!(status_json("django_helpdesk", &t, None).unwrap(), r#"{"type":"desk_status","state":"completed"}"#);
    }
    for (reply, code) in [
        (r#"{"id": 9}"#, "desk.reply_invalid"),
        (r#"{"id": 9, "status": 8}"#, "desk.reply_invalid"),
        ("[", "desk.reply_invalid"),
    ] {
        assert_eq!(status_json("django_helpdesk", reply, None).unwrap_err().code, code, "{reply}");
    }
    assert_eq!(status_json("zendesk", &mine, None).unwrap_err().code, "desk.no_status");
}

#[test]
fn a_bot_framework_handoff_status_reads_back_with_a_code_not_words() {
    use inscene_desk::status_json;
    let event = |state: &str| {
        serde_json::json!({ "type": "event", "name": "handoff.status",
            "value": { "state": state, "message": "Agent Li Wei is away" } })
        .to_string()
    };
    assert_eq!(
        status_json("bot_framework", &event("accepted"), None).unwrap(),
        r#"{"type":"desk_status","state":"accepted"}"#
    );
    let failed = status_json("bot_framework", &event("failed"), None).unwrap();
    assert_eq!(failed, r#"{"type":"desk_status","state":"failed","reason":"bot_framework_failed"}"#);
    assert!(!failed.contains("Li Wei"));
    assert_eq!(status_json("bot_framework", &event("typing"), None).unwrap_err().code, "desk.reply_invalid");
}

#[test]
fn a_django_helpdesk_ticket_needs_a_queue_id() {
    let packet = read("packet.json");
    let e = error(&packet, r#"{"queues": {"safety": 3}}"#, "django_helpdesk");
    assert_eq!((e.code, e.path.as_deref()), ("desk.option_missing", Some("/queues")));
}
