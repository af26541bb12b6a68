"""End to end with a real Celery worker: a service's event reaches a receiver, signed."""

import time

from automation.models import WebhookDelivery
from automation.webhooks.services import endpoint_create


def wait_until(condition, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_real_worker_delivers_a_committed_event_to_the_receiver(
    celery_worker, webhook_receiver, make_member
):
    owner = make_member("owner")
    first = endpoint_create(
        organization=owner.organization,
        actor=owner.user,
        data={"url": webhook_receiver.url, "event_types": ["*"]},
    )
    webhook_receiver.secrets.append(first.secret)

    # Its own creation is an event it is subscribed to, and so is the second endpoint's.
    second = endpoint_create(
        organization=owner.organization,
        actor=owner.user,
        data={"url": webhook_receiver.url + "/other", "event_types": ["deal.won"]},
    )

    received = webhook_receiver.wait_for(2)
    assert all(r.verified for r in received)
    assert sorted(r.payload["data"]["endpoint"]["id"] for r in received) == [first.pk, second.pk]
    assert all(r.payload["type"] == "webhook_endpoint.created" for r in received)
    deliveries = WebhookDelivery.objects.filter(endpoint=first)
    wait_until(lambda: not deliveries.exclude(status="succeeded").exists())
    assert [d.attempts for d in deliveries] == [1, 1]
