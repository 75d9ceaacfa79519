//! The JSON text entry points of the web package and the bindings, as the
//! facades call them: lint findings, session inputs, start requests, host
//! events and redaction, each from any text.
#![no_main]

use inscene::session::{Input, Session, StartRequest};
use inscene_fuzz::sample;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = inscene::lint::findings(text);
    let _ = sample().redact(text);
    let ctx = inscene::context::Context::from_json("{}").expect("empty context");
    if let Ok(request) = serde_json::from_str::<StartRequest>(text) {
        let _ = Session::start(sample(), &ctx, &request, 1_795_000_000);
    }
    let request = StartRequest::for_scenario("web", "order_missing");
    if let (Ok(input), Ok((mut session, _))) =
        (serde_json::from_str::<Input>(text), Session::start(sample(), &ctx, &request, 1_795_000_000))
    {
        let _ = session.apply(sample(), &ctx, &input, 1_795_000_001);
    }
    if let Ok(event) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = inscene::escalation::on_event(sample(), &ctx, &event, 1_795_000_000);
    }
});
