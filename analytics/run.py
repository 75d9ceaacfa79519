#!/usr/bin/env python3
"""The inscene analytics model (analytics/model.*.sql) over event logs, on DuckDB or on embedded
ClickHouse (chdb). Prints per-scenario figures in the shape `inscene stats --format json` prints.

    python3 analytics/run.py EVENTS.jsonl... [--engine duckdb|clickhouse]

Files ending in .parquet are read as Parquet, the rest as JSON lines. Needs `pip install duckdb`
(or `chdb` for --engine clickhouse); see docs/ANALYTICS.md.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Every column the model reads; other event fields are ignored.
COLUMNS = [
    ("type", "VARCHAR", "String"),
    ("at", "BIGINT", "Int64"),
    ("session", "VARCHAR", "Nullable(String)"),
    ("seq", "BIGINT", "Nullable(Int64)"),
    ("id", "VARCHAR", "Nullable(String)"),
    ("scenario", "VARCHAR", "Nullable(String)"),
    ("flow", "VARCHAR", "Nullable(String)"),
    ("step", "VARCHAR", "Nullable(String)"),
    ("reason", "VARCHAR", "Nullable(String)"),
    ("state", "VARCHAR", "Nullable(String)"),
    ("seconds_since_handoff", "BIGINT", "Nullable(Int64)"),
    ("helpful", "BOOLEAN", "Nullable(Bool)"),
    ("fallback", "BOOLEAN", "Nullable(Bool)"),
]


def statements(name):
    with open(os.path.join(HERE, name)) as f:
        text = "\n".join(l for l in f.read().splitlines() if not l.strip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def duckdb_rows(files):
    import duckdb

    con = duckdb.connect()
    cols = ", ".join(f"'{n}': '{t}'" for n, t, _ in COLUMNS)
    parts = []
    for f in files:
        if f.endswith(".parquet"):
            parts.append(f"SELECT {', '.join(chr(34) + n + chr(34) for n, _, _ in COLUMNS)} FROM read_parquet('{f}')")
        else:
            parts.append(f"SELECT * FROM read_json('{f}', format = 'newline_delimited', columns = {{{cols}}})")
    con.execute("CREATE TABLE raw_events AS " + " UNION ALL ".join(parts))
    for s in statements("model.duckdb.sql"):
        con.execute(s)

    def query(sql):
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    return query


def clickhouse_rows(files):
    from chdb import session as chs

    sess = chs.Session()
    structure = ", ".join(f"{n} {t}" for n, _, t in COLUMNS)
    parts = []
    for f in files:
        fmt = "Parquet" if f.endswith(".parquet") else "JSONEachRow"
        parts.append(f"SELECT * FROM file('{f}', '{fmt}', '{structure}')")
    sess.query("CREATE DATABASE IF NOT EXISTS inscene ENGINE = Atomic")
    sess.query("USE inscene")
    sess.query(
        f"CREATE TABLE raw_events ({structure}) ENGINE = MergeTree ORDER BY tuple() "
        "SETTINGS allow_nullable_key = 1"
    )
    for p in parts:
        sess.query("INSERT INTO raw_events " + p + " SETTINGS input_format_skip_unknown_fields = 1")
    for s in statements("model.clickhouse.sql"):
        sess.query(s)

    def query(sql):
        out = sess.query(sql, "JSONEachRow")
        text = out.bytes().decode() if hasattr(out, "bytes") else str(out)
        return [json.loads(l) for l in text.splitlines() if l.strip()]

    return query


def figures(query):
    out = {}
    for r in query("SELECT * FROM scenario_stats ORDER BY scenario"):
        out[r["scenario"]] = {
            "sessions": int(r["sessions"]),
            "resolved": int(r["resolved"]),
            "escalated": int(r["escalated"]),
            "abandoned": int(r["abandoned"]),
            "open": int(r["open"]),
            "deflection_rate": float(r["deflection_rate"]),
            "escalation_reasons": {},
            "feedback_helpful": int(r["feedback_helpful"]),
            "feedback_unhelpful": int(r["feedback_unhelpful"]),
            "steps": {},
            "reached_person": int(r["reached_person"]),
            "median_seconds_to_person": None if r["median_seconds_to_person"] is None else int(r["median_seconds_to_person"]),
            "route_fallbacks": int(r["route_fallbacks"]),
        }
    for r in query("SELECT * FROM escalation_reasons ORDER BY scenario, reason"):
        out[r["scenario"]]["escalation_reasons"][r["reason"]] = int(r["n"])
    for r in query("SELECT * FROM step_stats ORDER BY scenario, step"):
        out[r["scenario"]]["steps"][r["step"]] = {"viewed": int(r["viewed"]), "dropped": int(r["dropped"])}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events", nargs="+")
    ap.add_argument("--engine", choices=["duckdb", "clickhouse"], default="duckdb")
    args = ap.parse_args()
    files = [os.path.abspath(f) for f in args.events]
    query = duckdb_rows(files) if args.engine == "duckdb" else clickhouse_rows(files)
    json.dump(figures(query), sys.stdout, indent=2, sort_keys=False)
    print()


if __name__ == "__main__":
    main()
