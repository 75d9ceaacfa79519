#!/usr/bin/env python3
"""Writes a large event log for measurements: the 300 seeded sessions of analytics/check.py,
copied with new session ids (and their event ids) until the log holds N events.

    PYTHONPATH=target/bindings/python python3 analytics/gen_events.py 10000000 /tmp/events-10m.jsonl
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import sessions  # noqa: E402


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    base = [json.loads(e) for e in sessions(300, seed=20261203)]
    written = copy = 0
    with open(out, "w") as f:
        while written < n:
            lines = []
            for e in base:
                e = dict(e)
                e["session"] = f"c{copy}-{e['session']}"
                if "id" in e:
                    e["id"] = f"{e['session']}:{e['seq']}"
                e["at"] += copy * 86_400 // 10
                lines.append(json.dumps(e, separators=(",", ":")))
                written += 1
                if written == n:
                    break
            f.write("\n".join(lines) + "\n")
            copy += 1
    print(f"{written} events of {copy} copies in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
