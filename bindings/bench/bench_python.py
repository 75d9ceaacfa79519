"""Per-call cost of resolve through the Python bindings, on the sample catalog.

Run after scripts/test-all.sh generated the bindings:
    PYTHONPATH=target/bindings/python python3 bindings/bench/bench_python.py
Compare with the native figure printed by perf-report ("sample catalog" row).
"""
import json
import os
import time

import inscene_ffi as sdk

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
with open(os.path.join(ROOT, "content", "sample-shop.json"), encoding="utf-8") as f:
    catalog = sdk.HelpCatalog(f.read())
ctx = json.dumps({"locale": "en", "screen": "orders/detail", "query": "my order disappeared",
                  "entities": {"order": {"id": "20261122001", "status": "deleted"}}})
for _ in range(500):
    catalog.resolve(ctx, 1_795_000_000)
samples = []
for _ in range(5000):
    t = time.perf_counter_ns()
    catalog.resolve(ctx, 1_795_000_000)
    samples.append((time.perf_counter_ns() - t) / 1000)
samples.sort()
print(f"python resolve (sample catalog): median {samples[len(samples) // 2]:.1f} us, p99 {samples[int(len(samples) * 0.99)]:.1f} us")
