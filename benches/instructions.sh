#!/usr/bin/env bash
# Instructions per warm resolve with a 200-character question (callgrind: stable
# on this shared machine, where wall-clock time is not), for every catalog
# family of issue 16 at 5k, 10k and 50k scenarios, and the load of 10k:
#
#   bash benches/instructions.sh            # about half an hour
#   SIZES="10000" bash benches/instructions.sh
#
# A warm resolve is (instructions with 64 contexts resolved twice - once) / 64:
# the load, the first resolve of each context (lazy automaton, conditions and
# regexes) and the process cancel out.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
cargo build --release -p inscene-benches --bin load-once >&2
bin=target/release/load-once
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=${SIZES:-5000 10000 50000}
refs() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,; }
echo "| family | scenarios | instructions per resolve, 200-char query | load (instructions) |"
echo "|---|---:|---:|---:|"
for family in growing fixed zipf; do
  for n in $sizes; do
    file="$work/$family-$n.json"
    "$bin" --family "$family" gen "$n" "$file"
    two=$(refs "$bin" --family "$family" resolve "$file" "$n" 64 1)
    once=$(refs "$bin" --family "$family" resolve "$file" "$n" 64 0)
    load="-"
    if [ "$n" = 10000 ]; then load=$(refs "$bin" load "$file"); fi
    echo "| $family | $n | $(( (two - once) / 64 )) | $load |"
    rm -f "$file"
  done
done
