#!/usr/bin/env bash
# Builds InSceneFFI.xcframework (device, simulator and macOS slices of the static library,
# with the generated C header and module map) and the generated Swift API into this package.
#
# Needs macOS with Xcode and:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin
# Then add the package (bindings/ios) to an app in Xcode, or `swift build` it.
#
# Untested here: there is no Swift toolchain on our Linux CI. CI does generate the same Swift
# sources, header and module map from the Linux library and syntax-checks the header with gcc.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

[ "$(uname)" = Darwin ] || { echo "build-xcframework.sh needs macOS with Xcode" >&2; exit 2; }

TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
for t in "${TARGETS[@]}"; do
  cargo build --release --locked -p inscene-ffi --target "$t"
done

OUT="$ROOT/target/ios"
rm -rf "$OUT" "$HERE/InSceneFFI.xcframework"
mkdir -p "$OUT/headers" "$OUT/sim" "$OUT/mac"

# Swift API, C header and module map from the library's metadata.
cargo build --locked -p uniffi-bindgen
./target/debug/uniffi-bindgen generate --library target/aarch64-apple-ios/release/libinscene_ffi.a \
  --language swift --out-dir "$OUT/gen"
cp "$OUT/gen/InScene.swift" "$HERE/Sources/InScene/InScene.swift"
cp "$OUT/gen/InSceneFFI.h" "$OUT/headers/"
# An XCFramework's headers folder needs the module map under this exact name.
cp "$OUT/gen/InSceneFFI.modulemap" "$OUT/headers/module.modulemap"

# One fat library per platform family: simulators (arm64 + x86_64) and macOS (arm64 + x86_64).
lipo -create target/aarch64-apple-ios-sim/release/libinscene_ffi.a target/x86_64-apple-ios/release/libinscene_ffi.a \
  -output "$OUT/sim/libinscene_ffi.a"
lipo -create target/aarch64-apple-darwin/release/libinscene_ffi.a target/x86_64-apple-darwin/release/libinscene_ffi.a \
  -output "$OUT/mac/libinscene_ffi.a"

xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/release/libinscene_ffi.a -headers "$OUT/headers" \
  -library "$OUT/sim/libinscene_ffi.a" -headers "$OUT/headers" \
  -library "$OUT/mac/libinscene_ffi.a" -headers "$OUT/headers" \
  -output "$HERE/InSceneFFI.xcframework"

echo "built $HERE/InSceneFFI.xcframework and Sources/InScene/InScene.swift"
