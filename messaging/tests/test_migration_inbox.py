"""Upgrading a database that already has chats and messages to the inbox schema (0002 to 0004)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("messaging", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_chats_get_their_preview_and_unread_count_when_the_inbox_arrives():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("messaging")
    apps = _migrate(BEFORE)
    try:
        Organization = apps.get_model("accounts", "Organization")
        TelegramBot = apps.get_model("messaging", "TelegramBot")
        Chat = apps.get_model("messaging", "Chat")
        Message = apps.get_model("messaging", "Message")
        organization = Organization.objects.create(name="Acme", slug="acme-upgrade")
        bot = TelegramBot.objects.create(
            organization=organization, name="Bot", username="acme_bot", telegram_id=1
        )
        chat = Chat.objects.create(organization=organization, bot=bot, telegram_chat_id=7)
        at = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
        for n, (direction, text) in enumerate([("in", "Hello"), ("in", "Price?"), ("out", "42")]):
            Message.objects.create(
                organization=organization,
                chat=chat,
                direction=direction,
                text=text,
                telegram_message_id=n + 1,
                sent_at=at + datetime.timedelta(minutes=n),
            )
    finally:
        apps = _migrate(latest)

    upgraded = apps.get_model("messaging", "Chat").objects.get(telegram_chat_id=7)
    assert (upgraded.last_message_text, upgraded.last_message_direction) == ("42", "out")
    assert upgraded.inbound_count == 2
    assert upgraded.status == "open"
