"""Fixtures for messaging tests: a bot connected through the real service against the fake
Bot API, and posting real-shaped updates to its webhook."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from messaging.models import TelegramBot
from messaging.services.bots import bot_connect
from tests.fakes.website import fake_website, guarded_website  # noqa: F401  (fixtures)


@dataclass
class Connected:
    bot: TelegramBot
    token: str
    owner: Any  # conftest.Member
    telegram: Any  # FakeTelegram


@pytest.fixture
def connected(db, fake_telegram, make_member) -> Connected:
    owner = make_member("owner")
    token = fake_telegram.add_bot(username="acme_sales_bot", first_name="Acme Sales")
    bot = bot_connect(organization=owner.organization, actor=owner.user, token=token)
    return Connected(bot=bot, token=token, owner=owner, telegram=fake_telegram)


def webhook_post(
    client: Client, bot: TelegramBot, body: Any, secret: str | None = None, raw: bool = False
) -> Any:
    headers = {}
    secret = bot.webhook_secret if secret is None else secret
    if secret:
        headers["HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"] = secret
    return client.post(
        reverse("messaging:telegram_webhook", kwargs={"bot_id": str(bot.pk)}),
        data=body if raw else json.dumps(body),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """Post ``update`` to the bot's webhook and run everything queued on commit (eager
    Celery: processing, attachment downloads, command replies, event dispatch)."""

    def post(bot: TelegramBot, update: dict[str, Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            response = webhook_post(client, bot, update)
        assert response.status_code == 200, response.content
        return response

    return post


@pytest.fixture
def writer(make_member) -> Any:
    """A member who may send (role bidi)."""
    return make_member("bidi")


@pytest.fixture
def writable_chat(writer, fake_telegram) -> Any:
    """A chat of the writer's organization whose bot the fake Bot API knows."""
    from messaging.tests.factories import ChatFactory

    token = fake_telegram.add_bot()
    return ChatFactory(
        organization=writer.organization,
        bot__organization=writer.organization,
        bot__token=token,
        bot__telegram_id=int(token.split(":")[0]),
    )
