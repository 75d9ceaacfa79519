//! Any text as a session snapshot: restored or refused with a typed error;
//! a restored session takes every input without a panic and still reaches a person.
#![no_main]

use inscene::session::{Input, Session, Status};
use inscene_fuzz::sample;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ctx = inscene::context::Context::from_json("{}").expect("empty context");
    let Ok((mut session, _)) = Session::restore(sample(), &ctx, text, 1_795_000_000) else { return };
    let _ = session.view(sample(), &ctx, 1_795_000_001);
    for input in [Input::Next, Input::NotHelpful, Input::Back] {
        let _ = session.apply(sample(), &ctx, &input, 1_795_000_002);
    }
    if session.state().status == Status::Active {
        session.apply(sample(), &ctx, &Input::AskHuman, 1_795_000_003).expect("ask_human works while active");
    }
    if session.state().status == Status::Escalated {
        assert!(session.handoff(sample(), &ctx).is_some());
    }
    let _ = session.snapshot_redacted(sample(), &ctx);
});
