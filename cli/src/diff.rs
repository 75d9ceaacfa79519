//! `inscene diff OLD NEW`: what a content change does, for review before it ships.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use serde_json::Value;

use crate::{Format, fail, read};

/// One change.
#[derive(Debug, Serialize, PartialEq)]
struct Change {
    /// `scenario`, `flow`, `step`, `intervention` or `catalog`.
    kind: &'static str,
    /// `added`, `removed` or `changed`.
    change: &'static str,
    /// The id (`flow/step` for steps).
    id: String,
    /// For a changed item: its fields that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<String>,
}

/// What breaks sessions in progress.
#[derive(Debug, Serialize, PartialEq)]
struct Warning {
    /// Stable code: `diff.step_removed`, `diff.flow_removed`, `diff.step_type_changed`,
    /// `diff.answer_renamed`.
    code: &'static str,
    /// Where: `flow/step`, or the flow.
    at: String,
    /// For a person.
    message: String,
}

#[derive(Serialize)]
struct Report {
    old_version: Value,
    new_version: Value,
    changes: Vec<Change>,
    warnings: Vec<Warning>,
}

fn by_id(doc: &Value, list: &str) -> BTreeMap<String, Value> {
    doc.get(list)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|v| Some((v.get("id")?.as_str()?.to_owned(), v.clone()))).collect())
        .unwrap_or_default()
}

fn differing_fields(a: &Value, b: &Value, skip: &[&str]) -> Vec<String> {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else { return vec![String::new()] };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).filter(|k| !skip.contains(&k.as_str())).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
}

fn compare(
    kind: &'static str,
    old: &BTreeMap<String, Value>,
    new: &BTreeMap<String, Value>,
    skip: &[&str],
    out: &mut Vec<Change>,
) {
    for (id, v) in old {
        match new.get(id) {
            None => out.push(Change { kind, change: "removed", id: id.clone(), fields: Vec::new() }),
            Some(n) if n != v => {
                let fields = differing_fields(v, n, skip);
                if !fields.is_empty() {
                    out.push(Change { kind, change: "changed", id: id.clone(), fields });
                }
            }
            Some(_) => {}
        }
    }
    for id in new.keys().filter(|id| !old.contains_key(*id)) {
        out.push(Change { kind, change: "added", id: id.clone(), fields: Vec::new() });
    }
}

fn diff_docs(old: &Value, new: &Value) -> Report {
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    compare("scenario", &by_id(old, "scenarios"), &by_id(new, "scenarios"), &[], &mut changes);
    compare("intervention", &by_id(old, "interventions"), &by_id(new, "interventions"), &[], &mut changes);
    let (old_flows, new_flows) = (by_id(old, "flows"), by_id(new, "flows"));
    compare("flow", &old_flows, &new_flows, &["steps"], &mut changes);
    for (flow, of) in &old_flows {
        let Some(nf) = new_flows.get(flow) else {
            warnings.push(Warning {
                code: "diff.flow_removed",
                at: flow.clone(),
                message: format!(
                    "flow {flow} is removed: a saved session in it restores as content_changed and goes to a person"
                ),
            });
            continue;
        };
        let (os, ns) = (by_id(of, "steps"), by_id(nf, "steps"));
        let mut step_changes = Vec::new();
        compare("step", &os, &ns, &[], &mut step_changes);
        for c in &mut step_changes {
            c.id = format!("{flow}/{}", c.id);
        }
        for (step, ov) in &os {
            match ns.get(step) {
                None => warnings.push(Warning {
                    code: "diff.step_removed",
                    at: format!("{flow}/{step}"),
                    message: format!(
                        "step {step} of flow {flow} is removed: a saved session standing on it restores as content_changed and goes to a person"
                    ),
                }),
                Some(nv) => {
                    if ov.get("type") != nv.get("type") {
                        warnings.push(Warning {
                            code: "diff.step_type_changed",
                            at: format!("{flow}/{step}"),
                            message: format!(
                                "step {step} of flow {flow} changes type ({} to {}): a session standing on it sees a different step",
                                ov["type"], nv["type"]
                            ),
                        });
                    }
                    if ov.get("save_as").is_some() && ov.get("save_as") != nv.get("save_as") {
                        warnings.push(Warning {
                            code: "diff.answer_renamed",
                            at: format!("{flow}/{step}"),
                            message: format!(
                                "step {step} of flow {flow} saves its answer under another name: later steps of sessions in progress miss it"
                            ),
                        });
                    }
                }
            }
        }
        changes.extend(step_changes);
    }
    for key in ["locales", "escalation_policy", "crisis", "urgency", "context", "actions", "text_matching"] {
        if old.get(key) != new.get(key) {
            changes.push(Change { kind: "catalog", change: "changed", id: key.to_owned(), fields: Vec::new() });
        }
    }
    Report {
        old_version: old.pointer("/catalog/version").cloned().unwrap_or(Value::Null),
        new_version: new.pointer("/catalog/version").cloned().unwrap_or(Value::Null),
        changes,
        warnings,
    }
}

/// Runs `inscene diff`: exit 0 (the report), 1 when either side is not a catalog.
pub fn diff(old: &Path, new: &Path, format: Format) -> ExitCode {
    let mut docs = Vec::new();
    for path in [old, new] {
        let text = match read(path) {
            Ok(t) => t,
            Err(code) => return code,
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(v) if v.is_object() => docs.push(v),
            _ => return fail(&format!("{} is not a catalog (a JSON object)", path.display())),
        }
    }
    let report = diff_docs(&docs[0], &docs[1]);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default()),
        Format::Human => {
            println!(
                "{} -> {}: {} change(s), {} warning(s) for sessions in progress",
                report.old_version,
                report.new_version,
                report.changes.len(),
                report.warnings.len()
            );
            for c in &report.changes {
                let fields = if c.fields.is_empty() { String::new() } else { format!(" ({})", c.fields.join(", ")) };
                println!("  {:<8} {:<12} {}{fields}", c.change, c.kind, c.id);
            }
            for w in &report.warnings {
                println!("warning [{}] {}: {}", w.code, w.at, w.message);
            }
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn removed_steps_and_changed_types_warn_added_ones_do_not() {
        let old = json!({ "catalog": { "version": "1" }, "scenarios": [{ "id": "a", "flow": "f" }], "flows": [
            { "id": "f", "steps": [{ "id": "s1", "type": "message" }, { "id": "s2", "type": "input", "save_as": "n" }, { "id": "s3", "type": "resolution" }] },
            { "id": "g", "steps": [] }
        ] });
        let new = json!({ "catalog": { "version": "2" }, "scenarios": [{ "id": "a", "flow": "f", "risk": "high" }, { "id": "b" }], "flows": [
            { "id": "f", "steps": [{ "id": "s1", "type": "choice" }, { "id": "s2", "type": "input", "save_as": "m" }, { "id": "s4", "type": "resolution" }] }
        ] });
        let r = diff_docs(&old, &new);
        let codes: Vec<(&str, &str)> = r.warnings.iter().map(|w| (w.code, w.at.as_str())).collect();
        assert_eq!(
            codes,
            [
                ("diff.step_type_changed", "f/s1"),
                ("diff.answer_renamed", "f/s2"),
                ("diff.step_removed", "f/s3"),
                ("diff.flow_removed", "g"),
            ]
        );
        assert!(r.changes.contains(&Change {
            kind: "scenario",
            change: "changed",
            id: "a".into(),
            fields: vec!["risk".into()]
        }));
        assert!(r.changes.contains(&Change { kind: "scenario", change: "added", id: "b".into(), fields: vec![] }));
        assert!(r.changes.contains(&Change { kind: "step", change: "added", id: "f/s4".into(), fields: vec![] }));
        assert!(r.changes.contains(&Change { kind: "flow", change: "removed", id: "g".into(), fields: vec![] }));
        assert!(diff_docs(&old, &old).changes.is_empty() && diff_docs(&old, &old).warnings.is_empty());
    }
}
