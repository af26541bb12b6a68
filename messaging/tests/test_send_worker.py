"""End to end through a real Celery worker: message_send → the telegram queue → the rate
limiter → python-telegram-bot → the fake Bot API, including a 429 and the rescheduling it
causes."""

from __future__ import annotations

import itertools
import time

import pytest

from messaging.models import Message
from messaging.services.sending import message_send
from messaging.tests.factories import ChatFactory


def wait_until_delivered(ids: list[int], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while Message.objects.filter(pk__in=ids, status="queued").exists():
        assert time.monotonic() < deadline, "messages still queued"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_every_message_once_paced_per_chat_and_after_a_429(
    celery_worker, fake_telegram, settings
):
    settings.TELEGRAM_RATE_PER_CHAT = 2
    token = fake_telegram.add_bot()
    chat = ChatFactory(bot__token=token, bot__telegram_id=int(token.split(":")[0]))
    fake_telegram.fail_next("sendMessage", 429, retry_after=2)

    ids = [
        message_send(chat=chat, actor=None, text=text, source="campaign").pk
        for text in ("one", "two", "three")
    ]
    wait_until_delivered(ids)

    assert set(Message.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}
    calls = fake_telegram.calls("sendMessage")
    refused, accepted = calls[0], calls[1:]
    assert sorted(c.params["text"] for c in accepted) == ["one", "three", "two"]
    # Nothing went out during the 2 s Telegram asked for, and the chat's pace held after.
    assert accepted[0].at - refused.at >= 1.95
    gaps = [b.at - a.at for a, b in itertools.pairwise(accepted)]
    assert min(gaps) >= 0.45
