//! Golden content packs: built here from tests/packs/catalog.json with two
//! test keys (their secret seeds are below: they sign test packs only, and no
//! app trusts them), compared byte for byte with the committed packs, then
//! verified as tests/packs/cases.json says. The same cases are replayed in
//! Python, Kotlin and the web package. `UPDATE_GOLDEN=1 cargo test -p
//! inscene-conformance --test packs` rewrites the packs (review the diff).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::limits::Limits;
use inscene::pack::{self, Manifest, Rollout, Trust};
use proptest::prelude::*;
use serde_json::Value;

const NOW: i64 = 1_795_000_000;
const SEED_ONE: [u8; 32] = [1; 32];
const SEED_TWO: [u8; 32] = [2; 32];

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("packs")
}

fn manifest(sequence: u64) -> Manifest {
    Manifest {
        catalog: "pack-demo".into(),
        sequence,
        created_at: NOW - 3600,
        expires_at: Some(NOW + 30 * 86_400),
        min_sdk: Some("0.1.0".into()),
        max_sdk: None,
        rollout: None,
        key: String::new(),
    }
}

/// Every golden pack: its file name and bytes.
fn packs() -> Vec<(&'static str, Vec<u8>)> {
    let one = pack::key_pair(SEED_ONE).unwrap();
    let two = pack::key_pair(SEED_TWO).unwrap();
    let catalog = std::fs::read(dir().join("catalog.json")).unwrap();
    let sign = |mut m: Manifest, key: &ed25519_compact::KeyPair, catalog: &[u8]| {
        m.key = pack::key_id(&key.pk);
        pack::build(&m, catalog, key).unwrap()
    };
    let good = sign(manifest(5), &one, &catalog);
    let mut tampered = good.clone();
    let at = tampered.len() - 40;
    tampered[at] ^= 0x01;
    let broken = String::from_utf8(catalog.clone()).unwrap().replace(r#""next": "done""#, r#""next": "nowhere""#);
    vec![
        ("good.pack", good),
        ("tampered.pack", tampered),
        ("rotated.pack", sign(manifest(6), &two, &catalog)),
        ("older.pack", sign(manifest(3), &one, &catalog)),
        ("expired.pack", sign(Manifest { expires_at: Some(NOW - 1), ..manifest(7) }, &one, &catalog)),
        ("future_sdk.pack", sign(Manifest { min_sdk: Some("99.0.0".into()), ..manifest(8) }, &one, &catalog)),
        (
            "rollout.pack",
            sign(
                Manifest { rollout: Some(Rollout { percent: 20.0, salt: "wave-1".into() }), ..manifest(9) },
                &one,
                &catalog,
            ),
        ),
        ("broken_catalog.pack", sign(manifest(10), &one, broken.as_bytes())),
    ]
}

#[test]
fn golden_packs_are_built_byte_for_byte_and_verify_as_the_cases_say() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for (name, bytes) in packs() {
        let path = dir().join(name);
        if update {
            std::fs::write(&path, &bytes).unwrap();
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name} differs from what the builder makes");
    }
    if update {
        for (name, seed) in [("key-one.pub", SEED_ONE), ("key-two.pub", SEED_TWO)] {
            std::fs::write(dir().join(name), pack::public_key_text(&pack::key_pair(seed).unwrap().pk)).unwrap();
        }
    }
    let cases: Value = serde_json::from_str(&std::fs::read_to_string(dir().join("cases.json")).unwrap()).unwrap();
    let mut n = 0;
    for case in cases["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let bytes = std::fs::read(dir().join(case["pack"].as_str().unwrap())).unwrap();
        let keys: Vec<String> = case["trust"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| std::fs::read_to_string(dir().join(k.as_str().unwrap())).unwrap())
            .collect();
        let got = pack::verify_with_key_texts(
            &bytes,
            &keys,
            case["installed"].as_u64(),
            env!("CARGO_PKG_VERSION"),
            cases["now"].as_i64().unwrap(),
            case["user_id"].as_str(),
        );
        match (&case["expect"]["error"], got) {
            (Value::String(code), Err(e)) => {
                assert_eq!(e.code(), code, "{name}: {e}");
                if let Some(p) = case["expect"]["path"].as_str() {
                    assert_eq!(e.path(), Some(p), "{name}");
                }
            }
            (Value::Null, Ok(v)) => {
                assert_eq!(Some(v.manifest.sequence), case["expect"]["sequence"].as_u64(), "{name}");
                assert_eq!(v.catalog.meta().version, case["expect"]["catalog_version"].as_str().unwrap(), "{name}");
            }
            (want, got) => panic!("{name}: wanted {want}, got {got:?}"),
        }
        n += 1;
    }
    assert!(n >= 10, "{n} cases");
}

fn trust_one() -> Vec<ed25519_compact::PublicKey> {
    vec![pack::key_pair(SEED_ONE).unwrap().pk]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A flipped bit anywhere in a pack, header, manifest, signature or
    /// catalog, is refused: the pack is never taken.
    #[test]
    fn a_flipped_bit_anywhere_is_refused(at in 0usize..100_000, bit in 0u8..8) {
        let (_, good) = packs().into_iter().next().unwrap();
        let mut bytes = good.clone();
        let at = at % bytes.len();
        bytes[at] ^= 1 << bit;
        let keys = trust_one();
        let trust = Trust { keys: &keys, installed: Some(4), sdk_version: "0.1.0", now: NOW, user_id: None };
        let got = pack::verify(&bytes, &trust, &Limits::default());
        prop_assert!(got.is_err(), "bit {bit} of byte {at} flipped and the pack was taken");
        let code = got.unwrap_err().code();
        prop_assert!(
            ["pack.invalid", "pack.bad_signature", "pack.unknown_key"].contains(&code),
            "byte {at}: {code}"
        );
    }

    /// Arbitrary bytes are a typed error, never a panic.
    #[test]
    fn arbitrary_bytes_are_a_typed_error(bytes in proptest::collection::vec(any::<u8>(), 0..600), prefix in any::<bool>()) {
        let mut input = if prefix { b"inscene-pack/1\n".to_vec() } else { Vec::new() };
        input.extend(bytes);
        let keys = trust_one();
        let trust = Trust { keys: &keys, installed: None, sdk_version: "0.1.0", now: NOW, user_id: Some("u") };
        prop_assert!(pack::verify(&input, &trust, &Limits::default()).unwrap_err().code().starts_with("pack."));
    }
}

#[test]
fn every_pack_refusal_has_its_own_code() {
    let codes: std::collections::BTreeSet<&str> = [
        pack::PackCode::Invalid,
        pack::PackCode::UnknownKey,
        pack::PackCode::BadSignature,
        pack::PackCode::Rollback,
        pack::PackCode::Expired,
        pack::PackCode::SdkVersion,
        pack::PackCode::NotInRollout,
    ]
    .iter()
    .map(|c| c.as_str())
    .collect();
    assert_eq!(codes.len(), 7);
}
