"""Each organization may start AUTOMATION_RUNS_PER_MINUTE runs a minute; more wait."""

import pytest
from django.conf import settings as django_settings

from automation.tests.factories import EventFactory, TriggerFactory, TriggerRunFactory
from automation.tests.trigger_actions import recording_action
from automation.triggers.runner import run_execute
from config.redis_connection import redis_client


@pytest.fixture
def action():
    with recording_action() as recorder:
        yield recorder


@pytest.fixture
def clean_counters():
    """Counters of earlier test sessions (same organization ids) must not count here."""
    client = redis_client()
    for key in client.scan_iter(f"{django_settings.REDIS_KEY_PREFIX}:automation:runs:*"):
        client.delete(key)


def _runs(member, count):
    trigger = TriggerFactory(
        organization=member.organization,
        created_by=member.user,
        actions=[{"type": "test.record", "params": {}}],
    )
    runs = []
    for _ in range(count):
        event = EventFactory(organization=member.organization, name="contact.created")
        runs.append(TriggerRunFactory(trigger=trigger, event=event, status="pending"))
    return runs


def test_runs_over_the_limit_wait_for_the_next_minute(
    make_member, action, settings, clean_counters
):
    settings.AUTOMATION_RUNS_PER_MINUTE = 2
    runs = _runs(make_member("admin"), 3)

    statuses = [run_execute(run.pk).status for run in runs]

    assert statuses == ["succeeded", "succeeded", "retrying"]
    waiting = runs[2]
    waiting.refresh_from_db()
    assert waiting.next_attempt_at is not None
    assert waiting.attempts == 0  # waiting for the limit is not a failed attempt
    assert len(action.calls) == 2


def test_the_limit_is_per_organization(make_member, action, settings, clean_counters):
    settings.AUTOMATION_RUNS_PER_MINUTE = 1
    busy, quiet = _runs(make_member("admin"), 2), _runs(make_member("admin"), 1)

    assert [run_execute(run.pk).status for run in [*busy, *quiet]] == [
        "succeeded",
        "retrying",
        "succeeded",
    ]
