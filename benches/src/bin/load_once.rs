//! Loads one catalog and exits, for instruction counts of a load:
//!
//! ```sh
//! cargo build --release -p inscene-benches --bin load-once
//! target/release/load-once gen 10000 /tmp/cat10k.json   # write a generated catalog
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/load-once load /tmp/cat10k.json
//! # 64 contexts with 200-character questions, each resolved once to warm up (automaton, regexes)
//! # and then ROUNDS more times: (instructions at ROUNDS=1 - at ROUNDS=0) / 64 is one warm resolve
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/load-once resolve /tmp/cat10k.json 10000 64 1
//! # wall clock: load and load+prepare (median of 5), then resolves of the 64 contexts (median, p99)
//! target/release/load-once time /tmp/cat10k.json 10000
//! # another family of issue 16 (growing, the default; fixed; zipf): before the command
//! target/release/load-once --family zipf gen 10000 /tmp/cat10k-zipf.json
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a measuring tool: fail loudly

use std::process::ExitCode;

/// The default limits, with room for the 50k catalogs (75 MB of text).
fn limits() -> inscene::Limits {
    inscene::Limits { max_source_bytes: 128 << 20, ..inscene::Limits::default() }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut family = inscene_benches::Family::Growing;
    if args.first().map(String::as_str) == Some("--family") && args.len() > 1 {
        family = inscene_benches::Family::parse(&args[1]).expect("a family: growing, fixed or zipf");
        args.drain(..2);
    }
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["gen", n, path] => {
            let n: usize = n.parse().expect("a number of scenarios");
            std::fs::write(path, inscene_benches::catalog_in(family, n)).expect("the catalog is written");
            ExitCode::SUCCESS
        }
        ["load", path] => {
            let text = std::fs::read_to_string(path).expect("the catalog is readable");
            let catalog = inscene::Catalog::from_json_with(&text, &limits()).expect("the catalog loads");
            std::hint::black_box(&catalog);
            ExitCode::SUCCESS
        }
        ["prepare", path] => {
            let text = std::fs::read_to_string(path).expect("the catalog is readable");
            let catalog = inscene::Catalog::from_json_with(&text, &limits()).expect("the catalog loads");
            catalog.prepare();
            std::hint::black_box(&catalog);
            ExitCode::SUCCESS
        }
        ["resolve", path, n, times, rounds] => {
            let text = std::fs::read_to_string(path).expect("the catalog is readable");
            let catalog = inscene::Catalog::from_json_with(&text, &limits()).expect("the catalog loads");
            let n: usize = n.parse().expect("the catalog's number of scenarios");
            let times: usize = times.parse().expect("a number of resolves");
            let contexts: Vec<inscene::context::Context> = (0..times)
                .map(|i| {
                    inscene::context::Context::from_json(&inscene_benches::context_in(family, n, i, true))
                        .expect("context")
                })
                .collect();
            let options = inscene::resolve::ResolveOptions::default();
            // Built here, not in the first resolve, so a profile of `resolve` alone shows warm calls.
            catalog.prepare();
            let rounds: usize = rounds.parse().expect("a number of rounds");
            for _ in 0..=rounds {
                for ctx in &contexts {
                    std::hint::black_box(inscene::resolve::resolve(&catalog, ctx, 1_795_000_000, &options));
                }
            }
            ExitCode::SUCCESS
        }
        ["time", path, n] => {
            let text = std::fs::read_to_string(path).expect("the catalog is readable");
            let n: usize = n.parse().expect("the catalog's number of scenarios");
            let median = |mut v: Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
            };
            let ms = |f: &dyn Fn()| {
                median(
                    (0..5)
                        .map(|_| {
                            let t = std::time::Instant::now();
                            f();
                            t.elapsed().as_secs_f64() * 1e3
                        })
                        .collect(),
                )
            };
            let load = ms(&|| {
                std::hint::black_box(inscene::Catalog::from_json_with(&text, &limits()).expect("the catalog loads"));
            });
            let prepared = ms(&|| {
                let catalog = inscene::Catalog::from_json_with(&text, &limits()).expect("the catalog loads");
                catalog.prepare();
                std::hint::black_box(catalog);
            });
            let catalog = inscene::Catalog::from_json_with(&text, &limits()).expect("the catalog loads");
            catalog.prepare();
            let contexts: Vec<inscene::context::Context> = (0..64)
                .map(|i| {
                    inscene::context::Context::from_json(&inscene_benches::context_in(family, n, i, true))
                        .expect("context")
                })
                .collect();
            let options = inscene::resolve::ResolveOptions::default();
            let mut us: Vec<f64> = (0..5_000)
                .map(|i| {
                    let t = std::time::Instant::now();
                    std::hint::black_box(inscene::resolve::resolve(
                        &catalog,
                        &contexts[i % 64],
                        1_795_000_000,
                        &options,
                    ));
                    t.elapsed().as_secs_f64() * 1e6
                })
                .collect();
            us.sort_by(f64::total_cmp);
            let p99 = us.get(us.len() * 99 / 100).copied().unwrap_or(f64::NAN);
            println!(
                "load {load:.1} ms, load+prepare {prepared:.1} ms, resolve with a 200-character question: median {:.1} µs, p99 {p99:.1} µs",
                median(us)
            );
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "usage: load-once [--family growing|fixed|zipf] gen N FILE | load-once load FILE | load-once prepare FILE | load-once resolve FILE N TIMES ROUNDS | load-once time FILE N"
            );
            ExitCode::from(2)
        }
    }
}
