// Signed content packs from Node, as a web app would load them: the golden packs of
// tests/packs verified with the same cases as Rust, Python and Kotlin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

import { initSync, Catalog } from "../../pkg/inscene.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PACKS = join(ROOT, "tests/packs");
initSync({ module: readFileSync(join(ROOT, "wasm/pkg/inscene_bg.wasm")) });

const cases = JSON.parse(readFileSync(join(PACKS, "cases.json"), "utf8"));

test("golden content packs verify like Rust", () => {
  assert.ok(cases.cases.length >= 10);
  for (const c of cases.cases) {
    const bytes = new Uint8Array(readFileSync(join(PACKS, c.pack)));
    const keys = c.trust.map((k) => readFileSync(join(PACKS, k), "utf8"));
    let catalog;
    try {
      catalog = Catalog.fromPack(bytes, keys, c.installed ?? null, c.user_id ?? null, cases.now);
    } catch (e) {
      assert.equal(e.name, "InSceneError", c.name);
      assert.equal(e.code, c.expect.error, `${c.name}: ${e.message}`);
      if (c.expect.path) assert.equal(e.path, c.expect.path, c.name);
      continue;
    }
    assert.equal(c.expect.error, undefined, `${c.name}: taken`);
    assert.equal(catalog.packSequence, c.expect.sequence, c.name);
    assert.equal(catalog.version, c.expect.catalog_version, c.name);
  }
});

test("a pack's arguments of the wrong type are typed errors, never a trap", () => {
  const good = new Uint8Array(readFileSync(join(PACKS, "good.pack")));
  const key = readFileSync(join(PACKS, "key-one.pub"), "utf8");
  for (const [args, code] of [
    [["not bytes", [key], null, null, cases.now], "pack.invalid"],
    [[good, "not a list", null, null, cases.now], "pack.unknown_key"],
    [[good, [42], null, null, cases.now], "pack.unknown_key"],
    [[good, ["not a key"], null, null, cases.now], "pack.unknown_key"],
    [[good, [key], -1, null, cases.now], "session.invalid_input"],
    [[good, [key], 1.5, null, cases.now], "session.invalid_input"],
    [[good, [key], null, 7, cases.now], "session.invalid_input"],
  ]) {
    assert.throws(() => Catalog.fromPack(...args), (e) => e.name === "InSceneError" && e.code === code, String(args[1]));
  }
  assert.equal(new Catalog(readFileSync(join(PACKS, "catalog.json"), "utf8")).packSequence, undefined);
});
