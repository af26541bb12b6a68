"""Events committed in a loop of small transactions go out in batches (``dispatch_deferred``)."""

import pytest
from celery.exceptions import Retry
from django.db import transaction

from accounts.tests.factories import OrganizationFactory
from automation.catalog import sample_payload
from automation.events import dispatch_deferred, emit, subscriber, unsubscribe
from automation.models import Event, SubscriberReceipt
from automation.tasks import dispatch_events


@pytest.fixture
def organization(db):
    return OrganizationFactory()


def _emit_committed(organization, count: int) -> list[int]:
    ids = []
    for n in range(count):
        with transaction.atomic():
            payload = {**sample_payload("organization.updated"), "changed": [str(n)]}
            ids.append(emit(organization, "organization.updated", payload).pk)
    return ids


@pytest.mark.django_db(transaction=True)
def test_events_committed_in_a_deferred_block_reach_their_subscribers_once_each(
    organization, recording_subscriber, monkeypatch
):
    # A window longer than the test: a slow machine must not flush the batch early.
    monkeypatch.setattr("automation.events.DISPATCH_BATCH_SECONDS", 60)
    calls = recording_subscriber("recorder", events=["organization.updated"])

    with dispatch_deferred():
        ids = _emit_committed(organization, 5)
        assert calls == []  # nothing is dispatched before the block ends

    assert sorted(calls) == ids
    assert Event.objects.filter(pk__in=ids, dispatched_at__isnull=False).count() == 5


@pytest.fixture
def failing_on(recording_subscriber):
    """A subscriber that fails on the events whose ids are in the returned set."""
    failing: set[int] = set()

    @subscriber("fails-on-some", events=["organization.updated"])
    def fails_on_some(event: Event) -> None:
        if event.pk in failing:
            raise RuntimeError("receiver down")

    yield failing
    unsubscribe("fails-on-some")


def test_a_batch_marks_every_event_dispatched_except_the_one_a_subscriber_failed_on(
    organization, recording_subscriber, failing_on
):
    calls = recording_subscriber("recorder", events=["organization.updated"])
    events = [
        Event.objects.create(organization=organization, name="organization.updated", payload={})
        for _ in range(3)
    ]
    failing_on.add(events[1].pk)

    with pytest.raises(Retry):  # the failed one goes on alone; eager tasks raise their retry
        dispatch_events([e.pk for e in events])

    assert sorted(calls) == sorted(e.pk for e in events)
    dispatched = Event.objects.filter(pk__in=[e.pk for e in events], dispatched_at__isnull=False)
    assert set(dispatched.values_list("pk", flat=True)) == {events[0].pk, events[2].pk}
    assert not SubscriberReceipt.objects.filter(
        event=events[1], subscriber="fails-on-some"
    ).exists()


def test_a_batch_skips_events_already_dispatched(organization, recording_subscriber):
    calls = recording_subscriber("recorder", events=["organization.updated"])
    event = Event.objects.create(organization=organization, name="organization.updated", payload={})

    dispatch_events([event.pk])
    dispatch_events([event.pk])

    assert calls == [event.pk]


@pytest.fixture
def batch_recorder():
    batches: list[list[int]] = []

    @subscriber("batch-recorder", events=["organization.updated"], batch=True)
    def record(events: list[Event]) -> None:
        batches.append([event.pk for event in events])

    yield batches
    unsubscribe("batch-recorder")


def test_a_batch_subscriber_is_called_once_per_batch_and_never_again_for_the_same_events(
    organization, batch_recorder
):
    events = [
        Event.objects.create(organization=organization, name="organization.updated", payload={})
        for _ in range(4)
    ]
    ids = [event.pk for event in events]

    dispatch_events(ids)
    Event.objects.filter(pk__in=ids).update(dispatched_at=None)  # as if the marks were lost
    dispatch_events(ids)

    assert batch_recorder == [ids]
    assert (
        SubscriberReceipt.objects.filter(event_id__in=ids, subscriber="batch-recorder").count() == 4
    )


@pytest.mark.django_db(transaction=True)
def test_a_long_deferred_block_does_not_hold_events_back_longer_than_the_batch_window(
    organization, recording_subscriber, monkeypatch
):
    monkeypatch.setattr("automation.events.DISPATCH_BATCH_SECONDS", 0)
    calls = recording_subscriber("recorder", events=["organization.updated"])

    with dispatch_deferred():
        ids = _emit_committed(organization, 2)
        assert calls == ids  # each went out as soon as it was committed, the block still open


@pytest.mark.django_db(transaction=True)
def test_an_inline_deferred_block_dispatches_in_place_when_it_ends(
    organization, recording_subscriber, monkeypatch
):
    monkeypatch.setattr("automation.events.DISPATCH_BATCH_SECONDS", 60)
    calls = recording_subscriber("recorder", events=["organization.updated"])

    with dispatch_deferred(inline=True):
        ids = _emit_committed(organization, 3)
        assert calls == []

    assert calls == ids
    assert Event.objects.filter(pk__in=ids, dispatched_at__isnull=False).count() == 3
