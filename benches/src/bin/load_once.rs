//! Loads one catalog and exits, for instruction counts of a load:
//!
//! ```sh
//! cargo build --release -p inscene-benches --bin load-once
//! target/release/load-once gen 10000 /tmp/cat10k.json   # write a generated catalog
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/load-once load /tmp/cat10k.json
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a measuring tool: fail loudly

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["gen", n, path] => {
            let n: usize = n.parse().expect("a number of scenarios");
            std::fs::write(path, inscene_benches::catalog(n)).expect("the catalog is written");
            ExitCode::SUCCESS
        }
        ["load", path] => {
            let text = std::fs::read_to_string(path).expect("the catalog is readable");
            let catalog = inscene::Catalog::from_json(&text).expect("the catalog loads");
            std::hint::black_box(&catalog);
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: load-once gen N FILE | load-once load FILE");
            ExitCode::from(2)
        }
    }
}
