//! The committed JSON Schema is exactly what the Rust content types generate.
//! So is the structure the core embeds to find unknown fields. Regenerate with
//! `UPDATE_SCHEMA=1 cargo test -p inscene-conformance --test schema`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::content::CatalogDoc;
use inscene::handoff::HandoffPacket;
use inscene_conformance::repo_path;

const SCHEMA_FILE: &str = "schema/inscene-content.v1.schema.json";
const HANDOFF_SCHEMA_FILE: &str = "schema/inscene-handoff.v1.schema.json";
const API_SCHEMA_FILE: &str = "schema/inscene-api.v1.schema.json";
const PACK_SCHEMA_FILE: &str = "schema/inscene-pack-manifest.v1.schema.json";
const EVENTS_SCHEMA_FILE: &str = "schema/inscene-events.v1.schema.json";
const SNAPSHOT_SCHEMA_FILE: &str = "schema/inscene-snapshot.v1.schema.json";
/// Embedded by the core (`include_str!`) for the unknown-field lint.
const FIELDS_FILE: &str = "core/src/content-fields.json";

fn pretty(mut schema: serde_json::Value, file: &str) -> String {
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("$id".into(), format!("https://inscene.dev/{file}").into());
    }
    let mut text = serde_json::to_string_pretty(&schema).expect("schema prints");
    text.push('\n');
    text
}

fn generated() -> String {
    pretty(serde_json::to_value(schemars::schema_for!(CatalogDoc)).expect("schema serializes"), SCHEMA_FILE)
}

fn generated_handoff() -> String {
    pretty(serde_json::to_value(schemars::schema_for!(HandoffPacket)).expect("schema serializes"), HANDOFF_SCHEMA_FILE)
}

/// The analytics event contract: every kind with its typed fields.
fn generated_events() -> String {
    let mut schema = serde_json::to_value(schemars::schema_for!(inscene::events::Event)).expect("schema serializes");
    schema["title"] = "inscene analytics event".into();
    // Closed: a field no kind declares (a typo, personal data) is invalid;
    // the host's own go under `host`.
    schema["unevaluatedProperties"] = false.into();
    schema["description"] = format!(
        "One analytics event of the SDK ({}): a `type` and its fields, a unique `id`, the time `at`, the catalog, and for session events the session and `seq`. Hosts add their own fields under `host` only.",
        inscene::events::EVENTS_SCHEMA
    )
    .into();
    pretty(schema, EVENTS_SCHEMA_FILE)
}

/// A session snapshot (`Session::snapshot`): everything a session holds, the
/// user's answers and the transcript as typed included.
fn generated_snapshot() -> String {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(inscene::session::SessionState)).expect("schema serializes");
    schema["title"] = "inscene session snapshot".into();
    schema["description"] = "The whole state of a session, as `snapshot()` gives it and `restore` reads it. It holds the user's answers and the transcript as typed (personal data, kept on the device); `snapshot_redacted()` gives the same shape with personal data redacted.".into();
    pretty(schema, SNAPSHOT_SCHEMA_FILE)
}

fn generated_pack() -> String {
    pretty(
        serde_json::to_value(schemars::schema_for!(inscene::pack::Manifest)).expect("schema serializes"),
        PACK_SCHEMA_FILE,
    )
}

/// Every shape a host exchanges with the SDK at runtime; the TypeScript types of
/// the web package are generated from this file.
fn generated_api() -> String {
    use inscene::{context, escalation, events, lint, resolve, session};
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let _ = generator.subschema_for::<context::ContextShape>();
    let _ = generator.subschema_for::<context::HostEventShape>();
    let _ = generator.subschema_for::<resolve::Resolution>();
    let _ = generator.subschema_for::<session::StartRequest>();
    let _ = generator.subschema_for::<session::Input>();
    let _ = generator.subschema_for::<session::StepView>();
    let _ = generator.subschema_for::<session::Effect>();
    let _ = generator.subschema_for::<events::Event>();
    let _ = generator.subschema_for::<escalation::InterventionView>();
    let _ = generator.subschema_for::<HandoffPacket>();
    let _ = generator.subschema_for::<lint::Finding>();
    let defs = generator.take_definitions(true);
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "inscene runtime API",
        "description": "Shapes a host exchanges with the SDK: contexts, resolutions, step views, session inputs and events, interventions, handoff packets and lint findings.",
        "$defs": defs,
    });
    pretty(schema, API_SCHEMA_FILE)
}

fn assert_fresh(file: &str, fresh: &str) {
    let path = repo_path(file);
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, fresh).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{file} is stale: run `UPDATE_SCHEMA=1 cargo test -p inscene-conformance --test schema` and commit it"
    );
}

/// The content schema stripped to its structure (`$defs`, `$ref`, `properties`,
/// `additionalProperties`, `items`, `anyOf`, `oneOf` and the `const` of `type`
/// tags): the core embeds it to find fields the format does not have.
fn generated_fields() -> String {
    fn strip(v: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::Object(o) => Value::Object(
                o.iter()
                    .filter(|(k, _)| {
                        ["$defs", "$ref", "properties", "additionalProperties", "items", "anyOf", "oneOf", "const"]
                            .contains(&k.as_str())
                    })
                    .map(|(k, v)| match k.as_str() {
                        // Names here are field or type names, not keywords.
                        "properties" | "$defs" => (
                            k.clone(),
                            Value::Object(v.as_object().unwrap().iter().map(|(n, s)| (n.clone(), strip(s))).collect()),
                        ),
                        _ => (k.clone(), strip(v)),
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    let schema = serde_json::to_value(schemars::schema_for!(CatalogDoc)).expect("schema serializes");
    let mut text = serde_json::to_string(&strip(&schema)).expect("fields print");
    text.push('\n');
    text
}

#[test]
fn committed_schemas_match_the_rust_types() {
    assert_fresh(SCHEMA_FILE, &generated());
    assert_fresh(FIELDS_FILE, &generated_fields());
    assert_fresh(HANDOFF_SCHEMA_FILE, &generated_handoff());
    assert_fresh(API_SCHEMA_FILE, &generated_api());
    assert_fresh(PACK_SCHEMA_FILE, &generated_pack());
    assert_fresh(EVENTS_SCHEMA_FILE, &generated_events());
    assert_fresh(SNAPSHOT_SCHEMA_FILE, &generated_snapshot());
}

#[test]
fn context_schema_names_every_field_the_parser_checks() {
    let schema: serde_json::Value = serde_json::from_str(&generated_api()).expect("json");
    let props = schema["$defs"]["Context"]["properties"].as_object().expect("context properties");
    for field in inscene::context::BUILTIN_FIELDS.iter().filter(|f| !["now", "today"].contains(f)) {
        let top = field.split('.').next().unwrap_or(field);
        assert!(props.contains_key(top), "{top} missing from the Context schema");
    }
    for field in ["context_version", "entities", "user", "risk"] {
        assert!(props.contains_key(field), "{field} missing from the Context schema");
    }
}

#[test]
fn handoff_schema_requires_the_routing_fields() {
    let schema: serde_json::Value = serde_json::from_str(&generated_handoff()).expect("json");
    let required: Vec<&str> =
        schema["required"].as_array().expect("required").iter().filter_map(|v| v.as_str()).collect();
    for field in
        ["schema", "session", "catalog", "reason", "priority", "channels", "language", "path", "context", "transcript"]
    {
        assert!(required.contains(&field), "{field} not required");
    }
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

#[test]
fn readme_lists_exactly_the_operators_the_engine_knows() {
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    let listed = readme.lines().find(|l| l.starts_with("Operators: `")).expect("README has an `Operators:` line");
    let expected = format!(
        "Operators: {}.",
        inscene::logic::OPERATORS.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(" ")
    );
    assert_eq!(listed, expected, "update the README's operator line");
}

/// The content and snapshot types are read by `#[derive(WireStruct)]`, not by
/// serde's `Deserialize`; the schemas come from serde's attributes too. Both must agree on which
/// fields exist and which are required.
#[test]
fn hand_written_readers_require_what_the_schemas_require() {
    use inscene::content::{
        ActionCall, ActionDef, ActionParam, Branch, CatalogMeta, ChoiceOption, ContextField, ContextSchema,
        CrisisScreening, EscalationPolicy, Flow, HumanOffer, Intervention, Locales, Scenario, SegmentRule, UrgencyRule,
    };
    use inscene::handoff::{ActionRecord, PathEntry, TranscriptLine};
    use inscene::session::EscalationState;
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn check(schema: &Value, name: &str, fields: &[(&str, bool)]) {
        let def = &schema["$defs"][name];
        let props: BTreeSet<&str> = def["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{name} has no properties in the schema"))
            .keys()
            .map(String::as_str)
            .collect();
        let listed: BTreeSet<&str> = fields.iter().map(|f| f.0).collect();
        assert_eq!(listed, props, "{name}: fields read vs fields in the schema");
        let required: BTreeSet<&str> =
            def["required"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let read_as_required: BTreeSet<&str> = fields.iter().filter(|f| f.1).map(|f| f.0).collect();
        assert_eq!(read_as_required, required, "{name}: required fields");
    }
    let content: Value = serde_json::from_str(&generated()).expect("json");
    for (name, fields) in [
        ("ActionCall", ActionCall::WIRE_FIELDS),
        ("ActionDef", ActionDef::WIRE_FIELDS),
        ("ActionParam", ActionParam::WIRE_FIELDS),
        ("Branch", Branch::WIRE_FIELDS),
        ("CatalogMeta", CatalogMeta::WIRE_FIELDS),
        ("ChoiceOption", ChoiceOption::WIRE_FIELDS),
        ("ContextField", ContextField::WIRE_FIELDS),
        ("ContextSchema", ContextSchema::WIRE_FIELDS),
        ("CrisisScreening", CrisisScreening::WIRE_FIELDS),
        ("EscalationPolicy", EscalationPolicy::WIRE_FIELDS),
        ("Flow", Flow::WIRE_FIELDS),
        ("HumanOffer", HumanOffer::WIRE_FIELDS),
        ("Intervention", Intervention::WIRE_FIELDS),
        ("Locales", Locales::WIRE_FIELDS),
        ("Scenario", Scenario::WIRE_FIELDS),
        ("SegmentRule", SegmentRule::WIRE_FIELDS),
        ("UrgencyRule", UrgencyRule::WIRE_FIELDS),
    ] {
        check(&content, name, fields);
    }
    let api: Value = serde_json::from_str(&generated_api()).expect("json");
    for (name, fields) in [
        ("ActionRecord", ActionRecord::WIRE_FIELDS),
        ("PathEntry", PathEntry::WIRE_FIELDS),
        ("TranscriptLine", TranscriptLine::WIRE_FIELDS),
        ("EscalationState", EscalationState::WIRE_FIELDS),
    ] {
        check(&api, name, fields);
    }
    let snapshot: Value = serde_json::from_str(&generated_snapshot()).expect("json");
    let mut root = snapshot.clone();
    root["$defs"]["SessionState"] = snapshot.clone();
    for (name, fields) in [
        ("SessionState", inscene::session::SessionState::WIRE_FIELDS),
        ("Frame", inscene::session::Frame::WIRE_FIELDS),
        ("DeskReport", inscene::session::DeskReport::WIRE_FIELDS),
        ("EscalationState", EscalationState::WIRE_FIELDS),
    ] {
        check(&root, name, fields);
    }
}

/// One kind of a tagged type, with the fields every kind has (a step's `id`).
fn with_common(schema: &serde_json::Value, kind: &serde_json::Value) -> serde_json::Value {
    let mut merged = kind.clone();
    for (k, p) in schema["properties"].as_object().into_iter().flatten() {
        merged["properties"][k] = p.clone();
    }
    if let Some(common) = schema["required"].as_array() {
        let mut required = merged["required"].as_array().cloned().unwrap_or_default();
        required.extend(common.iter().cloned());
        merged["required"] = required.into();
    }
    merged
}

/// A value of `schema` (resolved against `root`'s `$defs`) with every property
/// (`all`) or only the required ones, each given the first value its schema
/// allows: the first of a `oneOf`, `anyOf` or `enum`, the `const`, one item in
/// a list. `depth` bounds nesting, where a list is left empty.
fn sample(root: &serde_json::Value, schema: &serde_json::Value, all: bool, depth: usize) -> serde_json::Value {
    use serde_json::{Value, json};
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return sample(root, &root["$defs"][name], all, depth);
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let option = options.iter().find(|o| o["type"] != "null").unwrap_or(&options[0]);
            return sample(root, &with_common(schema, option), all, depth);
        }
    }
    let ty = match &schema["type"] {
        Value::Array(types) => types.iter().find(|t| *t != "null").cloned().unwrap_or(Value::Null),
        t => t.clone(),
    };
    match ty.as_str() {
        Some("string") => json!("x"),
        Some("integer") => json!(schema["minimum"].as_u64().unwrap_or(1).max(1)),
        Some("number") => json!(0.5),
        Some("boolean") => json!(true),
        Some("array") if depth == 0 => json!([]),
        Some("array") => json!([sample(root, &schema["items"], false, depth - 1)]),
        Some("object") => {
            let mut out = serde_json::Map::new();
            let required: Vec<&str> =
                schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            if let Some(props) = schema["properties"].as_object() {
                for (k, p) in props {
                    if all || required.contains(&k.as_str()) {
                        out.insert(k.clone(), sample(root, p, false, depth.saturating_sub(1)));
                    }
                }
            } else if let Some(values) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                out.insert("en".into(), sample(root, values, false, depth.saturating_sub(1)));
            }
            Value::Object(out)
        }
        _ => Value::Null,
    }
}

/// `Step`, `Trigger` and the session's `Input` have readers written by hand
/// (each kind's fields under one `type` tag), `SessionState` and the rest by
/// `#[derive(WireStruct)]`; the schemas come from serde's derive. For every kind the
/// schema lists, the reader takes the kind with all its fields and with only
/// the required ones, and refuses it without any one required field, so the
/// schema and the reader describe the same thing.
#[test]
fn every_kind_the_schemas_describe_reads_as_they_say() {
    use serde_json::Value;
    type Reader = fn(Value) -> Result<(), String>;
    // Read, then written back: what was read is the input's, field for field
    // (a field the reader skipped would come back as its default).
    macro_rules! read {
        ($t:ty) => {
            |v: Value| {
                let read = serde_json::from_value::<$t>(v.clone()).map_err(|e| e.to_string())?;
                kept(&v, &serde_json::to_value(&read).map_err(|e| e.to_string())?, "")
            }
        };
    }
    /// Every member of `given` is in `back` with the same value; a member
    /// given as null or empty may be left out when written back.
    fn kept(given: &Value, back: &Value, at: &str) -> Result<(), String> {
        match (given, back) {
            (Value::Object(g), Value::Object(b)) => g.iter().try_for_each(|(k, x)| match b.get(k) {
                Some(y) => kept(x, y, &format!("{at}/{k}")),
                None if x.is_null() || x == &serde_json::json!({}) || x == &serde_json::json!([]) => Ok(()),
                None => Err(format!("{at}/{k} was {x}, not read")),
            }),
            (Value::Array(g), Value::Array(b)) if g.len() == b.len() => {
                g.iter().zip(b).enumerate().try_for_each(|(i, (x, y))| kept(x, y, &format!("{at}/{i}")))
            }
            _ if given == back => Ok(()),
            _ => Err(format!("{at} was {given}, read back as {back}")),
        }
    }
    let content: Value = serde_json::from_str(&generated()).expect("json");
    let api: Value = serde_json::from_str(&generated_api()).expect("json");
    let snapshot: Value = serde_json::from_str(&generated_snapshot()).expect("json");
    let cases: [(&str, &Value, &Value, Reader); 7] = [
        ("Step", &content, &content["$defs"]["Step"], read!(inscene::content::Step)),
        ("Trigger", &content, &content["$defs"]["Trigger"], read!(inscene::content::Trigger)),
        ("Flow", &content, &content["$defs"]["Flow"], read!(inscene::content::Flow)),
        ("Scenario", &content, &content["$defs"]["Scenario"], read!(inscene::content::Scenario)),
        ("Intervention", &content, &content["$defs"]["Intervention"], read!(inscene::content::Intervention)),
        ("Input", &api, &api["$defs"]["SessionInput"], read!(inscene::session::Input)),
        ("SessionState", &snapshot, &snapshot, read!(inscene::session::SessionState)),
    ];
    let mut kinds = 0;
    for (name, root, schema, reader) in cases {
        let variants: Vec<Value> = match schema["oneOf"].as_array() {
            Some(v) => v.iter().map(|kind| with_common(schema, kind)).collect(),
            None => vec![schema.clone()],
        };
        for variant in &variants {
            let label = format!("{name} {}", variant["properties"]["type"]["const"]);
            let full = sample(root, variant, true, 4);
            reader(full.clone()).unwrap_or_else(|e| panic!("{label} with every field: {e}\n{full}"));
            let minimal = sample(root, variant, false, 4);
            reader(minimal.clone()).unwrap_or_else(|e| panic!("{label} with the required fields: {e}\n{minimal}"));
            for field in variant["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                let mut without = minimal.clone();
                without.as_object_mut().unwrap().remove(field);
                assert!(reader(without).is_err(), "{label} reads without its required `{field}`");
            }
            kinds += 1;
        }
    }
    eprintln!("kinds read: {kinds}");
    assert!(kinds >= 25, "only {kinds} kinds");
}

/// The event contract is closed: what no kind declares is refused (a typo, or
/// personal data a change let in), the host's own fields under `host` pass,
/// and each kind's fields are typed.
#[test]
fn the_event_contract_refuses_what_it_does_not_declare() {
    use inscene_conformance::{Contract, Shape};
    let contract = Contract::load();
    let catalog = inscene::Catalog::from_json(&inscene_conformance::read(inscene_conformance::SAMPLE_CATALOG)).unwrap();
    let ctx = inscene::context::Context::from_json(r#"{"query": "my order disappeared", "request": "r-1"}"#).unwrap();
    let found = inscene::resolve::resolve(&catalog, &ctx, 1_795_000_000, &Default::default());
    let event = serde_json::to_value(&found.event).unwrap();
    assert!(event["id"].as_str().unwrap().starts_with("r-1:suggested:"), "{event}");
    assert_eq!(event["request"], "r-1");
    assert_eq!(event["catalog"], catalog.meta().id.as_str());
    assert_eq!(contract.problem(Shape::Event, &event), None);

    let mut with_host = event.clone();
    with_host["host"] = serde_json::json!({"ab_test": "b", "screen_width": 390});
    assert_eq!(contract.problem(Shape::Event, &with_host), None, "host fields pass");

    let refused = |change: &dyn Fn(&mut serde_json::Value), why: &str| {
        let mut e = event.clone();
        change(&mut e);
        assert!(contract.problem(Shape::Event, &e).is_some(), "{why}: accepted {e}");
    };
    refused(&|e| e["email"] = "a@b.c".into(), "an undeclared field");
    refused(&|e| e["query"] = "my order disappeared".into(), "typed text");
    refused(&|e| drop(e.as_object_mut().unwrap().remove("id")), "no id");
    refused(&|e| e["type"] = "clicked".into(), "an unknown kind");
    refused(&|e| e["scenarios"] = "order_missing".into(), "a kind's field of the wrong type");
    refused(&|e| e["state"] = "accepted".into(), "another kind's field");
}

/// The README's embedding example is the crate doc's, which compiles and runs as a doctest.
#[test]
fn readme_embedding_example_is_the_crate_docs() {
    let lib = std::fs::read_to_string(repo_path("core/src/lib.rs")).unwrap();
    let doc = &lib[lib.find("//! Embedding, as a host app does it").expect("the crate doc's embedding example")..];
    let body = &doc[doc.find("//! ```\n").unwrap() + 8..];
    let body = &body[..body.find("//! ```\n").unwrap()];
    let visible: Vec<&str> = body
        .lines()
        .map(|l| l.strip_prefix("//! ").or_else(|| l.strip_prefix("//!")).unwrap_or(l))
        .filter(|l| !l.starts_with("# ") && *l != "#")
        .collect();
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    let section = &readme[readme.find("## Embedding").expect("README has an Embedding section")..];
    let block = &section[section.find("```rust\n").expect("a rust block") + 8..];
    let block = &block[..block.find("```").unwrap()];
    assert_eq!(block.trim_end(), visible.join("\n"), "README's embedding example differs from core/src/lib.rs");
}
