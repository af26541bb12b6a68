"""Bot API clients are reused per bot and thread (messaging/telegram/client.py): building one
costs an SSL context and a new connection, which at 30 sends a second would be most of a core."""

from __future__ import annotations

import threading

import pytest
import telegram

from messaging.services.sending import message_deliver, message_send
from messaging.telegram import client as tg_client
from messaging.tests.factories import ChatFactory, TelegramBotFactory


def recorder(seen: list[telegram.Bot]):
    async def call(client: telegram.Bot) -> telegram.User:
        seen.append(client)
        return await client.get_me()

    return call


@pytest.fixture
def bots(db, fake_telegram):
    def make(n: int) -> list:
        made = []
        for _ in range(n):
            token = fake_telegram.add_bot()
            made.append(TelegramBotFactory(token=token, telegram_id=int(token.split(":")[0])))
        return made

    return make


def test_calls_for_one_bot_share_one_open_client(bots, fake_telegram):
    [bot] = bots(1)
    seen: list[telegram.Bot] = []

    tg_client.telegram_call(bot, recorder(seen))
    tg_client.telegram_call(bot, recorder(seen))

    assert seen[0] is seen[1]
    assert len(fake_telegram.calls("getMe")) == 2


def test_delivery_and_other_calls_use_the_same_client(bots, fake_telegram, settings):
    settings.TELEGRAM_RATE_PER_CHAT = 1000
    [bot] = bots(1)
    chat = ChatFactory(bot=bot, organization=bot.organization)
    seen: list[telegram.Bot] = []
    tg_client.telegram_call(bot, recorder(seen))

    message = message_send(chat=chat, actor=None, text="Hi", source="campaign")
    assert message_deliver(message_id=message.pk).status == "sent"
    tg_client.telegram_call(bot, recorder(seen))

    assert seen[0] is seen[1]


def test_each_thread_has_its_own_client(bots):
    [bot] = bots(1)
    seen: list[telegram.Bot] = []
    tg_client.telegram_call(bot, recorder(seen))

    worker = threading.Thread(target=tg_client.telegram_call, args=(bot, recorder(seen)))
    worker.start()
    worker.join()

    assert len(seen) == 2 and seen[0] is not seen[1]


def test_the_least_recently_used_client_is_closed_beyond_the_bound(bots, monkeypatch):
    monkeypatch.setattr(tg_client, "CLIENTS_PER_THREAD", 2)
    first, second, third = bots(3)
    seen: list[telegram.Bot] = []

    for bot in (first, second, first, third, first, second):
        tg_client.telegram_call(bot, recorder(seen))

    # first stayed in use; second was the least recently used when third came, so it was
    # closed and its next call opened a new client.
    assert seen[0] is seen[2] is seen[4]
    assert seen[1] is not seen[5]


def test_a_token_not_yet_stored_gets_a_throwaway_client(fake_telegram):
    token = fake_telegram.add_bot()
    seen: list[telegram.Bot] = []

    tg_client.token_call(token, recorder(seen))
    tg_client.token_call(token, recorder(seen))

    assert seen[0] is not seen[1]
