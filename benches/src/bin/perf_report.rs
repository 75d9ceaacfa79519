//! Measures the figures in docs/PERFORMANCE.md and checks them against the
//! budgets. Run in release: `cargo run --release -p inscene-benches --bin perf-report`
//! (`-- --sample`: only the sample catalog's native figures, which `bindings/bench` compares with).
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
use inscene_benches::{Counting, Family, NOW, catalog, catalog_in, context, context_in};

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

/// Memory of a catalog, measured in this fresh process so freed memory of
/// earlier work cannot hide it: resident growth and live heap bytes after the
/// load, and live heap bytes once in use (automaton and intent model built,
/// every condition compiled, 1,000 resolves with questions). Prints KiB.
fn memory_child(family: Family, n: usize, path: &str) {
    // Only the source text is allocated before measuring: generating it here
    // would leave freed pages that the load would reuse unseen.
    let json = std::fs::read_to_string(path).unwrap();
    let contexts: Vec<Context> =
        (0..64).map(|s| Context::from_json(&context_in(family, n, s, true)).unwrap()).collect();
    let before = resident_kib();
    let live_before = Counting::live();
    let cat = Catalog::from_json_with(&json, &bench_limits()).unwrap();
    let after = resident_kib();
    let loaded = Counting::live().saturating_sub(live_before);
    cat.prepare();
    for s in cat.scenarios() {
        for t in 0..s.trigger_count() {
            black_box(s.trigger_condition(t));
        }
    }
    for i in 0..1_000 {
        black_box(resolve(&cat, &contexts[i % contexts.len()], NOW, &ResolveOptions::default()));
    }
    let in_use = Counting::live().saturating_sub(live_before);
    black_box(&cat);
    println!("{} {} {}", after.saturating_sub(before), loaded / 1024, in_use / 1024);
}

/// Memory of an `n`-scenario catalog of `family`, in bytes: (resident growth
/// while loading, live heap after the load, live heap in use).
fn memory_bytes(family: Family, n: usize) -> (f64, f64, f64) {
    let path = std::env::temp_dir().join(format!("inscene-bench-{}-{n}-{}.json", family.name(), std::process::id()));
    std::fs::write(&path, catalog_in(family, n)).unwrap();
    let exe = std::env::current_exe().unwrap();
    let out =
        std::process::Command::new(exe).args(["--memory", family.name(), &n.to_string()]).arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace().map(|p| p.parse::<f64>().unwrap_or(f64::NAN) * 1024.0);
    (parts.next().unwrap_or(f64::NAN), parts.next().unwrap_or(f64::NAN), parts.next().unwrap_or(f64::NAN))
}

/// Bytes as "MB (MiB)".
fn mb(bytes: f64) -> String {
    format!("{:.1} MB ({:.1} MiB)", bytes / 1e6, bytes / 1_048_576.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--sample") {
        sample_report();
        return;
    }
    if args.get(1).map(String::as_str) == Some("--memory") {
        let family = args.get(2).and_then(|f| Family::parse(f)).unwrap_or(Family::Growing);
        let n = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(10_000);
        memory_child(family, n, args.get(4).map_or("", String::as_str));
        return;
    }
    println!(
        "| family | scenarios | load+compile (median) | resolve, no query (median / p99) | resolve, 200-char query (median / p99) |"
    );
    println!("|---|---:|---:|---:|---:|");
    let mut load = std::collections::BTreeMap::new();
    let mut resolve_q = std::collections::BTreeMap::new();
    let mut worst_p99_10k = std::collections::BTreeMap::new();
    for family in Family::ALL {
        let sizes: &[usize] =
            if family == Family::Growing { &[1_000, 5_000, 10_000, 50_000] } else { &[5_000, 10_000, 50_000] };
        for &n in sizes {
            let json = catalog_in(family, n);
            let load_t = load_ms(&json, if n >= 50_000 { 3 } else { 7 });
            load.insert((family.name(), n), load_t);
            let cat = Catalog::from_json_with(&json, &bench_limits()).unwrap();
            drop(json);
            let mut row = format!("| {} | {n} | {load_t:.1} ms |", family.name());
            for query in [false, true] {
                let contexts: Vec<Context> =
                    (0..64).map(|s| Context::from_json(&context_in(family, n, s, query)).unwrap()).collect();
                let stats = time_calls(5_000, |i| {
                    black_box(resolve(&cat, &contexts[i % contexts.len()], NOW, &ResolveOptions::default()));
                });
                if query {
                    resolve_q.insert((family.name(), n), stats.median_us);
                }
                if n == 10_000 {
                    let worst = worst_p99_10k.entry(family.name()).or_insert(0f64);
                    *worst = worst.max(stats.p99_us);
                }
                row.push_str(&format!(" {:.1} / {:.1} µs |", stats.median_us, stats.p99_us));
            }
            println!("{row}");
        }
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
    let memory: Vec<(Family, (f64, f64, f64))> = Family::ALL.into_iter().map(|f| (f, memory_bytes(f, n))).collect();
    let json = catalog(n);

    println!();
    println!("| measure | value | budget | ok |");
    println!("|---|---:|---:|:-:|");
    let check = |ok: bool| if ok { "yes" } else { "NO" };
    for (family, p99) in &worst_p99_10k {
        println!(
            "| resolve p99 at 10k, {family} (worst of with/without query) | {p99:.1} µs | < 50 µs | {} |",
            check(*p99 < 50.0)
        );
    }
    println!(
        "| naive loop / indexed, 10k, with query (median) | {:.0} µs / {:.1} µs = {speedup:.0}x | >= 100x | {} |",
        naive.median_us,
        indexed.median_us,
        check(speedup >= 100.0)
    );
    for family in Family::ALL {
        let f = family.name();
        let growth = resolve_q[&(f, 50_000)] / resolve_q[&(f, 5_000)];
        println!(
            "| resolve(50k) / resolve(5k), {f}, with query (wall clock) | {growth:.2} | <= 2.5 | {} |",
            check(growth <= 2.5)
        );
    }
    let load_10k = load[&("growing", 10_000)];
    println!("| load+compile 10k | {load_10k:.1} ms | < 150 ms | {} |", check(load_10k < 150.0));
    let load_growth = load_10k / load[&("growing", 1_000)];
    println!("| load(10k) / load(1k) | {load_growth:.1} | <= 12 | {} |", check(load_growth <= 12.0));
    println!(
        "| `prepare()` after load at 10k (text automaton; else paid by the first typed question) | {prepare_ms:.1} ms | - | - |"
    );
    for (family, (rss, loaded, in_use)) in &memory {
        println!("| 10k catalog, {}: live heap after load | {} | - | - |", family.name(), mb(*loaded));
        println!(
            "| 10k catalog, {}: live heap in use (conditions compiled, automaton and model built, 1,000 resolves) | {} | < 32 MB | {} |",
            family.name(),
            mb(*in_use),
            check(*in_use < 32e6)
        );
        println!(
            "| 10k catalog, {}: process resident growth while loading (includes freed parse memory glibc keeps) | {} | - | - |",
            family.name(),
            mb(*rss)
        );
    }
    println!(
        "| session step (apply `next`, 10k catalog) median / p99 | {:.1} / {:.1} µs | - | - |",
        step.median_us, step.p99_us
    );
    println!(
        "| session start, flow not yet compiled / already compiled (median) | {:.1} / {:.1} µs | - | - |",
        first.median_us, again.median_us
    );
    println!("\ncontent JSON size at 10k: {:.1} MB", json.len() as f64 / 1e6);

    sample_report();
}

/// The sample catalog and context the binding benchmarks (`bindings/bench`)
/// use, timed natively: what a call through a binding is compared with.
fn sample_report() {
    let sample_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/sample-shop.json");
    let Ok(sample) = std::fs::read_to_string(sample_path) else { return };
    let cat = Catalog::from_json(&sample).unwrap();
    let ctx_json = r#"{"locale": "en", "screen": "orders/detail", "query": "my order disappeared", "entities": {"order": {"id": "20261122001", "status": "deleted"}}}"#;
    let native = time_calls(20_000, |_| {
        black_box(resolve(&cat, &Context::from_json(ctx_json).unwrap(), NOW, &ResolveOptions::default()));
    });
    let as_json = time_calls(20_000, |_| {
        let found = resolve(&cat, &Context::from_json(ctx_json).unwrap(), NOW, &ResolveOptions::default());
        black_box(serde_json::to_string(&found).unwrap());
    });
    // The bindings benches' "floor" call, natively: what of it is the call itself.
    let redact = time_calls(20_000, |_| {
        black_box(cat.redact(black_box("x")));
    });
    println!(
        "sample catalog: native resolve incl. context parse: median {:.1} µs, p99 {:.1} µs; and the resolution to JSON: median {:.1} µs, p99 {:.1} µs; redact(\"x\"): median {:.2} µs",
        native.median_us, native.p99_us, as_json.median_us, as_json.p99_us, redact.median_us
    );
}
