#!/usr/bin/env bash
# Binding overhead (issue 16 item 6): the sample catalog's resolve natively, through the generated
# Python bindings and through the generated Kotlin bindings, all in release, one after the other.
# Needs python3, and for Kotlin a JDK, /usr/share/java/jna.jar and kotlinc (KOTLINC=path, else on
# PATH; skipped with a note when absent). Run from anywhere; prints one line per call.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/bench-bindings
mkdir -p "$out"
echo "building the release library and the binding generator..." >&2
# Two builds: a target flag (--bin) would keep cargo from building the library.
cargo build -q --release -p inscene-ffi
cargo build -q --release -p inscene-benches --bin perf-report
cargo build -q -p inscene-ffi
# The bindings are generated from the debug library (the release one is stripped of UniFFI's
# metadata; the interface is the same) and run against the release library.
meta=target/debug/libinscene_ffi.so
lib=target/release/libinscene_ffi.so
./target/debug/uniffi-bindgen generate --library "$meta" --language python --out-dir "$out/python" >/dev/null
cp "$lib" "$out/python/"
./target/release/perf-report --sample
PYTHONPATH="$out/python" python3 bindings/bench/bench_python.py
kotlinc="${KOTLINC:-$(command -v kotlinc || true)}"
if [ -z "$kotlinc" ] || [ ! -f /usr/share/java/jna.jar ]; then
    echo "kotlin: skipped (set KOTLINC to a kotlinc and install libjna-java)" >&2
    exit 0
fi
./target/debug/uniffi-bindgen generate --library "$meta" --language kotlin --out-dir "$out/kotlin" >/dev/null
"$kotlinc" bindings/bench/BenchKotlin.kt "$out/kotlin/dev/inscene/inscene_ffi.kt" -cp /usr/share/java/jna.jar \
    -include-runtime -d "$out/bench-kotlin.jar" -nowarn 2>/dev/null
java -cp "$out/bench-kotlin.jar:/usr/share/java/jna.jar" -Djna.library.path=target/release \
    -Dinscene.root="$PWD" BenchKotlinKt
