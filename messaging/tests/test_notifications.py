"""Inbox notices through the real spine: a Telegram update posted to the bot's webhook is
processed, its ``message.received`` dispatched (eager Celery) and the notifications engine
tells the members who answer the chat."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from automation.events import dispatch
from automation.models import Event, SubscriberReceipt
from messaging.models import Chat
from messaging.services.inbox import chat_assign
from messaging.tests import updates
from notifications.delivery import not_allowed_reason
from notifications.models import Delivery, Notification

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


@pytest.fixture
def team(connected, make_member):
    """The bot's organization: its owner (who connected the bot), a business developer and a
    viewer; and an owner of another organization."""
    organization = connected.bot.organization
    return {
        "owner": connected.owner.user,
        "bidi": make_member("bidi", organization=organization).user,
        "viewer": make_member("viewer", organization=organization).user,
        "stranger": make_member("owner").user,
    }


def told(type_key: str = "chat.message") -> dict:
    """{user: [titles]} of the notices of ``type_key``."""
    found: dict = {}
    for notice in Notification.objects.filter(type=type_key).order_by("pk"):
        found.setdefault(notice.user, []).append(notice.title)
    return found


def redispatch(event: Event, capture) -> None:
    """Run every subscriber of ``event`` again, as if its receipts were lost."""
    SubscriberReceipt.objects.filter(event=event).delete()
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    with capture(execute=True):
        dispatch(event.pk)


def test_a_message_in_an_unassigned_chat_tells_the_members_who_may_answer(deliver, connected, team):
    deliver(connected.bot, updates.update(text="Hi! Can we book a demo?"))

    chat = Chat.objects.get()
    assert told() == {
        team["owner"]: ["New message from Anna Petrova"],
        team["bidi"]: ["New message from Anna Petrova"],
    }
    notice = Notification.objects.get(user=team["bidi"])
    assert (notice.body, notice.url) == (
        "Hi! Can we book a demo?",
        reverse("messaging:inbox_chat", args=[chat.pk]),
    )
    assert notice.organization == connected.bot.organization
    # In-app only by default: no email or Telegram delivery.
    assert not Delivery.objects.exists()


def test_a_message_in_an_assigned_chat_tells_only_the_assignee(deliver, connected, team):
    deliver(connected.bot, updates.update(text="Hello"))
    chat = Chat.objects.get()
    chat_assign(chat=chat, assignee=team["viewer"], actor=team["owner"])
    Notification.objects.all().delete()

    deliver(connected.bot, updates.update(text="Are you there?"))

    assert told() == {team["viewer"]: ["New message from Anna Petrova"]}


def test_a_photo_is_told_by_its_kind_and_caption(deliver, connected, team):
    file_id = connected.telegram.add_file(JPEG, file_path="photos/file_7.jpg")

    deliver(
        connected.bot,
        updates.update(text=None, photo=updates.photo(file_id, len(JPEG)), caption="Our office"),
    )

    assert Notification.objects.get(user=team["bidi"]).body == "[Photo] Our office"


def test_a_long_message_is_trimmed_to_a_preview(deliver, connected, team):
    deliver(connected.bot, updates.update(text="word " * 100))

    body = Notification.objects.get(user=team["bidi"]).body
    assert len(body) == 200
    assert body.endswith("…")


def test_bot_commands_tell_nobody(deliver, connected, team):
    deliver(connected.bot, updates.update(text="/start spring_webinar"))

    assert told() == {}


def test_a_team_members_own_private_chat_with_the_bot_tells_nobody(deliver, connected, team):
    SocialAccount.objects.create(
        user=team["bidi"], provider="telegram", uid=str(updates.BORIS["id"])
    )

    deliver(connected.bot, updates.update(text="hi bot", sender=updates.BORIS))

    assert told() == {}


def test_a_redispatched_message_tells_nobody_twice(
    deliver, connected, team, django_capture_on_commit_callbacks
):
    deliver(connected.bot, updates.update(text="Hello"))

    redispatch(Event.objects.get(name="message.received"), django_capture_on_commit_callbacks)

    assert Notification.objects.filter(user=team["bidi"]).count() == 1


def test_a_notice_about_an_assigned_chat_lapses_when_a_colleague_takes_it_over(
    deliver, connected, team
):
    deliver(connected.bot, updates.update(text="Hello"))
    chat = Chat.objects.get()
    chat_assign(chat=chat, assignee=team["bidi"], actor=team["owner"])
    deliver(connected.bot, updates.update(text="Still there?"))
    notice = Notification.objects.filter(user=team["bidi"]).latest("pk")
    assert not_allowed_reason(notice) == ""

    chat_assign(chat=chat, assignee=team["owner"], actor=team["owner"])

    assert not_allowed_reason(notice) == "The user may no longer see what this is about."


def test_a_notice_about_an_unassigned_chat_lapses_when_the_member_may_no_longer_answer(
    deliver, connected, team
):
    deliver(connected.bot, updates.update(text="Hello"))
    notice = Notification.objects.get(user=team["bidi"])

    team["bidi"].memberships.update(role="viewer")

    assert not_allowed_reason(notice) != ""


def test_assigning_a_chat_tells_the_new_assignee_in_the_app_and_by_email(
    deliver, connected, team, django_capture_on_commit_callbacks
):
    deliver(connected.bot, updates.update(text="Can we talk pricing?"))
    chat = Chat.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        chat_assign(chat=chat, assignee=team["bidi"], actor=team["owner"])

    notice = Notification.objects.get(type="chat.assigned")
    assert notice.user == team["bidi"]
    assert notice.title == f"{team['owner'].display_name} assigned you the chat with {chat}"
    assert (notice.body, notice.url) == (
        "Can we talk pricing?",
        reverse("messaging:inbox_chat", args=[chat.pk]),
    )
    assert list(notice.deliveries.values_list("channel", flat=True)) == ["email"]


def test_taking_a_chat_oneself_tells_nobody(
    deliver, connected, team, django_capture_on_commit_callbacks
):
    deliver(connected.bot, updates.update(text="Hello"))

    with django_capture_on_commit_callbacks(execute=True):
        chat_assign(chat=Chat.objects.get(), assignee=team["bidi"], actor=team["bidi"])

    assert told("chat.assigned") == {}


def test_an_assignment_notice_lapses_once_the_chat_went_to_someone_else(
    deliver, connected, team, django_capture_on_commit_callbacks
):
    deliver(connected.bot, updates.update(text="Hello"))
    chat = Chat.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        chat_assign(chat=chat, assignee=team["bidi"], actor=team["owner"])
    notice = Notification.objects.get(type="chat.assigned")

    chat_assign(chat=chat, assignee=None, actor=team["owner"])

    assert not_allowed_reason(notice) == "The user may no longer see what this is about."
