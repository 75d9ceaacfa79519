//! The JSON text entry points of the web package and the bindings, as the
//! facades call them: lint findings, session inputs, start requests, host
//! events and redaction, each from any text.
#![no_main]

use std::sync::OnceLock;

use inscene::session::{Input, Session, StartRequest};
use libfuzzer_sys::fuzz_target;

fn catalog() -> &'static inscene::Catalog {
    static CATALOG: OnceLock<inscene::Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let json = include_str!("../../content/sample-shop.json");
        inscene::Catalog::from_json(json).expect("the sample loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = inscene::lint::findings(text);
    let _ = catalog().redact(text);
    let ctx = inscene::context::Context::from_json("{}").expect("empty context");
    if let Ok(request) = serde_json::from_str::<StartRequest>(text) {
        let _ = Session::start(catalog(), &ctx, &request, 1_795_000_000);
    }
    let request = StartRequest::for_scenario("web", "order_missing");
    if let (Ok(input), Ok((mut session, _))) =
        (serde_json::from_str::<Input>(text), Session::start(catalog(), &ctx, &request, 1_795_000_000))
    {
        let _ = session.apply(catalog(), &ctx, &input, 1_795_000_001);
    }
    if let Ok(event) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = inscene::escalation::on_event(catalog(), &ctx, &event, 1_795_000_000);
    }
});
