//! `stats`: funnel figures from an event log the SDK emitted (JSON lines).

use std::collections::BTreeMap;
use std::io::BufRead;
use std::process::ExitCode;

use inscene::events::Event;
use serde::Serialize;

use crate::{Format, fail};

/// Figures for one scenario.
#[derive(Debug, Default, Serialize)]
pub struct ScenarioStats {
    sessions: u64,
    resolved: u64,
    escalated: u64,
    abandoned: u64,
    open: u64,
    /// Resolved without a human, over sessions.
    deflection_rate: f64,
    escalation_reasons: BTreeMap<String, u64>,
    feedback_helpful: u64,
    feedback_unhelpful: u64,
    /// Per step: how many sessions viewed it, and how many ended there without an outcome.
    steps: BTreeMap<String, StepStats>,
    /// Handoffs a person accepted (the desk's `accepted` status).
    reached_person: u64,
    /// Median seconds from the handoff to a person accepting it.
    median_seconds_to_person: Option<i64>,
    /// Routes that moved on: escalations offered fallbacks because every
    /// preferred channel was closed, and channels the desk failed on.
    route_fallbacks: u64,
    #[serde(skip)]
    to_person: Vec<i64>,
}

/// Figures for one step.
#[derive(Debug, Default, Serialize)]
pub struct StepStats {
    viewed: u64,
    dropped: u64,
}

#[derive(Default)]
struct SessionTrack {
    scenario: String,
    /// The step viewed last, by the events' order in the session (`seq`, or
    /// the order read where events carry none).
    last_step: Option<(u64, String)>,
    outcome: Option<&'static str>,
    /// Sequence numbers seen: a retried event is counted once.
    seen: std::collections::BTreeSet<u64>,
    /// Events read without a sequence number, for their order.
    unnumbered: u64,
}

/// How a session ended, whatever order its events arrive in: an escalation
/// wins over a resolution (a solution that did not help, then a person), a
/// resolution over leaving.
fn outcome_rank(o: Option<&'static str>) -> u8 {
    match o {
        Some("escalated") => 3,
        Some("resolved") => 2,
        Some("abandoned") => 1,
        _ => 0,
    }
}

/// `inscene stats EVENTS.jsonl...`: one or more logs, events in any order,
/// each event counted once (by its session and `seq`).
pub fn stats(paths: &[std::path::PathBuf], format: Format) -> ExitCode {
    let mut sessions: BTreeMap<String, SessionTrack> = BTreeMap::new();
    let mut by_scenario: BTreeMap<String, ScenarioStats> = BTreeMap::new();
    let mut skipped = 0u64;
    let mut duplicates = 0u64;
    for path in paths {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => return fail(&format!("cannot read {}: {e}", path.display())),
        };
        for line in std::io::BufReader::new(file).lines() {
            let Ok(line) = line else { break };
            if line.trim().is_empty() {
                continue;
            }
            let Ok(event) = serde_json::from_str::<Event>(&line) else {
                skipped += 1;
                continue;
            };
            let Some(id) = event.get("session").and_then(|v| v.as_str()) else { continue };
            let scenario = event.get("scenario").and_then(|v| v.as_str()).unwrap_or("(no scenario)").to_owned();
            let track = sessions
                .entry(id.to_owned())
                .or_insert_with(|| SessionTrack { scenario: scenario.clone(), ..Default::default() });
            let order = match event.get("seq").and_then(|v| v.as_u64()) {
                Some(seq) => {
                    if !track.seen.insert(seq) {
                        duplicates += 1;
                        continue;
                    }
                    seq
                }
                None => {
                    track.unnumbered += 1;
                    track.unnumbered
                }
            };
            let stats = by_scenario.entry(track.scenario.clone()).or_default();
            let mut ended = |o: &'static str| {
                if outcome_rank(Some(o)) > outcome_rank(track.outcome) {
                    track.outcome = Some(o);
                }
            };
            match event.kind.as_str() {
                "started" => stats.sessions += 1,
                "resolved" => ended("resolved"),
                "abandoned" => ended("abandoned"),
                "step_viewed" => {
                    if let Some(step) = event.get("step").and_then(|v| v.as_str()) {
                        let key = format!("{}/{step}", event.get("flow").and_then(|v| v.as_str()).unwrap_or("?"));
                        stats.steps.entry(key.clone()).or_default().viewed += 1;
                        if track.last_step.as_ref().is_none_or(|(at, _)| *at < order) {
                            track.last_step = Some((order, key));
                        }
                    }
                }
                "escalated" => {
                    ended("escalated");
                    if event.get("fallback").and_then(|v| v.as_bool()) == Some(true) {
                        stats.route_fallbacks += 1;
                    }
                    let reason = event.get("reason").and_then(|v| v.as_str()).unwrap_or("?");
                    *stats.escalation_reasons.entry(reason.to_owned()).or_default() += 1;
                }
                "handoff_status" => match event.get("state").and_then(|v| v.as_str()) {
                    Some("accepted") => {
                        stats.reached_person += 1;
                        if let Some(t) = event.get("seconds_since_handoff").and_then(|v| v.as_i64()) {
                            stats.to_person.push(t);
                        }
                    }
                    Some("failed") => stats.route_fallbacks += 1,
                    _ => {}
                },
                "feedback" => match event.get("helpful").and_then(|v| v.as_bool()) {
                    Some(true) => stats.feedback_helpful += 1,
                    Some(false) => stats.feedback_unhelpful += 1,
                    None => {}
                },
                _ => {}
            }
        }
    }
    for track in sessions.values() {
        let stats = by_scenario.entry(track.scenario.clone()).or_default();
        match track.outcome {
            Some("resolved") => stats.resolved += 1,
            Some("escalated") => stats.escalated += 1,
            Some(_) => stats.abandoned += 1,
            None => stats.open += 1,
        }
        if matches!(track.outcome, Some("abandoned") | None) {
            if let Some((_, step)) = &track.last_step {
                stats.steps.entry(step.clone()).or_default().dropped += 1;
            }
        }
    }
    for s in by_scenario.values_mut() {
        let total = s.resolved + s.escalated + s.abandoned + s.open;
        s.to_person.sort_unstable();
        s.median_seconds_to_person = s.to_person.get(s.to_person.len() / 2).copied();
        s.deflection_rate = if total == 0 { 0.0 } else { (s.resolved as f64 / total as f64 * 1000.0).round() / 1000.0 };
    }
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&by_scenario).unwrap_or_default()),
        Format::Human => {
            println!(
                "{:<28} {:>8} {:>8} {:>9} {:>9} {:>10}  escalation reasons",
                "scenario", "sessions", "resolved", "escalated", "abandoned", "deflection"
            );
            for (name, s) in &by_scenario {
                let reasons: Vec<String> = s.escalation_reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
                println!(
                    "{:<28} {:>8} {:>8} {:>9} {:>9} {:>9.1}%  {}",
                    name,
                    s.resolved + s.escalated + s.abandoned + s.open,
                    s.resolved,
                    s.escalated,
                    s.abandoned,
                    s.deflection_rate * 100.0,
                    reasons.join(", ")
                );
                for (step, st) in &s.steps {
                    if st.dropped > 0 {
                        println!("    drop-off at {step}: {} of {} views", st.dropped, st.viewed);
                    }
                }
                if s.reached_person + s.route_fallbacks > 0 {
                    let median =
                        s.median_seconds_to_person.map(|m| format!(", median {m} s to accept")).unwrap_or_default();
                    println!(
                        "    a person: {} reached{median}; {} route fallback(s)",
                        s.reached_person, s.route_fallbacks
                    );
                }
                if s.feedback_helpful + s.feedback_unhelpful > 0 {
                    println!("    feedback: {} helpful, {} not helpful", s.feedback_helpful, s.feedback_unhelpful);
                }
            }
            if skipped > 0 {
                println!("({skipped} unreadable lines skipped)");
            }
            if duplicates > 0 {
                println!("({duplicates} duplicate events counted once)");
            }
        }
    }
    ExitCode::SUCCESS
}
