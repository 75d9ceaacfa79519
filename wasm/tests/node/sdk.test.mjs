// The built web package (wasm/pkg) used from Node as an app developer would:
// golden vectors replayed with the same checks as tests/golden.rs, typed errors,
// hostile input. Run: node --test wasm/tests/node/ (after wasm/scripts/build.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

import { initSync, Catalog, lint } from "../../pkg/inscene.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const read = (rel) => readFileSync(join(ROOT, rel), "utf8");
initSync({ module: readFileSync(join(ROOT, "wasm/pkg/inscene_bg.wasm")) });

const NOW = 1795000000;
const sample = new Catalog(read("content/sample-shop.json"));

/** Same rules as tests/golden.rs: objects by member, lists by prefix, "~x" = contains x. */
function subset(expected, actual, at = "", problems = []) {
  if (expected && typeof expected === "object" && !Array.isArray(expected)) {
    for (const [k, v] of Object.entries(expected)) {
      if (actual == null || !(k in actual)) {
        if (v !== null) problems.push(`${at}/${k}: missing`);
      } else subset(v, actual[k], `${at}/${k}`, problems);
    }
  } else if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || expected.length > actual.length) {
      problems.push(`${at}: expected at least ${expected.length} items`);
    } else expected.forEach((e, i) => subset(e, actual[i], `${at}/${i}`, problems));
  } else if (typeof expected === "string" && expected.startsWith("~")) {
    if (typeof actual !== "string" || !actual.includes(expected.slice(1))) {
      problems.push(`${at}: ${JSON.stringify(actual)} lacks ${JSON.stringify(expected.slice(1))}`);
    }
  } else if (expected !== actual) {
    problems.push(`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  return problems;
}

const vectors = readdirSync(join(ROOT, "tests/golden")).filter((n) => n.endsWith(".json")).sort();

test("there are golden vectors to replay", () => assert.ok(vectors.length >= 10));

for (const name of vectors) {
  test(`golden ${name} replays like Rust`, () => {
    const v = JSON.parse(read(`tests/golden/${name}`));
    const catalog = new Catalog(read(v.catalog), v.host_actions);
    if (v.resolve) assert.deepEqual(subset(v.resolve, catalog.resolve(v.context, v.now)), [], "resolve");
    if (v.event) {
      assert.deepEqual(subset(v.intervention, catalog.onEvent(v.event, v.context, v.now) ?? null), [], "intervention");
    }
    if (!v.start) return;
    const events = [];
    let ctx = v.context;
    let session = catalog.startSession(v.start, ctx, v.now, (e) => events.push(e));
    const effects = [];
    const take = () => effects.push(...session.takeEffects());
    let t = v.now;
    (v.script ?? []).forEach((item, i) => {
      t += 10;
      if (item.view) assert.deepEqual(subset(item.view, session.view(t)), [], `view at script[${i}]`);
      if (item.restore) {
        take();
        const snapshot = session.snapshot();
        session = catalog.restoreSession(snapshot, ctx, t, (e) => events.push(e));
        for (const e of session.takeEffects()) assert.ok(e.type === "perform_action" && e.resumed, `restore gave ${e.type}`);
        assert.equal(session.snapshot(), snapshot, `script[${i}]: restore changed the session`);
      }
      if (item.context) {
        ctx = item.context;
        session.setContext(ctx, t);
        take();
      }
      if (item.input) {
        const before = session.snapshot();
        try {
          session.apply(item.input, t);
          take();
          assert.equal(item.error, undefined, `script[${i}] should have failed with ${item.error}`);
        } catch (e) {
          if (e.name !== "InSceneError") throw e;
          assert.equal(e.code, item.error, `script[${i}]: ${e.message}`);
          assert.equal(session.snapshot(), before, `script[${i}]: a rejected input changed the state`);
        }
      }
    });
    assert.equal(session.view(t).status, v.expect.status, "final status");
    assert.deepEqual(events.map((e) => e.type), v.expect.events, "event sequence");
    for (const e of events) assert.equal(e.session, v.start.session);
    take();
    assert.deepEqual(session.takeEffects(), [], "effects are given once");
    const count = (list, f) => list.filter(f).length;
    assert.equal(count(effects, (e) => e.type === "hand_off"), count(events, (e) => e.type === "escalated"), "a handoff per escalation");
    assert.equal(
      count(effects, (e) => e.type === "perform_action" && !e.resumed),
      count(events, (e) => e.type === "action_requested"),
      "a request per action step reached",
    );
    const packet = session.handoff();
    const handedOff = effects.find((e) => e.type === "hand_off");
    assert.equal(Boolean(handedOff), Boolean(v.expect.handoff), "the handoff effect");
    if (handedOff) assert.deepEqual([handedOff.packet.session, handedOff.packet.reason], [packet.session, packet.reason]);
    if (v.expect.handoff) assert.deepEqual(subset(v.expect.handoff, packet), [], "handoff");
    else assert.equal(packet, undefined);
  });
}

test("errors are InSceneError with a stable code and a JSON pointer", () => {
  const base = read("tests/lint/base.json");
  assert.throws(() => new Catalog(base.replace('"schema_version": "1.3"', '"schema_version": "2.0"')), (e) => {
    assert.equal(e.name, "InSceneError");
    assert.ok(e instanceof Error);
    assert.equal(e.code, "content.unsupported_version");
    assert.equal(e.path, "/schema_version");
    return true;
  });
  const broken = new Catalog(read("content/sample-shop.json").replace('"next": "open_deleted"', '"next": "open_delted"'));
  assert.throws(() => broken.startSession({ session: "n-1", scenario: "order_missing" }, {}, NOW), {
    code: "content.dangling_next",
    path: "/flows/0/steps/1/next",
  });
  const s = sample.startSession({ session: "n-2", scenario: "account_banned" }, {}, NOW);
  assert.throws(() => s.choose("nope", NOW), { code: "session.invalid_input" });
  assert.throws(() => sample.resolve([], NOW), { code: "context.invalid" });
  assert.throws(() => sample.resolve({ screen: 5 }, NOW), { code: "context.invalid" });
  assert.throws(() => sample.startSession({ scenario: "order_missing" }, {}, NOW), { code: "session.invalid_input" });
  assert.throws(() => sample.startSession({ session: "x", scenario: "nope" }, {}, NOW), {
    code: "session.unknown_scenario",
  });
  assert.throws(() => sample.restoreSession("not a snapshot", {}, NOW), { code: "session.invalid_snapshot" });
});

test("a catalog loads from bytes; bytes that are not UTF-8 are a typed error", () => {
  const bytes = new Uint8Array(readFileSync(join(ROOT, "content/sample-shop.json")));
  const catalog = Catalog.fromBytes(bytes);
  assert.equal(catalog.id, sample.id);
  assert.deepEqual(
    catalog.resolve({ screen: "orders/detail" }, NOW).suggestions.map((s) => s.scenario),
    sample.resolve({ screen: "orders/detail" }, NOW).suggestions.map((s) => s.scenario),
  );
  assert.throws(() => Catalog.fromBytes(new Uint8Array([0x7b, 0x0a, 0xff, 0x7d])), (e) => {
    assert.equal(e.name, "InSceneError");
    assert.equal(e.code, "content.invalid_json");
    assert.match(e.message, /not UTF-8/);
    return true;
  });
});

test("hostile input gives errors, never a trap", () => {
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => sample.resolve(cyclic, NOW), { code: "context.invalid" });
  assert.throws(() => sample.resolve({ query: 1n }, NOW), { code: "context.invalid" });
  assert.throws(() => new Catalog("{".repeat(100000)), { name: "InSceneError" });
  assert.throws(() => new Catalog("\u0000garbage"), { name: "InSceneError" });
  const s = sample.startSession({ session: "n-3", scenario: "order_missing" }, {}, NOW);
  assert.throws(() => s.apply({ type: "teleport" }, NOW), { code: "session.invalid_input" });
  assert.throws(() => s.actionResult("exploded", undefined, NOW), { code: "session.invalid_input" });
  // The SDK is still usable afterwards.
  assert.equal(sample.resolve({ query: "my order disappeared" }, NOW).suggestions[0].scenario, "order_missing");
});

test("a throwing analytics hook does not break the session", () => {
  const s = sample.startSession({ session: "n-4", scenario: "order_missing" }, {}, NOW, () => {
    throw new Error("analytics down");
  });
  assert.equal(s.view(NOW).status, "active");
  assert.equal(s.askHuman(NOW).status, "escalated");
  assert.equal(s.handoff().schema, "inscene.handoff.v1");
});

test("lint places findings at line and column", () => {
  const broken = read("content/sample-shop.json").replace('"next": "open_deleted"', '"next": "open_delted"');
  const [first] = lint(broken);
  assert.deepEqual([first.code, first.severity, first.path], ["content.dangling_next", "error", "/flows/0/steps/1/next"]);
  assert.ok(broken.split("\n")[first.line - 1].includes("open_delted"));
  assert.deepEqual(lint(read("content/sample-shop.json")), []);
});

test("now defaults to the clock and the catalog describes itself", () => {
  const s = sample.startSession({ session: "n-5", scenario: "order_missing" }, { locale: "zh-Hant" });
  const view = s.view();
  assert.equal(view.locale, "zh-Hant");
  assert.equal(sample.defaultLocale, "en");
  assert.ok(sample.locales.includes("zh-Hans"));
  assert.ok(sample.id.length > 0 && sample.version.length > 0);
});

test("the redaction fixture gives what Rust gives", () => {
  const fixture = JSON.parse(read("tests/redaction.json"));
  assert.ok(fixture.redact.length >= 100 && fixture.keep.length >= 50);
  const wrong = fixture.redact.filter((c) => sample.redact(c.text) !== c.expect).map((c) => c.text)
    .concat(fixture.keep.filter((t) => sample.redact(t) !== t));
  assert.deepEqual(wrong, []);
});

// Every exported function and method, called with each kind of wrong or hostile
// argument in each position. Each call returns or throws an InSceneError (or a
// TypeError from JS itself, e.g. for BigInt where a number goes); a trap
// (WebAssembly.RuntimeError) fails, and the SDK must still work afterwards.
test("wrong-typed arguments to every export give typed errors, never a trap", () => {
  const huge = "x".repeat(5_000_000);
  const wrong = [undefined, null, 0, 42.5, -1, NaN, true, {}, [], [1, 2], { length: 5 }, () => 1, Symbol("s"), 10n,
    "\ud800", "\udfff lone", huge, new Uint8Array([0xff, 0xfe]), new Date(0)];
  const valid = read("content/sample-shop.json");
  const session = () => sample.startSession({ session: "w-1", scenario: "order_missing" }, {}, NOW);
  const calls = {
    lint: (a) => lint(a),
    "new Catalog": (a, b) => new Catalog(a, b),
    "new Catalog(valid, hostActions)": (a) => new Catalog(valid, a),
    "Catalog.fromBytes": (a) => Catalog.fromBytes(a),
    resolve: (a, b) => sample.resolve(a, b),
    onEvent: (a, b, c) => sample.onEvent(a, b, c),
    redact: (a) => sample.redact(a),
    startSession: (a, b, c, d) => sample.startSession(a, b, c, d),
    restoreSession: (a, b, c, d) => sample.restoreSession(a, b, c, d),
    view: (a) => session().view(a),
    setContext: (a, b) => session().setContext(a, b),
    next: (a) => session().next(a),
    choose: (a, b) => session().choose(a, b),
    submit: (a, b) => session().submit(a, b),
    actionResult: (a, b, c) => session().actionResult(a, b, c),
    notHelpful: (a) => session().notHelpful(a),
    askHuman: (a) => session().askHuman(a),
    back: (a) => session().back(a),
    feedback: (a, b) => session().feedback(a, b),
    abandon: (a) => session().abandon(a),
    apply: (a, b) => session().apply(a, b),
  };
  let tried = 0;
  for (const [name, call] of Object.entries(calls)) {
    for (let position = 0; position < call.length; position++) {
      for (const value of wrong) {
        const args = Array.from({ length: call.length }, () => undefined);
        args[position] = value;
        tried++;
        try {
          call(...args);
        } catch (e) {
          const label = `${name} with ${typeof value} at argument ${position}: ${e && e.message}`;
          assert.ok(!(e instanceof WebAssembly.RuntimeError), `trap: ${label}`);
          assert.ok(e.name === "InSceneError" || e instanceof TypeError, `untyped error: ${label}`);
          if (e.name === "InSceneError") assert.equal(typeof e.code, "string", label);
        }
      }
    }
  }
  assert.ok(tried > 500, `tried ${tried} calls`);
  assert.equal(sample.resolve({ query: "my order disappeared" }, NOW).suggestions[0].scenario, "order_missing");
  const s = session();
  assert.throws(() => s.choose({}, NOW), { code: "session.invalid_input" });
  assert.throws(() => new Catalog({}), { code: "content.invalid_json" });
  assert.throws(() => sample.restoreSession({}, {}, NOW), { code: "session.invalid_snapshot" });
  assert.throws(() => lint({}), { code: "content.invalid_json" });
  assert.throws(() => s.submit(123, NOW), { code: "session.invalid_input" });
});

test("a typed question finds its scenario by the examples; one that fits none is out of scope", () => {
  const zh = sample.resolve({ query: "我刚才手滑把订单删掉了", locale: "zh-Hans" }, NOW);
  assert.equal(zh.suggestions[0].scenario, "order_missing");
  assert.ok(zh.suggestions[0].reasons.some((r) => r.kind === "intent" && r.trigger === undefined));
  assert.equal(zh.text.in_scope, true);
  // The issue's own example: the nearest scenario is right, though below the sample's
  // threshold (no example says 停權), so the panel offers a person beside it.
  const hant = sample.resolve({ query: "帳號突然用不了，說被停權了", locale: "zh-Hant" }, NOW);
  assert.equal(hant.text.scenario, "account_banned");
  const away = sample.resolve({ query: "what is a good pizza place around here", screen: "orders/detail" }, NOW);
  assert.equal(away.text.in_scope, false);
  assert.ok(away.text.confidence < 0.48);
  // The screen still suggests; the matcher's words never go into the analytics event.
  assert.deepEqual(away.suggestions.map((s) => s.scenario), ["order_missing"]);
  assert.equal(away.event.text_in_scope, false);
  assert.ok(!JSON.stringify(away.event).includes("pizza"));
});

test("the desk's availability in the context shapes the route and the wait", () => {
  const desk = { channels: { chat: { open: false }, callback: { open: true, wait_seconds: 900 } } };
  const s = sample.startSession({ session: "n-desk", scenario: "order_missing" }, { desk }, NOW);
  const view = s.askHuman(NOW);
  assert.equal(view.status, "escalated");
  assert.equal(view.escalation.channels[0], "callback");
  assert.ok(!view.escalation.channels.includes("chat"));
  assert.equal(view.escalation.wait_seconds, 900);
  assert.deepEqual(view.escalation.closed, ["chat"]);
  assert.throws(
    () => sample.startSession({ session: "n-desk2", scenario: "order_missing" }, { desk: { channels: { fax: { open: true } } } }, NOW),
    { code: "context.invalid" },
  );
});
