//! The desk's availability in the context shapes where an escalation goes,
//! and a person is always reachable: every combination of open, closed and
//! unknown channels, for every preference, offers at least one route.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use std::collections::BTreeMap;

use inscene::Catalog;
use inscene::content::Channel;
use inscene::context::Context;
use inscene::escalation::{ChannelState, route};
use inscene::session::{Input, Session, StartRequest};
use inscene_conformance::{SAMPLE_CATALOG, read};

const ALL: [Channel; 5] = [Channel::Chat, Channel::Voice, Channel::Video, Channel::Callback, Channel::Ticket];

#[test]
fn every_availability_offers_a_route_and_never_a_closed_one_while_another_is_open() {
    // Each channel open, closed or not mentioned: 3^5 desks; each preference a
    // non-empty subset of the channels in two orders: 62 preferences.
    let mut preferences: Vec<Vec<Channel>> = Vec::new();
    for mask in 1u32..32 {
        let p: Vec<Channel> = ALL.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, c)| *c).collect();
        preferences.push(p.iter().rev().copied().collect());
        preferences.push(p);
    }
    let mut cases = 0;
    for code in 0..3u32.pow(5) {
        let mut desk = BTreeMap::new();
        let mut n = code;
        for c in ALL {
            match n % 3 {
                0 => {}
                1 => {
                    desk.insert(c, ChannelState { open: true, wait_seconds: Some(60), queue_length: Some(2) });
                }
                _ => {
                    desk.insert(c, ChannelState { open: false, ..ChannelState::default() });
                }
            }
            n /= 3;
        }
        let closed = |c: &Channel| desk.get(c).is_some_and(|s| !s.open);
        for preferred in &preferences {
            cases += 1;
            let r = route(preferred, &desk);
            assert!(!r.channels.is_empty(), "{desk:?} {preferred:?}: no route");
            let open_preferred: Vec<Channel> = preferred.iter().copied().filter(|c| !closed(c)).collect();
            if open_preferred.is_empty() {
                assert!(r.fell_back);
                let open_fallbacks: Vec<Channel> =
                    [Channel::Callback, Channel::Ticket].into_iter().filter(|c| !closed(c)).collect();
                let want = if open_fallbacks.is_empty() { vec![Channel::Ticket] } else { open_fallbacks };
                assert_eq!(r.channels, want, "{desk:?} {preferred:?}");
            } else {
                // The open preferred channels, in preference order, and nothing else.
                assert_eq!(r.channels, open_preferred, "{desk:?} {preferred:?}");
                assert!(!r.fell_back);
            }
            assert_eq!(r.closed, preferred.iter().copied().filter(|c| closed(c)).collect::<Vec<_>>());
            let first_open = desk.get(&r.channels[0]).is_some_and(|s| s.open);
            assert_eq!(r.wait_seconds.is_some(), first_open, "{desk:?} {preferred:?}");
        }
    }
    assert_eq!(cases, 243 * 62);
}

fn context(desk: &str) -> Context {
    Context::from_json(&format!(
        r#"{{"locale": "en", "screen": "orders/detail", "entities": {{"order": {{"id": "20261122001", "status": "deleted"}}}}, "desk": {desk}}}"#
    ))
    .expect("context")
}

#[test]
fn chat_closed_at_night_hands_over_by_call_back_with_the_wait_the_desk_gave() {
    let catalog = Catalog::from_json(&read(SAMPLE_CATALOG)).expect("sample");
    let ctx = context(r#"{"channels": {"chat": {"open": false}, "callback": {"open": true, "wait_seconds": 900}}}"#);
    let (mut session, _) =
        Session::start(&catalog, &ctx, &StartRequest::for_scenario("s", "order_missing"), 1_795_000_000)
            .expect("starts");
    let events = session.apply(&catalog, &ctx, &Input::AskHuman, 1_795_000_001).expect("applies");
    let e = session.state().escalation.as_ref().expect("escalated");
    assert!(!e.channels.contains(&Channel::Chat), "{:?}", e.channels);
    assert_eq!(e.channels.first(), Some(&Channel::Callback), "{:?}", e.channels);
    assert_eq!(e.wait_seconds, Some(900));
    assert!(e.closed.contains(&Channel::Chat));
    let escalated = events.events.iter().find(|ev| ev.name() == "escalated").expect("escalated event");
    let ev = serde_json::to_value(escalated).unwrap();
    assert_eq!(ev["channel"], "callback", "{ev}");

    // Without a word from the desk, the content's channels as before.
    let ctx = context("null");
    let (mut session, _) =
        Session::start(&catalog, &ctx, &StartRequest::for_scenario("s", "order_missing"), 1_795_000_000)
            .expect("starts");
    session.apply(&catalog, &ctx, &Input::AskHuman, 1_795_000_001).expect("applies");
    let e = session.state().escalation.as_ref().expect("escalated");
    assert_eq!(e.channels.first(), Some(&Channel::Chat));
    assert_eq!(e.wait_seconds, None);
}

#[test]
fn a_malformed_desk_is_a_typed_context_error_naming_the_field() {
    for (desk, field) in [
        (r#"{"channels": {"fax": {"open": true}}}"#, "desk.channels.fax"),
        (r#"{"channels": {"chat": {"open": "yes"}}}"#, "desk.channels.chat.open"),
        (r#"{"channels": {"chat": {"open": true, "wait_seconds": -5}}}"#, "desk.channels.chat.wait_seconds"),
        (r#"{"channels": []}"#, "desk.channels"),
        (r#"[]"#, "desk"),
    ] {
        let json = format!(r#"{{"desk": {desk}}}"#);
        let err = Context::from_json(&json).expect_err("refused");
        assert_eq!(err.code(), "context.invalid");
        assert!(err.to_string().contains(field), "{err} should name {field}");
    }
}

/// The sample catalog with opening hours: weekdays 09:00-18:00 in China Standard Time.
fn with_hours() -> Catalog {
    let mut doc: serde_json::Value = serde_json::from_str(&read(SAMPLE_CATALOG)).unwrap();
    doc["escalation_policy"]["hours"] = serde_json::json!({
        "*": { "utc_offset_minutes": 480, "open": [
            { "days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "18:00" }
        ] }
    });
    Catalog::from_json(&doc.to_string()).expect("loads")
}

const SATURDAY_NOON_CST: i64 = 1_795_233_600;
const MONDAY_9_CST: i64 = 1_795_395_600;
const WEDNESDAY_10_CST: i64 = 1_795_572_000;

#[test]
fn outside_opening_hours_a_call_back_or_a_ticket_and_when_the_desk_opens() {
    let catalog = with_hours();
    let ctx = context("null");
    let request = StartRequest::for_scenario("s", "order_missing");
    let (mut session, _) = Session::start(&catalog, &ctx, &request, SATURDAY_NOON_CST).expect("starts");
    // The offer on the step already says it: no chat on a Saturday.
    let view = session.view(&catalog, &ctx, SATURDAY_NOON_CST);
    assert!(!view.human.channels.contains(&Channel::Chat), "{:?}", view.human.channels);
    session.apply(&catalog, &ctx, &Input::AskHuman, SATURDAY_NOON_CST).expect("applies");
    let e = session.state().escalation.as_ref().expect("escalated");
    assert!(e.channels.iter().all(|c| matches!(c, Channel::Callback | Channel::Ticket)), "{:?}", e.channels);
    assert_eq!(e.opens_at, Some(MONDAY_9_CST));

    // On a Wednesday morning, chat as the content prefers.
    let (mut session, _) = Session::start(&catalog, &ctx, &request, WEDNESDAY_10_CST).expect("starts");
    session.apply(&catalog, &ctx, &Input::AskHuman, WEDNESDAY_10_CST).expect("applies");
    let e = session.state().escalation.as_ref().expect("escalated");
    assert_eq!(e.channels.first(), Some(&Channel::Chat));
    assert_eq!(e.opens_at, None);

    // The host's word wins over the hours: its chat is staffed this Saturday.
    let ctx = context(r#"{"channels": {"chat": {"open": true}}}"#);
    let (mut session, _) = Session::start(&catalog, &ctx, &request, SATURDAY_NOON_CST).expect("starts");
    session.apply(&catalog, &ctx, &Input::AskHuman, SATURDAY_NOON_CST).expect("applies");
    let e = session.state().escalation.as_ref().unwrap();
    assert_eq!((e.channels.first(), e.opens_at), (Some(&Channel::Chat), None));
}

#[test]
fn hours_at_knows_every_minute_of_a_week() {
    let hours: inscene::content::BusinessHours = serde_json::from_value(serde_json::json!({
        "utc_offset_minutes": 480,
        "open": [{ "days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "18:00" }]
    }))
    .unwrap();
    // Every minute from Saturday noon: open exactly on weekday working minutes, and when
    // closed, the next opening is the next weekday 09:00 after now.
    for m in 0..(7 * 24 * 60) {
        let now = SATURDAY_NOON_CST + m * 60;
        let local = now + 480 * 60;
        let weekday = ((local.div_euclid(86_400)) + 3).rem_euclid(7);
        let minute = local.rem_euclid(86_400) / 60;
        let want_open = weekday < 5 && (540..1080).contains(&minute);
        let (open, opens_at) = inscene::escalation::hours_at(&hours, now);
        assert_eq!(open, want_open, "minute {m}");
        if let Some(at) = opens_at {
            assert!(!open && at > now && at - now <= 3 * 86_400, "minute {m}");
            let l = at + 480 * 60;
            assert_eq!(l.rem_euclid(86_400), 9 * 3600, "opens at 09:00");
            assert!((l.div_euclid(86_400) + 3).rem_euclid(7) < 5, "on a weekday");
        } else {
            assert!(open, "minute {m}: closed without an opening");
        }
    }
}

#[test]
fn malformed_hours_are_lint_errors_at_their_path() {
    let mut doc: serde_json::Value = serde_json::from_str(&read(SAMPLE_CATALOG)).unwrap();
    doc["escalation_policy"]["hours"] = serde_json::json!({
        "orders": { "utc_offset_minutes": 480, "open": [
            { "days": ["monday"], "from": "9:00", "to": "18:00" },
            { "days": ["sat"], "from": "18:00", "to": "09:00" }
        ] }
    });
    let report = inscene::lint(&doc.to_string());
    let found: Vec<(String, String)> =
        report.diagnostics.iter().map(|d| (d.code.as_str().to_owned(), d.path.clone())).collect();
    for path in [
        "/escalation_policy/hours/orders/open/0/days",
        "/escalation_policy/hours/orders/open/0",
        "/escalation_policy/hours/orders/open/1",
    ] {
        assert!(found.iter().any(|(c, p)| c == "content.schema" && p == path), "{path} in {found:?}");
    }
    // Well-formed hours lint clean.
    let mut doc: serde_json::Value = serde_json::from_str(&read(SAMPLE_CATALOG)).unwrap();
    doc["escalation_policy"]["hours"] = serde_json::json!({
        "*": { "utc_offset_minutes": 480, "open": [{ "days": ["mon"], "from": "09:00", "to": "24:00" }] }
    });
    let report = inscene::lint(&doc.to_string());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}

#[test]
fn a_failure_after_closing_time_moves_on_to_a_route_still_open() {
    const WEDNESDAY_17_59_CST: i64 = 1_795_600_740;
    let catalog = with_hours();
    // Elderly users prefer voice, then video, then a call back.
    let ctx = Context::from_json(
        r#"{"locale": "en", "screen": "orders/detail", "entities": {"order": {"id": "1", "status": "deleted"}}, "user": {"segments": ["elderly"]}}"#,
    )
    .expect("context");
    let request = StartRequest::for_scenario("s", "order_missing");
    let (mut session, _) = Session::start(&catalog, &ctx, &request, WEDNESDAY_17_59_CST).expect("starts");
    session.apply(&catalog, &ctx, &Input::AskHuman, WEDNESDAY_17_59_CST).expect("applies");
    let before = session.state().escalation.as_ref().unwrap().channels.clone();
    assert_eq!(before.first(), Some(&Channel::Voice), "{before:?}");
    // Voice fails two minutes later, after 18:00: video is closed by then too.
    let failed = Input::DeskStatus {
        state: inscene::session::DeskState::Failed,
        position: None,
        wait_seconds: None,
        reason: Some("no_agents".into()),
    };
    session.apply(&catalog, &ctx, &failed, WEDNESDAY_17_59_CST + 120).expect("applies");
    let e = session.state().escalation.as_ref().unwrap();
    assert!(!e.channels.contains(&Channel::Voice) && !e.channels.contains(&Channel::Video), "{:?}", e.channels);
    assert!(!e.channels.is_empty());
}
