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

/// The published schemas, compiled: what the SDK produces is checked against
/// what it promises (`schema/*.json`).
pub struct Contract {
    schemas: boon::Schemas,
    event: boon::SchemaIndex,
    packet: boon::SchemaIndex,
    view: boon::SchemaIndex,
    resolution: boon::SchemaIndex,
    intervention: boon::SchemaIndex,
    effect: boon::SchemaIndex,
    snapshot: boon::SchemaIndex,
}

/// What a value is meant to be.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// An analytics event (`schema/inscene-events.v1.schema.json`).
    Event,
    /// A handoff packet (`schema/inscene-handoff.v1.schema.json`).
    Packet,
    /// A step view (`StepView` of `schema/inscene-api.v1.schema.json`).
    View,
    /// A resolution (`Resolution` of the API schema).
    Resolution,
    /// An intervention (`Intervention` of the API schema).
    Intervention,
    /// A session's effect (`Effect` of the API schema).
    Effect,
    /// A session snapshot (`schema/inscene-snapshot.v1.schema.json`).
    Snapshot,
}

impl Contract {
    /// Compiles the committed schemas.
    pub fn load() -> Contract {
        let mut compiler = boon::Compiler::new();
        let mut schemas = boon::Schemas::new();
        let files = ["inscene-events.v1", "inscene-handoff.v1", "inscene-api.v1", "inscene-snapshot.v1"];
        for f in files {
            let json: serde_json::Value = serde_json::from_str(&read(&format!("schema/{f}.schema.json"))).unwrap();
            compiler.add_resource(&format!("https://inscene.dev/schema/{f}.schema.json"), json).unwrap();
        }
        let mut at = |loc: &str| {
            compiler
                .compile(&format!("https://inscene.dev/schema/{loc}"), &mut schemas)
                .unwrap_or_else(|e| panic!("{loc}: {e:#}"))
        };
        let event = at("inscene-events.v1.schema.json");
        let packet = at("inscene-handoff.v1.schema.json");
        let view = at("inscene-api.v1.schema.json#/$defs/StepView");
        let resolution = at("inscene-api.v1.schema.json#/$defs/Resolution");
        let intervention = at("inscene-api.v1.schema.json#/$defs/Intervention");
        let effect = at("inscene-api.v1.schema.json#/$defs/Effect");
        let snapshot = at("inscene-snapshot.v1.schema.json");
        Contract { schemas, event, packet, view, resolution, intervention, effect, snapshot }
    }

    /// Panics, naming `what`, unless `value` is a valid `shape`.
    pub fn check(&self, shape: Shape, value: &serde_json::Value, what: &str) {
        if let Some(e) = self.problem(shape, value) {
            panic!("{what}: not a valid {shape:?}: {e}\n{value:#}");
        }
    }

    /// Why `value` is not a valid `shape`, if it is not.
    pub fn problem(&self, shape: Shape, value: &serde_json::Value) -> Option<String> {
        let index = match shape {
            Shape::Event => self.event,
            Shape::Packet => self.packet,
            Shape::View => self.view,
            Shape::Resolution => self.resolution,
            Shape::Intervention => self.intervention,
            Shape::Effect => self.effect,
            Shape::Snapshot => self.snapshot,
        };
        self.schemas.validate(value, index).err().map(|e| format!("{e:#}"))
    }
}
