//! `inscene`: the content team's command-line tool.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use inscene::{Catalog, Diagnostic};

#[derive(Parser)]
#[command(name = "inscene", version, about = "Lint, inspect and describe inscene help-content catalogs")]
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
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
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
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn read(path: &std::path::Path) -> Result<String, ExitCode> {
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
