//! Helpers shared by the conformance tests: where the repository's test data
//! and the shared JsonLogic suites live.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}

/// A file or folder under the repository root.
pub fn repo_path(relative: &str) -> PathBuf {
    repo_root().join(relative)
}

/// The JsonLogic community suites: `$INSCENE_JSONLOGIC_SUITES`, else
/// `shared/jsonlogic/suites` beside the repository. `None` when absent.
pub fn jsonlogic_suites() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("INSCENE_JSONLOGIC_SUITES") {
        return Some(PathBuf::from(dir));
    }
    let beside = repo_root().parent()?.join("shared/jsonlogic/suites");
    beside.is_dir().then_some(beside)
}

/// Reads a file under the repository root as text.
pub fn read(relative: &str) -> String {
    let path = repo_path(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The bundled sample catalog.
pub const SAMPLE_CATALOG: &str = "content/sample-shop.json";
