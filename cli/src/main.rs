//! `inscene`: the content team's command-line tool.

mod dataset;
mod diff;
mod eval;
mod graph;
mod pack;
mod run;
mod stats;
mod text;
mod translate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use inscene::Diagnostic;

#[derive(Parser)]
#[command(name = "inscene", version, about = "Lint, run, draw and measure inscene help-content catalogs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check catalogs; exits 1 when any has errors.
    Lint {
        /// Catalog JSON files.
        #[arg(required = true)]
        catalogs: Vec<std::path::PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = LintFormat::Human)]
        format: LintFormat,
        /// A JSON file listing the in-app actions the host app performs (`["open_orders", ...]`):
        /// every action step or hold naming another is an error.
        #[arg(long, value_name = "FILE")]
        host_actions: Option<PathBuf>,
    },
    /// Print the JSON Schema of the content format.
    Schema,
    /// Load a catalog and summarise its scenarios, flows and interventions.
    Inspect {
        /// Catalog JSON file.
        catalog: std::path::PathBuf,
    },
    /// Rank the scenarios a context matches, with scores and reasons.
    Resolve {
        /// Catalog JSON file.
        catalog: PathBuf,
        /// Context JSON file (default: an empty context).
        #[arg(long)]
        context: Option<PathBuf>,
        /// Current time, seconds since the Unix epoch (default: this machine's clock).
        #[arg(long)]
        now: Option<i64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Run a flow as a session in the terminal (answers from stdin, or from a file one per line).
    Walk {
        /// Catalog JSON file.
        catalog: PathBuf,
        /// Context JSON file (default: an empty context).
        #[arg(long)]
        context: Option<PathBuf>,
        /// Scenario to start (default: the top suggestion for the context).
        #[arg(long)]
        scenario: Option<String>,
        /// File of answers, one per line: an option number, a value, s/f/c for actions, h for a human.
        #[arg(long)]
        answers: Option<PathBuf>,
        /// Append the session's analytics events to this file (JSON lines, for `stats`).
        #[arg(long)]
        events: Option<PathBuf>,
        /// Current time, seconds since the Unix epoch (default: this machine's clock).
        #[arg(long)]
        now: Option<i64>,
    },
    /// Draw a flow as Mermaid or Graphviz DOT text.
    Graph {
        /// Catalog JSON file.
        catalog: PathBuf,
        /// Flow id.
        #[arg(long)]
        flow: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = graph::GraphFormat::Mermaid)]
        format: graph::GraphFormat,
        /// Locale of the labels (default: the catalog default).
        #[arg(long)]
        locale: Option<String>,
    },
    /// Funnel figures from an SDK event log (JSON lines): deflection, escalation reasons, drop-off, feedback.
    Stats {
        /// Event logs, one JSON event per line; several files and any order, each event counted
        /// once (by session and `seq`).
        #[arg(required = true)]
        events: Vec<PathBuf>,
        /// Logs larger than this (MiB, in all) are spread over partitions on disk by session and
        /// read one partition at a time, so memory stays bounded; 0 always partitions.
        #[arg(long, default_value_t = stats::DEFAULT_SPILL_ABOVE_MB)]
        spill_above_mb: u64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Crisis-screening quality on labelled statements (JSON lines of `{"text", "locale", "crisis"}`):
    /// recall and false alarms per locale, with every miss and false alarm.
    EvalCrisis {
        /// Catalog JSON file (its own crisis phrases are screened with the built-in lexicon).
        catalog: PathBuf,
        /// Labelled statement sets.
        #[arg(required = true)]
        sets: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 when recall is below this (0 to 1).
        #[arg(long)]
        min_recall: Option<f64>,
        /// Exit 1 when the false-alarm rate is above this (0 to 1).
        #[arg(long)]
        max_false_alarms: Option<f64>,
    },
    /// Text-matching quality on labelled queries (JSON lines of `{"text", "locale", "expect"}`, with
    /// `"expect": null` for a question the catalog should decline): in-scope accuracy, top-3 accuracy,
    /// out-of-scope recall, false accepts, the worst confusions and latency.
    EvalText {
        /// Catalog JSON file.
        catalog: PathBuf,
        /// Labelled query files.
        #[arg(required = true)]
        queries: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 when in-scope accuracy is below this (0 to 1).
        #[arg(long)]
        min_accuracy: Option<f64>,
        /// Exit 1 when the matcher's top-1 accuracy (confident or not), overall or in any locale, is
        /// below this (0 to 1).
        #[arg(long)]
        min_top1: Option<f64>,
        /// Exit 1 when out-of-scope recall is below this (0 to 1).
        #[arg(long)]
        min_oos_recall: Option<f64>,
        /// Also print the threshold that would maximise accuracy over these queries: run it on
        /// validation queries, never on the ones you report.
        #[arg(long)]
        suggest_threshold: bool,
    },
    /// A catalog and labelled query files from a public intent data set: one scenario per intent with
    /// the training split as its examples; for CLINC150 the out-of-scope threshold is chosen on
    /// `val` and `oos_val` and written into the catalog.
    Dataset {
        /// Which data set.
        #[arg(value_enum)]
        kind: dataset::Kind,
        /// CLINC150's `data_full.json`, or BANKING77's folder of `train.csv` and `test.csv`.
        source: PathBuf,
        /// Folder to write `catalog.json` and the query files into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Handoff packets: what a help desk is sent.
    Handoff {
        #[command(subcommand)]
        action: HandoffCommand,
    },
    /// What a content change does: scenarios, flows and steps added, removed or changed, and
    /// warnings for what breaks sessions in progress.
    Diff {
        /// The catalog as shipped now.
        old: PathBuf,
        /// The catalog about to ship.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Signed content packs: keygen, build, verify, inspect (docs/PACKS.md).
    Pack {
        #[command(subcommand)]
        action: pack::PackCommand,
    },
    /// Missing, copied and placeholder-mismatched translations per locale.
    TranslateCheck {
        /// Catalog JSON file.
        catalog: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 when any translation, or a locale's examples of a scenario, is missing.
        #[arg(long)]
        fail_on_missing: bool,
    },
}

/// What `inscene handoff` does.
#[derive(Subcommand)]
enum HandoffCommand {
    /// The calls a desk adapter makes from a handoff packet and a mapping (see docs/DESKS.md);
    /// nothing is sent.
    Render {
        /// Handoff packet JSON file (as a session's escalation gives it).
        packet: PathBuf,
        /// The desk: zendesk, intercom, salesforce, helpshift, chatwoot, bot_framework or django_helpdesk.
        #[arg(long)]
        to: String,
        /// Mapping JSON file: the desk's field ids for packet values, tags, the desk's options.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// What a desk says of a handoff, as the session's desk_status input (JSON on stdout):
    /// a django-helpdesk ticket, or a Bot Framework handoff.status event.
    Status {
        /// The desk's reply JSON file: the ticket (GET /api/tickets/{id}/), or the event activity.
        reply: PathBuf,
        /// The desk: django_helpdesk or bot_framework.
        #[arg(long)]
        from: String,
        /// django-helpdesk: the open tickets (GET /api/tickets/?status=1,2), for the place in the queue.
        #[arg(long)]
        queue: Option<PathBuf>,
    },
}

/// Output format.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Text for people.
    Human,
    /// JSON for tools and CI.
    Json,
}

/// A reader that stops early (`inscene schema | head`) closes the pipe: the
/// standard library's print then panics. That is no error of ours, so the
/// process ends quietly with the status a shell gives a process stopped by
/// SIGPIPE (128 + 13), as other command-line tools do.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    match cli.command {
        Command::Lint { catalogs, format, host_actions } => lint(&catalogs, format, host_actions.as_deref()),
        Command::Schema => match serde_json::to_string_pretty(&schemars::schema_for!(inscene::content::CatalogDoc)) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("cannot print schema: {e}")),
        },
        Command::Inspect { catalog } => inspect(&catalog),
        Command::Resolve { catalog, context, now, format } => {
            run::resolve_cmd(&catalog, context.as_deref(), now.unwrap_or_else(clock), format)
        }
        Command::Walk { catalog, context, scenario, answers, events, now } => run::walk(
            &catalog,
            context.as_deref(),
            scenario,
            answers.as_deref(),
            events.as_deref(),
            now.unwrap_or_else(clock),
        ),
        Command::Graph { catalog, flow, format, locale } => graph::graph(&catalog, &flow, format, locale.as_deref()),
        Command::Stats { events, format, spill_above_mb } => stats::stats(&events, format, spill_above_mb),
        Command::EvalCrisis { catalog, sets, format, min_recall, max_false_alarms } => {
            eval::eval_crisis(&catalog, &sets, format, min_recall, max_false_alarms)
        }
        Command::EvalText { catalog, queries, format, min_accuracy, min_top1, min_oos_recall, suggest_threshold } => {
            let floors = text::Floors { min_accuracy, min_top1, min_oos_recall };
            text::eval_text(&catalog, &queries, format, &floors, suggest_threshold)
        }
        Command::Dataset { kind, source, out } => dataset::dataset(kind, &source, &out),
        Command::Handoff { action: HandoffCommand::Render { packet, to, mapping, format } } => {
            handoff_render(&packet, &to, mapping.as_deref(), format)
        }
        Command::Handoff { action: HandoffCommand::Status { reply, from, queue } } => {
            handoff_status(&reply, &from, queue.as_deref())
        }
        Command::Pack { action } => pack::run(action),
        Command::Diff { old, new, format } => diff::diff(&old, &new, format),
        Command::TranslateCheck { catalog, format, fail_on_missing } => {
            translate::translate_check(&catalog, format, fail_on_missing)
        }
    }
}

/// `inscene handoff render`: exit 0 with the calls, 1 when the packet or
/// mapping is refused (its code, message and mapping path on stderr).
fn handoff_render(packet: &std::path::Path, desk: &str, mapping: Option<&std::path::Path>, format: Format) -> ExitCode {
    let packet = match read(packet) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mapping = match mapping.map(read).transpose() {
        Ok(m) => m,
        Err(code) => return code,
    };
    let calls = match inscene_desk::render_json(&packet, mapping.as_deref(), desk) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match format {
        Format::Json => println!("{calls}"),
        Format::Human => {
            let list: Vec<serde_json::Value> = serde_json::from_str(&calls).unwrap_or_default();
            println!("{} call(s) to {desk}, in order (nothing was sent):", list.len());
            for (i, c) in list.iter().enumerate() {
                let how = match (c["method"].as_str(), c["path"].as_str()) {
                    (Some(m), Some(p)) => format!("{m} {p}"),
                    _ => "from the desk's mobile SDK or the bot".to_owned(),
                };
                println!("\n{}. {}: {how}", i + 1, c["name"].as_str().unwrap_or(""));
                println!("{}", serde_json::to_string_pretty(&c["body"]).unwrap_or_default());
            }
        }
    }
    ExitCode::SUCCESS
}

/// `inscene handoff status`: exit 0 with the `desk_status` input, 1 when
/// the reply is not one the desk gives (its code and message on stderr).
fn handoff_status(reply: &std::path::Path, desk: &str, queue: Option<&std::path::Path>) -> ExitCode {
    let reply = match read(reply) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let queue = match queue.map(read).transpose() {
        Ok(q) => q,
        Err(code) => return code,
    };
    match inscene_desk::status_json(desk, &reply, queue.as_deref()) {
        Ok(input) => {
            println!("{input}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Reports a usage problem (exit code 2).
pub fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Reads a file, or reports why not.
pub fn read(path: &std::path::Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| fail(&format!("cannot read {}: {e}", path.display())))
}

/// Every non-blank line of the JSON-lines files `sets`, each parsed as a `T`,
/// or a report of the first file or line that is not one (`what` names it).
pub fn read_jsonl<T: serde::de::DeserializeOwned>(sets: &[PathBuf], what: &str) -> Result<Vec<T>, ExitCode> {
    let mut out = Vec::new();
    for set in sets {
        let text = read(set)?;
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let item = serde_json::from_str(line)
                .map_err(|e| fail(&format!("{}:{}: not {what}: {e}", set.display(), n + 1)))?;
            out.push(item);
        }
    }
    Ok(out)
}

/// Seconds since the Unix epoch by this machine's clock: the default `--now`, so
/// that events with real timestamps fall inside their `within_seconds` windows.
pub fn clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Output format of `lint`.
#[derive(Clone, Copy, ValueEnum)]
enum LintFormat {
    /// Text for people, `file:line:col: severity [code] pointer: message`.
    Human,
    /// A JSON array of findings.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// One finding with its file and position.
struct Located<'a> {
    file: String,
    position: Option<(usize, usize)>,
    diagnostic: &'a Diagnostic,
}

/// GitHub annotation values escape `%`, CR and LF.
fn escape_annotation(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn lint(paths: &[std::path::PathBuf], format: LintFormat, host_actions: Option<&std::path::Path>) -> ExitCode {
    let host: Option<Vec<String>> = match host_actions {
        None => None,
        Some(file) => {
            let text = match read(file) {
                Ok(s) => s,
                Err(code) => return code,
            };
            match serde_json::from_str(&text) {
                Ok(list) => Some(list),
                Err(e) => {
                    eprintln!("error: {}: not a JSON list of action ids: {e}", file.display());
                    return ExitCode::from(2);
                }
            }
        }
    };
    let mut reports = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let source = match read(path) {
            Ok(s) => s,
            Err(code) => return code,
        };
        // Progress on stderr for batches and large catalogs; stdout stays machine-readable.
        if paths.len() > 1 || source.len() > 1_000_000 {
            eprintln!("[{}/{}] linting {} ({:.1} MB)", i + 1, paths.len(), path.display(), source.len() as f64 / 1e6);
        }
        let report = match &host {
            Some(list) => inscene::lint_for_host(&source, &inscene::Limits::default(), list),
            None => inscene::lint(&source),
        };
        reports.push((path.display().to_string(), source, report));
    }
    let any_errors = reports.iter().any(|(_, _, r)| r.has_errors());
    let located: Vec<Located<'_>> = reports
        .iter()
        .flat_map(|(file, source, report)| {
            report.diagnostics.iter().map(move |d| Located {
                file: file.clone(),
                position: inscene::lint::place(source, d),
                diagnostic: d,
            })
        })
        .collect();
    match format {
        LintFormat::Human => {
            for f in &located {
                let d = f.diagnostic;
                let at = f.position.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default();
                let pointer = if d.path.is_empty() { "/" } else { &d.path };
                println!("{}{at}: {} [{}] {}: {}", f.file, d.severity, d.code, pointer, d.message);
            }
            for (file, _, report) in &reports {
                println!("{file}: {} error(s), {} warning(s)", report.errors().count(), report.warnings().count());
            }
        }
        LintFormat::Json => {
            let out: Vec<serde_json::Value> = located
                .iter()
                .map(|f| {
                    let mut v = serde_json::to_value(f.diagnostic).unwrap_or_default();
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert("file".into(), f.file.clone().into());
                        if let Some((l, c)) = f.position {
                            obj.insert("line".into(), l.into());
                            obj.insert("column".into(), c.into());
                        }
                    }
                    v
                })
                .collect();
            println!("{}", serde_json::Value::Array(out));
        }
        LintFormat::Github => {
            for f in &located {
                let d = f.diagnostic;
                let level = if d.is_error() { "error" } else { "warning" };
                let (l, c) = f.position.unwrap_or((1, 1));
                let pointer = if d.path.is_empty() { "/" } else { &d.path };
                println!(
                    "::{level} file={},line={l},col={c},title={}::{}",
                    escape_annotation(&f.file),
                    d.code,
                    escape_annotation(&format!("{pointer}: {}", d.message))
                );
            }
        }
        LintFormat::Sarif => {
            let rules: Vec<serde_json::Value> = inscene::Code::ALL
                .iter()
                .map(|c| serde_json::json!({ "id": c.as_str(), "name": c.as_str() }))
                .collect();
            let results: Vec<serde_json::Value> = located
                .iter()
                .map(|f| {
                    let d = f.diagnostic;
                    let (l, c) = f.position.unwrap_or((1, 1));
                    serde_json::json!({
                        "ruleId": d.code.as_str(),
                        "level": if d.is_error() { "error" } else { "warning" },
                        "message": { "text": d.message },
                        "locations": [{
                            "physicalLocation": {
                                "artifactLocation": { "uri": f.file },
                                "region": { "startLine": l, "startColumn": c }
                            },
                            "logicalLocations": [{ "fullyQualifiedName": d.path, "kind": "member" }]
                        }]
                    })
                })
                .collect();
            let sarif = serde_json::json!({
                "version": "2.1.0",
                "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                "runs": [{
                    "tool": { "driver": { "name": "inscene", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
                    "results": results
                }]
            });
            println!("{}", serde_json::to_string_pretty(&sarif).unwrap_or_default());
        }
    }
    if any_errors { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn inspect(path: &std::path::Path) -> ExitCode {
    let catalog = match run::load(path) {
        Ok((catalog, _)) => catalog,
        Err(code) => return code,
    };
    let meta = catalog.meta();
    let locales = catalog.locales();
    println!(
        "catalog {} version {} (locales: {}, default {})",
        meta.id,
        meta.version,
        locales.supported.join(", "),
        locales.default
    );
    println!("\nscenarios ({}):", catalog.scenarios().len());
    for s in catalog.scenarios() {
        let title = s.title.get(&locales.default).unwrap_or("");
        let steps = catalog.flow(s.flow).map_or(0, |f| f.steps.len());
        println!(
            "  {:<24} risk {:<8} triggers {}  flow {} ({steps} steps)  \"{title}\"",
            s.id,
            format!("{:?}", s.risk).to_lowercase(),
            s.trigger_count(),
            catalog.flow_id(s.flow),
        );
    }
    println!("\ninterventions ({}):", catalog.interventions().len());
    for i in catalog.interventions() {
        println!("  {:<24} on {}", i.id, i.events.join(", "));
    }
    let screening = match catalog.crisis() {
        Some(c) if !c.builtin => "the catalog's own phrases only (built-in lexicon off)".to_owned(),
        Some(_) => format!("built-in lexicon {} and the catalog's own phrases", inscene::crisis::LEXICON_VERSION),
        None => format!("built-in lexicon {} with generic resources", inscene::crisis::LEXICON_VERSION),
    };
    println!("\ncrisis screening: {screening}");
    println!("warnings: {}", catalog.warnings().len());
    ExitCode::SUCCESS
}
