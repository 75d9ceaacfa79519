//! `eval-crisis`: how well a catalog's crisis screening (the built-in lexicon
//! plus the catalog's own phrases) catches crisis statements and lets benign
//! look-alikes pass, on labelled sets of statements.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use inscene::context::Context;
use serde::{Deserialize, Serialize};

use crate::{Format, fail, read_jsonl};

/// One labelled statement: `{"text": "...", "locale": "en", "crisis": true}`.
#[derive(Deserialize)]
struct Labelled {
    text: String,
    #[serde(default)]
    locale: String,
    crisis: bool,
}

/// Figures for one locale, or for all.
#[derive(Debug, Default, Serialize)]
struct Tally {
    crisis: u32,
    caught: u32,
    benign: u32,
    false_alarms: u32,
}

impl Tally {
    fn recall(&self) -> f64 {
        if self.crisis == 0 { 1.0 } else { f64::from(self.caught) / f64::from(self.crisis) }
    }

    fn false_alarm_rate(&self) -> f64 {
        if self.benign == 0 { 0.0 } else { f64::from(self.false_alarms) / f64::from(self.benign) }
    }

    fn add(&mut self, crisis: bool, hit: bool) {
        if crisis {
            self.crisis += 1;
            self.caught += u32::from(hit);
        } else {
            self.benign += 1;
            self.false_alarms += u32::from(hit);
        }
    }
}

#[derive(Serialize)]
struct Report {
    lexicon_version: &'static str,
    sets: Vec<String>,
    recall: f64,
    false_alarm_rate: f64,
    all: Tally,
    by_locale: BTreeMap<String, Tally>,
    /// Crisis statements the screening missed.
    missed: Vec<String>,
    /// Benign statements it flagged.
    false_alarms: Vec<String>,
    /// Hits by kind of phrase.
    kinds: BTreeMap<&'static str, u32>,
}

/// `inscene eval-crisis CATALOG SET.jsonl...`.
pub fn eval_crisis(
    catalog: &Path,
    sets: &[PathBuf],
    format: Format,
    min_recall: Option<f64>,
    max_false_alarms: Option<f64>,
) -> ExitCode {
    let (catalog, _) = match crate::run::load(catalog) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let ctx = match Context::from_json("{}") {
        Ok(c) => c,
        Err(e) => return fail(&e.to_string()),
    };
    let mut report = Report {
        lexicon_version: inscene::crisis::LEXICON_VERSION,
        sets: sets.iter().map(|p| p.display().to_string()).collect(),
        recall: 0.0,
        false_alarm_rate: 0.0,
        all: Tally::default(),
        by_locale: BTreeMap::new(),
        missed: Vec::new(),
        false_alarms: Vec::new(),
        kinds: BTreeMap::new(),
    };
    let items: Vec<Labelled> = match read_jsonl(sets, "a labelled statement") {
        Ok(i) => i,
        Err(code) => return code,
    };
    for item in items {
        let hit = inscene::escalation::screen_crisis(&catalog, &ctx, &item.text);
        if let Some(h) = &hit {
            *report.kinds.entry(h.kind.wire_name()).or_default() += 1;
        }
        report.all.add(item.crisis, hit.is_some());
        report.by_locale.entry(item.locale.clone()).or_default().add(item.crisis, hit.is_some());
        match (item.crisis, hit.is_some()) {
            (true, false) => report.missed.push(format!("[{}] {}", item.locale, item.text)),
            (false, true) => report.false_alarms.push(format!("[{}] {}", item.locale, item.text)),
            _ => {}
        }
    }
    report.recall = report.all.recall();
    report.false_alarm_rate = report.all.false_alarm_rate();
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default()),
        Format::Human => {
            println!("crisis screening, lexicon {} on {}", report.lexicon_version, report.sets.join(", "));
            println!(
                "  {:<9} {:>7} {:>7} {:>8}   {:>7} {:>7} {:>12}",
                "locale", "crisis", "caught", "recall", "benign", "alarms", "false alarms"
            );
            let row = |name: &str, t: &Tally| {
                println!(
                    "  {:<9} {:>7} {:>7} {:>7.1}%   {:>7} {:>7} {:>11.1}%",
                    name,
                    t.crisis,
                    t.caught,
                    100.0 * t.recall(),
                    t.benign,
                    t.false_alarms,
                    100.0 * t.false_alarm_rate()
                );
            };
            for (locale, t) in &report.by_locale {
                row(locale, t);
            }
            row("all", &report.all);
            for m in &report.missed {
                println!("  missed: {m}");
            }
            for f in &report.false_alarms {
                println!("  false alarm: {f}");
            }
        }
    }
    let low = min_recall.is_some_and(|m| report.recall < m);
    let high = max_false_alarms.is_some_and(|m| report.false_alarm_rate > m);
    if low || high {
        eprintln!(
            "error: recall {:.3} (floor {}), false alarms {:.3} (ceiling {})",
            report.recall,
            min_recall.map_or("none".into(), |m| m.to_string()),
            report.false_alarm_rate,
            max_false_alarms.map_or("none".into(), |m| m.to_string())
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
