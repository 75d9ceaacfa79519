//! `stats`: funnel figures from an event log the SDK emitted (JSON lines).

use std::collections::BTreeMap;
use std::io::BufRead;
use std::process::ExitCode;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

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
    /// Seconds to a person, as counts per value: an exact median in memory
    /// bounded by the distinct values, not by the handoffs.
    #[serde(skip)]
    to_person: BTreeMap<i64, u64>,
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

/// The fields of an event line the figures read: any SDK version's events,
/// read leniently (a field of the wrong type skips the line; unknown fields
/// and kinds are ignored). The contract is `schema/inscene-events.v1.schema.json`.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    session: Option<Cow<'a, str>>,
    #[serde(default)]
    seq: Option<u64>,
    #[serde(borrow, default)]
    scenario: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    flow: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    step: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reason: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    state: Option<Cow<'a, str>>,
    #[serde(default)]
    fallback: Option<bool>,
    #[serde(default)]
    helpful: Option<bool>,
    #[serde(default)]
    seconds_since_handoff: Option<i64>,
}

/// The per-session state of the sessions of one partition, and the figures so far.
#[derive(Default)]
struct Tally {
    sessions: BTreeMap<String, SessionTrack>,
    by_scenario: BTreeMap<String, ScenarioStats>,
    skipped: u64,
    duplicates: u64,
}

impl Tally {
    fn line(&mut self, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        let Ok(event) = serde_json::from_str::<Line>(line) else {
            self.skipped += 1;
            return;
        };
        let (sessions, by_scenario, duplicates) = (&mut self.sessions, &mut self.by_scenario, &mut self.duplicates);
        let Some(id) = event.session.as_deref() else { return };
        let scenario = event.scenario.as_deref().unwrap_or("(no scenario)").to_owned();
        let track = sessions
            .entry(id.to_owned())
            .or_insert_with(|| SessionTrack { scenario: scenario.clone(), ..Default::default() });
        let order = match event.seq {
            Some(seq) => {
                if !track.seen.insert(seq) {
                    *duplicates += 1;
                    return;
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
        match event.kind.as_ref() {
            "started" => stats.sessions += 1,
            "resolved" => ended("resolved"),
            "abandoned" => ended("abandoned"),
            "step_viewed" => {
                if let Some(step) = event.step.as_deref() {
                    let key = format!("{}/{step}", event.flow.as_deref().unwrap_or("?"));
                    stats.steps.entry(key.clone()).or_default().viewed += 1;
                    if track.last_step.as_ref().is_none_or(|(at, _)| *at < order) {
                        track.last_step = Some((order, key));
                    }
                }
            }
            "escalated" => {
                ended("escalated");
                if event.fallback == Some(true) {
                    stats.route_fallbacks += 1;
                }
                let reason = event.reason.as_deref().unwrap_or("?");
                *stats.escalation_reasons.entry(reason.to_owned()).or_default() += 1;
            }
            "handoff_status" => match event.state.as_deref() {
                Some("accepted") => {
                    stats.reached_person += 1;
                    if let Some(t) = event.seconds_since_handoff {
                        *stats.to_person.entry(t).or_default() += 1;
                    }
                }
                Some("failed") => stats.route_fallbacks += 1,
                _ => {}
            },
            "feedback" => match event.helpful {
                Some(true) => stats.feedback_helpful += 1,
                Some(false) => stats.feedback_unhelpful += 1,
                None => {}
            },
            _ => {}
        }
    }

    /// Counts the outcomes of the sessions read so far and forgets them: every
    /// event of a session is in the same partition, so its figures are final.
    fn close_sessions(&mut self) {
        let by_scenario = &mut self.by_scenario;
        for track in std::mem::take(&mut self.sessions).values() {
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
    }
}

/// Calls `each` with every line of the logs, in order.
fn read_lines(paths: &[std::path::PathBuf], mut each: impl FnMut(&str)) -> Result<(), String> {
    for path in paths {
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) => each(&line),
                Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
            }
        }
    }
    Ok(())
}

/// The session an event line is of, without reading the rest into values.
fn session_of(line: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Only<'a> {
        #[serde(borrow)]
        session: Option<std::borrow::Cow<'a, str>>,
    }
    serde_json::from_str::<Only<'_>>(line).ok()?.session.map(|s| s.into_owned())
}

/// Spreads the lines over partition files by session (FNV-1a), then reads
/// each partition alone and closes its sessions before the next.
fn partitioned(paths: &[std::path::PathBuf], total: u64, limit: u64, tally: &mut Tally) -> Result<(), String> {
    use std::io::Write;
    let parts = usize::try_from(total / limit + 1).unwrap_or(usize::MAX).clamp(1, 4096);
    let dir = std::env::temp_dir().join(format!("inscene-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let result = (|| {
        let mut writers = Vec::with_capacity(parts);
        for k in 0..parts {
            let f = std::fs::File::create(dir.join(format!("{k}.jsonl"))).map_err(|e| e.to_string())?;
            writers.push(std::io::BufWriter::with_capacity(64 << 10, f));
        }
        let mut failed: Option<String> = None;
        read_lines(paths, |line| {
            if failed.is_some() || line.trim().is_empty() {
                return;
            }
            let Some(session) = session_of(line) else {
                // Not an event of a session: counted (or skipped) as in one pass.
                tally.line(line);
                return;
            };
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in session.bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
            let k = (h % parts as u64) as usize;
            let w = &mut writers[k];
            let ended = line.ends_with('\n');
            if let Err(e) = w.write_all(line.as_bytes()).and_then(|()| if ended { Ok(()) } else { w.write_all(b"\n") })
            {
                failed = Some(format!("cannot write to {}: {e}", dir.display()));
            }
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        for w in &mut writers {
            w.flush().map_err(|e| e.to_string())?;
        }
        drop(writers);
        for k in 0..parts {
            let path = dir.join(format!("{k}.jsonl"));
            read_lines(std::slice::from_ref(&path), |line| tally.line(line))?;
            tally.close_sessions();
            let _ = std::fs::remove_file(&path);
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Inputs up to this size are read in one pass; larger ones are spread over
/// partitions on disk by session, each read alone, so memory stays bounded
/// by the partition size, not by the logs' (`--spill-above-mb`).
pub const DEFAULT_SPILL_ABOVE_MB: u64 = 256;

/// `inscene stats EVENTS.jsonl...`: one or more logs, events in any order,
/// each event counted once (by its session and `seq`).
pub fn stats(paths: &[std::path::PathBuf], format: Format, spill_above_mb: u64) -> ExitCode {
    let mut total = 0u64;
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) => total += m.len(),
            Err(e) => return fail(&format!("cannot read {}: {e}", path.display())),
        }
    }
    let limit = spill_above_mb.saturating_mul(1 << 20);
    let mut tally = Tally::default();
    let result = if total <= limit.max(1) && spill_above_mb > 0 {
        read_lines(paths, |line| tally.line(line))
    } else {
        partitioned(paths, total, limit.max(1 << 20), &mut tally)
    };
    if let Err(message) = result {
        return fail(&message);
    }
    tally.close_sessions();
    let Tally { mut by_scenario, skipped, duplicates, .. } = tally;
    for s in by_scenario.values_mut() {
        let total = s.resolved + s.escalated + s.abandoned + s.open;
        // The upper median: the value at index n / 2 of the sorted values.
        let n: u64 = s.to_person.values().sum();
        let mut below = 0u64;
        s.median_seconds_to_person = None;
        for (value, count) in &s.to_person {
            below += count;
            if below > n / 2 {
                s.median_seconds_to_person = Some(*value);
                break;
            }
        }
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
