#!/usr/bin/env bash
# Demo on the bundled sample content: lint it, then load it and list what it covers.
set -euo pipefail
cd "$(dirname "$0")/.."
catalog=${1:-content/sample-shop.json}
cargo run -q -p inscene-cli -- lint "$catalog"
echo
cargo run -q -p inscene-cli -- inspect "$catalog"
