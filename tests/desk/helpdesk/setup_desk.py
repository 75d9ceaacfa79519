"""Sets up the test desk as a desk admin would: a service account for the host backend, an agent,
the queues inscene escalates to (in the mapping's order, so their ids match it), and the custom ticket fields the mapping names
(tests/desk/django_helpdesk.mapping.json). Run after `manage.py migrate`; prints the queue ids and the agent's."""
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskproj.settings")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from helpdesk.models import CustomField, Queue  # noqa: E402

User = get_user_model()
password = os.environ["INSCENE_DESK_PASSWORD"]
User.objects.create_superuser("host-backend", "backend@example.invalid", password)
agent = User.objects.create_user("agent-li", "agent@example.invalid", password, is_staff=True)

queues = {}
for slug, title in [("support", "Support"), ("orders", "Orders"), ("safety", "Safety")]:
    queues[slug] = Queue.objects.create(title=title, slug=slug, allow_public_submission=False).id

for name, label, kind in [
    ("inscene_session", "inscene session", "varchar"),
    ("inscene_reason", "Why a person is needed", "varchar"),
    ("inscene_problem", "Problem", "varchar"),
    ("inscene_order", "Order", "varchar"),
    ("inscene_unhelpful", "Said it did not help", "integer"),
    ("inscene_follow_up", "Follow up afterwards", "boolean"),
]:
    CustomField.objects.create(name=name, label=label, data_type=kind, max_length=200, required=False)

print(json.dumps({"queues": queues, "agent": agent.id}))
