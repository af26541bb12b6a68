"""Failed attempts are retried on the configured schedule, with jitter, then given up."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from automation.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from automation.tests.factories import EventFactory
from automation.webhooks.delivery import (
    deliveries_for_events,
    deliveries_send,
    deliveries_send_due,
    retry_delay,
    retry_schedule,
)
from tests.fakes.webhook_receiver import receiver_endpoint

DEFAULT = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
    timedelta(hours=14),
]


def test_the_default_schedule_is_eight_retries_over_more_than_a_day():
    assert retry_schedule() == DEFAULT
    assert sum(DEFAULT, timedelta()) > timedelta(hours=24)


def test_the_schedule_is_read_from_the_setting(settings):
    settings.WEBHOOK_RETRY_SCHEDULE = "10s, 1m,1h,2d"

    assert retry_schedule() == [
        timedelta(seconds=10),
        timedelta(minutes=1),
        timedelta(hours=1),
        timedelta(days=2),
    ]


@pytest.mark.parametrize("attempts", range(1, 9))
def test_each_retry_waits_its_scheduled_delay_within_ten_percent(attempts):
    rng = random.Random(attempts)
    base = DEFAULT[attempts - 1]

    delays = [retry_delay(attempts, rng=rng) for _ in range(50)]

    assert all(base * 0.9 <= delay <= base * 1.1 for delay in delays)
    assert len(set(delays)) > 1  # jittered


def test_no_retry_is_left_after_the_ninth_attempt():
    assert retry_delay(9) is None


def test_a_longer_retry_after_wins_over_the_schedule():
    assert retry_delay(1, retry_after=timedelta(minutes=3)) == timedelta(minutes=3)


def test_a_shorter_retry_after_does_not_shorten_the_schedule():
    delay = retry_delay(3, retry_after=timedelta(seconds=1))

    assert timedelta(minutes=27) <= delay <= timedelta(minutes=33)


@pytest.fixture
def failing_delivery(db, webhook_receiver, django_capture_on_commit_callbacks):
    endpoint = receiver_endpoint(webhook_receiver)
    webhook_receiver.fail(500)
    with django_capture_on_commit_callbacks(execute=False):
        [pk] = deliveries_for_events([EventFactory(organization=endpoint.organization)])
    return WebhookDelivery.objects.get(pk=pk)


def test_a_failed_attempt_schedules_the_next_one_from_the_schedule(failing_delivery):
    now = timezone.now()

    deliveries_send([[failing_delivery.pk, 0]], now=now)

    failing_delivery.refresh_from_db()
    assert failing_delivery.status == WebhookDelivery.Status.PENDING
    assert failing_delivery.attempts == 1
    assert failing_delivery.last_status_code == 500
    assert failing_delivery.last_error == "HTTP 500"
    assert now + timedelta(seconds=4.5) <= failing_delivery.next_attempt_at
    assert failing_delivery.next_attempt_at <= now + timedelta(seconds=5.5)


def test_every_attempt_is_logged_with_its_status_and_response(failing_delivery):
    deliveries_send([[failing_delivery.pk, 0]])

    attempt = WebhookAttempt.objects.get(delivery=failing_delivery)
    assert attempt.status_code == 500
    assert not attempt.succeeded
    assert attempt.response_snippet == '{"error": "nope"}'
    assert attempt.duration_ms >= 0


def test_the_delivery_fails_for_good_after_the_last_retry(failing_delivery, webhook_receiver):
    now = timezone.now()
    for attempts in range(9):
        deliveries_send([[failing_delivery.pk, attempts]], now=now)

    failing_delivery.refresh_from_db()
    assert failing_delivery.status == WebhookDelivery.Status.FAILED
    assert failing_delivery.attempts == 9
    assert failing_delivery.next_attempt_at is None
    assert len(webhook_receiver.received) == 9


def test_the_poller_sends_a_retry_once_it_is_due(
    failing_delivery, webhook_receiver, django_capture_on_commit_callbacks
):
    deliveries_send([[failing_delivery.pk, 0]])
    failing_delivery.refresh_from_db()
    webhook_receiver.recover()

    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_send_due(now=failing_delivery.next_attempt_at - timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_send_due(now=failing_delivery.next_attempt_at) == 1

    failing_delivery.refresh_from_db()
    assert failing_delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert failing_delivery.attempts == 2
    assert [r.headers["webhook-id"] for r in webhook_receiver.received] == [
        failing_delivery.message_id
    ] * 2


def test_a_429_with_retry_after_is_honoured(
    db, webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint = receiver_endpoint(webhook_receiver)
    webhook_receiver.throttle(600)
    with django_capture_on_commit_callbacks(execute=False):
        [pk] = deliveries_for_events([EventFactory(organization=endpoint.organization)])
    now = timezone.now()

    deliveries_send([[pk, 0]], now=now)

    delivery = WebhookDelivery.objects.get(pk=pk)
    assert delivery.last_status_code == 429
    assert delivery.next_attempt_at == now + timedelta(seconds=600)


def test_a_slow_receiver_times_out_and_is_retried(
    db, settings, webhook_receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    endpoint = receiver_endpoint(webhook_receiver)
    webhook_receiver.slow(1.0)
    with django_capture_on_commit_callbacks(execute=False):
        [pk] = deliveries_for_events([EventFactory(organization=endpoint.organization)])

    deliveries_send([[pk, 0]])

    delivery = WebhookDelivery.objects.get(pk=pk)
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_error == "Timed out after 0.3 s"
    assert attempt.status_code is None
    assert attempt.duration_ms < 1000


def test_a_refused_connection_is_a_failed_attempt(db, settings, django_capture_on_commit_callbacks):
    from automation.tests.factories import WebhookEndpointFactory

    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    endpoint = WebhookEndpointFactory(url="http://127.0.0.1:9/nobody-listens")
    with django_capture_on_commit_callbacks(execute=False):
        [pk] = deliveries_for_events([EventFactory(organization=endpoint.organization)])

    deliveries_send([[pk, 0]])

    delivery = WebhookDelivery.objects.get(pk=pk)
    assert delivery.attempts == 1
    assert delivery.last_status_code is None
    assert delivery.last_error.startswith("Connection failed")


def test_the_poller_leaves_retries_of_a_disabled_endpoint_alone(failing_delivery):
    deliveries_send([[failing_delivery.pk, 0]])
    failing_delivery.refresh_from_db()
    WebhookEndpoint.objects.filter(pk=failing_delivery.endpoint_id).update(enabled=False)

    assert deliveries_send_due(now=failing_delivery.next_attempt_at) == 0


def test_the_poller_enqueues_a_due_delivery_once_until_it_is_overdue_again(
    failing_delivery, django_capture_on_commit_callbacks
):
    deliveries_send([[failing_delivery.pk, 0]])
    failing_delivery.refresh_from_db()
    due = failing_delivery.next_attempt_at

    with django_capture_on_commit_callbacks(execute=False):
        assert deliveries_send_due(now=due) == 1
        assert deliveries_send_due(now=due + timedelta(seconds=5)) == 0
        assert deliveries_send_due(now=due + timedelta(minutes=3)) == 1  # its task was lost
