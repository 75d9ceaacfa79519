//! The committed JSON Schema is exactly what the Rust content types generate.
//! Regenerate with `UPDATE_SCHEMA=1 cargo test -p inscene-conformance --test schema`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::content::CatalogDoc;
use inscene_conformance::repo_path;

const SCHEMA_FILE: &str = "schema/inscene-content.v1.schema.json";

fn generated() -> String {
    let mut schema = serde_json::to_value(schemars::schema_for!(CatalogDoc)).expect("schema serializes");
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("$id".into(), "https://inscene.dev/schema/inscene-content.v1.schema.json".into());
    }
    let mut text = serde_json::to_string_pretty(&schema).expect("schema prints");
    text.push('\n');
    text
}

#[test]
fn committed_schema_matches_the_rust_types() {
    let path = repo_path(SCHEMA_FILE);
    let fresh = generated();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{SCHEMA_FILE} is stale: run `UPDATE_SCHEMA=1 cargo test -p inscene-conformance --test schema` and commit it"
    );
}

#[test]
fn schema_describes_every_step_and_trigger_type() {
    let schema: serde_json::Value = serde_json::from_str(&generated()).expect("json");
    let text = schema.to_string();
    for kind in ["message", "choice", "check", "action", "input", "resolution", "escalation", "flow"] {
        assert!(text.contains(&format!("\"const\":\"{kind}\"")), "step type {kind} missing from schema");
    }
    for kind in ["screen", "event", "condition", "text"] {
        assert!(text.contains(&format!("\"const\":\"{kind}\"")), "trigger type {kind} missing from schema");
    }
    let required = &schema["required"];
    for field in ["schema_version", "catalog", "locales"] {
        assert!(required.as_array().is_some_and(|r| r.iter().any(|f| f == field)), "{field} not required");
    }
}
