//! `inscene pack`: keys, signed content packs, and what a device would say of one.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use inscene::limits::Limits;
use inscene::pack::{self, Manifest, Rollout, Trust};

use crate::{clock, fail, read};

/// What `inscene pack` does.
#[derive(Subcommand)]
pub enum PackCommand {
    /// Make a signing key: DIR/pack.key (secret: keep it off devices and out of version control)
    /// and DIR/pack.pub (ships in the app).
    Keygen {
        /// Folder to write the keys into (created if needed; existing keys are never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Lint a catalog strictly and sign it into a pack (refused when the content has errors).
    Build {
        /// Catalog JSON file.
        catalog: PathBuf,
        /// The secret key file (pack.key).
        #[arg(long)]
        key: PathBuf,
        /// Pack sequence number: above every pack shipped before (a rollback is a new, higher one).
        #[arg(long)]
        sequence: u64,
        /// Expiry: seconds since the Unix epoch, or a time from now such as 30d or 12h.
        #[arg(long)]
        expires: Option<String>,
        /// Staged rollout: the share of users (0-100) that takes the pack.
        #[arg(long, requires = "salt")]
        rollout: Option<f64>,
        /// Staged rollout: the salt users are bucketed with.
        #[arg(long, requires = "rollout")]
        salt: Option<String>,
        /// The oldest SDK version the content is for.
        #[arg(long)]
        min_sdk: Option<String>,
        /// The newest SDK version the content is for.
        #[arg(long)]
        max_sdk: Option<String>,
        /// Build time, seconds since the Unix epoch (default: this machine's clock).
        #[arg(long)]
        now: Option<i64>,
        /// Where to write the pack.
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify a pack as a device would: exit 0 when it would be taken, else exit 1 with its code.
    Verify {
        /// Pack file.
        pack: PathBuf,
        /// Trusted public key files (pack.pub); repeat while a key is rotated.
        #[arg(long = "public-key", required = true)]
        public_keys: Vec<PathBuf>,
        /// Sequence number of the pack the device has installed.
        #[arg(long)]
        installed: Option<u64>,
        /// The user's rollout id.
        #[arg(long)]
        user_id: Option<String>,
        /// The SDK version to check against (default: this CLI's).
        #[arg(long)]
        sdk_version: Option<String>,
        /// Current time, seconds since the Unix epoch (default: this machine's clock).
        #[arg(long)]
        now: Option<i64>,
    },
    /// Print a pack's manifest and its catalog's id, version and size (nothing verified).
    Inspect {
        /// Pack file.
        pack: PathBuf,
    },
}

/// Runs `inscene pack ...`.
pub fn run(command: PackCommand) -> ExitCode {
    match command {
        PackCommand::Keygen { out } => keygen(&out),
        PackCommand::Build { catalog, key, sequence, expires, rollout, salt, min_sdk, max_sdk, now, out } => {
            let now = now.unwrap_or_else(clock);
            let expires_at = match expires.as_deref().map(|e| expiry(e, now)).transpose() {
                Ok(e) => e,
                Err(message) => return fail(&message),
            };
            let rollout = rollout.zip(salt).map(|(percent, salt)| Rollout { percent, salt });
            let manifest = Manifest {
                catalog: String::new(),
                sequence,
                created_at: now,
                expires_at,
                min_sdk,
                max_sdk,
                rollout,
                key: String::new(),
            };
            build(&catalog, &key, manifest, &out)
        }
        PackCommand::Verify { pack, public_keys, installed, user_id, sdk_version, now } => verify(
            &pack,
            &public_keys,
            installed,
            user_id.as_deref(),
            sdk_version.as_deref(),
            now.unwrap_or_else(clock),
        ),
        PackCommand::Inspect { pack } => inspect(&pack),
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, ExitCode> {
    std::fs::read(path).map_err(|e| fail(&format!("cannot read {}: {e}", path.display())))
}

fn keygen(out: &Path) -> ExitCode {
    let (secret, public) = (out.join("pack.key"), out.join("pack.pub"));
    if secret.exists() || public.exists() {
        return fail(&format!("{} already holds a key; it is never overwritten", out.display()));
    }
    if let Err(e) = std::fs::create_dir_all(out) {
        return fail(&format!("cannot create {}: {e}", out.display()));
    }
    let mut seed = [0u8; 32];
    if let Err(e) = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut seed)) {
        return fail(&format!("cannot read random bytes from the operating system: {e}"));
    }
    let key = match pack::key_pair(seed) {
        Ok(k) => k,
        Err(e) => return fail(&e.to_string()),
    };
    if let Err(e) = write_secret(&secret, pack::secret_key_text(&key).as_bytes()) {
        return fail(&format!("cannot write {}: {e}", secret.display()));
    }
    if let Err(e) = std::fs::write(&public, pack::public_key_text(&key.pk)) {
        return fail(&format!("cannot write {}: {e}", public.display()));
    }
    println!(
        "key {}: secret {} (keep it off devices and out of version control), public {} (ship it in the app)",
        pack::key_id(&key.pk),
        secret.display(),
        public.display()
    );
    ExitCode::SUCCESS
}

#[cfg(unix)]
fn write_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// An expiry: seconds since the epoch, or `<n>d` / `<n>h` from `now`.
fn expiry(text: &str, now: i64) -> Result<i64, String> {
    let bad =
        || format!("--expires {text:?}: give seconds since the Unix epoch, or a time from now such as 30d or 12h");
    let (count, unit) = match (text.strip_suffix('d'), text.strip_suffix('h')) {
        (Some(days), _) => (days, 86_400),
        (_, Some(hours)) => (hours, 3_600),
        _ => return text.parse::<i64>().map_err(|_| bad()),
    };
    count.parse::<i64>().ok().and_then(|n| n.checked_mul(unit)).and_then(|s| now.checked_add(s)).ok_or_else(bad)
}

fn build(catalog: &Path, key: &Path, mut manifest: Manifest, out: &Path) -> ExitCode {
    let source = match read(catalog) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let key = match read(key).map(|t| pack::read_secret_key(&t)) {
        Ok(Ok(k)) => k,
        Ok(Err(e)) => return fail(&e.to_string()),
        Err(code) => return code,
    };
    let loaded = match inscene::Catalog::from_json_strict(&source, &Limits::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "error: {}: {e}; a pack is built only from content without errors (run inscene lint)",
                catalog.display()
            );
            return ExitCode::from(1);
        }
    };
    manifest.catalog = loaded.meta().id.clone();
    manifest.key = pack::key_id(&key.pk);
    let bytes = match pack::build(&manifest, source.as_bytes(), &key) {
        Ok(b) => b,
        Err(e) => return fail(&e.to_string()),
    };
    if let Err(e) = std::fs::write(out, &bytes) {
        return fail(&format!("cannot write {}: {e}", out.display()));
    }
    println!(
        "pack {} of catalog {} {}: {} bytes, signed by key {}",
        manifest.sequence,
        manifest.catalog,
        loaded.meta().version,
        bytes.len(),
        manifest.key
    );
    ExitCode::SUCCESS
}

fn verify(
    path: &Path,
    keys: &[PathBuf],
    installed: Option<u64>,
    user_id: Option<&str>,
    sdk_version: Option<&str>,
    now: i64,
) -> ExitCode {
    let bytes = match read_bytes(path) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let mut trusted = Vec::new();
    for k in keys {
        match read(k).map(|t| pack::read_public_key(&t)) {
            Ok(Ok(key)) => trusted.push(key),
            Ok(Err(e)) => return fail(&format!("{}: {e}", k.display())),
            Err(code) => return code,
        }
    }
    let sdk = sdk_version.unwrap_or(env!("CARGO_PKG_VERSION"));
    let trust = Trust { keys: &trusted, installed, sdk_version: sdk, now, user_id };
    match pack::verify(&bytes, &trust, &Limits::default()) {
        Ok(v) => {
            println!(
                "would be taken: pack {} of catalog {} {}, signed by key {}",
                v.manifest.sequence,
                v.manifest.catalog,
                v.catalog.meta().version,
                v.manifest.key
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{}", e.code());
            eprintln!("refused: {e}{}", e.path().map(|p| format!(" (at {p})")).unwrap_or_default());
            ExitCode::from(1)
        }
    }
}

fn inspect(path: &Path) -> ExitCode {
    let bytes = match read_bytes(path) {
        Ok(b) => b,
        Err(code) => return code,
    };
    match pack::parts(&bytes) {
        Ok(p) => {
            let catalog: serde_json::Value = serde_json::from_slice(p.catalog).unwrap_or_default();
            let out = serde_json::json!({
                "manifest": p.manifest,
                "catalog_bytes": p.catalog.len(),
                "catalog_version": catalog.pointer("/catalog/version"),
                "verified": false,
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::expiry;

    #[test]
    fn expiry_takes_epoch_seconds_days_or_hours_from_now() {
        assert_eq!(expiry("1800000000", 100), Ok(1_800_000_000));
        assert_eq!(expiry("30d", 100), Ok(100 + 30 * 86_400));
        assert_eq!(expiry("12h", 100), Ok(100 + 12 * 3_600));
        for bad in ["", "d", "1.5d", "30m", "-x", "99999999999999999d"] {
            assert!(expiry(bad, 100).is_err(), "{bad}");
        }
    }
}
