"""End to end over a real Celery worker: a committed event → its trigger's actions ran."""

import time

from django.db import transaction

from automation.catalog import sample_payload
from automation.events import emit
from automation.models import TriggerRun
from automation.tests.factories import TriggerFactory
from automation.tests.trigger_actions import recording_action


def wait_until(condition, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_real_worker_runs_the_trigger_of_a_committed_event(celery_worker, make_member):
    admin = make_member("admin")
    with recording_action() as action:
        trigger = TriggerFactory(
            organization=admin.organization,
            created_by=admin.user,
            event_name="organization.updated",
            conditions={"all": [{"field": "payload.changed", "op": "contains", "value": "name"}]},
            actions=[{"type": "test.record", "params": {"note": "renamed"}}],
        )
        payload = sample_payload("organization.updated")
        payload["changed"] = ["name"]
        with transaction.atomic():
            event = emit(admin.organization, "organization.updated", payload)

        done = TriggerRun.objects.filter(trigger=trigger, status="succeeded")
        wait_until(done.exists)

    run = done.get()
    assert run.event_id == event.pk
    assert action.calls == [{"note": "renamed"}]
    assert run.conditions_result[0]["passed"] is True
