//! A catalog (the fuzzer mutates the sample and the lint fixtures from the
//! corpus) driving whole sessions with inputs decoded from the tail of the
//! data. Invariants: no panic; a person is always reachable (`ask_human`
//! escalates from any active state, and every escalated session has a packet);
//! a snapshot restores to the same session.
#![no_main]

use inscene::context::Context;
use inscene::session::{ActionOutcome, Input, Session, StartRequest, Status};
use libfuzzer_sys::fuzz_target;

fn input(byte: u8, option: Option<&String>) -> Input {
    match byte % 10 {
        0 => Input::Next,
        1 => Input::Choose { option: option.cloned().unwrap_or_default() },
        2 => Input::Submit { value: format!("{}", byte) },
        3 => Input::ActionResult { outcome: ActionOutcome::Success, data: None },
        4 => Input::ActionResult { outcome: ActionOutcome::Failure, data: None },
        5 => Input::NotHelpful,
        6 => Input::Back,
        7 => Input::Feedback { helpful: byte & 0x10 != 0 },
        8 => Input::Submit { value: "I want to end my life".into() },
        _ => Input::AskHuman,
    }
}

fuzz_target!(|data: &[u8]| {
    // The last 32 bytes (or fewer) steer the session; the rest is the catalog.
    let split = data.len().saturating_sub(32);
    let (doc, steps) = data.split_at(split);
    let Ok(catalog) = inscene::Catalog::from_json_bytes(doc) else { return };
    let ctx = Context::from_json(
        r#"{"locale": "en", "screen": "orders/detail", "entities": {"order": {"id": "1", "status": "deleted"}}}"#,
    )
    .expect("a fixed context parses");
    let now = 1_795_000_000;
    for scenario in catalog.scenarios().iter().take(4) {
        let request = StartRequest::for_scenario("fuzz", scenario.id.as_str());
        let Ok((mut session, _)) = Session::start(&catalog, &ctx, &request, now) else { continue };
        for (i, &b) in steps.iter().enumerate() {
            let t = now + i as i64;
            let view = session.view(&catalog, &ctx, t);
            let option = view.options.get(usize::from(b >> 4) % view.options.len().max(1)).map(|o| &o.id);
            let _ = session.apply(&catalog, &ctx, &input(b, option), t);
            let snapshot = session.snapshot();
            let (restored, _) = Session::restore(&catalog, &ctx, &snapshot, t).expect("a fresh snapshot restores");
            assert_eq!(restored, session, "restore changed the session");
        }
        if session.state().status == Status::Active {
            session.apply(&catalog, &ctx, &Input::AskHuman, now + 1_000).expect("ask_human works while active");
        }
        if session.state().status == Status::Escalated {
            assert!(session.handoff(&catalog, &ctx).is_some(), "an escalated session has a packet");
        }
    }
});
