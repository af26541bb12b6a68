"""Transient action errors retry the run from the failed action, with backoff, a bounded
number of times; the sweeper picks up runs whose task was lost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from automation.models import Event, TriggerRun
from automation.tests.factories import EventFactory, TriggerFactory, TriggerRunFactory
from automation.tests.trigger_actions import recording_action
from automation.triggers.runner import run_execute, runs_sweep


@pytest.fixture
def action():
    with recording_action() as recorder:
        yield recorder


@pytest.fixture
def run(make_member):
    admin = make_member("admin")
    trigger = TriggerFactory(
        organization=admin.organization,
        created_by=admin.user,
        actions=[
            {"type": "test.record", "params": {"note": "one"}},
            {"type": "test.record", "params": {"note": "two"}},
        ],
    )
    event = EventFactory(organization=admin.organization, name="contact.created", payload={})
    return TriggerRunFactory(
        trigger=trigger, event=event, dedupe_key=f"event:{event.pk}", status="pending"
    )


def _due_now(run):
    TriggerRun.objects.filter(pk=run.pk).update(next_attempt_at=timezone.now())


def test_a_transient_error_makes_the_run_wait_and_retry_later(run, action):
    action.failures.extend([None, *[_transient()]])

    result = run_execute(run.pk)

    assert result.status == "retrying"
    assert result.next_attempt_at > timezone.now()
    assert "will be tried again" in result.error
    assert [r["status"] for r in result.actions_result] == ["succeeded", "failed"]


def test_a_retry_resumes_at_the_failed_action_without_redoing_the_others(run, action):
    action.failures.extend([None, _transient()])
    run_execute(run.pk)
    _due_now(run)

    result = run_execute(run.pk)

    assert result.status == "succeeded"
    assert [call["note"] for call in action.calls] == ["one", "two", "two"]
    assert [r["attempts"] for r in result.actions_result] == [1, 2]


def test_a_retry_waits_at_least_as_long_as_the_action_asked(run, action):
    action.fail_transiently(1, retry_after=900)

    result = run_execute(run.pk)

    assert result.next_attempt_at >= timezone.now() + timedelta(seconds=890)


def test_a_retry_that_is_not_due_yet_does_nothing(run, action):
    action.fail_transiently(1)
    run_execute(run.pk)

    result = run_execute(run.pk)  # a duplicate task, before the backoff ran out

    assert result.status == "retrying"
    assert len(action.calls) == 1


def test_after_the_last_attempt_the_run_fails_and_says_so(run, action, settings):
    settings.AUTOMATION_RUN_MAX_ATTEMPTS = 3
    action.fail_transiently(10)

    for _ in range(3):
        result = run_execute(run.pk)
        _due_now(run)

    assert result.status == "failed"
    assert result.attempts == 3
    assert "after 3 attempts" in result.error
    assert [r["status"] for r in result.actions_result] == ["failed", "skipped"]
    assert Event.objects.filter(name="trigger_run.failed").count() == 1
    assert run_execute(run.pk).status == "failed"  # a finished run is left alone


def test_the_sweeper_enqueues_runs_whose_task_was_lost(run, action):
    TriggerRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    assert runs_sweep() == 1

    run.refresh_from_db()
    assert run.status == "succeeded"  # eager in tests: the enqueued task ran


def test_the_sweeper_leaves_fresh_and_finished_runs_alone(run, action):
    TriggerRunFactory(
        trigger=run.trigger,
        dedupe_key="cron:2026-01-01T09:00Z",
        status="succeeded",
        created_at=timezone.now() - timedelta(hours=1),
    )

    assert runs_sweep() == 0


def _transient():
    from automation.registry import TransientActionError

    return TransientActionError("Busy")
