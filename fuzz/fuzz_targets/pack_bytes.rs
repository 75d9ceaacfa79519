//! Any bytes as a content pack, verified against the golden packs' test key:
//! a typed `pack.*` error or a catalog, never a panic. Seeded with the golden
//! packs, so mutations reach the signature check and past the format.
#![no_main]

use libfuzzer_sys::fuzz_target;

const KEY_ONE: &str = include_str!("../../tests/packs/key-one.pub");

fuzz_target!(|data: &[u8]| {
    let keys = [KEY_ONE.to_owned()];
    match inscene::pack::verify_with_key_texts(data, &keys, Some(4), "0.1.0", 1_795_000_000, Some("user-4")) {
        Ok(v) => assert!(v.manifest.sequence > 4),
        Err(e) => assert!(e.code().starts_with("pack."), "{}", e.code()),
    }
});
