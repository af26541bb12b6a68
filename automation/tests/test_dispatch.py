import pytest
from celery.exceptions import Retry

from accounts.tests.factories import OrganizationFactory
from automation.events import SubscriberFailed, dispatch, subscriber
from automation.models import Event, SubscriberReceipt
from automation.tasks import dispatch_event


@pytest.fixture
def event(db):
    """An event as a committed service left it, before its dispatch ran."""
    return Event.objects.create(
        organization=OrganizationFactory(), name="organization.updated", payload={"changed": []}
    )


def test_a_subscriber_runs_once_however_often_the_event_is_dispatched(event, recording_subscriber):
    calls = recording_subscriber("recorder")

    dispatch(event.pk)
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if the mark was lost
    dispatch(event.pk)

    assert calls == [event.pk]
    assert SubscriberReceipt.objects.filter(event=event, subscriber="recorder").count() == 1


def test_a_dispatched_event_is_marked_with_its_dispatch_time(event, recording_subscriber):
    recording_subscriber("recorder")

    dispatch(event.pk)

    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert event.dispatch_attempts == 1


def test_a_failing_subscriber_does_not_keep_the_others_from_running(event, recording_subscriber):
    broken = recording_subscriber("broken", fail_times=99)
    healthy = recording_subscriber("healthy")

    with pytest.raises(SubscriberFailed, match="broken"):
        dispatch(event.pk)

    assert broken == [event.pk]
    assert healthy == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert not SubscriberReceipt.objects.filter(event=event, subscriber="broken").exists()


def test_the_task_retries_only_the_subscriber_that_failed(event, recording_subscriber):
    flaky = recording_subscriber("flaky", fail_times=1)
    healthy = recording_subscriber("healthy")

    with pytest.raises(Retry):
        dispatch_event.delay(event.pk)  # eager tasks ask for their retry instead of waiting
    dispatch_event.delay(event.pk)  # the retry

    assert flaky == [event.pk, event.pk]
    assert healthy == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert event.dispatch_attempts == 2


def test_a_subscriber_hears_only_the_events_it_listens_to(event, recording_subscriber):
    deals = recording_subscriber("members-only", events=["member.joined"])
    everything = recording_subscriber("everything")

    dispatch(event.pk)

    assert deals == []
    assert everything == [event.pk]


def test_a_subscriber_to_an_unknown_event_is_refused_at_registration():
    with pytest.raises(ValueError, match=r"organization\.exploded"):
        subscriber("typo", events=["organization.exploded"])


def test_dispatching_an_event_that_no_longer_exists_does_nothing(db, recording_subscriber):
    calls = recording_subscriber("recorder")

    dispatch(123456789)

    assert calls == []
