"""The ASGI fast path of the webhook (the production server): same answers as the Django view,
batched inserts, replays stored once, every stored update processed."""

import asyncio
import json
import time

import httpx
import pytest

from messaging.models import Message, TelegramBot, TelegramUpdate
from messaging.tests import updates

pytestmark = pytest.mark.django_db(transaction=True)


def _url(server, bot):
    return f"{server.url}/telegram/webhook/{bot.pk}/"


def _headers(bot, secret=None):
    return {
        "Content-Type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": bot.webhook_secret if secret is None else secret,
    }


def test_the_fast_path_refuses_what_the_view_refuses(asgi_live_server, connected):
    bot = connected.bot
    body = json.dumps(updates.update())
    with httpx.Client(timeout=30) as client:
        assert (
            client.post(
                _url(asgi_live_server, bot), content=body, headers=_headers(bot, "x")
            ).status_code
            == 401
        )
        assert (
            client.post(
                _url(asgi_live_server, bot), content=body, headers=_headers(bot, "")
            ).status_code
            == 401
        )
        for bad in ("{nope", "[]", '{"update_id": "1"}', '{"update_id": 1, "x": "\\u0000"}'):
            response = client.post(_url(asgi_live_server, bot), content=bad, headers=_headers(bot))
            assert response.status_code == 400, bad
        unknown = f"{asgi_live_server.url}/telegram/webhook/987654/"
        assert client.post(unknown, content=body, headers=_headers(bot)).status_code == 404
    assert not TelegramUpdate.objects.exists()


def test_concurrent_updates_and_replays_are_stored_once_and_processed(asgi_live_server, connected):
    bot = connected.bot
    batch = [updates.update(text=f"hello {n}") for n in range(60)]
    bodies = [json.dumps(u) for u in batch] * 2  # every update delivered twice

    async def post_all():
        async with httpx.AsyncClient(timeout=30) as client:
            return await asyncio.gather(
                *(
                    client.post(_url(asgi_live_server, bot), content=b, headers=_headers(bot))
                    for b in bodies
                )
            )

    responses = asyncio.run(post_all())

    assert [r.status_code for r in responses] == [200] * len(bodies)
    assert TelegramUpdate.objects.count() == 60
    deadline = time.monotonic() + 30
    while TelegramUpdate.objects.filter(status="pending").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Message.objects.count() == 60
    stored = TelegramUpdate.objects.get(update_id=batch[0]["update_id"])
    assert stored.payload == batch[0]


def test_a_disconnected_bot_is_refused_once_the_cache_expires(
    asgi_live_server, connected, monkeypatch
):
    from messaging.telegram import webhook_asgi

    monkeypatch.setattr(webhook_asgi, "BOT_CACHE_SECONDS", 0.0)
    TelegramBot.objects.filter(pk=connected.bot.pk).update(is_active=False)

    response = httpx.post(
        _url(asgi_live_server, connected.bot),
        content=json.dumps(updates.update()),
        headers=_headers(connected.bot),
    )

    assert response.status_code == 404
