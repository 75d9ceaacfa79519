"""End to end against a real help desk: a stock django-helpdesk on localhost (run.sh starts it).

A session on the sample catalog escalates through its own content (an order the app cannot find,
the in-app action fails, the user gives the order number). The host backend, played here as an
integrator would write it, renders the handoff packet with `inscene handoff render --to
django_helpdesk` (the CLI as a process), sends the calls to the desk's REST API, reads the ticket
back and checks every mapped field, then relays what the desk says (`inscene handoff status`) into
the session: queued behind a ticket opened earlier, accepted once an agent takes it, completed once
the agent resolves it. A desk that refuses the first call (a stale credential) is a failure the
session routes past. Nothing personal from the context reaches the desk.

Environment: INSCENE_DESK_URL (…/helpdesk), INSCENE_DESK_PASSWORD, INSCENE_DESK_SETUP (setup_desk.py's
output), INSCENE_BIN (the CLI); the generated Python bindings on PYTHONPATH.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

import inscene_ffi as sdk

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
URL = os.environ["INSCENE_DESK_URL"].rstrip("/")
PASSWORD = os.environ["INSCENE_DESK_PASSWORD"]
SETUP = json.loads(os.environ["INSCENE_DESK_SETUP"])
CLI = os.environ["INSCENE_BIN"]
MAPPING = os.path.join(ROOT, "tests", "desk", "django_helpdesk.mapping.json")
NOW = 1_795_000_000
PHONE = "13812345678"
NAME = "Li Wei"


def call(method, path, body=None, password=PASSWORD):
    """One request to the desk's API as the host backend's service account."""
    auth = base64.b64encode(f"host-backend:{password}".encode()).decode()
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header("Authorization", f"Basic {auth}")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as reply:
            return json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as e:
        e.msg = f"{e.msg}: {method} {path}: {e.read().decode(errors='replace')[:500]}"
        raise


def cli(*args):
    done = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError(f"inscene {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


def desk_says(ticket_id):
    """The desk's word on a ticket as the session's desk_status input, through the CLI."""
    with tempfile.TemporaryDirectory() as d:
        ticket, listing = os.path.join(d, "ticket.json"), os.path.join(d, "open.json")
        with open(ticket, "w") as f:
            json.dump(call("GET", f"/api/tickets/{ticket_id}/"), f)
        with open(listing, "w") as f:
            json.dump(call("GET", "/api/tickets/?status=1,2&page_size=100"), f)
        return cli("handoff", "status", ticket, "--from", "django_helpdesk", "--queue", listing)


class Sink(sdk.EventSink):
    def __init__(self):
        self.events = []

    def on_event(self, event_json):
        self.events.append(json.loads(event_json))


class RealDesk(unittest.TestCase):
    def test_escalate_create_read_back_and_status_round_trip(self):
        with open(MAPPING) as f:
            mapping = json.load(f)
        self.assertEqual(SETUP["queues"]["orders"], mapping["queues"]["orders"], "the desk's queue ids match the mapping")
        with open(os.path.join(ROOT, "content", "sample-shop.json")) as f:
            catalog = sdk.HelpCatalog(f.read())

        # Someone else's ticket is already waiting in the orders queue.
        earlier = call("POST", "/api/tickets/", {"queue": mapping["queues"]["orders"], "title": "Earlier", "description": "waiting", "priority": 3})

        sink = Sink()
        ctx = {
            "locale": "en",
            "entities": {"order": {"id": "20261122001", "status": "deleted"}},
            "user": {"name": NAME, "phone": PHONE},
        }
        s = catalog.start_session("e2e-desk-1", "order_missing", None, json.dumps(ctx), NOW, sink)
        view = s.next(NOW + 1)
        self.assertEqual(view.action.action, "open_deleted_orders")
        view = s.action_result(sdk.ActionOutcome.FAILURE, None, NOW + 2)
        self.assertEqual(view.step, "ask_number")
        view = s.submit("2026112200012345", NOW + 3)
        self.assertEqual(view.status, sdk.SessionStatus.ESCALATED)
        self.assertEqual(view.escalation.channels[:2], ["chat", "voice"])
        packet = s.handoff_json()
        self.assertNotIn(PHONE, packet)

        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "packet.json")
            with open(path, "w") as f:
                f.write(packet)
            calls = json.loads(cli("handoff", "render", path, "--to", "django_helpdesk", "--mapping", MAPPING, "--format", "json"))
        self.assertEqual([(c["method"], c["path"]) for c in calls], [("POST", "/api/tickets/")])

        # A stale credential: the desk refuses, the host says so, the session routes on.
        with self.assertRaises(urllib.error.HTTPError) as refused:
            call(calls[0]["method"], calls[0]["path"], calls[0]["body"], password="rotated-away")
        self.assertEqual(refused.exception.code, 401)
        view = s.desk_status("failed", None, None, f"http_{refused.exception.code}", NOW + 4)
        self.assertEqual(view.escalation.desk.state, "failed")
        self.assertNotIn("chat", view.escalation.channels)
        self.assertTrue(view.escalation.channels, "a failure is never a dead end")

        created = call(calls[0]["method"], calls[0]["path"], calls[0]["body"])
        ticket = call("GET", f"/api/tickets/{created['id']}/")
        p = json.loads(packet)
        self.assertEqual(ticket["queue"], mapping["queues"]["orders"])
        self.assertEqual(ticket["priority"], {"urgent": 1, "high": 2, "normal": 3, "low": 4}[p["priority"]])
        self.assertTrue(ticket["title"].startswith("inscene: Needs a person"), ticket["title"])
        self.assertIn("Actions: open_deleted_orders failed.", ticket["description"])
        self.assertIn("Went through: ", ticket["description"])
        self.assertEqual(ticket["custom_inscene_session"], "e2e-desk-1")
        self.assertEqual(ticket["custom_inscene_reason"], p["reason"])
        self.assertEqual(ticket["custom_inscene_problem"], "order_missing")
        self.assertEqual(ticket["custom_inscene_order"], "20261122001")
        self.assertEqual(ticket["custom_inscene_unhelpful"], 0)
        self.assertIs(ticket["custom_inscene_follow_up"], False)
        stored = json.dumps(ticket, ensure_ascii=False)
        self.assertNotIn(PHONE, stored)
        self.assertNotIn(NAME, stored)

        # Queued behind the earlier ticket.
        view = s.apply_json(desk_says(created["id"]), NOW + 5)
        self.assertEqual((view.escalation.desk.state, view.escalation.desk.position), ("queued", 2))

        # The earlier ticket is taken, then an agent takes ours.
        call("PATCH", f"/api/tickets/{earlier['id']}/", {"assigned_to": SETUP["agent"]})
        view = s.apply_json(desk_says(created["id"]), NOW + 30)
        self.assertEqual((view.escalation.desk.state, view.escalation.desk.position), ("queued", 1))
        call("PATCH", f"/api/tickets/{created['id']}/", {"assigned_to": SETUP["agent"]})
        view = s.apply_json(desk_says(created["id"]), NOW + 60)
        self.assertEqual(view.escalation.desk.state, "accepted")

        # The agent resolves it.
        call("PATCH", f"/api/tickets/{created['id']}/", {"status": 3})
        view = s.apply_json(desk_says(created["id"]), NOW + 600)
        self.assertEqual(view.escalation.desk.state, "completed")

        statuses = [(e.get("state"), e.get("reason")) for e in sink.events if e["type"] == "handoff_status"]
        self.assertEqual(
            statuses,
            [("failed", "http_401"), ("queued", None), ("queued", None), ("accepted", None), ("completed", None)],
        )
        self.assertNotIn(PHONE, json.dumps(sink.events))


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    print(f"desk-e2e: {result.testsRun - len(result.failures) - len(result.errors)} passed, {len(result.failures) + len(result.errors)} failed")
    sys.exit(0 if result.wasSuccessful() else 1)
