//! The bundled sample catalog lints clean, loads, and covers every story in the brief.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::Catalog;
use inscene::content::RiskLevel;
use inscene_conformance::{SAMPLE_CATALOG, read};

#[test]
fn sample_catalog_has_no_lint_errors_or_warnings() {
    let report = inscene::lint(&read(SAMPLE_CATALOG));
    for d in &report.diagnostics {
        println!("{d}");
    }
    assert!(!report.has_errors(), "the sample catalog must lint without errors");
    assert_eq!(report.warnings().count(), 0, "the sample catalog should be a clean example for authors");
}

#[test]
fn sample_catalog_loads_and_covers_the_brief() {
    let catalog = Catalog::from_json(&read(SAMPLE_CATALOG)).expect("sample loads");
    for id in [
        "order_missing",
        "login_failure",
        "account_banned",
        "unexpected_charge",
        "payment_fraud_risk",
        "hotel_booking_missing",
    ] {
        let scenario = catalog.scenario(id).unwrap_or_else(|| panic!("scenario {id} missing"));
        for locale in ["en", "zh-Hans", "zh-Hant"] {
            assert!(scenario.title.contains_key(locale), "{id} has no {locale} title");
        }
    }
    assert_eq!(catalog.scenario("payment_fraud_risk").map(|s| s.risk), Some(RiskLevel::Critical));
    let fraud =
        catalog.interventions().iter().find(|i| i.id.as_str() == "payment_fraud_warning").expect("fraud intervention");
    assert!(fraud.hold_action.is_some() && fraud.human.is_some() && fraud.education.is_some());
    let crisis = catalog.crisis().expect("crisis screening");
    for locale in ["en", "zh-Hans", "zh-Hant"] {
        assert!(crisis.keywords.get(locale).is_some_and(|k| !k.is_empty()), "no crisis keywords in {locale}");
    }
    let segments = catalog.policy().segments.as_ref().expect("segment rules");
    assert!(segments.iter().any(|s| s.segment == "elderly" && s.follow_up));
    assert!(catalog.urgency().iter().any(|u| u.id == "check_in_today"));
    assert!(catalog.pii_fields().iter().any(|f| f == "user.phone"));
}
