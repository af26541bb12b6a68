"""An event runs the enabled triggers listening to it: conditions, then actions, logged."""

import pytest

from accounts.models import Membership
from accounts.permissions import Role
from accounts.tests.factories import MembershipFactory
from automation.events import dispatch
from automation.models import Event, TriggerRun
from automation.registry import ActionError
from automation.tests.factories import EventFactory, TriggerFactory
from automation.tests.trigger_actions import recording_action


@pytest.fixture
def action():
    with recording_action() as recorder:
        yield recorder


@pytest.fixture
def admin(make_member):
    return make_member("admin")


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Dispatch an event as the worker would, with its on-commit work (the runs) done."""

    def run(event: Event) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            dispatch(event.pk)

    return run


def _trigger(admin, **fields):
    defaults = {
        "organization": admin.organization,
        "created_by": admin.user,
        "event_name": "contact.created",
        "actions": [{"type": "test.record", "params": {"note": "hello"}}],
    }
    return TriggerFactory(**(defaults | fields))


def _event(admin, name="contact.created", **payload):
    return EventFactory(
        organization=admin.organization,
        name=name,
        payload={"contact": {"id": 1, "source": "web"}} | payload,
    )


def test_an_event_runs_its_triggers_actions_as_the_triggers_creator(admin, action, deliver):
    trigger = _trigger(admin)
    event = _event(admin)

    deliver(event)

    run = TriggerRun.objects.get()
    assert (run.trigger, run.event, run.status) == (trigger, event, "succeeded")
    assert run.dedupe_key == f"event:{event.pk}"
    assert action.calls == [{"note": "hello"}]
    assert action.contexts[0].actor == admin.user
    assert action.contexts[0].context["payload"]["contact"]["source"] == "web"
    assert run.actions_result == [
        {
            "index": 0,
            "type": "test.record",
            "status": "succeeded",
            "result": "Recorded hello",
            "error": "",
            "attempts": 1,
        }
    ]


def test_a_run_whose_conditions_fail_is_logged_as_skipped_without_acting(admin, action, deliver):
    _trigger(
        admin,
        conditions={"all": [{"field": "payload.contact.source", "op": "equals", "value": "api"}]},
    )

    deliver(_event(admin))

    run = TriggerRun.objects.get()
    assert run.status == "skipped"
    assert run.conditions_result[0] | {"actual": "web", "passed": False} == run.conditions_result[0]
    assert action.calls == []


def test_dispatching_an_event_again_does_not_run_its_trigger_twice(admin, action, deliver):
    _trigger(admin)
    event = _event(admin)
    deliver(event)
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    event.receipts.all().delete()  # as if the receipt was lost, too

    deliver(event)

    assert TriggerRun.objects.count() == 1
    assert len(action.calls) == 1


def test_disabled_triggers_and_other_events_and_organizations_do_not_run(
    admin, make_member, action, deliver
):
    other = make_member("admin")
    _trigger(admin, enabled=False)
    _trigger(admin, event_name="deal.created")
    _trigger(other)

    deliver(_event(admin))

    assert not TriggerRun.objects.exists()


def test_a_failing_action_fails_the_run_and_skips_the_actions_after_it(admin, action, deliver):
    _trigger(
        admin,
        actions=[
            {"type": "test.record", "params": {"note": "one"}},
            {"type": "test.record", "params": {"note": "two"}},
            {"type": "test.record", "params": {"note": "three"}},
        ],
    )
    action.failures.extend([None, ActionError("The stage no longer exists")])

    deliver(_event(admin))

    run = TriggerRun.objects.get()
    assert run.status == "failed"
    assert "The stage no longer exists" in run.error
    assert [r["status"] for r in run.actions_result] == ["succeeded", "failed", "skipped"]
    failed = Event.objects.get(name="trigger_run.failed")
    assert failed.payload["run"]["id"] == run.pk


def test_placeholders_in_text_params_are_filled_from_the_event(admin, action, deliver):
    _trigger(
        admin,
        actions=[
            {
                "type": "test.record",
                "params": {"note": "from {{ payload.contact.source }}{{ contact.nope }}"},
            }
        ],
    )

    deliver(_event(admin))

    assert action.calls == [{"note": "from web"}]


def test_a_trigger_whose_creator_left_fails_with_a_clear_message(admin, action, deliver):
    _trigger(admin)
    Membership.objects.filter(user=admin.user).delete()

    deliver(_event(admin))

    run = TriggerRun.objects.get()
    assert run.status == "failed"
    assert "no longer in the organization" in run.error
    assert action.calls == []


def test_a_builtin_trigger_acts_as_the_organizations_owner(admin, action, deliver, make_member):
    owner = make_member("owner")
    MembershipFactory(organization=admin.organization, user=owner.user, role=Role.OWNER)
    _trigger(admin, created_by=None, builtin="transition.first_reply")

    deliver(_event(admin))

    assert TriggerRun.objects.get().status == "succeeded"
    assert action.contexts[0].actor == owner.user
