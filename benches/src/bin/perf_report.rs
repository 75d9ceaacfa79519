//! Measures the figures in docs/PERFORMANCE.md and checks them against the
//! budgets. Run in release: `cargo run --release -p inscene-benches --bin perf-report`.
//! Per-call latencies (median, p99) come from timing each call; memory is the
//! growth of the process's resident set while a catalog is loaded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a measuring tool: fail loudly

use std::hint::black_box;
use std::time::Instant;

/// Counts live heap bytes, so the catalog's own memory can be told apart from
/// allocator slack and parse temporaries that resident size also includes.
#[global_allocator]
static GLOBAL: Counting = Counting;

use inscene::Catalog;
use inscene::context::Context;
use inscene::resolve::{NaiveBaseline, ResolveOptions, resolve, resolve_naive};
use inscene::session::{Input, Session, StartRequest};
use inscene_benches::{Counting, NOW, catalog, context};

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

struct Stats {
    median_us: f64,
    p99_us: f64,
}

fn time_calls(calls: usize, mut f: impl FnMut(usize)) -> Stats {
    // Warm up on indices past the measured ones, so stateful callers can use fresh inputs.
    for i in calls..calls + calls / 10 {
        f(i);
    }
    let mut samples: Vec<f64> = (0..calls)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    Stats { median_us: percentile(&samples, 0.5), p99_us: percentile(&samples, 0.99) }
}

/// The default limits, but room for the 50k catalog's text (75 MB with ten
/// examples a scenario, over the default 64 MB a host would load).
fn bench_limits() -> inscene::Limits {
    inscene::Limits { max_source_bytes: 128 << 20, ..inscene::Limits::default() }
}

fn load_ms(json: &str, runs: usize) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(Catalog::from_json_with(json, &bench_limits()).unwrap());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    percentile(&times, 0.5)
}

/// Resident growth (MB) while an `n`-scenario catalog is loaded, measured in
/// this fresh process so freed memory of earlier work cannot hide it.
fn memory_child(path: &str) {
    // Only the source text is allocated before measuring: generating it here
    // would leave freed pages that the load would reuse unseen.
    let json = std::fs::read_to_string(path).unwrap();
    let before = resident_kib();
    let live_before = Counting::live();
    let cat = Catalog::from_json(&json).unwrap();
    let after = resident_kib();
    let live = Counting::live().saturating_sub(live_before);
    black_box(&cat);
    println!("{} {}", after.saturating_sub(before), live / 1024);
}

/// (resident growth, live heap) in MB.
fn memory_mb(n: usize) -> (f64, f64) {
    let path = std::env::temp_dir().join(format!("inscene-bench-{n}-{}.json", std::process::id()));
    std::fs::write(&path, catalog(n)).unwrap();
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe).arg("--memory").arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace().map(|p| p.parse::<f64>().unwrap_or(f64::NAN) / 1024.0);
    (parts.next().unwrap_or(f64::NAN), parts.next().unwrap_or(f64::NAN))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--memory") {
        memory_child(args.get(2).map_or("", String::as_str));
        return;
    }
    let sizes = [1_000usize, 5_000, 10_000, 50_000];
    println!(
        "| scenarios | load+compile (median) | resolve, no query (median / p99) | resolve, 200-char query (median / p99) |"
    );
    println!("|---:|---:|---:|---:|");
    let mut load = std::collections::BTreeMap::new();
    let mut resolve_q = std::collections::BTreeMap::new();
    let mut worst_p99_10k: f64 = 0.0;
    for &n in &sizes {
        let json = catalog(n);
        let load_t = load_ms(&json, if n >= 50_000 { 3 } else { 7 });
        load.insert(n, load_t);
        let cat = Catalog::from_json_with(&json, &bench_limits()).unwrap();
        let mut row = format!("| {n} | {load_t:.1} ms |");
        for query in [false, true] {
            let contexts: Vec<Context> = (0..64).map(|s| Context::from_json(&context(n, s, query)).unwrap()).collect();
            let stats = time_calls(5_000, |i| {
                black_box(resolve(&cat, &contexts[i % contexts.len()], NOW, &ResolveOptions::default()));
            });
            if query {
                resolve_q.insert(n, stats.median_us);
            }
            if n == 10_000 {
                worst_p99_10k = worst_p99_10k.max(stats.p99_us);
            }
            row.push_str(&format!(" {:.1} / {:.1} µs |", stats.median_us, stats.p99_us));
        }
        println!("{row}");
    }

    // Naive baseline at 10k, same contexts, same run.
    let n = 10_000;
    let cat = Catalog::from_json(&catalog(n)).unwrap();
    // What loading leaves for later: the text automaton and crisis screen.
    let t = Instant::now();
    cat.prepare();
    let prepare_ms = t.elapsed().as_secs_f64() * 1e3;
    let baseline = NaiveBaseline::new(&cat);
    let contexts: Vec<Context> = (0..16).map(|s| Context::from_json(&context(n, s, true)).unwrap()).collect();
    let naive = time_calls(60, |i| {
        black_box(resolve_naive(&cat, &baseline, &contexts[i % contexts.len()], NOW, &ResolveOptions::default()));
    });
    let indexed = time_calls(5_000, |i| {
        black_box(resolve(&cat, &contexts[i % contexts.len()], NOW, &ResolveOptions::default()));
    });
    let speedup = naive.median_us / indexed.median_us;

    // Session step: one input applied to a started session.
    let ctx = Context::from_json(&context(n, 3, false)).unwrap();
    let request = StartRequest::for_scenario("bench", "s42");
    let (started, _) = Session::start(&cat, &ctx, &request, NOW).unwrap();
    let mut copies: Vec<Session> = (0..5_500).map(|_| started.clone()).collect();
    let step = time_calls(5_000, |i| {
        black_box(copies[i].apply(&cat, &ctx, &Input::Next, NOW).unwrap());
    });
    drop(copies);

    // Lazy flows: the first session on a flow parses, checks and compiles it.
    let first = time_calls(1_000, |i| {
        let request = StartRequest::for_scenario("b", format!("s{}", 1_000 + i));
        black_box(Session::start(&cat, &ctx, &request, NOW).unwrap());
    });
    let again = time_calls(1_000, |i| {
        let request = StartRequest::for_scenario("b", format!("s{}", 1_000 + i));
        black_box(Session::start(&cat, &ctx, &request, NOW).unwrap());
    });
    drop(cat);
    let (rss_mb, live_mb) = memory_mb(n);
    let json = catalog(n);

    println!();
    println!("| measure | value | budget | ok |");
    println!("|---|---:|---:|:-:|");
    let check = |ok: bool| if ok { "yes" } else { "NO" };
    println!(
        "| resolve p99 at 10k (worst of with/without query) | {worst_p99_10k:.1} µs | < 50 µs | {} |",
        check(worst_p99_10k < 50.0)
    );
    println!(
        "| naive loop / indexed, 10k, with query (median) | {:.0} µs / {:.1} µs = {speedup:.0}x | >= 100x | {} |",
        naive.median_us,
        indexed.median_us,
        check(speedup >= 100.0)
    );
    let growth = resolve_q[&50_000] / resolve_q[&5_000];
    println!("| resolve(50k) / resolve(5k), with query | {growth:.2} | <= 2.5 | {} |", check(growth <= 2.5));
    println!("| load+compile 10k | {:.1} ms | < 100 ms | {} |", load[&10_000], check(load[&10_000] < 100.0));
    let load_growth = load[&10_000] / load[&1_000];
    println!("| load(10k) / load(1k) | {load_growth:.1} | <= 12 | {} |", check(load_growth <= 12.0));
    println!(
        "| `prepare()` after load at 10k (text automaton; else paid by the first typed question) | {prepare_ms:.1} ms | - | - |"
    );
    println!("| compiled 10k catalog, live heap | {live_mb:.1} MB | < 32 MB | {} |", check(live_mb < 32.0));
    println!(
        "| process resident growth while loading 10k (includes freed parse memory glibc keeps) | {rss_mb:.1} MB | - | - |"
    );
    println!(
        "| session step (apply `next`, 10k catalog) median / p99 | {:.1} / {:.1} µs | - | - |",
        step.median_us, step.p99_us
    );
    println!(
        "| session start, flow not yet compiled / already compiled (median) | {:.1} / {:.1} µs | - | - |",
        first.median_us, again.median_us
    );
    println!("\ncontent JSON size at 10k: {:.1} MB", json.len() as f64 / 1e6);

    // The sample catalog and context the binding benchmarks use, for comparing per-call overhead.
    let sample_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/sample-shop.json");
    if let Ok(sample) = std::fs::read_to_string(sample_path) {
        let cat = Catalog::from_json(&sample).unwrap();
        let ctx_json = r#"{"locale": "en", "screen": "orders/detail", "query": "my order disappeared", "entities": {"order": {"id": "20261122001", "status": "deleted"}}}"#;
        let native = time_calls(5_000, |_| {
            black_box(resolve(&cat, &Context::from_json(ctx_json).unwrap(), NOW, &ResolveOptions::default()));
        });
        println!(
            "sample catalog: native resolve incl. context parse: median {:.1} µs, p99 {:.1} µs",
            native.median_us, native.p99_us
        );
    }
}
