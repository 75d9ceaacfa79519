#!/usr/bin/env python3
"""Builds the seed corpora in fuzz/corpus/<target>/ from the repository's own
test data (sample content, lint fixtures, golden vectors, frozen fixtures) and
the JsonLogic suites in ../shared when present. The corpora are generated, not
committed; fuzz/regressions/<target>/ holds the committed regression inputs."""
import glob
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


catalogs = [os.path.join(ROOT, "content", "sample-shop.json"), os.path.join(ROOT, "tests", "lint", "base.json")]
catalogs += sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "v1", "content", "*.json")))
for path in catalogs:
    text = read(path)
    put("catalog_bytes", text)
    put("session_walk", text + "\x00\x01\x02\x03\x04\x05\x11\x21\x31\x09")
for path in sorted(glob.glob(os.path.join(ROOT, "tests", "lint", "*.json"))):
    fx = json.loads(read(path))
    if "source" in fx:
        put("catalog_bytes", fx["source"])
for path in sorted(glob.glob(os.path.join(ROOT, "tests", "golden", "*.json"))):
    v = json.loads(read(path))
    put("context_resolve", json.dumps(v["context"], ensure_ascii=False))
    if "start" in v:
        put("web_json", json.dumps(v["start"]))
    for item in v.get("script", []):
        if "input" in item:
            put("web_json", json.dumps(item["input"], ensure_ascii=False))
    if "event" in v:
        put("web_json", json.dumps(v["event"]))
for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "v1", "snapshots", "*.json"))):
    put("snapshot_restore", read(path).strip())
put("web_json", read(os.path.join(ROOT, "tests", "lint", "base.json")))
suites = os.environ.get("INSCENE_JSONLOGIC_SUITES") or os.path.join(os.path.dirname(ROOT), "shared", "jsonlogic", "suites")
count = 0
for path in sorted(glob.glob(os.path.join(suites, "**", "*.json"), recursive=True)):
    try:
        cases = json.loads(read(path))
    except ValueError:
        continue
    for case in cases if isinstance(cases, list) else []:
        if isinstance(case, dict) and "rule" in case:
            put("jsonlogic", json.dumps(case["rule"]) + "\x00" + json.dumps(case.get("data")))
            count += 1
        elif isinstance(case, list) and len(case) >= 2:
            put("jsonlogic", json.dumps(case[0]) + "\x00" + json.dumps(case[1]))
            count += 1
for path in sorted(glob.glob(os.path.join(ROOT, "tests", "packs", "*.pack"))):
    with open(path, "rb") as f:
        put("pack_bytes", f.read())
print(f"seeded {len(os.listdir(os.path.join(HERE, 'corpus')))} corpora ({count} JsonLogic cases)", file=sys.stderr)
