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
    let escalated = events.iter().find(|ev| ev.kind == "escalated").expect("escalated event");
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
