//! `resolve` and `walk`: the SDK's main job, run from a terminal or a script.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use inscene::Catalog;
use inscene::context::Context;
use inscene::resolve::{ResolveOptions, resolve};
use inscene::session::{ActionOutcome, Input, Session, StartRequest, Status};

use crate::{Format, fail, read};

/// Loads a catalog for a tool, every flow checked up front (unlike an app, which
/// compiles flows on first use). Returns the catalog and its source text.
pub fn load(path: &Path) -> Result<(Catalog, String), ExitCode> {
    let source = read(path)?;
    match Catalog::from_json_strict(&source, &inscene::Limits::default()) {
        Ok(catalog) => Ok((catalog, source)),
        Err(e) => {
            eprintln!("{}: {} ({})", path.display(), e, e.code());
            Err(ExitCode::from(1))
        }
    }
}

fn context(path: Option<&Path>) -> Result<Context, ExitCode> {
    let json = match path {
        Some(p) => read(p)?,
        None => "{}".to_owned(),
    };
    Context::from_json(&json).map_err(|e| fail(&format!("{e} ({})", e.code())))
}

/// `inscene resolve`: ranked suggestions with scores and reasons.
pub fn resolve_cmd(catalog: &Path, ctx: Option<&Path>, now: i64, format: Format) -> ExitCode {
    let (catalog, ctx) = match (load(catalog), context(ctx)) {
        (Ok((c, _)), Ok(x)) => (c, x),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let found = resolve(&catalog, &ctx, now, &ResolveOptions::default());
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&found).unwrap_or_default()),
        Format::Human => {
            if let Some(c) = &found.crisis {
                println!("CRISIS: escalate now at {:?} priority on {:?}\n  {}", c.priority, c.channels, c.resources);
            }
            if found.suggestions.is_empty() && found.crisis.is_none() {
                println!("no suggestion matches this context");
            }
            if let Some(t) = found.text.as_ref().filter(|t| !t.in_scope) {
                match &t.scenario {
                    Some(s) => println!(
                        "the question matches no scenario confidently (nearest: {s}, {:.0}% sure)",
                        t.confidence * 100.0
                    ),
                    None => println!("the question matches no scenario"),
                }
            }
            for (i, s) in found.suggestions.iter().enumerate() {
                println!("{}. {} (score {:.3}, flow {}): {}", i + 1, s.scenario, s.score, s.flow, s.title);
                for r in &s.reasons {
                    match r.trigger {
                        Some(t) => println!("     {} trigger #{t} (+{}): {}", r.kind, r.weight, r.detail),
                        None => println!("     {} (+{:.3}): {}", r.kind, r.weight, r.detail),
                    }
                }
            }
        }
    }
    ExitCode::SUCCESS
}

/// What a line typed at a prompt means for the current step.
fn parse_answer(line: &str, view: &inscene::session::StepView) -> Result<Input, String> {
    let line = line.trim();
    match line {
        "h" | "human" => return Ok(Input::AskHuman),
        "b" | "back" => return Ok(Input::Back),
        "?" | "not helpful" => return Ok(Input::NotHelpful),
        "q" | "quit" => return Ok(Input::Abandon),
        _ => {}
    }
    match view.kind {
        "message" => Ok(Input::Next),
        "choice" => {
            let by_number = line.parse::<usize>().ok().and_then(|n| view.options.get(n.wrapping_sub(1)));
            let option = by_number.or_else(|| view.options.iter().find(|o| o.id == line));
            option
                .map(|o| Input::Choose { option: o.id.clone() })
                .ok_or_else(|| format!("pick 1 to {}", view.options.len()))
        }
        "input" => Ok(Input::Submit { value: line.to_owned() }),
        // The app is asked to perform an action: the user plays the app and says how it went.
        _ if view.action.is_some() => {
            let (outcome, data) = line.split_once(' ').unwrap_or((line, ""));
            let outcome = match outcome {
                "s" | "success" => ActionOutcome::Success,
                "f" | "failure" => ActionOutcome::Failure,
                "c" | "cancelled" => ActionOutcome::Cancelled,
                _ => {
                    return Err(
                        "answer s (success), f (failure) or c (cancelled), optionally followed by result JSON".into()
                    );
                }
            };
            let data = if data.trim().is_empty() {
                None
            } else {
                Some(serde_json::from_str(data).map_err(|e| format!("result data is not JSON: {e}"))?)
            };
            Ok(Input::ActionResult { outcome, data })
        }
        "resolution" => match line {
            "y" | "yes" => Ok(Input::Feedback { helpful: true }),
            "n" | "no" => Ok(Input::Feedback { helpful: false }),
            _ => Err("did this help? answer y or n".into()),
        },
        _ => Err("this step takes no answer".into()),
    }
}

fn show(view: &inscene::session::StepView, out: &mut impl Write) {
    let step = view.step.as_deref().unwrap_or("-");
    let _ = writeln!(out, "\n[{} {}] {}", view.kind, step, view.text);
    for (i, o) in view.options.iter().enumerate() {
        let _ = writeln!(out, "  {}. {}", i + 1, o.label);
    }
    if view.input.is_some() {
        let _ = writeln!(out, "  (type your answer)");
    }
    if let Some(a) = &view.action {
        // Shown on every showing of the step, after a rejected answer too.
        let _ = writeln!(out, "  (you are the app: did `{}` work? s success, f failure, c cancelled)", a.action);
    }
    if view.ask_feedback {
        let _ = writeln!(out, "  Did this help? y / n");
    }
    let human = if view.human.prominent {
        format!("  >> a person can help now ({}); type h", view.human.reasons.join(", "))
    } else {
        "  (h: talk to a human, b: back, ?: this didn't help, q: quit)".to_owned()
    };
    let _ = writeln!(out, "{human}");
}

/// `inscene walk`: a session in the terminal; answers come from stdin or a file, one per line.
pub fn walk(
    catalog: &Path,
    ctx: Option<&Path>,
    scenario: Option<String>,
    answers: Option<&Path>,
    events_log: Option<&Path>,
    now: i64,
) -> ExitCode {
    let (catalog, ctx) = match (load(catalog), context(ctx)) {
        (Ok((c, _)), Ok(x)) => (c, x),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    // Unique per run, so that the events of several walks appended to one log
    // stay apart (`stats` counts an event once by session and `seq`).
    let session = format!("walk-{}-{}", crate::clock(), std::process::id());
    let request = match scenario {
        Some(s) => StartRequest::for_scenario(session.as_str(), s),
        None => {
            let found = resolve(&catalog, &ctx, now, &ResolveOptions::default());
            match found.suggestions.first() {
                // Crisis language in the question: no flow, a person now (the session
                // screens the question and hands over with the crisis resources).
                _ if found.crisis.is_some() => {
                    println!("crisis language in the question: connecting a person now");
                    StartRequest {
                        session: session.clone(),
                        scenario: None,
                        flow: None,
                        intervention: None,
                        human: true,
                    }
                }
                Some(s) => {
                    println!("top suggestion: {} ({})", s.scenario, s.title);
                    StartRequest::for_scenario(session.as_str(), s.scenario.clone())
                }
                None => return fail("no scenario matches this context; pass --scenario"),
            }
        }
    };
    let (mut session, mut pending) = match Session::start(&catalog, &ctx, &request, now) {
        Ok(s) => s,
        Err(e) => return fail(&format!("{e} ({})", e.code())),
    };
    let mut events = Vec::new();
    let input: Box<dyn BufRead> = match answers {
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => return fail(&format!("cannot read {}: {e}", p.display())),
        },
        None => Box::new(std::io::stdin().lock()),
    };
    let mut lines = input.lines();
    let mut out = std::io::stdout().lock();
    let mut t = now;
    loop {
        // One loop over what the core returns: forward the events, carry out
        // the effects, then show the step.
        events.append(&mut pending.events);
        for effect in std::mem::take(&mut pending.effects) {
            carry_out(effect, &mut out);
        }
        let view = session.view(&catalog, &ctx, t);
        show(&view, &mut out);
        let done = match view.status {
            Status::Active => false,
            Status::Resolved => !view.ask_feedback,
            Status::Escalated | Status::Abandoned => true,
        };
        if done {
            break;
        }
        let _ = write!(out, "> ");
        let _ = out.flush();
        let Some(Ok(line)) = lines.next() else {
            let _ = writeln!(out, "(no more answers)");
            break;
        };
        if answers.is_some() {
            let _ = writeln!(out, "{line}");
        }
        t += 1;
        match parse_answer(&line, &view)
            .and_then(|i| session.apply(&catalog, &ctx, &i, t).map_err(|e| format!("{e} ({})", e.code())))
        {
            Ok(more) => pending = more,
            Err(message) => {
                let _ = writeln!(out, "  ! {message}");
            }
        }
    }
    if let Some(log) = events_log {
        let lines: String = events.iter().filter_map(|e| serde_json::to_string(e).ok()).map(|l| l + "\n").collect();
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .and_then(|mut f| f.write_all(lines.as_bytes()));
        if let Err(e) = written {
            return fail(&format!("cannot write {}: {e}", log.display()));
        }
    }
    let _ = writeln!(out, "\nstatus: {}", session.state().status.wire_name());
    ExitCode::SUCCESS
}

/// What the terminal does for each effect: the app's part is played by the
/// person at the keyboard.
fn carry_out(effect: inscene::session::Effect, out: &mut impl Write) {
    use inscene::session::Effect;
    let _ = match effect {
        Effect::PerformAction { request, resumed } => writeln!(
            out,
            "  (the app is asked {}to perform `{}` {})",
            if resumed { "again " } else { "" },
            request.action,
            serde_json::Value::Object(request.params)
        ),
        Effect::ShowCrisis { resources, .. } => writeln!(out, "\n  !! {resources}"),
        Effect::HandOff { packet } => {
            writeln!(out, "\nhandoff packet:\n{}", serde_json::to_string_pretty(&packet).unwrap_or_default())
        }
    };
}
