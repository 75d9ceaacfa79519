//! Criterion benchmarks of load, resolve (indexed and naive) and a session step.
//! Run: `cargo bench -p inscene-benches --bench engine`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use inscene::Catalog;
use inscene::context::Context;
use inscene::resolve::{NaiveBaseline, ResolveOptions, resolve, resolve_naive};
use inscene::session::{Input, Session, StartRequest};
use inscene_benches::{Family, NOW, catalog, catalog_in, context, context_in};
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

/// The sample catalog loaded from its JSON, strictly, and from a signed pack
/// (signature, manifest checks and the strict load).
fn pack_load(c: &mut Criterion) {
    use inscene::pack::{self, Manifest, Trust};
    let json = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../content/sample-shop.json")).unwrap();
    let key = pack::key_pair([9; 32]).unwrap();
    let manifest = Manifest {
        catalog: "sample-shop".into(),
        sequence: 2,
        created_at: NOW,
        expires_at: Some(NOW + 86_400),
        min_sdk: Some("0.1.0".into()),
        max_sdk: None,
        rollout: None,
        key: pack::key_id(&key.pk),
    };
    let bytes = pack::build(&manifest, json.as_bytes(), &key).unwrap();
    let keys = [key.pk];
    let trust = Trust { keys: &keys, installed: Some(1), sdk_version: "0.1.0", now: NOW, user_id: None };
    let limits = inscene::limits::Limits::default();
    let mut g = c.benchmark_group("pack");
    g.sample_size(20);
    g.bench_function("sample/json", |b| b.iter(|| Catalog::from_json(black_box(&json)).unwrap()));
    g.bench_function("sample/json_strict", |b| {
        b.iter(|| Catalog::from_json_strict(black_box(&json), &limits).unwrap())
    });
    g.bench_function("sample/pack", |b| b.iter(|| pack::verify(black_box(&bytes), &trust, &limits).unwrap()));
    g.bench_function("sample/signature_only", |b| {
        let p = pack::parts(&bytes).unwrap();
        let sig = ed25519_compact::Signature::new(p.signature);
        b.iter(|| key.pk.verify(black_box(&p.signed), &sig).unwrap())
    });
    g.finish();
}

fn resolving(c: &mut Criterion) {
    let mut g = c.benchmark_group("resolve");
    // Every family of issue 16; 64 contexts in turn, so one lucky context does not stand for all.
    for family in Family::ALL {
        for n in [1_000, 10_000] {
            let cat = Catalog::from_json(&catalog_in(family, n)).unwrap();
            for query in [false, true] {
                let contexts: Vec<Context> =
                    (0..64).map(|s| Context::from_json(&context_in(family, n, s, query)).unwrap()).collect();
                let label = format!("{}/{n}/{}", family.name(), if query { "query" } else { "no_query" });
                let mut i = 0usize;
                g.bench_function(BenchmarkId::new("indexed", &label), |b| {
                    b.iter(|| {
                        i = (i + 1) % contexts.len();
                        resolve(&cat, black_box(&contexts[i]), NOW, &ResolveOptions::default())
                    })
                });
            }
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

criterion_group!(benches, load, pack_load, resolving, session_step);
criterion_main!(benches);
