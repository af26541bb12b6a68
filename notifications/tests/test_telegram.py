"""Telegram delivery (notifications.channels.telegram): a notice reaches the member as a message
from the organization's bot, through the fake Bot API; and the AI draft notice's buttons."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import time_machine
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from agents.models import Draft
from agents.services.drafts import draft_request
from messaging.models import Chat, Message
from messaging.services.bots import bot_connect, bot_disconnect
from messaging.tests import updates
from messaging.tests.conftest import connected, deliver  # noqa: F401  (fixtures)
from notifications import registry
from notifications.models import Delivery, Notification
from notifications.registry import IN_APP, TELEGRAM, Content, NotificationType, register_type
from notifications.services import notify
from notifications.tests.telegram_linking import keyboard, link, sent_to

TYPE = "test.telegram"
_sources = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_chats(settings):
    """The bot answers and notifies one chat several times a test; pacing is messaging's."""
    settings.TELEGRAM_RATE_PER_CHAT = 1000
    settings.SITE_URL = "http://localhost:8000"


@pytest.fixture(autouse=True)
def _telegram_type(monkeypatch):
    """A type delivered in the app and in Telegram, with one button of its own."""
    monkeypatch.setattr(registry, "_types", dict(registry._types))
    register_type(
        NotificationType(
            key=TYPE,
            label="A test deal was won",
            group="Pipeline",
            events=(),
            recipients=None,
            render=None,
            default_channels=frozenset({IN_APP, TELEGRAM}),
            telegram_buttons=lambda n: [[{"text": "Celebrate", "callback_data": "test:1"}]],
        )
    )


@pytest.fixture
def boris(connected, deliver, make_member):  # noqa: F811
    """A business developer who linked Telegram through the bot's deep link."""
    member = make_member("bidi", organization=connected.bot.organization, full_name="Boris K")
    link(
        deliver,
        connected.bot,
        user=member.user,
        organization=member.organization,
        sender=updates.BORIS,
    )
    return member


def _notify(member, capture, organization: object = "member", **content) -> Notification:
    content = {"title": "Deal won: Acme", "body": "Acme signed for 12 seats.", **content}
    with capture(execute=True):
        return notify(
            user=member.user,
            type_key=TYPE,
            content=Content(url="/pipeline/deals/7/", **content),
            source=f"test:{next(_sources)}",
            organization=member.organization if organization == "member" else organization,
        )


def _delivery(notification: Notification) -> Delivery:
    return Delivery.objects.get(notification=notification, channel=TELEGRAM)


def test_a_linked_member_gets_the_notice_from_the_bot(
    connected,  # noqa: F811
    boris,
    django_capture_on_commit_callbacks,
):
    notification = _notify(boris, django_capture_on_commit_callbacks)

    notice = sent_to(connected.telegram, updates.BORIS)[-1]
    assert notice["text"] == (
        "Deal won: Acme\n\nAcme signed for 12 seats.\n\nhttp://localhost:8000/pipeline/deals/7/"
    )
    assert keyboard(notice) == [[{"text": "Celebrate", "callback_data": "test:1"}]]
    delivery = _delivery(notification)
    assert delivery.status == Delivery.Status.SENT
    message = Message.objects.get(text=notice["text"])
    assert delivery.detail == f"Telegram message {message.pk}"
    assert (message.status, message.source) == (Message.Status.SENT, Message.Source.COMMAND)


def test_an_https_site_adds_an_open_in_bidi_button(
    connected,  # noqa: F811
    boris,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://app.bidi.example"

    _notify(boris, django_capture_on_commit_callbacks)

    notice = sent_to(connected.telegram, updates.BORIS)[-1]
    assert keyboard(notice) == [
        [{"text": "Celebrate", "callback_data": "test:1"}],
        [{"text": "Open in BiDi", "url": "https://app.bidi.example/pipeline/deals/7/"}],
    ]


def test_a_long_body_is_shortened_to_fit_one_telegram_message(
    connected,  # noqa: F811
    boris,
    django_capture_on_commit_callbacks,
):
    _notify(boris, django_capture_on_commit_callbacks, body="word " * 2000)

    notice = sent_to(connected.telegram, updates.BORIS)[-1]
    assert len(notice["text"]) <= 4096
    assert notice["text"].endswith("…\n\nhttp://localhost:8000/pipeline/deals/7/")


def test_an_unlinked_member_is_skipped_with_the_reason(
    connected,  # noqa: F811
    make_member,
    django_capture_on_commit_callbacks,
):
    member = make_member("bidi", organization=connected.bot.organization)

    notification = _notify(member, django_capture_on_commit_callbacks)

    delivery = _delivery(notification)
    assert delivery.status == Delivery.Status.SKIPPED
    assert delivery.detail.startswith("Telegram is not linked")
    assert connected.telegram.calls("sendMessage") == []


def test_a_member_who_never_wrote_to_the_bot_is_skipped(
    connected,  # noqa: F811
    make_member,
    django_capture_on_commit_callbacks,
):
    member = make_member("bidi", organization=connected.bot.organization)
    SocialAccount.objects.create(user=member.user, provider="telegram", uid="555000111")

    notification = _notify(member, django_capture_on_commit_callbacks)

    delivery = _delivery(notification)
    assert delivery.status == Delivery.Status.SKIPPED
    assert "press Start" in delivery.detail


def test_a_member_who_blocked_the_bot_is_skipped(
    connected,  # noqa: F811
    deliver,  # noqa: F811
    boris,
    django_capture_on_commit_callbacks,
):
    bot_user = {"id": connected.bot.telegram_id, "is_bot": True, "first_name": "Acme Sales"}
    deliver(connected.bot, updates.my_chat_member(updates.BORIS, "kicked", bot_user))
    sent_before = len(connected.telegram.calls("sendMessage"))

    notification = _notify(boris, django_capture_on_commit_callbacks)

    delivery = _delivery(notification)
    assert delivery.status == Delivery.Status.SKIPPED
    assert "blocked" in delivery.detail
    assert len(connected.telegram.calls("sendMessage")) == sent_before


def test_nothing_is_sent_once_the_bot_is_disconnected(
    connected,  # noqa: F811
    boris,
    django_capture_on_commit_callbacks,
):
    bot_disconnect(bot=connected.bot, actor=connected.owner.user)
    sent_before = len(connected.telegram.calls("sendMessage"))

    notification = _notify(boris, django_capture_on_commit_callbacks)

    delivery = _delivery(notification)
    assert (delivery.status, delivery.detail) == (
        Delivery.Status.SKIPPED,
        "The organization has no connected Telegram bot.",
    )
    assert len(connected.telegram.calls("sendMessage")) == sent_before


def test_the_bot_the_notice_names_is_preferred_else_the_last_one_used(
    connected,  # noqa: F811
    deliver,  # noqa: F811
    boris,
    django_capture_on_commit_callbacks,
):
    token = connected.telegram.add_bot(username="acme_support_bot", first_name="Acme Support")
    support = bot_connect(organization=boris.organization, actor=connected.owner.user, token=token)
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=True):
        deliver(support, updates.update(text="hello", sender=updates.BORIS))

        _notify(boris, django_capture_on_commit_callbacks, title="No bot named")
        _notify(boris, django_capture_on_commit_callbacks, data={"bot_id": connected.bot.pk})

    [unnamed] = sent_to(connected.telegram, updates.BORIS, token=token)
    assert unnamed["text"].startswith("No bot named")
    named = sent_to(connected.telegram, updates.BORIS, token=connected.token)[-1]
    assert named["text"].startswith("Deal won: Acme")


def test_an_account_level_notice_goes_through_a_bot_of_the_members_organization(
    connected,  # noqa: F811
    boris,
    django_capture_on_commit_callbacks,
):
    notification = _notify(
        boris, django_capture_on_commit_callbacks, organization=None, title="New sign-in"
    )

    assert notification.organization is None
    assert _delivery(notification).status == Delivery.Status.SENT
    assert sent_to(connected.telegram, updates.BORIS)[-1]["text"].startswith("New sign-in")


def test_a_ready_draft_is_approved_from_its_telegram_notice(
    connected,  # noqa: F811
    deliver,  # noqa: F811
    boris,
    django_capture_on_commit_callbacks,
):
    deliver(connected.bot, updates.update(text="Hello! Price?", sender=updates.ANNA))
    anna = Chat.objects.get(bot=connected.bot, telegram_chat_id=updates.ANNA["id"])
    anna.assigned_to = boris.user
    anna.save(update_fields=["assigned_to"])
    with django_capture_on_commit_callbacks(execute=True):
        draft = draft_request(chat=anna, actor=boris.user)
    draft.refresh_from_db()

    notice = sent_to(connected.telegram, updates.BORIS)[-1]
    assert draft.text in notice["text"]
    [[approve, _reject]] = keyboard(notice)
    assert approve == {"text": "Approve & send", "callback_data": f"draft.approve:{draft.pk}"}
    on = updates.message(
        notice["text"],
        sender={"id": connected.bot.telegram_id, "is_bot": True, "first_name": "Acme Sales"},
        chat=updates.private_chat(updates.BORIS),
    )
    deliver(
        connected.bot, updates.callback_query(approve["callback_data"], sender=updates.BORIS, on=on)
    )

    draft.refresh_from_db()
    assert (draft.status, draft.decided_by) == (Draft.Status.SENT, boris.user)
    assert sent_to(connected.telegram, updates.ANNA)[-1]["text"] == draft.text
    [answer] = connected.telegram.calls("answerCallbackQuery")
    assert answer.params["text"] == f"Sent to {anna}"
