from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import OrganizationFactory
from automation.models import Event
from automation.tasks import SWEEP_MAX_ATTEMPTS, sweep_undispatched_events


@pytest.fixture
def organization(db):
    return OrganizationFactory()


def lost_event(organization, *, age_seconds: int, **fields) -> Event:
    """An event committed ``age_seconds`` ago whose enqueue never happened (the process died
    between the commit and the broker), inserted directly as that crash would leave it."""
    return Event.objects.create(
        organization=organization,
        name="organization.updated",
        payload={"changed": ["name"]},
        created_at=timezone.now() - timedelta(seconds=age_seconds),
        **fields,
    )


def test_the_sweeper_dispatches_events_whose_enqueue_never_happened(
    organization, recording_subscriber
):
    calls = recording_subscriber("recorder")
    event = lost_event(organization, age_seconds=120)

    assert sweep_undispatched_events.delay(older_than_seconds=30).get() == 1

    event.refresh_from_db()
    assert calls == [event.pk]
    assert event.dispatched_at is not None


def test_the_sweeper_leaves_recent_events_to_their_own_dispatch(organization, recording_subscriber):
    calls = recording_subscriber("recorder")
    lost_event(organization, age_seconds=5)

    assert sweep_undispatched_events.delay(older_than_seconds=30).get() == 0
    assert calls == []


def test_the_sweeper_leaves_an_event_whose_task_is_still_retrying(
    organization, recording_subscriber
):
    calls = recording_subscriber("recorder")
    lost_event(organization, age_seconds=120, dispatch_attempts=3, last_attempt_at=timezone.now())

    assert sweep_undispatched_events.delay(older_than_seconds=30).get() == 0
    assert calls == []


def test_the_sweeper_gives_up_on_an_event_after_many_attempts(organization, recording_subscriber):
    calls = recording_subscriber("recorder")
    lost_event(
        organization,
        age_seconds=86400,
        dispatch_attempts=SWEEP_MAX_ATTEMPTS,
        last_attempt_at=timezone.now() - timedelta(hours=2),
    )

    assert sweep_undispatched_events.delay(older_than_seconds=30).get() == 0
    assert calls == []


def test_the_sweeper_skips_dispatched_events(organization, recording_subscriber):
    calls = recording_subscriber("recorder")
    lost_event(organization, age_seconds=120, dispatched_at=timezone.now())

    assert sweep_undispatched_events.delay(older_than_seconds=30).get() == 0
    assert calls == []
