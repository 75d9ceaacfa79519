"""Times the UniFFI library through the generated Python bindings: resolve (as
records, as one JSON text, and that text decoded), and start + view + next, on
the sample catalog. Python's own call overhead is in
the figures, so compare builds with it, not with the core's criterion tables.

Run from the repository root (see docs/PERFORMANCE.md):
  cargo build -p inscene-ffi && cargo build --release -p inscene-ffi
  ./target/debug/uniffi-bindgen generate --library target/debug/libinscene_ffi.so \
      --language python --out-dir /tmp/pyrel
  cp target/release/libinscene_ffi.so /tmp/pyrel/
  PYTHONPATH=/tmp/pyrel python3 bindings/bench/ffi_bench.py
"""

import json
import time

import inscene_ffi as sdk

NOW = 1764000000
catalog = sdk.HelpCatalog(open("content/sample-shop.json", encoding="utf-8").read())
ctx = json.dumps({"locale": "en", "query": "my order disappeared", "entities": {"order": {"id": "1", "status": "deleted"}}})


def run(n):
    t = time.perf_counter()
    for _ in range(n):
        catalog.resolve(ctx, NOW)
    resolve = (time.perf_counter() - t) / n
    t = time.perf_counter()
    for _ in range(n):
        catalog.resolve_json(ctx, NOW)
    as_json = (time.perf_counter() - t) / n
    t = time.perf_counter()
    for _ in range(n):
        json.loads(catalog.resolve_json(ctx, NOW))
    decoded = (time.perf_counter() - t) / n
    t = time.perf_counter()
    for _ in range(n // 10):
        s = catalog.start_session("bench", "order_missing", None, ctx, NOW, None)
        s.view(NOW)
        s.next(NOW)
    session = (time.perf_counter() - t) / (n // 10)
    return resolve, as_json, decoded, session


run(500)
best = [min(x) for x in zip(*[run(3000) for _ in range(5)])]
print(
    f"resolve {best[0] * 1e6:.1f} us (records), {best[1] * 1e6:.1f} us (resolve_json), "
    f"{best[2] * 1e6:.1f} us (resolve_json + json.loads); start+view+next {best[3] * 1e6:.1f} us (best of 5)"
)
