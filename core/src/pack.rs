//! Signed content packs: a catalog as content teams ship it between app
//! releases, with a manifest that says which catalog it is, that it is newer
//! than what a device has, for which SDK versions and users, until when, and
//! an Ed25519 signature over the exact bytes.
//!
//! A pack is text, four parts separated by newlines:
//!
//! ```text
//! inscene-pack/1
//! {"catalog":"sample-shop","sequence":7,"created_at":1795000000,"key":"3f2a…",…}
//! <the signature: 128 hex digits>
//! <the catalog's JSON, byte for byte as the author wrote it>
//! ```
//!
//! The signature covers every byte but its own line: the first line and its
//! newline, the manifest line and its newline, and the catalog. Nothing is
//! canonicalized, so what was signed is what is loaded. [`verify`] is a pure
//! function: the pack's bytes, the trusted keys, the installed sequence
//! number, the SDK version, the time and the user's rollout id give a loaded
//! catalog or a typed error, and the host keeps what it had on any error.
//! The manifest's JSON Schema is generated into
//! `schema/inscene-pack-manifest.v1.schema.json`; see docs/PACKS.md.

use ed25519_compact::{KeyPair, PublicKey, Seed, Signature};
use serde::Serialize;

use crate::catalog::Catalog;
pub use crate::error::PackCode;
use crate::error::{Diagnostic, Error, Result};
use crate::limits::Limits;

/// The first line of every pack of this format.
pub const PACK_MAGIC: &str = "inscene-pack/1";

/// The first line of a public key file (`pack.pub`).
pub const PUBLIC_KEY_MAGIC: &str = "inscene-pack-public-key/1";

/// The first line of a secret key file (`pack.key`).
pub const SECRET_KEY_MAGIC: &str = "inscene-pack-secret-key/1";

/// What a pack says of itself. Signed with the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "inscene content pack manifest v1"))]
pub struct Manifest {
    /// The catalog's id (`catalog.id` inside must be the same).
    pub catalog: String,
    /// Only goes up: a device takes a pack only when this is above the one
    /// it has installed. A rollback is a new pack, with a higher number,
    /// carrying the old content.
    pub sequence: u64,
    /// When the pack was built, seconds since the Unix epoch.
    pub created_at: i64,
    /// After this moment (seconds since the Unix epoch) the pack is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// The oldest SDK version the content is for (`major.minor.patch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_sdk: Option<String>,
    /// The newest SDK version the content is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_sdk: Option<String>,
    /// A staged rollout: only this share of users takes the pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    /// The id of the key that signed it ([`key_id`]).
    pub key: String,
}

// Read with the crate's own small reader (serde's derive costs kilobytes of the
// mobile library per type). Unknown fields are skipped: a field that must not
// be ignored by older SDKs comes with a new format line, `inscene-pack/2`.

/// A staged rollout.
#[derive(Debug, Clone, PartialEq, Serialize, crate::wire::WireStruct)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Rollout {
    /// Share of users, 0 to 100 (decimals allowed: 0.5 is one in two hundred).
    pub percent: f64,
    /// Mixed with the user's id to bucket users; a new salt draws new users,
    /// the same salt with a higher percent keeps everyone who had it.
    pub salt: String,
}

/// What a device checks a pack against.
#[derive(Debug, Clone)]
pub struct Trust<'a> {
    /// The public keys the app trusts (more than one while a key is rotated).
    pub keys: &'a [PublicKey],
    /// The sequence number of the pack installed now, if any.
    pub installed: Option<u64>,
    /// This SDK's version (`major.minor.patch`).
    pub sdk_version: &'a str,
    /// The current time, seconds since the Unix epoch.
    pub now: i64,
    /// The id the host buckets the user by for rollouts (never sent anywhere).
    pub user_id: Option<&'a str>,
}

/// A pack whose signature, dates, sequence, SDK range and rollout held, and
/// whose catalog loaded strictly.
#[derive(Debug)]
pub struct Verified {
    /// The pack's manifest.
    pub manifest: Manifest,
    /// The catalog, ready to use.
    pub catalog: Catalog,
}

/// A pack split into its parts, checked for shape only (nothing verified).
#[derive(Debug, Clone)]
pub struct Parts<'a> {
    /// The manifest.
    pub manifest: Manifest,
    /// The signature.
    pub signature: [u8; 64],
    /// The bytes the signature covers.
    pub signed: Vec<u8>,
    /// The catalog's bytes.
    pub catalog: &'a [u8],
}

fn fail(code: PackCode, message: impl Into<String>) -> Error {
    Error::Pack { code, message: message.into(), diagnostics: Vec::new() }
}

/// A public key's id: the first eight bytes, as hex.
pub fn key_id(key: &PublicKey) -> String {
    hex(&key[..8])
}

/// Splits a pack into its parts; `pack.invalid` when it is not one.
pub fn parts(bytes: &[u8]) -> Result<Parts<'_>> {
    let mut rest = bytes;
    let mut line = || -> Result<&[u8]> {
        let end = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| fail(PackCode::Invalid, "not an inscene pack: a line is missing"))?;
        let (l, tail) = rest.split_at(end);
        rest = &tail[1..];
        Ok(l)
    };
    let magic = line()?;
    if magic != PACK_MAGIC.as_bytes() {
        return Err(fail(PackCode::Invalid, format!("not an inscene pack: the first line is not {PACK_MAGIC}")));
    }
    let manifest_bytes = line()?;
    let signature_line = line()?;
    let catalog = rest;
    // From text, as the catalog is read: a reader over bytes would link a second
    // copy of the JSON parser.
    let manifest_text =
        std::str::from_utf8(manifest_bytes).map_err(|_| fail(PackCode::Invalid, "the manifest is not UTF-8"))?;
    let manifest: Manifest = serde_json::from_str(manifest_text)
        .map_err(|e| fail(PackCode::Invalid, format!("the manifest is not valid: {e}")))?;
    let signature: [u8; 64] = unhex(signature_line)
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| fail(PackCode::Invalid, "the signature line is not 128 hex digits"))?;
    let mut signed = Vec::with_capacity(bytes.len() - signature_line.len() - 1);
    signed.extend_from_slice(PACK_MAGIC.as_bytes());
    signed.push(b'\n');
    signed.extend_from_slice(manifest_bytes);
    signed.push(b'\n');
    signed.extend_from_slice(catalog);
    Ok(Parts { manifest, signature, signed, catalog })
}

/// Checks a pack and loads its catalog strictly (every content error
/// refuses it, as `pack.invalid` with the content's diagnostics), in this
/// order: shape, key, signature, expiry, sequence, SDK version, rollout,
/// catalog. Nothing outside the signature is trusted before it is checked.
pub fn verify(bytes: &[u8], trust: &Trust<'_>, limits: &Limits) -> Result<Verified> {
    if bytes.len() > limits.max_source_bytes.saturating_add(4096) {
        return Err(fail(PackCode::Invalid, format!("the pack is larger than {} bytes", limits.max_source_bytes)));
    }
    let p = parts(bytes)?;
    let m = &p.manifest;
    let key = trust.keys.iter().find(|k| key_id(k) == m.key).ok_or_else(|| {
        fail(PackCode::UnknownKey, format!("signed by key {}, which this app does not trust", short(&m.key)))
    })?;
    key.verify(&p.signed, &Signature::new(p.signature))
        .map_err(|_| fail(PackCode::BadSignature, "the signature does not match the pack's bytes"))?;
    if let Some(t) = m.expires_at {
        if trust.now >= t {
            return Err(fail(PackCode::Expired, format!("the pack expired at {t}")));
        }
    }
    if let Some(installed) = trust.installed {
        if m.sequence <= installed {
            return Err(fail(
                PackCode::Rollback,
                format!("pack {} is not newer than the installed pack {installed}", m.sequence),
            ));
        }
    }
    let sdk = version(trust.sdk_version)
        .ok_or_else(|| fail(PackCode::SdkVersion, "the SDK version is not major.minor.patch"))?;
    for (bound, is_min) in [(&m.min_sdk, true), (&m.max_sdk, false)] {
        if let Some(b) = bound {
            let v = version(b).ok_or_else(|| fail(PackCode::Invalid, "an SDK bound is not major.minor.patch"))?;
            if (is_min && sdk < v) || (!is_min && sdk > v) {
                return Err(fail(
                    PackCode::SdkVersion,
                    format!("the pack is for SDK {} to {}", opt(&m.min_sdk), opt(&m.max_sdk)),
                ));
            }
        }
    }
    if let Some(r) = &m.rollout {
        if !(0.0..=100.0).contains(&r.percent) {
            return Err(fail(PackCode::Invalid, "the rollout percent is not between 0 and 100"));
        }
        let inside = trust.user_id.is_some_and(|id| in_rollout(r, id));
        if !inside {
            // In hundredths of a percent: formatting an f64 would link float printing.
            let bp = (r.percent * 100.0) as u64;
            return Err(fail(
                PackCode::NotInRollout,
                format!("this user is not in the {}.{:02}% rollout", bp / 100, bp % 100),
            ));
        }
    }
    let source = std::str::from_utf8(p.catalog).map_err(|_| fail(PackCode::Invalid, "the catalog is not UTF-8"))?;
    let catalog = Catalog::from_json_strict(source, limits).map_err(|e| match e {
        Error::InvalidContent { diagnostics } => pack_content_error(diagnostics),
        other => fail(PackCode::Invalid, other.to_string()),
    })?;
    if catalog.meta().id != m.catalog {
        return Err(fail(PackCode::Invalid, "the manifest names another catalog than the one inside"));
    }
    Ok(Verified { manifest: p.manifest, catalog })
}

/// [`verify`] as the platform facades call it: the trusted keys as the
/// text of their `pack.pub` files (or bare hex), default limits.
pub fn verify_with_key_texts(
    bytes: &[u8],
    trusted_keys: &[String],
    installed: Option<u64>,
    sdk_version: &str,
    now: i64,
    user_id: Option<&str>,
) -> Result<Verified> {
    let keys = trusted_keys.iter().map(|k| read_public_key(k)).collect::<Result<Vec<_>>>()?;
    verify(bytes, &Trust { keys: &keys, installed, sdk_version, now, user_id }, &Limits::default())
}

fn pack_content_error(diagnostics: Vec<Diagnostic>) -> Error {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let first = diagnostics.iter().find(|d| d.is_error()).map(|d| d.to_string()).unwrap_or_default();
    Error::Pack {
        code: PackCode::Invalid,
        message: format!("the catalog inside has {errors} error(s); first: {first}"),
        diagnostics,
    }
}

/// Whether a user is in a rollout: a stable bucket of 10,000 from the salt
/// and the id (FNV-1a, 64 bits), below `percent` × 100.
pub fn in_rollout(rollout: &Rollout, user_id: &str) -> bool {
    let mut h = crate::id::Fnv1a::default();
    h.write(rollout.salt.as_bytes());
    h.write(&[0]);
    h.write(user_id.as_bytes());
    let bucket = (h.finish() % 10_000) as f64;
    bucket < rollout.percent * 100.0
}

/// Builds a pack: the manifest and the catalog's exact bytes, signed.
/// Lint the catalog strictly first (the CLI does); [`verify`] refuses what
/// does not load.
pub fn build(manifest: &Manifest, catalog: &[u8], key: &KeyPair) -> Result<Vec<u8>> {
    let line = serde_json::to_string(manifest).map_err(|e| fail(PackCode::Invalid, e.to_string()))?;
    let mut signed = Vec::with_capacity(catalog.len() + line.len() + 32);
    signed.extend_from_slice(PACK_MAGIC.as_bytes());
    signed.push(b'\n');
    signed.extend_from_slice(line.as_bytes());
    signed.push(b'\n');
    signed.extend_from_slice(catalog);
    let signature = key.sk.sign(&signed, None);
    let mut out = Vec::with_capacity(signed.len() + 130);
    out.extend_from_slice(PACK_MAGIC.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(line.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(hex(signature.as_ref()).as_bytes());
    out.push(b'\n');
    out.extend_from_slice(catalog);
    Ok(out)
}

/// A key pair from 32 secret random bytes (the CLI reads them from the OS).
pub fn key_pair(seed: [u8; 32]) -> Result<KeyPair> {
    KeyPair::try_from_seed(Seed::new(seed)).map_err(|_| fail(PackCode::Invalid, "a key seed may not be all zeros"))
}

/// A public key file's text: its first line, the key id, the key in hex.
pub fn public_key_text(key: &PublicKey) -> String {
    format!("{PUBLIC_KEY_MAGIC}\n{} {}\n", key_id(key), hex(&key[..]))
}

/// A secret key file's text (keep it out of the app and out of version control).
pub fn secret_key_text(key: &KeyPair) -> String {
    format!("{SECRET_KEY_MAGIC}\n{} {}\n", key_id(&key.pk), hex(&key.sk.seed()[..]))
}

/// Reads a public key file's text (or the bare 64 hex digits).
pub fn read_public_key(text: &str) -> Result<PublicKey> {
    let body = text.trim().strip_prefix(PUBLIC_KEY_MAGIC).unwrap_or(text).trim();
    let hex_key = body.split_whitespace().last().unwrap_or_default();
    let bytes = unhex(hex_key.as_bytes())
        .ok_or_else(|| fail(PackCode::UnknownKey, "not a public key: expected 64 hex digits"))?;
    PublicKey::from_slice(&bytes).map_err(|_| fail(PackCode::UnknownKey, "not a public key: expected 64 hex digits"))
}

/// Reads a secret key file's text.
pub fn read_secret_key(text: &str) -> Result<KeyPair> {
    let body = text.trim().strip_prefix(SECRET_KEY_MAGIC).ok_or_else(|| {
        fail(PackCode::Invalid, format!("not a secret key file: the first line is not {SECRET_KEY_MAGIC}"))
    })?;
    let hex_seed = body.split_whitespace().last().unwrap_or_default();
    let seed: [u8; 32] = unhex(hex_seed.as_bytes())
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| fail(PackCode::Invalid, "not a secret key file: expected 64 hex digits"))?;
    key_pair(seed)
}

fn version(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.split(['-', '+']).next()?;
    let mut it = core.split('.').map(|p| p.parse::<u64>().ok());
    let v = (it.next()??, it.next().unwrap_or(Some(0))?, it.next().unwrap_or(Some(0))?);
    it.next().is_none().then_some(v)
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("any")
}

fn short(s: &str) -> String {
    s.chars().take(32).collect()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        // Lowercase only: one spelling per byte, so no changed byte of a pack
        // (even the signature line's) is taken.
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    text.chunks(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number() {
        assert!(version("0.10.0") > version("0.9.9"));
        assert_eq!(version("1.2"), Some((1, 2, 0)));
        assert_eq!(version("1.2.3-beta.1"), Some((1, 2, 3)));
        assert_eq!(version("1.x"), None);
        assert_eq!(version("1.2.3.4"), None);
        assert_eq!(version(""), None);
    }

    #[test]
    fn hex_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(hex(&bytes).as_bytes()), Some(bytes));
        assert_eq!(unhex(b"abc"), None);
        assert_eq!(unhex(b"zz"), None);
        assert_eq!(unhex(b"AB"), None, "one spelling per byte");
    }

    #[test]
    fn rollout_buckets_are_stable_and_roughly_fair() {
        let r = Rollout { percent: 25.0, salt: "s1".into() };
        let inside = (0..10_000).filter(|i| in_rollout(&r, &format!("user-{i}"))).count();
        assert!((2_300..2_700).contains(&inside), "{inside}");
        let all = Rollout { percent: 100.0, salt: "s1".into() };
        assert!((0..1000).all(|i| in_rollout(&all, &i.to_string())));
        let none = Rollout { percent: 0.0, salt: "s1".into() };
        assert!((0..1000).all(|i| !in_rollout(&none, &i.to_string())));
        // Raising the percent keeps everyone who had it.
        let more = Rollout { percent: 50.0, salt: "s1".into() };
        assert!((0..1000).filter(|i| in_rollout(&r, &i.to_string())).all(|i| in_rollout(&more, &i.to_string())));
    }
}
