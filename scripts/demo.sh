#!/usr/bin/env bash
# Demo on the bundled sample content: the content team lints it, then an app
# uses the SDK: resolve user contexts into suggestions, walk a session to a
# person with a handoff packet, raise the proactive fraud warning, and screen
# text for crisis language.
set -euo pipefail
cd "$(dirname "$0")/.."
catalog=${1:-content/sample-shop.json}
bin="${CARGO_TARGET_DIR:-target}/debug"
echo "Building the command-line tool and the walkthrough (about a minute the first time; cargo shows its progress)..."
cargo build -p inscene-cli -p inscene-example-walkthrough
echo
echo "== The content team checks the sample catalog =="
"$bin/inscene" lint "$catalog"
echo
echo "== An app uses the SDK on it =="
"$bin/inscene-example-walkthrough" "$catalog"
