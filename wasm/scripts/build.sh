#!/usr/bin/env bash
# Builds the web package into wasm/pkg: wasm module, ESM glue, TypeScript types,
# the <help-panel> web component and package.json.
#
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen CLI of the version
# pinned in wasm/Cargo.toml, and `npm ci` in wasm/ (binaryen's wasm-opt,
# json-schema-to-typescript). scripts/test-all.sh installs all three.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$HERE"

WB_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  echo "wasm-bindgen CLI $WB_VERSION is needed: cargo install wasm-bindgen-cli --version $WB_VERSION" >&2
  exit 2
fi
[ -x node_modules/.bin/wasm-opt ] || npm ci --no-audit --no-fund

# Panic messages name source files: keep build-machine paths out of the shipped module
# (and 2 KB of it): cargo's registry becomes /crates, this repository /inscene.
REMAP="--remap-path-prefix=$ROOT=/inscene"
for index in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*; do
  REMAP="$REMAP --remap-path-prefix=$index=/crates"
done
export RUSTFLAGS="${RUSTFLAGS:-} $REMAP"
cargo build --profile wasm-release --target wasm32-unknown-unknown -p inscene-wasm
rm -rf pkg
wasm-bindgen --target web --out-name inscene --out-dir pkg \
  "$ROOT/target/wasm32-unknown-unknown/wasm-release/inscene_wasm.wasm"
# -O1 until nothing changes (--converge), measured on the opt-level "z" module: 253.7 KB
# gzipped against 254.2 for one -O1 pass and 321 without wasm-opt (names included); -Os
# (272.8) and -Oz (274.3) shrink the raw module but compress worse, as -O2/-O3 (275).
# Features come from the target_features section.
node_modules/.bin/wasm-opt -O1 --converge --strip-debug --strip-producers pkg/inscene_bg.wasm -o pkg/inscene_bg.wasm
node scripts/types.mjs "$ROOT/schema/inscene-api.v1.schema.json" pkg/types.d.ts
cp js/help-panel.js js/help-panel.d.ts js/README.md pkg/
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)"
sed "s/\"version\": \"0.0.0\"/\"version\": \"$VERSION\"/" js/package.json > pkg/package.json
ls -l pkg
