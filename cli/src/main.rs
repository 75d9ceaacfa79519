//! `inscene`: the content team's command-line tool.

mod graph;
mod run;
mod stats;
mod translate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use inscene::{Catalog, Diagnostic};

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
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
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
        /// Current time, seconds since the Unix epoch.
        #[arg(long, default_value_t = 1_795_000_000)]
        now: i64,
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
        /// Current time, seconds since the Unix epoch.
        #[arg(long, default_value_t = 1_795_000_000)]
        now: i64,
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
        /// Event log, one JSON event per line.
        events: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Missing, copied and placeholder-mismatched translations per locale.
    TranslateCheck {
        /// Catalog JSON file.
        catalog: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 when any translation is missing.
        #[arg(long)]
        fail_on_missing: bool,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lint { catalogs, format } => lint(&catalogs, format),
        Command::Schema => match serde_json::to_string_pretty(&schemars::schema_for!(inscene::content::CatalogDoc)) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("cannot print schema: {e}")),
        },
        Command::Inspect { catalog } => inspect(&catalog),
        Command::Resolve { catalog, context, now, format } => {
            run::resolve_cmd(&catalog, context.as_deref(), now, format)
        }
        Command::Walk { catalog, context, scenario, answers, events, now } => {
            run::walk(&catalog, context.as_deref(), scenario, answers.as_deref(), events.as_deref(), now)
        }
        Command::Graph { catalog, flow, format, locale } => graph::graph(&catalog, &flow, format, locale.as_deref()),
        Command::Stats { events, format } => stats::stats(&events, format),
        Command::TranslateCheck { catalog, format, fail_on_missing } => {
            translate::translate_check(&catalog, format, fail_on_missing)
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

/// Where a finding is in the file: the parser's position, else where its pointer leads.
fn locate(source: &str, d: &Diagnostic) -> Option<(usize, usize)> {
    d.position.or_else(|| inscene::lint::position_of(source, &d.path))
}

fn lint(paths: &[std::path::PathBuf], format: Format) -> ExitCode {
    let mut any_errors = false;
    let mut json_out = Vec::new();
    for path in paths {
        let source = match read(path) {
            Ok(s) => s,
            Err(code) => return code,
        };
        let report = inscene::lint(&source);
        any_errors |= report.has_errors();
        match format {
            Format::Human => {
                for d in &report.diagnostics {
                    let at = locate(&source, d).map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default();
                    let pointer = if d.path.is_empty() { "/" } else { &d.path };
                    println!("{}{at}: {} [{}] {}: {}", path.display(), d.severity, d.code, pointer, d.message);
                }
                let errors = report.errors().count();
                let warnings = report.warnings().count();
                println!("{}: {errors} error(s), {warnings} warning(s)", path.display());
            }
            Format::Json => {
                for d in &report.diagnostics {
                    let mut v = serde_json::to_value(d).unwrap_or_default();
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert("file".into(), path.display().to_string().into());
                        if let Some((l, c)) = locate(&source, d) {
                            obj.insert("line".into(), l.into());
                            obj.insert("column".into(), c.into());
                        }
                    }
                    json_out.push(v);
                }
            }
        }
    }
    if let Format::Json = format {
        println!("{}", serde_json::Value::Array(json_out));
    }
    if any_errors { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn inspect(path: &std::path::Path) -> ExitCode {
    let source = match read(path) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // A tool checks every flow up front, unlike an app that compiles flows on first use.
    let catalog = match Catalog::from_json_strict(&source, &inscene::Limits::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}: {} ({})", path.display(), e, e.code());
            return ExitCode::from(1);
        }
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
        let title = s.title.get(&locales.default).map_or("", String::as_str);
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
    println!("\ncrisis screening: {}", if catalog.crisis().is_some() { "on" } else { "OFF" });
    println!("warnings: {}", catalog.warnings().len());
    ExitCode::SUCCESS
}
