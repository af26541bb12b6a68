"""An action's own events do not re-trigger the same trigger beyond the loop limit."""

import pytest
from django.db import transaction

from automation.events import dispatch, emit
from automation.models import Event, TriggerRun
from automation.tests.factories import TriggerFactory
from automation.tests.trigger_actions import recording_action
from automation.triggers.loops import chain_running, current_chain, loop_reason


def test_events_emitted_while_an_action_runs_carry_the_chain(make_member):
    admin = make_member("admin")

    with chain_running([4], 7):
        event = emit(admin.organization, "organization.updated", _org_payload(admin))

    assert event.trigger_chain == [4, 7]
    assert current_chain() == []


@pytest.mark.parametrize(
    ("chain", "trigger_id", "stops"),
    [([], 1, False), ([1], 1, False), ([1, 1], 1, True), ([1, 2, 3, 4, 5, 6, 7, 8], 9, True)],
)
def test_loop_reason_applies_the_limits(chain, trigger_id, stops):
    assert bool(loop_reason(chain, trigger_id)) is stops


def test_a_trigger_that_re_triggers_itself_stops_at_the_loop_limit(
    make_member, django_capture_on_commit_callbacks
):
    """'Organization updated → update the organization' would run forever; it runs twice."""
    admin = make_member("admin")
    organization = admin.organization

    def touch_organization(ctx, params):
        emit(organization, "organization.updated", _org_payload(admin))
        return "touched"

    with recording_action(run=touch_organization):
        trigger = TriggerFactory(
            organization=organization,
            created_by=admin.user,
            event_name="organization.updated",
            actions=[{"type": "test.record", "params": {}}],
        )
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            first = emit(organization, "organization.updated", _org_payload(admin))
        for _ in range(5):  # dispatch whatever the actions emitted, as the worker would
            for event in Event.objects.filter(
                name="organization.updated", dispatched_at__isnull=True
            ):
                with django_capture_on_commit_callbacks(execute=True):
                    dispatch(event.pk)

    runs = list(TriggerRun.objects.filter(trigger=trigger).order_by("id"))
    assert [run.status for run in runs] == ["succeeded", "succeeded", "loop"]
    assert [run.trigger_chain for run in runs] == [[], [trigger.pk], [trigger.pk, trigger.pk]]
    assert runs[0].event == first
    assert "Stopped a loop" in runs[2].error
    assert runs[2].actions_result == []


def _org_payload(member):
    from automation.catalog import sample_payload

    payload = sample_payload("organization.updated")
    payload["organization"]["id"] = member.organization.pk
    return payload
