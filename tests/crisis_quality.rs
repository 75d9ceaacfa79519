//! Crisis-screening quality on our own labelled statements (`tests/crisis/`):
//! the floors CI holds the built-in lexicon to, and the privacy of a hit.
//!
//! `dev.jsonl` is what the lexicon was written against; `test.jsonl` was
//! written before the lexicon and is only measured. The same figures, per
//! locale and with every miss, come from
//! `inscene eval-crisis content/sample-shop.json tests/crisis/test.jsonl`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::Catalog;
use inscene::context::Context;
use inscene::session::{Session, StartRequest};
use inscene_conformance::{SAMPLE_CATALOG, read};
use serde_json::Value;

/// Recall must stay at or above this on the test set.
const MIN_RECALL: f64 = 0.95;
/// False alarms must stay at or below this on the test set.
const MAX_FALSE_ALARMS: f64 = 0.02;

struct Labelled {
    text: String,
    locale: String,
    crisis: bool,
}

fn set(name: &str) -> Vec<Labelled> {
    read(&format!("tests/crisis/{name}.jsonl"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            Labelled {
                text: v["text"].as_str().unwrap().to_owned(),
                locale: v["locale"].as_str().unwrap().to_owned(),
                crisis: v["crisis"].as_bool().unwrap(),
            }
        })
        .collect()
}

/// A catalog with no crisis section: the built-in lexicon alone.
fn lexicon_only() -> Catalog {
    Catalog::from_json(
        r#"{"schema_version": "1.0", "catalog": {"id": "bare", "version": "1"},
            "locales": {"default": "en", "supported": ["en"]}, "scenarios": [], "flows": []}"#,
    )
    .unwrap()
}

/// (recall, false-alarm rate, misses and false alarms).
fn measure(catalog: &Catalog, items: &[Labelled]) -> (f64, f64, Vec<String>) {
    let ctx = Context::from_json("{}").unwrap();
    let (mut crisis, mut caught, mut benign, mut alarms) = (0u32, 0u32, 0u32, 0u32);
    let mut wrong = Vec::new();
    for item in items {
        let hit = inscene::escalation::screen_crisis(catalog, &ctx, &item.text).is_some();
        if item.crisis {
            crisis += 1;
            caught += u32::from(hit);
        } else {
            benign += 1;
            alarms += u32::from(hit);
        }
        if hit != item.crisis {
            wrong.push(format!("[{}] {} {}", item.locale, if hit { "false alarm:" } else { "missed:" }, item.text));
        }
    }
    (f64::from(caught) / f64::from(crisis), f64::from(alarms) / f64::from(benign), wrong)
}

#[test]
fn the_test_set_is_big_enough_and_covers_the_locales() {
    let items = set("test");
    let crisis = items.iter().filter(|i| i.crisis).count();
    assert!(crisis >= 150 && items.len() - crisis >= 150, "{crisis} crisis, {} benign", items.len() - crisis);
    for locale in ["en", "zh-Hans", "zh-Hant", "es", "ja", "ko"] {
        for label in [true, false] {
            assert!(
                items.iter().any(|i| i.locale == locale && i.crisis == label),
                "no {locale} statement labelled crisis={label}"
            );
        }
    }
    let dev = set("dev");
    let overlap: Vec<&str> =
        dev.iter().filter(|d| items.iter().any(|t| t.text == d.text)).map(|d| d.text.as_str()).collect();
    assert!(overlap.is_empty(), "statements in both dev and test: {overlap:?}");
}

#[test]
fn screening_meets_the_floors_on_the_test_set() {
    let items = set("test");
    for (name, catalog) in
        [("lexicon only", lexicon_only()), ("sample catalog", Catalog::from_json(&read(SAMPLE_CATALOG)).unwrap())]
    {
        let (recall, false_alarms, wrong) = measure(&catalog, &items);
        println!("{name}: recall {recall:.3}, false alarms {false_alarms:.3}");
        assert!(
            recall >= MIN_RECALL && false_alarms <= MAX_FALSE_ALARMS,
            "{name}: recall {recall:.3} (floor {MIN_RECALL}), false alarms {false_alarms:.3} (ceiling {MAX_FALSE_ALARMS}):\n  {}",
            wrong.join("\n  ")
        );
    }
}

#[test]
fn a_catalog_can_turn_the_lexicon_off_and_then_screens_its_own_phrases_only() {
    let doc = |builtin: bool| {
        format!(
            r#"{{"schema_version": "1.0", "catalog": {{"id": "own", "version": "1"}},
                "locales": {{"default": "en", "supported": ["en"]}}, "scenarios": [], "flows": [],
                "crisis": {{"builtin": {builtin}, "keywords": {{"en": ["red balloon"]}}, "resources": {{"en": "Call 999."}}}}}}"#
        )
    };
    let ctx = Context::from_json("{}").unwrap();
    let off = Catalog::from_json(&doc(false)).unwrap();
    assert!(inscene::escalation::screen_crisis(&off, &ctx, "I want to die").is_none());
    let hit = inscene::escalation::screen_crisis(&off, &ctx, "the RED  balloon").unwrap();
    assert_eq!(hit.kind.wire_name(), "catalog");
    assert_eq!(hit.resources, "Call 999.");
    let on = Catalog::from_json(&doc(true)).unwrap();
    assert_eq!(inscene::escalation::screen_crisis(&on, &ctx, "I want to die").unwrap().kind.wire_name(), "ideation");
}

#[test]
fn a_hit_names_its_kind_and_no_event_carries_the_words() {
    let catalog = Catalog::from_json(&read(SAMPLE_CATALOG)).unwrap();
    let words = "我已经准备好农药了";
    let ctx = Context::from_json(&serde_json::json!({"locale": "zh-Hans", "query": words}).to_string()).unwrap();
    let found = inscene::resolve::resolve(&catalog, &ctx, 0, &inscene::resolve::ResolveOptions::default());
    assert_eq!(found.crisis.as_ref().map(|c| c.kind.wire_name()), Some("method"));
    let (session, events) = Session::start(&catalog, &ctx, &StartRequest::for_flow("s", "order_missing"), 0).unwrap();
    assert_eq!(session.state().escalation.as_ref().unwrap().reason.wire_name(), "crisis");
    let logged = serde_json::to_string(&(&found.event, &events.events)).unwrap();
    assert!(logged.contains("\"crisis_kind\":\"method\""), "{logged}");
    for needle in ["农药", "准备", words] {
        assert!(!logged.contains(needle), "an event carries the user's words: {logged}");
    }
}

#[test]
fn a_catalog_without_a_crisis_section_shows_generic_resources_in_the_users_language() {
    let catalog = lexicon_only();
    for (locale, text, expect) in [
        ("zh-Hant", "我想從頂樓跳下去", "緊急"),
        ("en", "i want to end my life", "emergency"),
        ("es", "quiero morir", "emergencia"),
    ] {
        let ctx = Context::from_json(&serde_json::json!({ "locale": locale }).to_string()).unwrap();
        let hit = inscene::escalation::screen_crisis(&catalog, &ctx, text).unwrap();
        assert!(hit.resources.contains(expect), "{locale}: {}", hit.resources);
    }
}
