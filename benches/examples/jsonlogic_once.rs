//! Evaluates the JsonLogic bench's ten rules ROUNDS times with one engine, for
//! instruction counts per evaluation (issue 16: the core's engine within 1.5x
//! of datalogic-rs):
//!
//! ```sh
//! cargo build --release -p inscene-benches --example jsonlogic_once
//! for e in inscene datalogic-rs; do for r in 0 1000; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/jsonlogic_once $e $r
//! done; done
//! # (instructions at 1000 - at 0) / 10,000 is one evaluation
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize =
        args.get(1).and_then(|r| r.parse().ok()).expect("usage: jsonlogic_once inscene|datalogic-rs ROUNDS");
    let rules = inscene_benches::jsonlogic_rules();
    let data = inscene_benches::jsonlogic_data();
    let mut held = 0usize;
    match args.first().map(String::as_str) {
        Some("inscene") => {
            let compiled: Vec<inscene::logic::Rule> =
                rules.iter().map(|r| inscene::logic::compile(r).unwrap()).collect();
            for _ in 0..rounds {
                held += compiled.iter().filter(|r| r.holds(black_box(&data))).count();
            }
        }
        Some("datalogic-rs") => {
            let engine = datalogic_rs::Engine::new();
            let compiled: Vec<datalogic_rs::Logic> = rules.iter().map(|r| engine.compile(r).unwrap()).collect();
            let parsed = datalogic_rs::ParsedData::from_json(&data.to_string()).unwrap();
            let mut session = engine.session();
            for _ in 0..rounds {
                for t in &compiled {
                    held += usize::from(engine.truthy(session.eval_borrowed(t, black_box(&parsed)).unwrap()));
                    session.reset();
                }
            }
        }
        _ => panic!("usage: jsonlogic_once inscene|datalogic-rs ROUNDS"),
    }
    black_box(held);
}
