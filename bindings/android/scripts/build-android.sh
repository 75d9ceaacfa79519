#!/usr/bin/env bash
# Builds the Android library: libinscene_ffi.so for arm64-v8a, armeabi-v7a and x86_64 with
# cargo-ndk, and the Kotlin bindings generated from the built library, into the Gradle module.
#
# Needs: the Android NDK (ANDROID_NDK_HOME), `cargo install cargo-ndk`, and
#   rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
# Then: cd bindings/android && gradle :inscene:assembleRelease  -> inscene/build/outputs/aar/
#
# Not run in CI here (no NDK on this machine); the same library and generated Kotlin are built,
# compiled and tested on the JVM by scripts/test-all.sh.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the NDK (e.g. \$ANDROID_HOME/ndk/27.2.12479018)}"
command -v cargo-ndk > /dev/null || { echo "cargo install cargo-ndk" >&2; exit 2; }

JNI="$HERE/inscene/src/main/jniLibs"
rm -rf "$JNI"
# API 24 = Android 7.0, the module's minSdk. Release profile: lto, opt-level "s", stripped.
cargo ndk --platform 24 -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$JNI" \
  build --release --locked -p inscene-ffi

# Bindings come from the library's metadata (library mode), so they always match it.
cargo build --locked -p uniffi-bindgen
KOTLIN="$HERE/inscene/src/main/kotlin"
rm -rf "$KOTLIN/dev"
./target/debug/uniffi-bindgen generate --library "$JNI/arm64-v8a/libinscene_ffi.so" \
  --language kotlin --out-dir "$KOTLIN"  # package dev.inscene, from bindings/ffi/uniffi.toml

ls -l "$JNI"/*/libinscene_ffi.so
