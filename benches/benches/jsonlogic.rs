//! The core's JsonLogic engine against datalogic-rs (issue 16: within 1.5x per
//! evaluation), on ten rules of the shapes catalogs use, each compiled once and
//! evaluated against the same data. Run: `cargo bench -p inscene-benches --bench jsonlogic`;
//! instructions per evaluation: `examples/jsonlogic_once.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use inscene_benches::{jsonlogic_data as data, jsonlogic_rules as rules};
use std::hint::black_box;

fn jsonlogic(c: &mut Criterion) {
    let rules = rules();
    let data = data();
    let ours: Vec<inscene::logic::Rule> = rules.iter().map(|r| inscene::logic::compile(r).unwrap()).collect();
    let engine = datalogic_rs::Engine::new();
    let theirs: Vec<datalogic_rs::Logic> = rules.iter().map(|r| engine.compile(r).unwrap()).collect();
    let parsed = datalogic_rs::ParsedData::from_json(&data.to_string()).unwrap();
    // Both engines agree on every rule before either is timed.
    let mut session = engine.session();
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let theirs_holds = engine.truthy(session.eval_borrowed(t, &parsed).unwrap());
        session.reset();
        assert_eq!(o.holds(&data), theirs_holds, "rule {i}: {}", rules[i]);
    }
    let mut g = c.benchmark_group("jsonlogic/ten_rules");
    g.bench_function("inscene", |b| b.iter(|| ours.iter().filter(|r| r.holds(black_box(&data))).count()));
    g.bench_function("datalogic-rs", |b| {
        let mut session = engine.session();
        b.iter(|| {
            let mut n = 0usize;
            for t in &theirs {
                n += usize::from(engine.truthy(session.eval_borrowed(t, black_box(&parsed)).unwrap()));
                session.reset();
            }
            n
        })
    });
    g.finish();
    // Each rule alone, to see where the difference is.
    let mut g = c.benchmark_group("jsonlogic/rule");
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        g.bench_function(format!("{i}/inscene"), |b| b.iter(|| o.holds(black_box(&data))));
        g.bench_function(format!("{i}/datalogic-rs"), |b| {
            let mut session = engine.session();
            b.iter(|| {
                let held = engine.truthy(session.eval_borrowed(t, black_box(&parsed)).unwrap());
                session.reset();
                held
            })
        });
    }
    g.finish();
}

criterion_group!(benches, jsonlogic);
criterion_main!(benches);
