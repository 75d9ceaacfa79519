#!/usr/bin/env bash
# Demo on the bundled sample content: lint it, then run the main job: resolve
# user contexts into suggestions, walk a session to a human with a handoff
# packet, raise the proactive fraud warning, and screen text for crisis.
set -euo pipefail
cd "$(dirname "$0")/.."
catalog=${1:-content/sample-shop.json}
cargo run -q -p inscene-cli -- lint "$catalog"
echo
cargo run -q -p inscene-example-walkthrough -- "$catalog"
