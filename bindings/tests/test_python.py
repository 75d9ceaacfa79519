"""The generated Python bindings, used as a Python developer would.

Run by scripts/test-all.sh after `uniffi-bindgen generate --language python`,
with the built library next to the generated module.
"""
import enum
import json
import os
import sys
import unittest

import inscene_ffi as sdk

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NOW = 1_795_000_000


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


class Sink(sdk.EventSink):
    def __init__(self):
        self.events = []

    def on_event(self, event_json):
        self.events.append(json.loads(event_json))


def subset(expected, actual, at=""):
    """Expected members must equal actual ones; '~text' means contains; lists match by prefix."""
    problems = []
    if isinstance(expected, dict):
        for k, v in expected.items():
            if k not in actual:
                if v is not None:
                    problems.append(f"{at}/{k}: missing")
            else:
                problems += subset(v, actual[k], f"{at}/{k}")
    elif isinstance(expected, list):
        if len(expected) > len(actual):
            problems.append(f"{at}: expected at least {len(expected)} items")
        for i, (e, a) in enumerate(zip(expected, actual)):
            problems += subset(e, a, f"{at}/{i}")
    elif isinstance(expected, str) and expected.startswith("~"):
        if expected[1:] not in actual:
            problems.append(f"{at}: {actual!r} lacks {expected[1:]!r}")
    elif expected != actual:
        problems.append(f"{at}: expected {expected!r}, got {actual!r}")
    return problems


def plain(value):
    """A generated record as the core's JSON has it: records as objects, enums by
    their wire names, the action's parameters parsed from their JSON text."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.name.lower()
    out = {}
    for k, v in vars(value).items():
        if k == "params_json":
            out["params"] = json.loads(v)
        else:
            out[k] = plain(v)
    return out


class BindingTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.catalog = sdk.HelpCatalog(read("content/sample-shop.json"))

    def test_resolve_missing_order(self):
        ctx = json.dumps({"locale": "en", "query": "my order disappeared", "entities": {"order": {"id": "1", "status": "deleted"}}})
        found = self.catalog.resolve(ctx, NOW)
        self.assertEqual(found.suggestions[0].scenario, "order_missing")
        self.assertIn("text", [r.kind for r in found.suggestions[0].reasons])
        self.assertIsNone(found.crisis)

    def test_resolve_json_is_the_resolution_as_the_schema_says(self):
        ctx = json.dumps({"locale": "en", "query": "my order disappeared", "entities": {"order": {"id": "1", "status": "deleted"}}})
        records = self.catalog.resolve(ctx, NOW)
        found = json.loads(self.catalog.resolve_json(ctx, NOW))
        self.assertEqual([s["scenario"] for s in found["suggestions"]], [s.scenario for s in records.suggestions])
        self.assertEqual([s["score"] for s in found["suggestions"]], [s.score for s in records.suggestions])
        self.assertEqual([r["kind"] for r in found["suggestions"][0]["reasons"]], [r.kind for r in records.suggestions[0].reasons])
        self.assertEqual(found["event"]["type"], "suggested")
        self.assertTrue(found["text"]["in_scope"])
        with self.assertRaises(sdk.HelpError):
            self.catalog.resolve_json("[]", NOW)

    def test_walk_to_resolution_with_events(self):
        sink = Sink()
        ctx = json.dumps({"locale": "zh-Hans", "entities": {"order": {"id": "20261122001", "status": "deleted"}}})
        s = self.catalog.start_session("py-1", "order_missing", None, ctx, NOW, sink)
        view = s.view(NOW)
        self.assertEqual(view.step, "explain_deleted")
        self.assertIn("20261122001", view.text)
        view = s.next(NOW)
        self.assertEqual(view.action.action, "open_deleted_orders")
        self.assertEqual(json.loads(view.action.params_json), {"order_id": "20261122001"})
        view = s.action_result(sdk.ActionOutcome.SUCCESS, None, NOW)
        view = s.choose("yes", NOW)
        view = s.choose("restore", NOW)
        view = s.action_result(sdk.ActionOutcome.SUCCESS, None, NOW)
        self.assertEqual(view.status, sdk.SessionStatus.RESOLVED)
        self.assertTrue(view.ask_feedback)
        s.feedback(True, NOW)
        kinds = [e["type"] for e in sink.events]
        self.assertEqual(kinds[0], "started")
        self.assertIn("resolved", kinds)
        self.assertEqual(kinds[-1], "feedback")

    def test_walk_to_escalation_and_handoff(self):
        ctx = json.dumps({"locale": "en", "screen": "login", "user": {"segments": ["elderly"], "phone": "13812345678"}})
        s = self.catalog.start_session("py-2", "login_failure", None, ctx, NOW, None)
        self.assertTrue(s.view(NOW).human.prominent)
        view = s.choose("other", NOW)
        self.assertEqual(view.status, sdk.SessionStatus.ESCALATED)
        packet = json.loads(s.handoff_json())
        self.assertEqual(packet["schema"], "inscene.handoff.v1")
        self.assertEqual(packet["reason_detail"], "login_failure")
        self.assertEqual(packet["channels"][0], "voice")
        self.assertTrue(packet["follow_up"])
        self.assertNotIn("13812345678", json.dumps(packet))

    def test_desk_availability_and_status(self):
        desk = {"channels": {"chat": {"open": False}, "callback": {"open": True, "wait_seconds": 900}}}
        ctx = json.dumps({"locale": "en", "entities": {"order": {"id": "1", "status": "deleted"}}, "desk": desk})
        s = self.catalog.start_session("py-desk", "order_missing", None, ctx, NOW, None)
        view = s.ask_human(NOW)
        self.assertEqual(view.escalation.channels[0], "callback")
        self.assertNotIn("chat", view.escalation.channels)
        self.assertEqual(view.escalation.wait_seconds, 900)
        e = s.desk_status("queued", 2, 600, None, NOW + 5).escalation
        self.assertEqual((e.desk.state, e.desk.position, e.wait_seconds), ("queued", 2, 600))
        e = s.desk_status("failed", None, None, "no_agents", NOW + 10).escalation
        self.assertEqual(e.channels, ["ticket"])
        self.assertEqual((e.desk.state, e.desk.reason, e.failed), ("failed", "no_agents", ["callback"]))
        with self.assertRaises(sdk.HelpError.Failed) as e:
            s.desk_status("failed", None, None, "Agent Li Wei is away", NOW + 11)
        self.assertEqual(e.exception.code, "session.invalid_input")
        with self.assertRaises(sdk.HelpError.Failed) as e:
            s.desk_status("lost", None, None, None, NOW + 12)
        self.assertEqual(e.exception.code, "session.invalid_input")
        self.assertEqual(s.desk_status("accepted", None, None, None, NOW + 20).escalation.desk.state, "accepted")

    def test_typed_errors(self):
        broken = read("content/sample-shop.json").replace('"next": "open_deleted"', '"next": "open_delted"', 1)
        with self.assertRaises(sdk.HelpError.Failed) as caught:
            sdk.HelpCatalog(read("tests/lint/base.json").replace('"schema_version": "1.3"', '"schema_version": "2.0"'))
        self.assertEqual(caught.exception.code, "content.unsupported_version")
        self.assertEqual(caught.exception.path, "/schema_version")
        lazy = sdk.HelpCatalog(broken)
        with self.assertRaises(sdk.HelpError.Failed) as caught:
            lazy.start_session("py-3", "order_missing", None, "{}", NOW, None)
        self.assertEqual(caught.exception.code, "content.dangling_next")
        self.assertEqual(caught.exception.path, "/flows/0/steps/1/next")
        s = self.catalog.start_session("py-4", "account_banned", None, "{}", NOW, None)
        with self.assertRaises(sdk.HelpError.Failed) as caught:
            s.choose("nope", NOW)
        self.assertEqual(caught.exception.code, "session.invalid_input")
        with self.assertRaises(sdk.HelpError.Failed) as caught:
            self.catalog.resolve("[]", NOW)
        self.assertEqual(caught.exception.code, "context.invalid")

    def test_load_from_bytes(self):
        with open(os.path.join(ROOT, "content", "sample-shop.json"), "rb") as f:
            raw = f.read()
        catalog = sdk.HelpCatalog.from_bytes(raw)
        self.assertEqual(catalog.id(), self.catalog.id())
        self.assertEqual(catalog.resolve('{"screen": "orders/detail"}', NOW).suggestions[0].scenario,
                         self.catalog.resolve('{"screen": "orders/detail"}', NOW).suggestions[0].scenario)
        with self.assertRaises(sdk.HelpError.Failed) as caught:
            sdk.HelpCatalog.from_bytes(b'{\n  "id": "\xff"}')
        self.assertEqual(caught.exception.code, "content.invalid_json")
        self.assertIn("not UTF-8", caught.exception.detail)

    def test_golden_content_packs_verify_like_rust(self):
        folder = os.path.join(ROOT, "tests", "packs")
        with open(os.path.join(folder, "cases.json")) as f:
            cases = json.load(f)
        for case in cases["cases"]:
            name, expect = case["name"], case["expect"]
            keys = []
            for k in case["trust"]:
                with open(os.path.join(folder, k)) as f:
                    keys.append(f.read())
            with open(os.path.join(folder, case["pack"]), "rb") as f:
                raw = f.read()
            try:
                catalog = sdk.HelpCatalog.from_pack(raw, keys, case.get("installed"), case.get("user_id"), cases["now"])
            except sdk.HelpError.Failed as e:
                self.assertEqual(e.code, expect.get("error"), name)
                if "path" in expect:
                    self.assertEqual(e.path, expect["path"], name)
                continue
            self.assertNotIn("error", expect, name)
            self.assertEqual(catalog.pack_sequence(), expect["sequence"], name)
            self.assertEqual(catalog.version(), expect["catalog_version"], name)
        self.assertGreaterEqual(len(cases["cases"]), 10)

    def test_lint_positions(self):
        broken = read("content/sample-shop.json").replace('"next": "open_deleted"', '"next": "open_delted"', 1)
        findings = sdk.lint(broken)
        first = findings[0]
        self.assertEqual((first.code, first.severity, first.path), ("content.dangling_next", "error", "/flows/0/steps/1/next"))
        self.assertIn("open_delted", broken.splitlines()[first.line - 1])

    def test_redaction_fixture_like_rust(self):
        fixture = json.loads(read("tests/redaction.json"))
        self.assertGreaterEqual(len(fixture["redact"]), 100)
        self.assertGreaterEqual(len(fixture["keep"]), 50)
        wrong = [c["text"] for c in fixture["redact"] if self.catalog.redact(c["text"]) != c["expect"]]
        wrong += [t for t in fixture["keep"] if self.catalog.redact(t) != t]
        self.assertEqual(wrong, [])

    def test_wrong_typed_arguments_are_typed_errors(self):
        """Every exported call, each argument position, each kind of wrong value:
        a Python error (TypeError, ValueError, OverflowError) or HelpError, never a crash."""
        wrong = [None, 0, -1, 2**70, 1.5, True, {}, [], b"\xff", object(), "\ud800", "x" * 5_000_000, "{"]
        valid = read("content/sample-shop.json")

        def session():
            return self.catalog.start_session("w-1", "order_missing", None, "{}", NOW, None)

        calls = {
            "lint": (sdk.lint, 1),
            "HelpCatalog": (sdk.HelpCatalog, 1),
            "HelpCatalog.from_bytes": (sdk.HelpCatalog.from_bytes, 1),
            "HelpCatalog.with_host_actions": (lambda a, b: sdk.HelpCatalog.with_host_actions(a, b), 2),
            "resolve": (self.catalog.resolve, 2),
            "resolve_json": (self.catalog.resolve_json, 2),
            "on_event": (self.catalog.on_event, 3),
            "redact": (self.catalog.redact, 1),
            "start_session": (lambda a, b, c, d, e: self.catalog.start_session(a, b, c, d, e, None), 5),
            "connect_human": (lambda a, b, c: self.catalog.connect_human(a, b, c, None), 3),
            "restore_session": (lambda a, b, c: self.catalog.restore_session(a, b, c, None), 3),
            "view": (lambda a: session().view(a), 1),
            "set_context": (lambda a, b: session().set_context(a, b), 2),
            "choose": (lambda a, b: session().choose(a, b), 2),
            "submit": (lambda a, b: session().submit(a, b), 2),
            "action_result": (lambda a, b, c: session().action_result(a, b, c), 3),
            "feedback": (lambda a, b: session().feedback(a, b), 2),
            "apply_json": (lambda a, b: session().apply_json(a, b), 2),
            "desk_status": (lambda a, b, c, d, e: session().desk_status(a, b, c, d, e), 5),
            "HelpCatalog.from_pack": (sdk.HelpCatalog.from_pack, 5),
        }
        with open(os.path.join(ROOT, "tests", "packs", "good.pack"), "rb") as f:
            good_pack = f.read()
        defaults = {"HelpCatalog.with_host_actions": [valid, ["open_deleted_orders"]],
                    "desk_status": ["queued", None, None, None, NOW],
                    "HelpCatalog.from_pack": [good_pack, [read("tests/packs/key-one.pub")], None, None, NOW],
                    "action_result": [sdk.ActionOutcome.SUCCESS, None, NOW]}
        tried = 0
        for name, (call, arity) in calls.items():
            for position in range(arity):
                for value in wrong:
                    args = list(defaults.get(name, ["{}"] * arity))
                    if name not in defaults:
                        args = ["{}" if i < arity - 1 else NOW for i in range(arity)]
                    args[position] = value
                    tried += 1
                    try:
                        call(*args)
                    except (TypeError, ValueError, OverflowError, sdk.HelpError):
                        pass
        self.assertGreater(tried, 300)
        found = self.catalog.resolve('{"query": "my order disappeared"}', NOW)
        self.assertEqual(found.suggestions[0].scenario, "order_missing")

    def test_golden_vectors_replay_like_rust(self):
        folder = os.path.join(ROOT, "tests", "golden")
        names = sorted(n for n in os.listdir(folder) if n.endswith(".json"))
        self.assertGreaterEqual(len(names), 10)
        replayed = checked_views = 0
        for name in names:
            v = json.loads(read(os.path.join("tests", "golden", name)))
            if "start" not in v:
                continue
            if "host_actions" in v:
                catalog = sdk.HelpCatalog.with_host_actions(read(v["catalog"]), v["host_actions"])
            else:
                catalog = sdk.HelpCatalog(read(v["catalog"]))
            ctx = json.dumps(v["context"])
            sink = Sink()
            start = v["start"]
            if start.get("human"):
                s = catalog.connect_human(start["session"], ctx, v["now"], sink)
            else:
                s = catalog.start_session(
                    start["session"], start.get("scenario"), start.get("flow"), ctx, v["now"], sink,
                    intervention=start.get("intervention"),
                )
            t = v["now"]
            effects = list(s.take_effects())
            views = 0
            for i, item in enumerate(v.get("script", [])):
                t += 10
                if "view" in item:
                    # The same shape as the core's view, so the Rust vector's expectation holds as written.
                    problems = subset(item["view"], plain(s.view(t)))
                    self.assertEqual(problems, [], f"{name}: view at script[{i}]")
                    views += 1
                if "restore" in item:
                    s = catalog.restore_session(s.snapshot(), ctx, t, sink)
                    for e in s.take_effects():
                        self.assertTrue(e.is_perform_action() and e.resumed, f"{name}: restore gave {e}")
                if "context" in item:
                    ctx = json.dumps(item["context"])
                    s.set_context(ctx, t)
                    effects += s.take_effects()
                if "input" in item:
                    try:
                        s.apply_json(json.dumps(item["input"]), t)
                        effects += s.take_effects()
                        self.assertNotIn("error", item, f"{name} script[{i}] should have failed")
                    except sdk.HelpError.Failed as e:
                        self.assertEqual(e.code, item.get("error"), f"{name} script[{i}]")
            expect = v["expect"]
            self.assertEqual(s.view(t).status.name.lower(), expect["status"], name)
            self.assertEqual([e["type"] for e in sink.events], expect["events"], name)
            # The core's effects, each once: a handoff per escalation, a request per action step.
            self.assertEqual(list(s.take_effects()), [], f"{name}: effects are given once")
            kinds = [e["type"] for e in sink.events]
            handoffs = [e for e in effects if e.is_hand_off()]
            self.assertEqual(len(handoffs), kinds.count("escalated"), name)
            asked = [e for e in effects if e.is_perform_action() and not e.resumed]
            self.assertEqual(len(asked), kinds.count("action_requested"), name)
            self.assertEqual(bool(handoffs), "handoff" in expect, name)
            if handoffs:
                self.assertEqual(json.loads(handoffs[0].packet_json)["reason"], json.loads(s.handoff_json())["reason"])
            if "handoff" in expect:
                problems = subset(expect["handoff"], json.loads(s.handoff_json()))
                self.assertEqual(problems, [], name)
            replayed += 1
            checked_views += views
        self.assertGreaterEqual(replayed, 10)
        self.assertGreaterEqual(checked_views, 30)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=1).result
    print(f"python-bindings: {result.testsRun - len(result.failures) - len(result.errors)} passed, {len(result.failures) + len(result.errors)} failed")
    sys.exit(0 if result.wasSuccessful() else 1)
