//! Backward compatibility: the frozen v1 fixtures in `tests/fixtures/v1/`
//! (content documents and session snapshots written by earlier versions) load
//! and restore with this version, and nobody edited them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::context::Context;
use inscene::session::{Input, Session, Status};
use inscene::{Catalog, Limits};
use inscene_conformance::repo_path;

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

fn files(kind: &str) -> Vec<(String, String)> {
    let dir = repo_path(&format!("tests/fixtures/v1/{kind}"));
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let name = format!("{kind}/{}", e.file_name().to_string_lossy());
            (name, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn frozen_fixtures_are_never_edited() {
    let manifest = std::fs::read_to_string(repo_path("tests/fixtures/v1/MANIFEST")).unwrap();
    let pinned: Vec<(&str, &str)> = manifest.lines().filter_map(|l| l.split_once("  ")).map(|(h, f)| (f, h)).collect();
    let mut problems = Vec::new();
    for (name, text) in files("content").into_iter().chain(files("snapshots")) {
        let hash = format!("{:016x}", fnv64(text.as_bytes()));
        match pinned.iter().find(|(f, _)| *f == name) {
            Some((_, h)) if *h == hash => {}
            Some(_) => problems.push(format!("{name} was edited: fixtures are frozen, add a new file instead")),
            None => problems.push(format!("{name} is not in MANIFEST; append: {hash}  {name}")),
        }
    }
    for (name, _) in &pinned {
        if !repo_path(&format!("tests/fixtures/v1/{name}")).exists() {
            problems.push(format!("{name} was deleted: fixtures are frozen"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_frozen_content_document_loads_and_lints_clean() {
    for (name, text) in files("content") {
        Catalog::from_json_strict(&text, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = inscene::lint(&text);
        assert!(!report.has_errors(), "{name}: {:?}", report.errors().collect::<Vec<_>>());
    }
}

#[test]
fn every_frozen_snapshot_restores_as_it_was_and_still_reaches_a_person() {
    let catalog = Catalog::from_json(
        &std::fs::read_to_string(repo_path("tests/fixtures/v1/content/sample-shop-2026.12.json")).unwrap(),
    )
    .unwrap();
    let ctx = Context::from_json(r#"{"locale": "en"}"#).unwrap();
    let snapshots = files("snapshots");
    assert!(snapshots.len() >= 5);
    for (name, text) in snapshots {
        let (mut session, out) = Session::restore(&catalog, &ctx, text.trim(), 1_795_001_000)
            .unwrap_or_else(|e| panic!("{name}: {e} ({})", e.code()));
        let events = out.events;
        assert!(events.is_empty(), "{name}: restoring against its own catalog recovered: {events:?}");
        // Only a session waiting on the host's action is asked again for it.
        let waits = session.view(&catalog, &ctx, 1_795_001_000).action;
        match (out.effects.as_slice(), waits) {
            ([], None) => {}
            ([inscene::session::Effect::PerformAction { request, resumed: true }], Some(waiting)) => {
                assert_eq!(*request, waiting, "{name}");
            }
            (effects, waits) => panic!("{name}: effects {effects:?} for a session waiting on {waits:?}"),
        }
        let again: serde_json::Value = serde_json::from_str(&session.snapshot()).unwrap();
        let was: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(again, was, "{name}: the restored state differs");
        if session.state().status == Status::Active {
            session.apply(&catalog, &ctx, &Input::AskHuman, 1_795_001_001).unwrap();
        }
        if session.state().status == Status::Escalated {
            assert!(session.handoff(&catalog, &ctx).is_some(), "{name}: no packet");
        }
    }
}
