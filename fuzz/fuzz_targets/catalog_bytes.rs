//! Any bytes as a catalog: loading (lazy and strict) and the full lint return
//! a catalog or typed diagnostics; nothing panics, and what loads resolves.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(catalog) = inscene::Catalog::from_json_bytes(data) else { return };
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = inscene::lint(text);
        let _ = inscene::Catalog::from_json_strict(text, &inscene::Limits::default());
    }
    let ctx = inscene::context::Context::from_json(r#"{"screen": "orders/detail", "query": "where is my order"}"#)
        .expect("a fixed context parses");
    let _ = inscene::resolve::resolve(&catalog, &ctx, 1_795_000_000, &Default::default());
});
