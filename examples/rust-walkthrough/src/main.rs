//! A walkthrough of the SDK core on the bundled sample catalog: what a host app
//! does, step by step, printed so a newcomer can follow it.
//! Run: `cargo run -q -p inscene-example-walkthrough [catalog.json]`.

use std::process::ExitCode;

use inscene::Catalog;
use inscene::context::Context;
use inscene::escalation::on_event;
use inscene::resolve::{ResolveOptions, resolve};
use inscene::session::{ActionOutcome, Input, Session, StartRequest, Status};

/// The time the host passes in (the core never reads a clock).
const NOW: i64 = 1_795_000_000;

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
    println!("Loaded catalog `{}` version {}.", catalog.meta().id, catalog.meta().version);

    story_missing_order(&catalog)?;
    story_fraud(&catalog)?;
    story_crisis(&catalog)?;
    Ok(())
}

fn context(json: serde_json::Value) -> Result<Context, String> {
    Context::from_json(&json.to_string()).map_err(|e| e.to_string())
}

fn show(session: &Session, catalog: &Catalog, ctx: &Context) {
    let v = session.view(catalog, ctx, NOW);
    let human = if v.human.prominent {
        format!("talk to a human (recommended: {})", v.human.reasons.join(", "))
    } else {
        "talk to a human".to_owned()
    };
    println!("  [{}] {}  | {human}", v.kind, v.text);
    for o in &v.options {
        println!("      ({}) {}", o.id, o.label);
    }
    if let Some(a) = &v.action {
        println!("      host is asked to perform `{}` with {}", a.action, serde_json::Value::Object(a.params.clone()));
    }
}

fn step(session: &mut Session, catalog: &Catalog, ctx: &Context, input: Input) -> Result<(), String> {
    println!("  > {}", serde_json::to_string(&input).unwrap_or_default());
    let events = session.apply(catalog, ctx, &input, NOW).map_err(|e| format!("{e} ({})", e.code()))?;
    let kinds: Vec<&str> = events.events.iter().map(|e| e.name()).collect();
    println!("    events: {}", kinds.join(", "));
    show(session, catalog, ctx);
    Ok(())
}

fn story_missing_order(catalog: &Catalog) -> Result<(), String> {
    println!("\n== An elderly user says his order disappeared (zh-Hans) ==");
    let ctx = context(serde_json::json!({
        "locale": "zh-Hans", "screen": "orders/detail", "query": "我的订单不见了",
        "entities": { "order": { "id": "20261122001", "status": "deleted" } },
        "user": { "segments": ["elderly"], "phone": "13812345678" }
    }))?;
    let found = resolve(catalog, &ctx, NOW, &ResolveOptions::default());
    for s in &found.suggestions {
        let why: Vec<String> = s.reasons.iter().map(|r| format!("{} ({})", r.kind, r.detail)).collect();
        println!("  suggestion {:.2} {} - {}  because: {}", s.score, s.scenario, s.title, why.join("; "));
    }
    let top = found.suggestions.first().ok_or("no suggestion")?;
    let request = StartRequest::for_scenario("demo-1", top.scenario.clone());
    let (mut session, _) = Session::start(catalog, &ctx, &request, NOW).map_err(|e| e.to_string())?;
    show(&session, catalog, &ctx);
    step(&mut session, catalog, &ctx, Input::Next)?;
    step(&mut session, catalog, &ctx, Input::ActionResult { outcome: ActionOutcome::Success, data: None })?;
    step(&mut session, catalog, &ctx, Input::Choose { option: "yes".into() })?;
    step(&mut session, catalog, &ctx, Input::Choose { option: "refund".into() })?;
    step(&mut session, catalog, &ctx, Input::ActionResult { outcome: ActionOutcome::Failure, data: None })?;
    if session.state().status == Status::Escalated {
        let packet = session.handoff(catalog, &ctx).ok_or("no handoff packet")?;
        println!("  handoff packet for the agent:\n{}", serde_json::to_string_pretty(&packet).unwrap_or_default());
    }
    Ok(())
}

fn story_fraud(catalog: &Catalog) -> Result<(), String> {
    println!("\n== A risky payment to a new payee (proactive intervention) ==");
    let ctx = context(serde_json::json!({
        "locale": "en", "risk": { "fraud_score": 0.96 },
        "entities": { "payment": { "id": "pay_42", "amount": "100000", "currency": "CNY", "payee_name": "Charity Fund", "payee_is_new": true } }
    }))?;
    let event = serde_json::json!({ "name": "payment_initiated", "data": { "payment_id": "pay_42" } });
    match on_event(catalog, &ctx, &event, NOW).map_err(|e| e.to_string())? {
        Some(i) => {
            println!("  WARNING: {}", i.message);
            if let Some(e) = &i.education {
                println!("  {e}");
            }
            if let Some(h) = &i.hold_action {
                println!("  host holds the payment: `{}` {}", h.action, serde_json::Value::Object(h.params.clone()));
            }
            if let Some(h) = &i.human {
                println!("  offer a human now: {:?} at {:?} priority", h.channels, h.priority);
            }
        }
        None => println!("  no intervention"),
    }
    Ok(())
}

fn story_crisis(catalog: &Catalog) -> Result<(), String> {
    println!("\n== Crisis language in a question, and a benign look-alike ==");
    for query in ["this game is killing me, and my order is gone", "I want to end my life"] {
        let ctx = context(serde_json::json!({ "locale": "en", "query": query }))?;
        let found = resolve(catalog, &ctx, NOW, &ResolveOptions::default());
        match &found.crisis {
            Some(c) => println!("  {query:?}: CRISIS -> {:?} priority, {:?}: {}", c.priority, c.channels, c.resources),
            None => {
                println!("  {query:?}: no crisis; top suggestion {:?}", found.suggestions.first().map(|s| &s.scenario))
            }
        }
    }
    Ok(())
}
