"""Auto-send per bot (agents.services.settings.auto_send_set, selectors.auto_send_enabled)."""

from __future__ import annotations

import pytest

from accounts.errors import NotFound, PermissionDenied
from agents.selectors import auto_send_enabled
from agents.services.settings import auto_send_set
from messaging.tests.factories import ChatFactory, TelegramBotFactory


def test_admin_turns_auto_send_on_and_off_for_a_bot(make_member):
    admin = make_member("admin")
    chat = ChatFactory(organization=admin.organization, bot__organization=admin.organization)
    assert not auto_send_enabled(chat)

    auto_send_set(organization=admin.organization, actor=admin.user, bot=chat.bot, enabled=True)
    auto_send_set(organization=admin.organization, actor=admin.user, bot=chat.bot, enabled=True)
    assert auto_send_enabled(chat)

    auto_send_set(organization=admin.organization, actor=admin.user, bot=chat.bot, enabled=False)
    assert not auto_send_enabled(chat)


def test_auto_send_is_per_bot(make_member):
    admin = make_member("admin")
    chat = ChatFactory(organization=admin.organization, bot__organization=admin.organization)
    other_bot = TelegramBotFactory(organization=admin.organization)

    auto_send_set(organization=admin.organization, actor=admin.user, bot=other_bot, enabled=True)

    assert not auto_send_enabled(chat)


def test_bot_of_another_organization_is_not_found(make_member):
    admin = make_member("admin")
    foreign = TelegramBotFactory()

    with pytest.raises(NotFound):
        auto_send_set(organization=admin.organization, actor=admin.user, bot=foreign, enabled=True)


def test_business_developer_cannot_turn_on_auto_send(make_member):
    bidi = make_member("bidi")
    bot = TelegramBotFactory(organization=bidi.organization)

    with pytest.raises(PermissionDenied):
        auto_send_set(organization=bidi.organization, actor=bidi.user, bot=bot, enabled=True)
