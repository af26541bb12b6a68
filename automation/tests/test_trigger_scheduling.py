"""Cron and relative triggers fire from the beat task, with a controlled clock (``now``)."""

from datetime import UTC, datetime, timedelta

import pytest

from automation import registry
from automation.models import TriggerRun
from automation.registry import Param, TimeSource, register_time_source
from automation.tests.factories import TriggerFactory
from automation.tests.trigger_actions import recording_action
from automation.triggers.scheduling import cron_next, triggers_fire_due

MONDAY_0859_UTC = datetime(2026, 3, 2, 8, 59, tzinfo=UTC)


@pytest.fixture
def action():
    with recording_action() as recorder:
        yield recorder


@pytest.fixture
def fire(django_capture_on_commit_callbacks):
    """The beat task with its on-commit work (the runs) done, as on a worker."""

    def tick(now):
        with django_capture_on_commit_callbacks(execute=True):
            return triggers_fire_due(now=now)

    return tick


@pytest.fixture
def quiet_chats():
    """A time source that finds what the test puts in ``due`` (key → payload)."""
    due: dict[str, dict] = {}
    seen: list[tuple[dict, datetime]] = []

    def find(organization, params, now):
        seen.append((params, now))
        return list(due.items())

    register_time_source(
        TimeSource(
            key="test.quiet",
            label="Quiet for N days",
            params=(Param("days", "Days", kind="int"),),
            subjects=(),
            find=find,
        )
    )
    yield due, seen
    registry._registry.time_sources.pop("test.quiet", None)


def _cron_trigger(member, cron="0 9 * * 1", next_run_at=MONDAY_0859_UTC + timedelta(minutes=1)):
    return TriggerFactory(
        organization=member.organization,
        created_by=member.user,
        when="cron",
        event_name="",
        cron=cron,
        next_run_at=next_run_at,
        actions=[{"type": "test.record", "params": {"note": "weekly"}}],
    )


def test_cron_is_read_in_the_organizations_time_zone():
    after = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)

    assert cron_next("0 9 * * *", after=after, time_zone="Asia/Tokyo") == datetime(
        2026, 7, 2, 0, 0, tzinfo=UTC
    )
    assert cron_next("0 9 * * *", after=after, time_zone="America/New_York") == datetime(
        2026, 7, 1, 13, 0, tzinfo=UTC
    )


def test_a_cron_trigger_does_nothing_before_its_time(make_member, action):
    _cron_trigger(make_member("admin"))

    assert triggers_fire_due(now=MONDAY_0859_UTC) == 0
    assert not TriggerRun.objects.exists()


def test_a_due_cron_trigger_runs_once_for_its_minute_and_moves_on(make_member, action, fire):
    trigger = _cron_trigger(make_member("admin"))
    now = MONDAY_0859_UTC + timedelta(minutes=1, seconds=12)

    fire(now)

    run = TriggerRun.objects.get()
    assert run.dedupe_key == "cron:2026-03-02T09:00Z"
    assert run.payload == {"scheduled_for": "2026-03-02T09:00:00+00:00"}
    assert run.status == "succeeded"
    assert action.calls == [{"note": "weekly"}]
    trigger.refresh_from_db()
    assert trigger.next_run_at == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def test_a_second_tick_for_the_same_minute_adds_no_run(make_member, action):
    trigger = _cron_trigger(make_member("admin"))
    now = MONDAY_0859_UTC + timedelta(minutes=1)
    triggers_fire_due(now=now)
    trigger.next_run_at = now  # as if a stale beat tick saw it still due
    trigger.save()

    triggers_fire_due(now=now + timedelta(seconds=30))

    assert TriggerRun.objects.count() == 1


def test_disabled_time_triggers_do_not_fire(make_member, action):
    trigger = _cron_trigger(make_member("admin"))
    trigger.enabled = False
    trigger.save()

    assert triggers_fire_due(now=MONDAY_0859_UTC + timedelta(hours=1)) == 0


def test_a_relative_trigger_runs_once_per_item_its_time_source_finds(
    make_member, action, quiet_chats, settings, fire
):
    settings.AUTOMATION_RELATIVE_SCAN_SECONDS = 300
    due, seen = quiet_chats
    member = make_member("admin")
    trigger = TriggerFactory(
        organization=member.organization,
        created_by=member.user,
        when="relative",
        event_name="",
        relative_kind="test.quiet",
        relative_params={"days": 3},
        next_run_at=MONDAY_0859_UTC,
        actions=[{"type": "test.record", "params": {"note": "{{ payload.chat.id }}"}}],
    )
    due["chat:12:msg:345"] = {"chat": {"id": 12}}

    fire(MONDAY_0859_UTC)
    due["chat:13:msg:400"] = {"chat": {"id": 13}}
    trigger.refresh_from_db()
    fire(trigger.next_run_at)

    assert seen[0] == ({"days": 3}, MONDAY_0859_UTC)
    assert trigger.next_run_at == MONDAY_0859_UTC + timedelta(seconds=300)
    assert sorted(TriggerRun.objects.values_list("dedupe_key", flat=True)) == [
        "relative:chat:12:msg:345",
        "relative:chat:13:msg:400",
    ]
    assert action.calls == [{"note": "12"}, {"note": "13"}]
