//! Any text as a context, resolved against the sample catalog, and the
//! proactive interventions for it: a typed error or an answer, never a panic.
#![no_main]

use std::sync::OnceLock;

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
    let Ok(ctx) = inscene::context::Context::from_json(text) else { return };
    let _ = inscene::resolve::resolve(catalog(), &ctx, 1_795_000_000, &Default::default());
    let event = serde_json::json!({"name": "payment_initiated", "at": 1_795_000_000});
    let _ = inscene::escalation::on_event(catalog(), &ctx, &event, 1_795_000_000);
});
