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
fn a_reader_that_stops_early_gets_no_panic() {
    let exe = assert_cmd::cargo::cargo_bin("inscene");
    let mut child = std::process::Command::new(exe)
        .arg("schema")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    // The read end closes before anything is read: every write meets a closed pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141));
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

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("inscene-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    dir
}

const LOGIN_CONTEXT: &str =
    r#"{"locale":"en","screen":"login","events":[{"name":"login_failed","at":1794999990,"data":{"code":"1004"}}]}"#;

#[test]
fn resolve_prints_ranked_suggestions_with_reasons_as_json() {
    let dir = tmp("resolve");
    std::fs::write(dir.join("ctx.json"), LOGIN_CONTEXT).expect("write");
    let resolve = |ctx: &std::path::Path, now: Option<&str>| {
        let mut cmd = inscene();
        cmd.args(["resolve", "--format", "json", "--context"]).arg(ctx).arg(repo("content/sample-shop.json"));
        if let Some(now) = now {
            cmd.args(["--now", now]);
        }
        let out = cmd.output().expect("runs");
        assert!(out.status.success());
        let found: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(found["suggestions"][0]["scenario"], "login_failure");
        let kinds: Vec<String> = found["suggestions"][0]["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .filter_map(|r| r["kind"].as_str().map(str::to_owned))
            .collect();
        kinds
    };
    assert_eq!(resolve(&dir.join("ctx.json"), Some("1795000000")), ["screen", "event"]);
    // Without --now the clock is used: an event stamped a few seconds ago still counts.
    let recent = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() - 5;
    let ctx = LOGIN_CONTEXT.replace("1794999990", &recent.to_string());
    std::fs::write(dir.join("recent.json"), ctx).expect("write");
    assert_eq!(resolve(&dir.join("recent.json"), None), ["screen", "event"]);
}

#[test]
fn walk_follows_scripted_answers_to_a_human_and_stats_reads_its_events() {
    let dir = tmp("walk");
    std::fs::write(dir.join("ctx.json"), r#"{"locale":"en","user":{"segments":["elderly"]}}"#).expect("write");
    // login_help: pick "something else" (5) -> escalation.
    std::fs::write(dir.join("answers.txt"), "7\n5\n").expect("write");
    let log = dir.join("events.jsonl");
    let _ = std::fs::remove_file(&log);
    let out = inscene()
        .args(["walk", "--scenario", "login_failure", "--context"])
        .arg(dir.join("ctx.json"))
        .arg("--answers")
        .arg(dir.join("answers.txt"))
        .arg("--events")
        .arg(&log)
        .arg(repo("content/sample-shop.json"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("! pick 1 to 5"), "an out-of-range option is refused, not fatal:\n{text}");
    assert!(text.contains("status: escalated"), "{text}");
    assert!(text.contains("\"reason_detail\": \"login_failure\""), "{text}");
    assert!(text.contains("\"follow_up\": true"), "elderly users get a follow-up:\n{text}");

    let stats = inscene().args(["stats", "--format", "json"]).arg(&log).output().expect("runs");
    assert!(stats.status.success());
    let figures: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("json");
    assert_eq!(figures["login_failure"]["sessions"], 1);
    assert_eq!(figures["login_failure"]["escalated"], 1);
    assert_eq!(figures["login_failure"]["deflection_rate"], 0.0);
    assert_eq!(figures["login_failure"]["escalation_reasons"]["content"], 1);
}

#[test]
fn stats_counts_deflection_and_drop_off() {
    let dir = tmp("stats");
    let lines = [
        r#"{"type":"started","at":1,"session":"a","scenario":"s1"}"#,
        r#"{"type":"step_viewed","at":2,"session":"a","scenario":"s1","flow":"f","step":"one"}"#,
        r#"{"type":"resolved","at":3,"session":"a","scenario":"s1","flow":"f","step":"one"}"#,
        r#"{"type":"feedback","at":4,"session":"a","scenario":"s1","helpful":true}"#,
        r#"{"type":"started","at":1,"session":"b","scenario":"s1"}"#,
        r#"{"type":"step_viewed","at":2,"session":"b","scenario":"s1","flow":"f","step":"two"}"#,
        r#"{"type":"abandoned","at":3,"session":"b","scenario":"s1","flow":"f","step":"two"}"#,
        "not json",
    ];
    std::fs::write(dir.join("log.jsonl"), lines.join("\n")).expect("write");
    let out = inscene().args(["stats", "--format", "json"]).arg(dir.join("log.jsonl")).output().expect("runs");
    let figures: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(figures["s1"]["sessions"], 2);
    assert_eq!(figures["s1"]["deflection_rate"], 0.5);
    assert_eq!(figures["s1"]["steps"]["f/two"]["dropped"], 1);
    assert_eq!(figures["s1"]["steps"]["f/one"]["dropped"], 0);
    assert_eq!(figures["s1"]["feedback_helpful"], 1);
}

#[test]
fn graph_draws_mermaid_and_dot_with_outcomes_marked() {
    let mermaid = inscene()
        .args(["graph", "--flow", "order_missing"])
        .arg(repo("content/sample-shop.json"))
        .output()
        .expect("runs");
    assert!(mermaid.status.success());
    let m = String::from_utf8_lossy(&mermaid.stdout);
    assert!(m.starts_with("%% flow order_missing\nflowchart TD"));
    assert!(m.contains(":::resolution") && m.contains(":::escalation"));
    assert!(m.contains("found_it -->|\"Yes, I see it\"| what_next"));
    let dot = inscene()
        .args(["graph", "--flow", "order_missing", "--format", "dot", "--locale", "zh-Hans"])
        .arg(repo("content/sample-shop.json"))
        .output()
        .expect("runs");
    let d = String::from_utf8_lossy(&dot.stdout);
    assert!(d.starts_with("digraph \"order_missing\""));
    assert!(d.contains("shape=hexagon") && d.contains("看到了"));
    let missing =
        inscene().args(["graph", "--flow", "nope"]).arg(repo("content/sample-shop.json")).output().expect("runs");
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn translate_check_finds_missing_copied_and_mismatched_translations() {
    let dir = tmp("translate");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo("content/sample-shop.json")).expect("read")).expect("json");
    let title = &mut doc["scenarios"][0]["title"];
    title.as_object_mut().expect("title").remove("zh-Hant");
    doc["scenarios"][1]["title"]["zh-Hans"] = doc["scenarios"][1]["title"]["en"].clone();
    doc["flows"][0]["steps"][1]["text"]["zh-Hant"] = "你的訂單不見了".into();
    doc["scenarios"][2]["examples"].as_object_mut().expect("examples").remove("zh-Hant");
    doc["scenarios"][3]["examples"]["zh-Hans"] = serde_json::json!(["扣款"]);
    std::fs::write(dir.join("c.json"), doc.to_string()).expect("write");
    let out = inscene()
        .args(["translate-check", "--format", "json", "--fail-on-missing"])
        .arg(dir.join("c.json"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["summary"]["zh-Hant"]["missing"], 1);
    assert_eq!(report["summary"]["zh-Hans"]["copied"], 1);
    assert_eq!(report["summary"]["zh-Hant"]["placeholders"], 1);
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.iter().any(|f| f["path"] == "/scenarios/0/title" && f["kind"] == "missing"));
    assert!(findings.iter().any(|f| f["path"] == "/scenarios/2/examples" && f["kind"] == "missing_examples"));
    assert!(findings.iter().any(|f| f["path"] == "/scenarios/3/examples" && f["kind"] == "few_examples"));
    // The sample itself has examples in every locale.
    let clean = inscene().arg("translate-check").arg(repo("content/sample-shop.json")).output().expect("runs");
    assert!(String::from_utf8_lossy(&clean.stdout).contains("0 scenarios without examples, 0 with few"));
}

fn broken_sample(dir: &std::path::Path) -> std::path::PathBuf {
    let sample = std::fs::read_to_string(repo("content/sample-shop.json")).expect("sample");
    let file = dir.join("broken.json");
    std::fs::write(&file, sample.replacen("\"next\": \"open_deleted\"", "\"next\": \"open_delted\"", 1))
        .expect("write");
    file
}

#[test]
fn lint_speaks_github_annotations_and_sarif() {
    let dir = tmp("formats");
    let file = broken_sample(&dir);
    let gh = inscene().args(["lint", "--format", "github"]).arg(&file).output().expect("runs");
    assert_eq!(gh.status.code(), Some(1));
    let text = String::from_utf8_lossy(&gh.stdout);
    let first = text.lines().next().expect("a line");
    assert!(first.starts_with("::error file="), "{first}");
    assert!(first.contains(",title=content.dangling_next::/flows/0/steps/1/next: "), "{first}");

    let sarif = inscene().args(["lint", "--format", "sarif"]).arg(&file).output().expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif json");
    assert_eq!(doc["version"], "2.1.0");
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "content.dangling_next");
    assert_eq!(result["level"], "error");
    assert_eq!(result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"], "/flows/0/steps/1/next");
    let line = result["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().expect("line") as usize;
    let source = std::fs::read_to_string(&file).expect("read");
    assert!(source.lines().nth(line - 1).is_some_and(|l| l.contains("open_delted")));
    let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.iter().any(|r| r["id"] == "content.no_outcome"));
}

#[test]
fn lint_reports_progress_on_stderr_for_batches() {
    let out = inscene()
        .arg("lint")
        .arg(repo("content/sample-shop.json"))
        .arg(repo("tests/lint/base.json"))
        .output()
        .expect("runs");
    assert!(out.status.success());
    let progress = String::from_utf8_lossy(&out.stderr);
    assert!(progress.contains("[1/2] linting") && progress.contains("[2/2] linting"), "{progress}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("[1/2]"), "progress must not pollute stdout");
}

#[test]
fn graph_renders_svg_without_external_tools() {
    let out = inscene()
        .args(["graph", "--flow", "order_missing", "--format", "svg"])
        .arg(repo("content/sample-shop.json"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("escalate_order") && svg.contains("RESOLVED"));
    // Escalations and resolutions are drawn in their own colours.
    assert!(svg.contains("#ffe0e0") && svg.contains("#d4f7d4"));
}

#[test]
fn lint_checks_a_catalog_against_the_actions_a_host_performs() {
    let dir = std::env::temp_dir().join(format!("inscene-cli-host-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let host = dir.join("host-actions.json");
    std::fs::write(&host, r#"["open_deleted_orders", "request_refund"]"#).expect("write");
    let out = inscene()
        .args(["lint", "--format", "json", "--host-actions"])
        .arg(&host)
        .arg(repo("content/sample-shop.json"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    let missing: Vec<&str> = findings
        .as_array()
        .expect("list")
        .iter()
        .filter(|f| f["code"] == "content.host_action_missing")
        .map(|f| f["message"].as_str().expect("message"))
        .collect();
    assert!(missing.iter().any(|m| m.contains("`restore_order`")), "{missing:?}");
    assert!(!missing.iter().any(|m| m.contains("`open_deleted_orders`")), "{missing:?}");
    std::fs::write(&host, "not json").expect("write");
    let out = inscene()
        .args(["lint", "--host-actions"])
        .arg(&host)
        .arg(repo("content/sample-shop.json"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn walk_with_crisis_language_in_the_question_connects_a_person_instead_of_exiting() {
    let dir = tmp("walk-crisis");
    std::fs::write(dir.join("ctx.json"), r#"{"locale":"en","query":"I want to end my life"}"#).expect("write");
    std::fs::write(dir.join("answers.txt"), "").expect("write");
    let out = inscene()
        .args(["walk", "--context"])
        .arg(dir.join("ctx.json"))
        .arg("--answers")
        .arg(dir.join("answers.txt"))
        .arg(repo("content/sample-shop.json"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("You are not alone"), "crisis resources shown: {stdout}");
    assert!(stdout.contains("\"reason\": \"crisis\""), "a packet for the agent: {stdout}");
}

#[test]
fn eval_crisis_reports_recall_and_false_alarms_and_holds_floors() {
    let out = inscene()
        .arg("eval-crisis")
        .arg(repo("content/sample-shop.json"))
        .arg(repo("tests/crisis/test.jsonl"))
        .args(["--format", "json", "--min-recall", "0.95", "--max-false-alarms", "0.02"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(report["all"]["crisis"].as_u64().unwrap() >= 150);
    assert!(report["by_locale"]["zh-Hant"]["caught"].as_u64().unwrap() > 0);
    assert!(report["recall"].as_f64().unwrap() >= 0.95);
    // A floor nothing can meet fails the run, and says why.
    let out = inscene()
        .arg("eval-crisis")
        .arg(repo("content/sample-shop.json"))
        .arg(repo("tests/crisis/test.jsonl"))
        .args(["--min-recall", "1.01"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("recall"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("zh-Hant"));
}

#[test]
fn eval_text_reports_accuracy_per_locale_and_holds_floors() {
    let out = inscene()
        .arg("eval-text")
        .arg(repo("content/sample-shop.json"))
        .arg(repo("tests/text/sample-test.jsonl"))
        .args(["--format", "json", "--min-top1", "0.9"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for key in ["in_scope_accuracy", "top3_accuracy", "oos_recall", "queries", "p99_us"] {
        assert!(report.get(key).is_some(), "no `{key}` in {report}");
    }
    assert!(report["queries"].as_u64().unwrap() >= 100);
    for locale in ["en", "zh-Hans", "zh-Hant"] {
        let t = &report["by_locale"][locale];
        let top1 = t["top1"].as_f64().unwrap() / t["in_scope"].as_f64().unwrap();
        assert!(top1 >= 0.9, "{locale}: {top1}");
        assert!(t["out_of_scope"].as_u64().unwrap() > 0, "{locale} has no out-of-scope lines");
    }
    assert!(report["oos_recall"].as_f64().unwrap() > 0.5);
    // A floor nothing can meet fails the run, and says why.
    let out = inscene()
        .arg("eval-text")
        .arg(repo("content/sample-shop.json"))
        .arg(repo("tests/text/sample-test.jsonl"))
        .args(["--min-accuracy", "1.01", "--suggest-threshold"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("accuracy"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("suggested threshold"));
}

#[test]
fn dataset_writes_a_catalog_and_query_files_that_eval_text_reads() {
    let Some(clinc) = datasets().map(|d| d.join("clinc150/data_full.json")) else {
        println!("dataset: SKIPPED: ../shared/datasets not found (set INSCENE_DATASETS)");
        assert!(std::env::var_os("CI").is_none(), "CI must have ../shared/datasets");
        return;
    };
    let dir = std::env::temp_dir().join(format!("inscene-clinc-{}", std::process::id()));
    let out = inscene().arg("dataset").arg("clinc150").arg(&clinc).arg("--out").arg(&dir).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for f in ["catalog.json", "val.jsonl", "test.jsonl", "oos_val.jsonl", "oos_test.jsonl"] {
        assert!(dir.join(f).is_file(), "no {f}");
    }
    let catalog: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("catalog.json")).unwrap()).unwrap();
    assert_eq!(catalog["scenarios"].as_array().unwrap().len(), 150);
    let threshold = catalog["text_matching"]["threshold"].as_f64().unwrap();
    assert!(threshold > 0.0 && threshold < 1.0, "{threshold}");
    let oos = std::fs::read_to_string(dir.join("oos_val.jsonl")).unwrap();
    assert!(oos.lines().all(|l| l.contains("\"expect\":null")));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The public intent data sets: `$INSCENE_DATASETS`, else `shared/datasets` beside the repository.
fn datasets() -> Option<std::path::PathBuf> {
    if let Some(d) = std::env::var_os("INSCENE_DATASETS") {
        return Some(d.into());
    }
    let beside = std::fs::canonicalize(repo(".")).ok()?.parent()?.join("shared/datasets");
    beside.is_dir().then_some(beside)
}

#[test]
fn handoff_render_prints_a_desks_calls_and_refuses_a_bad_mapping_with_its_path() {
    let out = inscene()
        .args(["handoff", "render", "--to", "zendesk", "--format", "json", "--mapping"])
        .arg(repo("tests/desk/zendesk.mapping.json"))
        .arg(repo("tests/desk/packet.json"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let calls: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(calls[0]["name"], "passControl");
    assert_eq!(calls[0]["body"]["metadata"]["dataCapture.ticketField.360001234502"], "20261122001");

    let dir = std::env::temp_dir().join(format!("inscene-desk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let bad = dir.join("chatwoot.json");
    std::fs::write(&bad, r#"{"fields": [{"from": "/priority", "to": "priority"}]}"#).expect("write");
    let out = inscene()
        .args(["handoff", "render", "--to", "chatwoot", "--mapping"])
        .arg(&bad)
        .arg(repo("tests/desk/packet.json"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("desk.reserved_key") && err.contains("/fields/0/to"), "{err}");
}

#[test]
fn handoff_status_reads_a_desks_reply_as_the_sessions_input() {
    let dir = tmp("desk-status");
    let ticket = dir.join("ticket.json");
    let open = dir.join("open.json");
    std::fs::write(&ticket, r#"{"id": 8, "queue": 2, "status": 1, "assigned_to": null}"#).expect("write");
    std::fs::write(&open, r#"{"results": [{"id": 5, "queue": 2, "status": 1, "assigned_to": null}]}"#).expect("write");
    let out = inscene()
        .args(["handoff", "status", "--from", "django_helpdesk", "--queue"])
        .arg(&open)
        .arg(&ticket)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), r#"{"type":"desk_status","state":"queued","position":2}"#);

    let out = inscene().args(["handoff", "status", "--from", "bot_framework"]).arg(&ticket).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("desk.reply_invalid"));
}

#[test]
fn stats_reports_time_to_a_person_and_route_fallbacks() {
    let dir = std::env::temp_dir().join(format!("inscene-desk-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let log = dir.join("events.jsonl");
    let lines = [
        r#"{"type": "started", "at": 100, "session": "a", "scenario": "order_missing"}"#,
        r#"{"type": "escalated", "at": 110, "session": "a", "scenario": "order_missing", "reason": "user_request", "fallback": true}"#,
        r#"{"type": "handoff_status", "at": 150, "session": "a", "scenario": "order_missing", "state": "failed", "reason": "no_agents", "seconds_since_handoff": 40}"#,
        r#"{"type": "handoff_status", "at": 230, "session": "a", "scenario": "order_missing", "state": "accepted", "seconds_since_handoff": 120}"#,
        r#"{"type": "started", "at": 100, "session": "b", "scenario": "order_missing"}"#,
        r#"{"type": "escalated", "at": 100, "session": "b", "scenario": "order_missing", "reason": "content"}"#,
        r#"{"type": "handoff_status", "at": 130, "session": "b", "scenario": "order_missing", "state": "accepted", "seconds_since_handoff": 30}"#,
    ];
    std::fs::write(&log, lines.join("\n")).expect("write");
    let out = inscene().args(["stats", "--format", "json"]).arg(&log).output().expect("runs");
    assert!(out.status.success());
    let figures: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let s = &figures["order_missing"];
    assert_eq!(s["reached_person"], 2);
    assert_eq!(s["median_seconds_to_person"], 120);
    assert_eq!(s["route_fallbacks"], 2);
    let human = inscene().arg("stats").arg(&log).output().expect("runs");
    assert!(
        String::from_utf8_lossy(&human.stdout)
            .contains("a person: 2 reached, median 120 s to accept; 2 route fallback(s)")
    );
}

#[test]
fn pack_keygen_build_verify_inspect_as_a_content_team_would() {
    let dir = tmp("pack");
    let keys = dir.join("keys");
    let _ = std::fs::remove_dir_all(&keys);
    let _ = std::fs::remove_file(dir.join("broken.pack"));
    let out = inscene().args(["pack", "keygen", "--out"]).arg(&keys).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = inscene().args(["pack", "keygen", "--out"]).arg(&keys).output().expect("runs");
    assert_eq!(again.status.code(), Some(2), "an existing key is never overwritten");
    let pack = dir.join("sample.pack");
    let out = inscene()
        .args(["pack", "build", "--sequence", "7", "--expires", "30d", "--min-sdk", "0.1.0", "--key"])
        .arg(keys.join("pack.key"))
        .arg("--out")
        .arg(&pack)
        .arg(repo("content/sample-shop.json"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let verify = |extra: &[&str]| {
        inscene()
            .args(["pack", "verify", "--public-key"])
            .arg(keys.join("pack.pub"))
            .args(extra)
            .arg(&pack)
            .output()
            .expect("runs")
    };
    let ok = verify(&[]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let old = verify(&["--installed", "7"]);
    assert_eq!(old.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&old.stdout).trim(), "pack.rollback");
    let other = verify(&["--sdk-version", "0.0.1"]);
    assert_eq!(String::from_utf8_lossy(&other.stdout).trim(), "pack.sdk_version");
    let out = inscene().args(["pack", "inspect"]).arg(&pack).output().expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!((v["manifest"]["sequence"].as_u64(), v["manifest"]["catalog"].as_str()), (Some(7), Some("sample-shop")));

    // Content with errors is never packed.
    let broken = dir.join("broken.json");
    std::fs::write(
        &broken,
        std::fs::read_to_string(repo("tests/packs/catalog.json"))
            .expect("read")
            .replace(r#""next": "done""#, r#""next": "nowhere""#),
    )
    .expect("write");
    let out = inscene()
        .args(["pack", "build", "--sequence", "8", "--key"])
        .arg(keys.join("pack.key"))
        .arg("--out")
        .arg(dir.join("broken.pack"))
        .arg(&broken)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("content.dangling_next"));
    assert!(!dir.join("broken.pack").exists());
}

#[test]
fn diff_lists_changes_and_warns_about_sessions_in_progress() {
    let dir = tmp("diff");
    let old = repo("tests/packs/catalog.json");
    let new = dir.join("new.json");
    let text = std::fs::read_to_string(&old).expect("read");
    std::fs::write(
        &new,
        text.replace(r#""id": "done""#, r#""id": "found""#).replace(r#""next": "done""#, r#""next": "found""#),
    )
    .expect("write");
    let out = inscene().args(["diff", "--format", "json"]).arg(&old).arg(&new).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["warnings"][0]["code"], "diff.step_removed");
    assert_eq!(v["warnings"][0]["at"], "order/done");
    let kinds: Vec<String> =
        v["changes"].as_array().unwrap().iter().map(|c| format!("{} {} {}", c["change"], c["kind"], c["id"])).collect();
    assert!(kinds.contains(&r#""added" "step" "order/found""#.to_owned()), "{kinds:?}");
    assert!(kinds.contains(&r#""changed" "step" "order/ask""#.to_owned()), "{kinds:?}");
}

#[test]
fn stats_counts_each_event_once_across_files_in_any_order() {
    let dir = tmp("stats-merge");
    let log = dir.join("events.jsonl");
    let _ = std::fs::remove_file(&log);
    let ctx = dir.join("ctx.json");
    std::fs::write(&ctx, r#"{"locale": "en", "entities": {"order": {"id": "1", "status": "deleted"}}}"#)
        .expect("write");
    // Two real sessions: one leaves at its first step, one asks for a person.
    for (answers, n) in [("q\n", 1), ("h\n", 2)] {
        let file = dir.join(format!("answers-{n}"));
        std::fs::write(&file, answers).expect("write");
        let out = inscene()
            .args(["walk", "--scenario", "order_missing", "--now", "1795000000", "--context"])
            .arg(&ctx)
            .arg("--answers")
            .arg(&file)
            .arg("--events")
            .arg(&log)
            .arg(repo("content/sample-shop.json"))
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.iter().all(|l| l.contains(r#""seq":"#) && l.contains(r#""id":"#)), "{text}");
    // The same events, reversed, split over two files, with every third sent twice.
    let mut reordered: Vec<&str> = lines.iter().rev().copied().collect();
    reordered.extend(lines.iter().step_by(3));
    let (a, b) = reordered.split_at(reordered.len() / 2);
    std::fs::write(dir.join("a.jsonl"), a.join("\n")).expect("write");
    std::fs::write(dir.join("b.jsonl"), b.join("\n")).expect("write");
    let stats = |files: &[std::path::PathBuf]| {
        let out = inscene().args(["stats", "--format", "json"]).args(files).output().expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    };
    let once = stats(std::slice::from_ref(&log));
    assert_eq!(once["order_missing"]["sessions"], 2, "{once}");
    assert_eq!(once["order_missing"]["escalated"], 1, "{once}");
    assert_eq!(stats(&[dir.join("a.jsonl"), dir.join("b.jsonl")]), once);
    // Spread over partitions on disk (as logs beyond --spill-above-mb are): the same figures.
    let out = inscene()
        .args(["stats", "--format", "json", "--spill-above-mb", "0"])
        .arg(dir.join("a.jsonl"))
        .arg(dir.join("b.jsonl"))
        .output()
        .expect("runs");
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json"), once);
}
