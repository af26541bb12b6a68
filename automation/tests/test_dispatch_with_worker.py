import time

from accounts import services
from accounts.tests.factories import UserFactory
from automation.models import Event


def wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_real_worker_dispatches_what_a_service_committed(celery_worker):
    organization = services.organization_create(name="Acme", owner=UserFactory())

    pending = Event.objects.filter(organization=organization, dispatched_at__isnull=True)
    wait_until(lambda: not pending.exists())

    events = Event.objects.filter(organization=organization)
    # organization.created, member.joined, and what apps add (pipeline.created).
    assert {"organization.created", "member.joined"} <= {e.name for e in events}
    assert not pending.exists()
    assert all(e.receipts.filter(subscriber="realtime").exists() for e in events)


def test_the_worker_retries_a_failing_subscriber_until_it_succeeds(
    celery_worker, recording_subscriber
):
    flaky = recording_subscriber("flaky", events=["organization.created"], fail_times=1)
    healthy = recording_subscriber("healthy", events=["organization.created"])

    organization = services.organization_create(name="Acme", owner=UserFactory())

    event = Event.objects.get(organization=organization, name="organization.created")
    wait_until(lambda: Event.objects.filter(pk=event.pk, dispatched_at__isnull=False).exists())
    assert flaky == [event.pk, event.pk]
    assert healthy == [event.pk]
