//! The CLI run as a process, as content teams and CI run it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use assert_cmd::Command;

fn repo(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn inscene() -> Command {
    Command::cargo_bin("inscene").expect("binary built")
}

#[test]
fn lint_passes_on_the_sample() {
    let out = inscene().arg("lint").arg(repo("content/sample-shop.json")).output().expect("runs");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 error(s), 0 warning(s)"));
}

#[test]
fn lint_fails_with_code_pointer_and_position_on_broken_content() {
    let dir = std::env::temp_dir().join(format!("inscene-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let file = dir.join("broken.json");
    let sample = std::fs::read_to_string(repo("content/sample-shop.json")).expect("sample");
    std::fs::write(&file, sample.replacen("\"next\": \"open_deleted\"", "\"next\": \"open_delted\"", 1))
        .expect("write");
    let out = inscene().args(["lint", "--format", "json"]).arg(&file).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    let first = &findings[0];
    assert_eq!(first["code"], "content.dangling_next");
    assert_eq!(first["path"], "/flows/0/steps/1/next");
    let line = first["line"].as_u64().expect("line") as usize;
    let text = std::fs::read_to_string(&file).expect("read back");
    assert!(
        text.lines().nth(line - 1).is_some_and(|l| l.contains("open_delted")),
        "line {line} is not the broken reference"
    );
}

#[test]
fn schema_prints_the_generated_schema() {
    let out = inscene().arg("schema").output().expect("runs");
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(schema["title"], "inscene content catalog v1");
}

#[test]
fn inspect_lists_the_sample_scenarios() {
    let out = inscene().arg("inspect").arg(repo("content/sample-shop.json")).output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for id in ["order_missing", "login_failure", "payment_fraud_warning"] {
        assert!(text.contains(id), "{id} missing from:\n{text}");
    }
}

#[test]
fn unreadable_file_is_a_usage_error_not_a_crash() {
    let out = inscene().args(["lint", "/nonexistent/catalog.json"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
}
