//! Criterion benchmarks of load, resolve (indexed and naive) and a session step.
//! Run: `cargo bench -p inscene-benches --bench engine`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use inscene::Catalog;
use inscene::context::Context;
use inscene::resolve::{NaiveBaseline, ResolveOptions, resolve, resolve_naive};
use inscene::session::{Input, Session, StartRequest};
use inscene_benches::{NOW, catalog, context};
use std::hint::black_box;

fn load(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    for n in [1_000, 10_000] {
        let json = catalog(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &json, |b, json| {
            b.iter(|| Catalog::from_json(black_box(json)).unwrap())
        });
    }
    g.finish();
}

fn resolving(c: &mut Criterion) {
    let mut g = c.benchmark_group("resolve");
    for n in [1_000, 10_000] {
        let cat = Catalog::from_json(&catalog(n)).unwrap();
        for query in [false, true] {
            let ctx = Context::from_json(&context(n, 3, query)).unwrap();
            let label = format!("{n}/{}", if query { "query" } else { "no_query" });
            g.bench_function(BenchmarkId::new("indexed", &label), |b| {
                b.iter(|| resolve(&cat, black_box(&ctx), NOW, &ResolveOptions::default()))
            });
        }
    }
    let n = 10_000;
    let cat = Catalog::from_json(&catalog(n)).unwrap();
    let baseline = NaiveBaseline::new(&cat);
    let ctx = Context::from_json(&context(n, 3, true)).unwrap();
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("naive", "10000/query"), |b| {
        b.iter(|| resolve_naive(&cat, &baseline, black_box(&ctx), NOW, &ResolveOptions::default()))
    });
    g.finish();
}

fn session_step(c: &mut Criterion) {
    let cat = Catalog::from_json(&catalog(10_000)).unwrap();
    let ctx = Context::from_json(&context(10_000, 3, false)).unwrap();
    let request = StartRequest::for_scenario("bench", "s42");
    let (started, _) = Session::start(&cat, &ctx, &request, NOW).unwrap();
    c.bench_function("session/next+choose", |b| {
        b.iter(|| {
            let mut s = started.clone();
            s.apply(&cat, &ctx, &Input::Next, NOW).unwrap();
            s.apply(&cat, &ctx, &Input::Choose { option: "no".into() }, NOW).unwrap();
            s
        })
    });
}

criterion_group!(benches, load, resolving, session_step);
criterion_main!(benches);
