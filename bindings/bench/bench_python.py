"""Per-call cost of the sample catalog's resolve through the generated Python
bindings, in release: the resolution as records, as one JSON text, and that
text decoded; a call that does almost nothing (`redact("x")`), the floor of
any call through these bindings; and a session's start + view + next.

Each call is timed alone (median and p99 over 5,000 calls after a warm-up).
Compare with the native figures of
`cargo run --release -p inscene-benches --bin perf-report -- --sample`, which
times the same catalog and context. `bash bindings/bench/run.sh` builds the
release library, generates the bindings and runs all of it.
"""
import json
import os
import time

import inscene_ffi as sdk

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NOW = 1_795_000_000
with open(os.path.join(ROOT, "content", "sample-shop.json"), encoding="utf-8") as f:
    catalog = sdk.HelpCatalog(f.read())
ctx = json.dumps({"locale": "en", "screen": "orders/detail", "query": "my order disappeared",
                  "entities": {"order": {"id": "20261122001", "status": "deleted"}}})


def session():
    s = catalog.start_session("bench", "order_missing", None, ctx, NOW, None)
    s.view(NOW)
    s.next(NOW)


CALLS = [
    ("floor: redact(\"x\")", lambda: catalog.redact("x")),
    ("resolve (records)", lambda: catalog.resolve(ctx, NOW)),
    ("resolve_json", lambda: catalog.resolve_json(ctx, NOW)),
    ("resolve_json + json.loads", lambda: json.loads(catalog.resolve_json(ctx, NOW))),
    ("start_session + view + next", session),
]


def timed(call, n):
    samples = []
    for _ in range(n):
        t = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - t) / 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.99)]


for name, call in CALLS:
    timed(call, 500)
    median, p99 = timed(call, 5000)
    print(f"python {name}: median {median:.1f} us, p99 {p99:.1f} us")
