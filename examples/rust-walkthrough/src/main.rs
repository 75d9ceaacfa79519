//! A walkthrough of the SDK core on the bundled sample catalog: what a host app
//! does, told as the stories it serves. Like every shell, it is one loop: show
//! the step, carry out the effects the core returns, pass the user's answer on.
//! Run: `cargo run -q -p inscene-example-walkthrough [catalog.json]`.

use std::process::ExitCode;

use inscene::Catalog;
use inscene::content::Channel;
use inscene::context::Context;
use inscene::escalation::on_event;
use inscene::resolve::{ResolveOptions, resolve};
use inscene::session::{ActionOutcome, Effect, Input, Session, StartRequest};

/// The time the host passes in (the core never reads a clock).
const NOW: i64 = 1_795_000_000;

/// The user's phone number: personal data the handoff packet must not carry.
const PHONE: &str = "13812345678";

fn main() -> ExitCode {
    let path = std::env::args().nth(1).unwrap_or_else(|| "content/sample-shop.json".to_owned());
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &str) -> Result<(), String> {
    let json = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let catalog = Catalog::from_json(&json).map_err(|e| format!("{e} ({})", e.code()))?;
    let locales = &catalog.locales().supported;
    println!(
        "The sample catalog `{}` (version {}) is loaded: {} problems, in {}.",
        catalog.meta().id,
        catalog.meta().version,
        catalog.scenarios().len(),
        locales.join(", ")
    );
    story_missing_order(&catalog)?;
    story_fraud(&catalog)?;
    story_crisis(&catalog)?;
    println!("\nThat is the whole loop a host app runs. The same core runs in the iOS, Android and web SDKs.");
    Ok(())
}

fn context(json: serde_json::Value) -> Result<Context, String> {
    Context::from_json(&json.to_string()).map_err(|e| e.to_string())
}

fn channels(list: &[Channel]) -> String {
    list.iter().map(|c| c.wire_name()).collect::<Vec<_>>().join(", ")
}

/// What the user (or the app) does next, told in words.
enum Turn {
    Tap(&'static str),
    Choose(&'static str),
    AppReports(ActionOutcome),
}

fn story_missing_order(catalog: &Catalog) -> Result<(), String> {
    println!("\n1. An elderly user says his order disappeared");
    println!("   He is on the order's page, in Simplified Chinese, and types \"我的订单不见了\".");
    let ctx = context(serde_json::json!({
        "locale": "zh-Hans", "screen": "orders/detail", "query": "我的订单不见了",
        "entities": { "order": { "id": "20261122001", "status": "deleted" } },
        "user": { "segments": ["elderly"], "phone": PHONE }
    }))?;
    let found = resolve(catalog, &ctx, NOW, &ResolveOptions::default());
    println!("   The SDK suggests, with its reasons:");
    for (i, s) in found.suggestions.iter().enumerate() {
        let why: Vec<String> = s.reasons.iter().map(|r| format!("{}: {}", r.kind, r.detail)).collect();
        println!("     {}. {} (score {:.2}; {})", i + 1, s.title, s.score, why.join("; "));
    }
    let top = found.suggestions.first().ok_or("no suggestion")?;
    println!("   He opens the first one.");
    let request = StartRequest::for_scenario("demo-1", top.scenario.clone());
    let (mut session, mut out) = Session::start(catalog, &ctx, &request, NOW).map_err(|e| e.to_string())?;
    let mut events = Vec::new();
    let script = [
        Turn::Tap("Continue"),
        Turn::AppReports(ActionOutcome::Success),
        Turn::Choose("yes"),
        Turn::Choose("refund"),
        Turn::AppReports(ActionOutcome::Failure),
    ];
    let mut turns = script.iter();
    loop {
        let view = session.view(catalog, &ctx, NOW);
        if !view.text.is_empty() {
            println!("   Help says: {}", view.text);
        }
        events.append(&mut out.events);
        for effect in std::mem::take(&mut out.effects) {
            carry_out(effect);
        }
        let Some(turn) = turns.next() else { break };
        let input = match turn {
            Turn::Tap(label) => {
                println!("   He taps \"{label}\".");
                Input::Next
            }
            Turn::Choose(id) => {
                let label = view.options.iter().find(|o| o.id == *id).map_or(*id, |o| o.label.as_str());
                println!("   He chooses \"{label}\".");
                Input::Choose { option: (*id).to_owned() }
            }
            Turn::AppReports(outcome) => {
                println!("   The app reports: {}.", outcome.wire_name());
                Input::ActionResult { outcome: *outcome, data: None }
            }
        };
        out = session.apply(catalog, &ctx, &input, NOW).map_err(|e| format!("{e} ({})", e.code()))?;
    }
    let kinds: Vec<&str> = events.iter().map(|e| e.name()).collect();
    println!("   Analytics received {} events, without a word he typed: {}.", events.len(), kinds.join(", "));
    Ok(())
}

/// What this host does for each effect the core returns.
fn carry_out(effect: Effect) {
    match effect {
        Effect::PerformAction { request, .. } => {
            let params: Vec<String> = request.params.iter().map(|(k, v)| format!("{k} {v}")).collect();
            println!("   The app is asked to `{}` ({}).", request.action, params.join(", "));
        }
        Effect::ShowCrisis { resources, .. } => println!("   The app shows at once: {resources}"),
        Effect::HandOff { packet } => {
            println!(
                "   A person takes over: by {} in queue \"{}\", {} priority{}.",
                channels(&packet.channels),
                packet.queue.as_deref().unwrap_or("default"),
                packet.priority.wire_name(),
                if packet.follow_up { ", with a follow-up afterwards" } else { "" }
            );
            println!("   What the agent reads first:");
            for line in packet.summary.lines() {
                println!("     | {line}");
            }
            let file = std::env::temp_dir().join(format!("inscene-handoff-{}.json", packet.session));
            let text = serde_json::to_string_pretty(&packet).unwrap_or_default();
            let phone =
                if text.contains(PHONE) { "his phone number IS in it" } else { "his phone number is not in it" };
            match std::fs::write(&file, text) {
                Ok(()) => println!("   The whole packet, personal data redacted ({phone}), is in {}.", file.display()),
                Err(e) => println!("   (could not write the packet: {e})"),
            }
        }
    }
}

fn story_fraud(catalog: &Catalog) -> Result<(), String> {
    println!("\n2. A risky payment to a new payee");
    println!(
        "   A user starts paying 100,000 CNY to \"Charity Fund\", a payee she has never paid; the fraud score is 0.96."
    );
    let ctx = context(serde_json::json!({
        "locale": "en", "risk": { "fraud_score": 0.96 },
        "entities": { "payment": { "id": "pay_42", "amount": "100000", "currency": "CNY", "payee_name": "Charity Fund", "payee_is_new": true } }
    }))?;
    let event = serde_json::json!({ "name": "payment_initiated", "data": { "payment_id": "pay_42" } });
    match on_event(catalog, &ctx, &event, NOW).map_err(|e| e.to_string())? {
        Some(i) => {
            if let Some(h) = &i.hold_action {
                println!("   The app holds the payment first (`{}`).", h.action);
            }
            println!("   The warning: {}", i.message);
            if let Some(e) = &i.education {
                println!("   Why: {e}");
            }
            if let Some(h) = &i.human {
                println!(
                    "   A person is offered at once: by {}, {} priority.",
                    channels(&h.channels),
                    h.priority.wire_name()
                );
            }
        }
        None => println!("   No intervention fits."),
    }
    Ok(())
}

fn story_crisis(catalog: &Catalog) -> Result<(), String> {
    println!("\n3. Crisis language in a question, and a harmless look-alike");
    for query in ["this game is killing me, and my order is gone", "I want to end my life"] {
        let ctx = context(serde_json::json!({ "locale": "en", "query": query }))?;
        let found = resolve(catalog, &ctx, NOW, &ResolveOptions::default());
        println!("   Someone types \"{query}\".");
        match (&found.crisis, found.suggestions.first()) {
            (Some(c), _) => {
                println!("     Crisis language ({}): no flows. Shown at once: {}", c.kind.wire_name(), c.resources);
                println!("     A person is connected first, by {}.", channels(&c.channels));
            }
            (None, Some(s)) => println!("     Not a crisis: the SDK suggests \"{}\".", s.title),
            (None, None) => println!("     Not a crisis, and nothing matches: a person is offered."),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_walkthrough_runs_on_the_sample_catalog() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../content/sample-shop.json");
        assert_eq!(super::run(path), Ok(()));
    }
}
