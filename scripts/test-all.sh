#!/usr/bin/env bash
# Runs every check and test of the project. Works on a fresh machine of our kind:
# it installs the Rust pieces it needs itself. `.ci/run` calls this script.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
rustup component add rustfmt clippy >/dev/null
rustup target add wasm32-unknown-unknown >/dev/null

step "format"
cargo fmt --all --check

step "clippy (native, all targets)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (core and the wasm facade on wasm32)"
cargo clippy -p inscene -p inscene-wasm --target wasm32-unknown-unknown --locked -- -D warnings

step "docs: the core's API documentation builds without a warning (no broken or private links)"
RUSTDOCFLAGS="-D warnings" cargo doc -p inscene --no-deps --locked -q

step "guard: core depends on no FFI crate"
if cargo tree -p inscene -e normal --locked | grep -E 'uniffi|wasm-bindgen'; then
  echo "core must not depend on uniffi or wasm-bindgen" >&2
  exit 1
fi

step "JsonLogic community suites (all 1138 cases must pass; deliberate differences would be pinned in the test)"
jl=$(cargo test -p inscene-conformance --test jsonlogic_compat --locked -q -- --nocapture 2>&1 | grep "jsonlogic-compat")
echo "$jl"
if [ -n "${CI:-}" ] && grep -q SKIPPED <<<"$jl"; then
  echo "CI must run the JsonLogic suites: ../shared/jsonlogic is missing" >&2
  exit 1
fi

step "tests (unit, conformance, CLI as a process, doctests)"
log=$(mktemp)
cargo test --workspace --locked 2>&1 | tee "$log"

step "intent matching: the sample catalog's own queries, CLINC150 and BANKING77 (eval-text floors)"
cargo build --release -p inscene-cli --locked
# The sample's threshold was chosen on tests/text/sample-dev.jsonl; the floor is issue 15's: 90 % top-1 in each locale.
./target/release/inscene eval-text content/sample-shop.json tests/text/sample-test.jsonl --min-top1 0.9 --min-oos-recall 0.8
datasets=${INSCENE_DATASETS:-../shared/datasets}
if [ -f "$datasets/clinc150/data_full.json" ] && [ -f "$datasets/banking77/train.csv" ]; then
  work=$(mktemp -d)
  ./target/release/inscene dataset clinc150 "$datasets/clinc150/data_full.json" --out "$work/clinc150"
  # Issue 15's floors: 90 % in scope, 40 % out-of-scope recall.
  ./target/release/inscene eval-text "$work/clinc150/catalog.json" "$work/clinc150/test.jsonl" "$work/clinc150/oos_test.jsonl" \
    --min-accuracy 0.90 --min-oos-recall 0.40
  ./target/release/inscene dataset banking77 "$datasets/banking77" --out "$work/banking77"
  # Issue 15's floor: 88 %.
  ./target/release/inscene eval-text "$work/banking77/catalog.json" "$work/banking77/test.jsonl" --min-accuracy 0.88
  rm -rf "$work"
elif [ -n "${CI:-}" ]; then
  echo "CI must measure intent matching on CLINC150 and BANKING77: $datasets is missing" >&2
  exit 1
else
  echo "intent data sets: SKIPPED: $datasets not found (set INSCENE_DATASETS)"
fi

step "desk adapters: the Bot Framework activity against npm botbuilder's own EventFactory"
(cd tests/desk/node && npm ci --no-audit --no-fund --silent && INSCENE_BIN="$PWD/../../../target/release/inscene" node --test)

step "bindings: build the library, generate Python, Kotlin and Swift, run the Python tests"
# One build style (--workspace) for uniffi: mixing it with -p builds rebuilds uniffi each time.
cargo build --workspace --locked
out=target/bindings
rm -rf "$out"
for language in python kotlin swift; do
  ./target/debug/uniffi-bindgen generate --library target/debug/libinscene_ffi.so --language "$language" --out-dir "$out/$language"
done
cp target/debug/libinscene_ffi.so "$out/python/"
# Swift cannot be compiled here; the generated C header must at least be valid C.
# Clang nullability qualifiers are defined away for gcc; Xcode builds it with Clang.
printf '#include "InSceneFFI.h"\n' | gcc -fsyntax-only -D_Nonnull= -D_Nullable= -D_Null_unspecified= -I "$out/swift" -x c -
PYTHONPATH="$out/python" python3 bindings/tests/test_python.py 2>&1 | tee -a "$log"

step "bindings: compile the generated Kotlin with a test program and run it on the JVM"
# JNA from Debian; the Kotlin compiler from npm (Debian's kotlin 1.3 cannot compile UniFFI output).
if [ ! -f /usr/share/java/jna.jar ]; then
  apt-get update -qq && apt-get install -y -qq libjna-java > /dev/null
fi
kotlin_home=.ci/cache/kotlin
if [ ! -x "$kotlin_home/node_modules/kotlin-compiler/bin/kotlinc" ]; then
  npm install --prefix "$kotlin_home" --no-audit --no-fund --silent kotlin-compiler@2.4.20
fi
"$kotlin_home/node_modules/kotlin-compiler/bin/kotlinc" bindings/tests/KotlinTest.kt "$out/kotlin/dev/inscene/inscene_ffi.kt" \
  -cp /usr/share/java/jna.jar -include-runtime -d "$out/kotlin-test.jar" -nowarn
java -cp "$out/kotlin-test.jar:/usr/share/java/jna.jar" -Djna.library.path=target/debug -Dinscene.root="$PWD" KotlinTestKt 2>&1 | tee -a "$log"

step "desk end to end: a real django-helpdesk on localhost, a session escalates into it and its status comes back"
PYTHON_BINDINGS="$PWD/$out/python" INSCENE_BIN="$PWD/target/release/inscene" bash tests/desk/helpdesk/run.sh 2>&1 | tee -a "$log"

step "analytics: inscene stats, the DuckDB model and the ClickHouse model (chdb) agree on the same events"
analytics_venv=.ci/cache/analytics-venv
if [ ! -x "$analytics_venv/bin/python" ] || ! cmp -s analytics/requirements.txt "$analytics_venv/requirements.txt"; then
  rm -rf "$analytics_venv"
  python3 -m venv "$analytics_venv"
  "$analytics_venv/bin/pip" install --quiet --disable-pip-version-check -r analytics/requirements.txt
  cp analytics/requirements.txt "$analytics_venv/requirements.txt"
fi
PYTHONPATH="$PWD/$out/python" INSCENE_BIN="$PWD/target/release/inscene" "$analytics_venv/bin/python" analytics/check.py 2>&1 | tee -a "$log"

step "web: build the wasm package, test it in Node, type-check it, drive the demo shop in headless Chromium"
wb_version="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' wasm/Cargo.toml)"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  # Not --locked: the registry mirror lacks a version the CLI's lockfile pins (webpki-roots 1.0.11).
  cargo install wasm-bindgen-cli --version "$wb_version"
fi
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium > /dev/null
fi
(cd wasm && npm ci --no-audit --no-fund --silent)
bash wasm/scripts/build.sh
# The web module's size budget (docs/PERFORMANCE.md): 250 KB, plus 30 KB that issue 19 allowed
# the crisis lexicon. Deterministic for a given toolchain, so a guard rather than a benchmark.
node -e 'const n = require("zlib").gzipSync(require("fs").readFileSync("wasm/pkg/inscene_bg.wasm"), { level: 9 }).length;
  console.log(`web module: ${n} B gzipped (budget 326000: 266 KB before intent matching, plus the 60 KB issue 15 allows it)`); if (n > 326000) process.exit(1);' 2>&1 | tee -a "$log"
node --test --test-reporter=tap wasm/tests/node/ 2>&1 | tee -a "$log" | grep -E '^(not )?ok|^# (pass|fail)'
(cd wasm && node_modules/.bin/tsc -p tests/types/tsconfig.json)
node --test --test-reporter=tap wasm/tests/e2e/ 2>&1 | tee -a "$log" | grep -E '^(not )?ok|^# (pass|fail)'
node wasm/bench/bench.mjs | head -3

step "arm64: the core's and the conformance tests under qemu-aarch64, and the FFI library built for aarch64"
# Debian's cross gcc links, qemu-user runs the test binaries with the arm64 libc.
if ! command -v aarch64-linux-gnu-gcc > /dev/null || ! command -v qemu-aarch64 > /dev/null; then
  apt-get update -qq && apt-get install -y -qq gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user > /dev/null
fi
rustup target add aarch64-unknown-linux-gnu > /dev/null
CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu" \
  cargo test -p inscene -p inscene-conformance --target aarch64-unknown-linux-gnu --locked --lib --tests 2>&1 \
  | tee -a "$log" | grep -E '^test result|FAILED|panicked'
cargo build --release -p inscene-ffi --target aarch64-unknown-linux-gnu --locked 2>&1 | tail -1
echo "arm64 libinscene_ffi.so: $(stat -c %s target/aarch64-unknown-linux-gnu/release/libinscene_ffi.so) bytes (stripped)"
# The mobile budget (docs/PERFORMANCE.md) is stated for x86_64: 1.71 MB stripped. Deterministic
# for a given toolchain, so a guard rather than a benchmark.
cargo build --release -p inscene-ffi --locked 2>&1 | tail -1
n=$(stat -c %s target/release/libinscene_ffi.so)
echo "x86_64 libinscene_ffi.so: $n bytes stripped (budget 1710000)" | tee -a "$log"
[ "$n" -le 1710000 ]

step "fuzz: build every cargo-fuzz target (nightly, sanitizers) and run each for 20 s, regressions first"
if cargo +nightly --version > /dev/null 2>&1; then
  command -v cargo-fuzz > /dev/null || cargo install cargo-fuzz --locked
  python3 fuzz/seed.py
  (cd fuzz && cargo +nightly fuzz build 2>&1 | tail -1)
  fuzz_ok=0
  fuzz_failed=0
  for target in $(cd fuzz && cargo +nightly fuzz list); do
    mkdir -p "fuzz/corpus/$target"
    runs=("corpus/$target")
    [ -d "fuzz/regressions/$target" ] && runs+=("regressions/$target")
    if (cd fuzz && cargo +nightly fuzz run "$target" "${runs[@]}" -- -max_total_time=20 -rss_limit_mb=2048 -timeout=10 > "../target/fuzz-$target.log" 2>&1); then
      fuzz_ok=$((fuzz_ok + 1))
      echo "ok $target: $(grep -E '^#[0-9]+' "target/fuzz-$target.log" | tail -1 | tr -d '#' | awk '{print $1}') runs"
    else
      fuzz_failed=$((fuzz_failed + 1))
      echo "FAILED $target"; tail -40 "target/fuzz-$target.log"
    fi
  done
  echo "fuzz-smoke: $fuzz_ok passed, $fuzz_failed failed" | tee -a "$log"
  [ "$fuzz_failed" -eq 0 ]
else
  echo "no nightly toolchain on this machine: the fuzz smoke runs are skipped"
fi

# One closing line over every test binary, doctest run and binding test above.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /^(python|kotlin)-bindings:|^desk-e2e:|^analytics:/ { p += $2; f += $4 }
     /^fuzz-smoke:/ { p += $2; f += $4 }
     /^# pass / { p += $3 }
     /^# fail / { f += $3 }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
