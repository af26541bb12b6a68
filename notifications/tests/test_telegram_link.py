"""Linking a member's Telegram account by the bot's deep link (notifications.telegram_link),
end to end through the bot's webhook and the fake Bot API."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from accounts.errors import ValidationError
from accounts.models import AuditEntry
from crm.models import Contact
from messaging.services.bots import bot_connect
from messaging.tests import updates
from messaging.tests.conftest import connected, deliver  # noqa: F401  (fixtures)
from notifications.models import TelegramLinkCode
from notifications.telegram_link import (
    EXPIRED,
    telegram_link_start,
    telegram_link_status,
    telegram_unlink,
)
from notifications.tests.telegram_linking import link, open_link, sent_to


@pytest.fixture(autouse=True)
def _fast_chats(settings):
    """The bot answers and notifies one chat several times a test; pacing is messaging's."""
    settings.TELEGRAM_RATE_PER_CHAT = 1000


@pytest.fixture
def boris(connected, make_member):  # noqa: F811
    """A business developer of the bot's organization, Telegram not linked yet."""
    return make_member("bidi", organization=connected.bot.organization, full_name="Boris K")


def _replies(connected, sender=updates.BORIS) -> list[str]:  # noqa: F811
    return [params["text"] for params in sent_to(connected.telegram, sender)]


def test_the_deep_link_names_each_connected_bot_with_a_link_code(connected, boris):  # noqa: F811
    offer = telegram_link_start(user=boris.user, organization=boris.organization)

    assert offer.links == [("Acme Sales", f"https://t.me/acme_sales_bot?start=link_{offer.code}")]
    payload = f"link_{offer.code}"
    assert len(payload) <= 64
    assert all(c.isascii() and (c.isalnum() or c in "_-") for c in payload)
    assert timedelta(minutes=29) < offer.expires_at - timezone.now() <= timedelta(minutes=30)


def test_only_the_hash_of_the_code_is_stored(connected, boris):  # noqa: F811
    offer = telegram_link_start(user=boris.user, organization=boris.organization)

    [stored] = TelegramLinkCode.objects.all()
    assert stored.code_hash == hashlib.sha256(offer.code.encode()).hexdigest()
    assert offer.code not in stored.code_hash


def test_opening_the_link_links_the_telegram_account(connected, deliver, boris):  # noqa: F811
    link(
        deliver,
        connected.bot,
        user=boris.user,
        organization=boris.organization,
        sender=updates.BORIS,
    )

    account = SocialAccount.objects.get(provider="telegram", uid=str(updates.BORIS["id"]))
    assert account.user == boris.user
    assert account.extra_data["username"] == "boris_k"
    assert _replies(connected) == [
        f"Linked! You'll get BiDi notifications for {boris.organization.name} here."
    ]
    assert TelegramLinkCode.objects.get().used_at is not None
    # The link code is no marketing source of the member's contact.
    assert not Contact.objects.filter(source__startswith="link_").exists()
    assert AuditEntry.objects.filter(
        action="user.social_connected", target_id=str(boris.user.pk)
    ).exists()


def test_after_linking_the_bot_treats_the_sender_as_a_team_member(connected, deliver, boris):  # noqa: F811
    link(
        deliver,
        connected.bot,
        user=boris.user,
        organization=boris.organization,
        sender=updates.BORIS,
    )

    deliver(connected.bot, updates.update(text="/start", sender=updates.BORIS))

    assert _replies(connected)[-1].startswith("Hi Boris K!")


def test_a_used_code_is_refused(connected, deliver, boris):  # noqa: F811
    code = link(
        deliver,
        connected.bot,
        user=boris.user,
        organization=boris.organization,
        sender=updates.BORIS,
    )

    open_link(deliver, connected.bot, code, updates.ANNA)

    assert _replies(connected, updates.ANNA) == [EXPIRED]
    assert not SocialAccount.objects.filter(uid=str(updates.ANNA["id"])).exists()


def test_an_expired_code_is_refused(connected, deliver, boris):  # noqa: F811
    offer = telegram_link_start(user=boris.user, organization=boris.organization)

    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=True):
        open_link(deliver, connected.bot, offer.code, updates.BORIS)

    assert _replies(connected) == [
        "This link has expired. Open Settings → Notifications in BiDi for a new one."
    ]
    assert not SocialAccount.objects.exists()


def test_a_new_code_replaces_the_unused_one(connected, deliver, boris):  # noqa: F811
    first = telegram_link_start(user=boris.user, organization=boris.organization)
    telegram_link_start(user=boris.user, organization=boris.organization)

    open_link(deliver, connected.bot, first.code, updates.BORIS)

    assert _replies(connected) == [EXPIRED]
    assert not SocialAccount.objects.exists()


def test_a_code_of_another_organization_is_refused(connected, deliver, make_member):  # noqa: F811
    other = make_member("owner")
    token = connected.telegram.add_bot(username="globex_bot", first_name="Globex")
    bot_connect(organization=other.organization, actor=other.user, token=token)
    offer = telegram_link_start(user=other.user, organization=other.organization)

    open_link(deliver, connected.bot, offer.code, updates.BORIS)

    assert _replies(connected) == [EXPIRED]
    assert not SocialAccount.objects.exists()
    assert TelegramLinkCode.objects.get().used_at is None


def test_a_telegram_account_linked_to_another_user_is_refused(
    connected,  # noqa: F811
    deliver,  # noqa: F811
    boris,
    make_member,
):
    someone = make_member("bidi", organization=boris.organization)
    SocialAccount.objects.create(
        user=someone.user, provider="telegram", uid=str(updates.BORIS["id"])
    )

    link(
        deliver,
        connected.bot,
        user=boris.user,
        organization=boris.organization,
        sender=updates.BORIS,
    )

    assert _replies(connected) == [
        "This Telegram account is already linked to another BiDi account. Unlink it there "
        "(Settings → Notifications), then open this link again."
    ]
    assert SocialAccount.objects.get(uid=str(updates.BORIS["id"])).user == someone.user
    assert TelegramLinkCode.objects.get().used_at is None


def test_linking_needs_a_connected_bot(make_member):
    member = make_member("bidi")

    with pytest.raises(ValidationError, match="no connected Telegram bot"):
        telegram_link_start(user=member.user, organization=member.organization)


def test_status_says_linked_and_reachable_until_the_bot_is_blocked(connected, deliver, boris):  # noqa: F811
    before = telegram_link_status(boris.user, boris.organization)
    link(
        deliver,
        connected.bot,
        user=boris.user,
        organization=boris.organization,
        sender=updates.BORIS,
    )
    linked = telegram_link_status(boris.user, boris.organization)
    bot_user = {"id": connected.bot.telegram_id, "is_bot": True, "first_name": "Acme Sales"}
    deliver(connected.bot, updates.my_chat_member(updates.BORIS, "kicked", bot_user))
    blocked = telegram_link_status(boris.user, boris.organization)

    assert (before.linked, before.reachable, before.bot_names) == (
        False,
        False,
        ["@acme_sales_bot"],
    )
    assert (linked.linked, linked.reachable, linked.telegram_ids) == (
        True,
        True,
        [updates.BORIS["id"]],
    )
    assert (blocked.linked, blocked.reachable) == (True, False)


def test_unlinking_ends_the_telegram_link(connected, deliver, boris):  # noqa: F811
    link(
        deliver,
        connected.bot,
        user=boris.user,
        organization=boris.organization,
        sender=updates.BORIS,
    )

    assert telegram_unlink(user=boris.user) == 1

    assert not SocialAccount.objects.filter(user=boris.user).exists()
    deliver(connected.bot, updates.update(text="/start", sender=updates.BORIS))
    assert _replies(connected)[-1].startswith("Hello! You're talking to")
