//! The top of the handoff packet is for the agent: a summary in the agent's
//! language (content's `escalation_policy.agent_language`, or the catalog's
//! default locale), the escalation step's agent guidance, and a signature
//! field the device never fills.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

use inscene::Catalog;
use inscene::context::Context;
use inscene::session::{ActionOutcome, Input, Session, StartRequest};
use inscene_conformance::{SAMPLE_CATALOG, read};

const NOW: i64 = 1_795_000_000;

/// The sample's order walk: the in-app restore fails, the user gives the
/// number, the content hands over (with agent guidance).
fn order_walk(catalog_json: &str, locale: &str) -> inscene::handoff::HandoffPacket {
    let catalog = Catalog::from_json(catalog_json).expect("catalog");
    let ctx = Context::from_json(&format!(
        r#"{{"locale": "{locale}", "entities": {{"order": {{"id": "20261122001", "status": "deleted"}}}},
            "user": {{"name": "Li Wei", "phone": "138 0013 8000"}}}}"#
    ))
    .expect("context");
    let (mut s, _) =
        Session::start(&catalog, &ctx, &StartRequest::for_scenario("a", "order_missing"), NOW).expect("starts");
    s.apply(&catalog, &ctx, &Input::Next, NOW + 1).expect("next");
    s.apply(&catalog, &ctx, &Input::ActionResult { outcome: ActionOutcome::Failure, data: None }, NOW + 2)
        .expect("fails");
    s.apply(&catalog, &ctx, &Input::Submit { value: "2026112200012345".into() }, NOW + 3).expect("submits");
    s.handoff(&catalog, &ctx).expect("handed over")
}

/// The sample catalog with `agent_language` set in its escalation policy.
fn with_agent_language(language: &str) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(&read(SAMPLE_CATALOG)).unwrap();
    doc["escalation_policy"]["agent_language"] = serde_json::Value::String(language.into());
    doc.to_string()
}

#[test]
fn the_summary_is_in_the_catalogs_default_language_whatever_the_user_speaks() {
    let p = order_walk(&read(SAMPLE_CATALOG), "zh-Hans");
    assert_eq!(p.language, "zh-Hans", "the user is served in their language");
    assert_eq!(p.agent_language, "en");
    let first = p.summary.lines().next().unwrap();
    assert_eq!(first, "Needs a person: the help content hands this problem to a person (content: order_not_found).");
    assert!(p.summary.contains("Problem: My order disappeared (order_missing)"), "{}", p.summary);
    assert!(p.summary.contains("Actions: open_deleted_orders failed."), "{}", p.summary);
    assert!(p.summary.contains("serve in: zh-Hans"), "{}", p.summary);
    assert!(p.agent_guidance.as_deref().unwrap().starts_with("The in-app restore did not work."));
    assert_eq!(p.signature, None);
}

#[test]
fn an_agent_language_in_content_gives_the_summary_title_and_guidance_in_it() {
    for (language, needs, problem, guidance) in [
        ("zh-Hans", "需要人工：帮助内容将此问题转交人工", "问题：我的订单不见了", "应用内恢复没有成功"),
        ("zh-Hant", "需要人工：幫助內容將此問題轉交人工", "問題：我的訂單不見了", "應用內恢復沒有成功"),
    ] {
        let p = order_walk(&with_agent_language(language), "en");
        assert_eq!(p.agent_language, language);
        assert!(p.summary.starts_with(needs), "{language}: {}", p.summary);
        assert!(p.summary.contains(problem), "{language}: {}", p.summary);
        assert!(p.summary.contains("open_deleted_orders失"), "{language}: {}", p.summary);
        assert!(p.agent_guidance.as_deref().unwrap().starts_with(guidance), "{language}");
    }
}

#[test]
fn nothing_personal_reaches_the_summary_or_the_guidance() {
    for language in ["en", "zh-Hans"] {
        let p = order_walk(&with_agent_language(language), "en");
        let text = format!("{}\n{}", p.summary, p.agent_guidance.unwrap_or_default());
        assert!(!text.contains("Li Wei") && !text.contains("138 0013 8000"), "{text}");
    }
}

#[test]
fn a_user_asking_for_a_person_gets_a_summary_and_no_step_guidance() {
    let catalog = Catalog::from_json(&read(SAMPLE_CATALOG)).expect("sample");
    let ctx =
        Context::from_json(r#"{"locale": "en", "entities": {"order": {"id": "1", "status": "deleted"}}}"#).unwrap();
    let (mut s, _) = Session::start(&catalog, &ctx, &StartRequest::for_scenario("b", "order_missing"), NOW).unwrap();
    s.apply(&catalog, &ctx, &Input::AskHuman, NOW + 1).unwrap();
    let p = s.handoff(&catalog, &ctx).unwrap();
    assert!(p.summary.starts_with("Needs a person: the user asked for a person (user_request)."), "{}", p.summary);
    assert_eq!(p.agent_guidance, None);
}

#[test]
fn an_agent_language_the_catalog_does_not_declare_is_a_lint_warning_at_its_path() {
    let findings = inscene::lint::findings(&with_agent_language("fr"));
    let hit = findings.iter().find(|f| f.path == "/escalation_policy/agent_language").expect("finding");
    assert_eq!(hit.code, "content.undeclared_locale");
}
