"""One run: what started it, each condition's outcome, each action's result and error."""

from __future__ import annotations

import pytest

from automation.models import TriggerRun
from automation.tests.factories import EventFactory, TriggerFactory, TriggerRunFactory

pytestmark = pytest.mark.django_db


def test_the_run_shows_conditions_and_actions(make_member, client):
    viewer = make_member("viewer")
    event = EventFactory(organization=viewer.organization, name="message.received")
    run = TriggerRunFactory(
        trigger=TriggerFactory(organization=viewer.organization, name="Tag VIPs"),
        event=event,
        status=TriggerRun.Status.FAILED,
        payload={"text": "price?"},
        conditions_result=[
            {
                "path": "0",
                "field": "contact.tags",
                "op": "tag_present",
                "value": "VIP",
                "actual": ["VIP"],
                "passed": True,
            }
        ],
        actions_result=[
            {
                "index": 0,
                "type": "contact.add_tag",
                "status": "failed",
                "result": "",
                "error": "No contact in this event.",
                "attempts": 3,
            }
        ],
    )
    client.force_login(viewer.user)

    html = client.get(f"/settings/automations/runs/{run.pk}/").content.decode()

    assert "Contact tags" in html
    assert "has the tag" in html
    assert "No contact in this event." in html
    assert "3 attempts" in html
    assert "price?" in html
    assert f"message.received #{event.pk}" in html


def test_a_run_stopped_by_loop_protection_says_why(make_member, client):
    owner = make_member("owner")
    run = TriggerRunFactory(
        trigger=TriggerFactory(organization=owner.organization),
        status=TriggerRun.Status.LOOP,
        trigger_chain=[4, 7],
    )
    client.force_login(owner.user)

    html = client.get(f"/settings/automations/runs/{run.pk}/").content.decode()

    assert "Stopped to prevent a loop" in html
    assert "4 → 7" in html


def test_a_skipped_run_says_nothing_was_done(make_member, client):
    owner = make_member("owner")
    run = TriggerRunFactory(
        trigger=TriggerFactory(organization=owner.organization), status=TriggerRun.Status.SKIPPED
    )
    client.force_login(owner.user)

    html = client.get(f"/settings/automations/runs/{run.pk}/").content.decode()

    assert "The conditions did not pass, so nothing was done." in html


def test_another_organizations_run_is_not_found(make_member, client):
    owner = make_member("owner")
    run = TriggerRunFactory()
    client.force_login(owner.user)

    assert client.get(f"/settings/automations/runs/{run.pk}/").status_code == 404
