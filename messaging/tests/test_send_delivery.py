"""Delivering queued messages through the real python-telegram-bot client to the fake Bot API:
success, 429 retry_after, 5xx/network backoff, 403 blocked, 400 failed, idempotency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from automation.models import Event
from messaging import ratelimit
from messaging.models import Message
from messaging.services.sending import message_deliver, message_send
from messaging.tests.factories import ChatFactory, MessageFactory


@pytest.fixture(autouse=True)
def _fast_chats(settings):
    """Tests deliver several messages to one chat; the per-chat pace is tested on its own."""
    settings.TELEGRAM_RATE_PER_CHAT = 1000


@pytest.fixture
def chat(db, fake_telegram):
    token = fake_telegram.add_bot()
    return ChatFactory(bot__token=token, bot__telegram_id=int(token.split(":")[0]))


def queued(chat, text="Hello", **fields):
    return message_send(chat=chat, actor=None, text=text, source="campaign", **fields)


def test_a_queued_message_is_sent_and_gets_telegrams_id(chat, fake_telegram):
    message = queued(chat, "Your proposal is ready")

    delivery = message_deliver(message_id=message.pk)

    message.refresh_from_db()
    chat.refresh_from_db()
    [call] = fake_telegram.calls("sendMessage")
    assert call.params["text"] == "Your proposal is ready"
    assert (delivery.status, delivery.retry_in) == ("sent", None)
    assert (message.status, message.attempts) == ("sent", 1)
    assert message.telegram_message_id > 0
    assert chat.last_message_at == message.sent_at
    sent = Event.objects.get(name="message.sent")
    assert sent.payload["message"]["status"] == "sent"


def test_a_reply_quotes_the_telegram_message_and_carries_the_keyboard(chat, fake_telegram):
    original = MessageFactory(chat=chat, telegram_message_id=41)
    keyboard = {"inline_keyboard": [[{"text": "Book a call", "callback_data": "book"}]]}
    message = queued(chat, "Sure", reply_to=original, reply_markup=keyboard)

    message_deliver(message_id=message.pk)

    params = fake_telegram.calls("sendMessage")[0].params
    assert '"message_id": 41' in params["reply_parameters"]
    assert "Book a call" in params["reply_markup"]


def test_429_waits_retry_after_pauses_the_bot_and_then_sends(chat, fake_telegram):
    fake_telegram.fail_next("sendMessage", 429, retry_after=1)
    message = queued(chat)

    first = message_deliver(message_id=message.pk)
    message.refresh_from_db()

    assert (first.status, first.retry_in) == ("queued", 1.0)
    assert message.failure_reason.startswith("Flood control exceeded")
    # Every chat of the bot waits, not only this one.
    assert ratelimit.acquire(bot_id=chat.bot_id, chat_id=1) > 0.8

    assert message_deliver(message_id=message.pk).status == "sent"
    calls = fake_telegram.calls("sendMessage")
    assert len(calls) == 2
    assert calls[1].at - calls[0].at >= 0.95


def test_5xx_is_retried_with_backoff_then_sent(chat, fake_telegram):
    fake_telegram.fail_next("sendMessage", 502)
    message = queued(chat)

    first = message_deliver(message_id=message.pk)
    message.refresh_from_db()

    assert first.status == "queued"
    assert 1.0 <= first.retry_in <= 2.0  # 2 s with jitter (half to all of it)
    assert (message.attempts, message.failure_reason) == (1, "Bad Gateway")
    assert message.next_attempt_at is not None
    assert message_deliver(message_id=message.pk).status == "sent"


def test_backoff_grows_and_gives_up_after_the_configured_attempts(chat, fake_telegram, settings):
    settings.TELEGRAM_SEND_MAX_ATTEMPTS = 3
    fake_telegram.fail_next("sendMessage", 500, times=10)
    message = queued(chat)

    waits = [message_deliver(message_id=message.pk).retry_in for _ in range(3)]

    message.refresh_from_db()
    assert waits[0] <= 2 < waits[1] <= 4 and waits[2] is None
    assert message.status == "failed"
    assert message.failure_reason.startswith("Gave up after 3 attempts")
    assert Event.objects.filter(name="message.failed").count() == 1


def test_network_errors_are_retried(chat, settings):
    settings.TELEGRAM_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    message = queued(chat)

    delivery = message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (delivery.status, message.status, message.attempts) == ("queued", "queued", 1)
    assert delivery.retry_in > 0


def test_403_marks_the_chat_blocked_and_fails_without_retry(chat, fake_telegram):
    fake_telegram.block_chat(chat.telegram_chat_id)
    message = queued(chat)

    delivery = message_deliver(message_id=message.pk)

    message.refresh_from_db()
    chat.refresh_from_db()
    assert (delivery.status, delivery.retry_in) == ("failed", None)
    assert message.failure_reason == "Forbidden: bot was blocked by the user"
    assert chat.is_blocked and chat.blocked_at is not None
    assert Event.objects.filter(name="chat.blocked").exists()
    assert message_deliver(message_id=message.pk).status == "failed"
    assert len(fake_telegram.calls("sendMessage")) == 1


def test_400_fails_with_telegrams_description(chat, fake_telegram):
    fake_telegram.fail_next("sendMessage", 400, description="Bad Request: chat not found")
    message = queued(chat)

    assert message_deliver(message_id=message.pk).status == "failed"

    message.refresh_from_db()
    # PTB drops the "Bad Request: " prefix of the description.
    assert (message.status, message.failure_reason) == ("failed", "Chat not found")
    event = Event.objects.get(name="message.failed")
    assert event.payload["message"]["id"] == message.pk


def test_a_message_already_sent_is_not_sent_again(chat, fake_telegram):
    message = queued(chat)
    message_deliver(message_id=message.pk)

    again = message_deliver(message_id=message.pk)

    assert again.status == "sent"
    assert len(fake_telegram.calls("sendMessage")) == 1


def test_a_message_left_queued_by_a_worker_that_died_before_sending_is_sent_once(
    chat, fake_telegram
):
    message = queued(chat)
    # The dead worker had counted an attempt and never reached Telegram.
    Message.objects.filter(pk=message.pk).update(attempts=1)

    message_deliver(message_id=message.pk)
    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(fake_telegram.calls("sendMessage")) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_message_at_once_send_it_once(fake_telegram):
    token = fake_telegram.add_bot()
    chat = ChatFactory(bot__token=token, bot__telegram_id=int(token.split(":")[0]))
    message = queued(chat)
    barrier = threading.Barrier(4)
    results: list[str] = []

    def deliver() -> None:
        barrier.wait()
        try:
            results.append(message_deliver(message_id=message.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == ["sent"] * 4
    assert len(fake_telegram.calls("sendMessage")) == 1


def test_a_message_to_a_chat_blocked_meanwhile_fails_without_calling_telegram(chat, fake_telegram):
    message = queued(chat)
    chat.is_blocked = True
    chat.save()

    assert message_deliver(message_id=message.pk).status == "failed"
    assert fake_telegram.calls("sendMessage") == []


def test_a_long_rate_limit_wait_is_handed_back_instead_of_slept(chat, fake_telegram):
    ratelimit.pause_bot(bot_id=chat.bot_id, seconds=30)
    message = queued(chat)

    delivery = message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert delivery.status == "queued" and 29 < delivery.retry_in <= 30
    assert message.attempts == 0
    assert fake_telegram.calls("sendMessage") == []


def test_a_telegram_id_the_chat_already_holds_does_not_undo_the_send(chat, fake_telegram):
    from tests.fakes.telegram import SENT_IDS_START

    MessageFactory(chat=chat, telegram_message_id=SENT_IDS_START + 1, source="import")
    message = queued(chat)

    assert message_deliver(message_id=message.pk).status == "sent"

    message.refresh_from_db()
    assert (message.status, message.telegram_message_id) == ("sent", None)
    assert message_deliver(message_id=message.pk).status == "sent"
    assert len(fake_telegram.calls("sendMessage")) == 1


def test_the_sweeper_delivers_messages_whose_task_went_missing(chat, fake_telegram):
    from datetime import timedelta

    from django.utils import timezone

    from messaging.services.sending import messages_requeue_stale

    lost = queued(chat, "lost in the broker")
    fresh = queued(chat, "just queued")
    Message.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))

    assert messages_requeue_stale() == 1  # tests run Celery eagerly: delivered at once

    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == ("sent", "queued")
    assert [c.params["text"] for c in fake_telegram.calls("sendMessage")] == ["lost in the broker"]
