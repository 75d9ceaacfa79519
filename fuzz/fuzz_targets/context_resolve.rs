//! Any text as a context, resolved against the sample catalog, and the
//! proactive interventions for it: a typed error or an answer, never a panic.
#![no_main]

use inscene_fuzz::sample;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(ctx) = inscene::context::Context::from_json(text) else { return };
    let _ = inscene::resolve::resolve(sample(), &ctx, 1_795_000_000, &Default::default());
    let event = serde_json::json!({"name": "payment_initiated", "at": 1_795_000_000});
    let _ = inscene::escalation::on_event(sample(), &ctx, &event, 1_795_000_000);
});
