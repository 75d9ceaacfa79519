#!/usr/bin/env python3
"""`inscene stats`, the DuckDB model and the ClickHouse model (chdb) must agree on the same events.

Runs 300 sessions on the sample catalog through the generated Python bindings (a seeded random
user: steps, choices, typed values, action results, "this didn't help", asking for a person,
leaving, the desk's word after a handoff, feedback), writes their events as one JSON-lines log,
then a copy shuffled, with one event in five sent twice and split over two files, and a Parquet
copy. Each engine must give the same per-scenario figures on every copy, and those figures must be
`inscene stats --format json` of the original log.

Environment: INSCENE_BIN (the CLI); the generated bindings on PYTHONPATH; duckdb and chdb importable
(analytics/requirements.txt). Prints `analytics: N passed, M failed`.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

import inscene_ffi as sdk

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import run  # noqa: E402  (analytics/run.py)

NOW = 1_795_000_000
SCENARIOS = ["order_missing", "login_failure", "account_banned", "unexpected_charge", "payment_fraud_risk", "hotel_booking_missing"]


class Sink(sdk.EventSink):
    def __init__(self):
        self.events = []

    def on_event(self, event_json):
        self.events.append(event_json)


def sessions(n, seed):
    rnd = random.Random(seed)
    with open(os.path.join(ROOT, "content", "sample-shop.json")) as f:
        catalog = sdk.HelpCatalog(f.read())
    known = {s for s in SCENARIOS}
    sink = Sink()
    for i in range(n):
        t = NOW + i * 600
        ctx = json.dumps({"locale": rnd.choice(["en", "zh-Hans"]), "entities": {"order": {"id": "2026", "status": "deleted"}}})
        scenario = rnd.choice(sorted(known))
        try:
            s = catalog.start_session(f"s{i}", scenario, None, ctx, t, sink)
        except sdk.HelpError.Failed:
            known.discard(scenario)
            continue
        for _ in range(12):
            t += rnd.randint(1, 30)
            v = s.view(t)
            if v.status != sdk.SessionStatus.ACTIVE:
                break
            r = rnd.random()
            try:
                if r < 0.06:
                    s.abandon(t)
                elif r < 0.12:
                    s.ask_human(t)
                elif r < 0.18:
                    s.not_helpful(t)
                elif v.action is not None:
                    s.action_result(rnd.choice([sdk.ActionOutcome.SUCCESS, sdk.ActionOutcome.FAILURE]), None, t)
                elif v.options:
                    s.choose(rnd.choice(v.options).id, t)
                elif v.kind == "input":
                    s.submit(rnd.choice(["2026112200012345", "12"]), t)
                else:
                    s.next(t)
            except sdk.HelpError.Failed:
                pass
        v = s.view(t)
        if v.status == sdk.SessionStatus.ESCALATED:
            for state in rnd.choice([[], ["queued", "accepted"], ["failed", "accepted"], ["queued", "failed"]]):
                t += rnd.randint(10, 900)
                reason = "no_agents" if state == "failed" else None
                s.desk_status(state, 2 if state == "queued" else None, None, reason, t)
        if v.status in (sdk.SessionStatus.RESOLVED, sdk.SessionStatus.ESCALATED) and rnd.random() < 0.5:
            try:
                s.feedback(rnd.random() < 0.6, t + 5)
            except sdk.HelpError.Failed:
                pass
    return sink.events


def main():
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok   {name}")
        else:
            failed += 1
            print(f"FAIL {name} {detail}")

    events = sessions(300, seed=20261203)
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "events.jsonl")
        with open(log, "w") as f:
            f.write("\n".join(events) + "\n")
        rnd = random.Random(7)
        messy = events + [e for e in events if rnd.random() < 0.2]
        rnd.shuffle(messy)
        half = len(messy) // 2
        parts = [os.path.join(d, "a.jsonl"), os.path.join(d, "b.jsonl")]
        for path, chunk in zip(parts, [messy[:half], messy[half:]]):
            with open(path, "w") as f:
                f.write("\n".join(chunk) + "\n")
        parquet = os.path.join(d, "events.parquet")
        import duckdb

        cols = ", ".join(f"'{n}': '{t}'" for n, t, _ in run.COLUMNS)
        duckdb.connect().execute(
            f"COPY (SELECT * FROM read_json('{log}', format = 'newline_delimited', columns = {{{cols}}})) TO '{parquet}' (FORMAT parquet)"
        )
        stats = subprocess.run([os.environ["INSCENE_BIN"], "stats", "--format", "json", log], capture_output=True, text=True, check=True)
        want = json.loads(stats.stdout)
        merged = subprocess.run([os.environ["INSCENE_BIN"], "stats", "--format", "json", *parts], capture_output=True, text=True, check=True)
        check("inscene stats: the shuffled, duplicated, split log gives the same figures", json.loads(merged.stdout) == want)
        spilled = subprocess.run([os.environ["INSCENE_BIN"], "stats", "--format", "json", "--spill-above-mb", "0", *parts],
                                 capture_output=True, text=True, check=True)
        check("inscene stats: the same, spread over partitions on disk", json.loads(spilled.stdout) == want)
        total = sum(s["sessions"] for s in want.values())
        check(f"the log holds {len(events)} events of {total} sessions over {len(want)} scenarios", total >= 250 and len(want) >= 3)
        check("some sessions reached a person and some routes fell back",
              sum(s["reached_person"] for s in want.values()) > 0 and sum(s["route_fallbacks"] for s in want.values()) > 0)
        for engine, files in [("duckdb", [log]), ("duckdb", parts), ("duckdb", [parquet]), ("clickhouse", [log]), ("clickhouse", parts)]:
            got = run.figures(run.duckdb_rows(files) if engine == "duckdb" else run.clickhouse_rows(files))
            label = "+".join(os.path.basename(f) for f in files)
            detail = ""
            if got != want:
                diffs = [f"{k}.{f}: {got.get(k, {}).get(f)} != {want[k][f]}" for k in want for f in want[k] if got.get(k, {}).get(f) != want[k][f]]
                detail = "; ".join(diffs[:5]) or f"scenarios {sorted(got)} != {sorted(want)}"
            check(f"{engine} on {label} agrees with inscene stats", got == want, detail)
    print(f"analytics: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
