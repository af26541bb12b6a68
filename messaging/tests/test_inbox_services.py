"""Inbox actions on a conversation: assign, done, reopen, snooze (and waking up), read markers."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from messaging.models import Chat, ChatReadState, Message
from messaging.services import inbox
from messaging.services.inbound import InboundMessage, message_record
from messaging.tasks import chats_wake_snoozed
from messaging.tests.factories import ChatFactory

_ids = iter(range(1, 10_000))


@pytest.fixture
def writer(make_member):
    return make_member("bidi")


@pytest.fixture
def chat(writer):
    return ChatFactory(organization=writer.organization, bot__organization=writer.organization)


def receive(chat: Chat, text: str = "Hello") -> Message:
    data = InboundMessage(telegram_message_id=next(_ids), sent_at=timezone.now(), text=text)
    return message_record(chat=chat, data=data)[0]


def unread_for(chat: Chat, user) -> int:
    chat.refresh_from_db()
    state = ChatReadState.objects.filter(chat=chat, user=user).first()
    return chat.inbound_count - (state.read_inbound_count if state else 0)


# --- assign ---------------------------------------------------------------------------------


def test_a_member_assigns_a_chat_to_a_colleague(writer, chat, make_member):
    colleague = make_member("bidi", organization=writer.organization)

    inbox.chat_assign(chat=chat, assignee=colleague.user, actor=writer.user)

    chat.refresh_from_db()
    assert chat.assigned_to == colleague.user
    event = Event.objects.get(name="chat.assigned")
    assert (event.payload["from_user"], event.payload["to_user"]) == (None, colleague.user.pk)
    assert event.payload["chat"]["assigned_to"] == colleague.user.pk
    assert event.actor == writer.user


def test_unassigning_emits_to_user_null(writer, chat):
    inbox.chat_assign(chat=chat, assignee=writer.user, actor=writer.user)
    inbox.chat_assign(chat=chat, assignee=None, actor=writer.user)

    chat.refresh_from_db()
    assert chat.assigned_to is None
    last = Event.objects.filter(name="chat.assigned").order_by("-pk").first()
    assert (last.payload["from_user"], last.payload["to_user"]) == (writer.user.pk, None)


def test_assigning_the_same_member_again_emits_nothing(writer, chat):
    inbox.chat_assign(chat=chat, assignee=writer.user, actor=writer.user)
    inbox.chat_assign(chat=chat, assignee=writer.user, actor=writer.user)

    assert Event.objects.filter(name="chat.assigned").count() == 1


def test_a_chat_cannot_be_assigned_to_someone_outside_the_organization(writer, chat, make_member):
    stranger = make_member("owner")

    with pytest.raises(ValidationError) as error:
        inbox.chat_assign(chat=chat, assignee=stranger.user, actor=writer.user)

    assert "assignee" in error.value.fields


def test_a_viewer_cannot_assign(writer, chat, make_member):
    viewer = make_member("viewer", organization=writer.organization)

    with pytest.raises(PermissionDenied):
        inbox.chat_assign(chat=chat, assignee=viewer.user, actor=viewer.user)


# --- status ---------------------------------------------------------------------------------


def test_marking_done_and_reopening_are_announced(writer, chat):
    inbox.chat_mark_done(chat=chat, actor=writer.user)
    chat.refresh_from_db()
    assert chat.status == "done"

    inbox.chat_reopen(chat=chat, actor=writer.user)
    chat.refresh_from_db()
    assert chat.status == "open"

    events = [
        (e.payload["from_status"], e.payload["chat"]["status"], e.payload["reason"])
        for e in Event.objects.filter(name="chat.status_changed").order_by("pk")
    ]
    assert events == [("open", "done", "member"), ("done", "open", "member")]


def test_marking_a_done_chat_done_again_emits_nothing(writer, chat):
    inbox.chat_mark_done(chat=chat, actor=writer.user)
    inbox.chat_mark_done(chat=chat, actor=writer.user)

    assert Event.objects.filter(name="chat.status_changed").count() == 1


def test_a_viewer_cannot_change_the_status(writer, chat, make_member):
    viewer = make_member("viewer", organization=writer.organization)

    with pytest.raises(PermissionDenied):
        inbox.chat_mark_done(chat=chat, actor=viewer.user)


def test_snoozing_hides_the_chat_until_a_time(writer, chat):
    until = timezone.now() + datetime.timedelta(hours=3)

    inbox.chat_snooze(chat=chat, until=until, actor=writer.user)

    chat.refresh_from_db()
    assert (chat.status, chat.snoozed_until) == ("snoozed", until)
    event = Event.objects.get(name="chat.status_changed")
    assert event.payload["chat"]["snoozed_until"] == until.isoformat()


@pytest.mark.parametrize(
    "delta", [datetime.timedelta(minutes=-1), datetime.timedelta(days=400)], ids=["past", "far"]
)
def test_snoozing_needs_a_time_within_the_next_year(writer, chat, delta):
    with pytest.raises(ValidationError) as error:
        inbox.chat_snooze(chat=chat, until=timezone.now() + delta, actor=writer.user)

    assert "until" in error.value.fields


def test_the_periodic_task_wakes_snoozed_chats_that_are_due(writer, chat):
    later = ChatFactory(organization=writer.organization, bot=chat.bot)
    inbox.chat_snooze(
        chat=chat, until=timezone.now() + datetime.timedelta(minutes=5), actor=writer.user
    )
    inbox.chat_snooze(
        chat=later, until=timezone.now() + datetime.timedelta(days=1), actor=writer.user
    )
    Chat.objects.filter(pk=chat.pk).update(
        snoozed_until=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert chats_wake_snoozed() == 1

    chat.refresh_from_db()
    later.refresh_from_db()
    assert (chat.status, chat.snoozed_until) == ("open", None)
    assert later.status == "snoozed"
    woke = Event.objects.filter(name="chat.status_changed").order_by("-pk").first()
    assert (woke.payload["chat"]["id"], woke.payload["reason"]) == (chat.pk, "snooze_ended")


def test_the_wake_task_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "messaging.tasks.chats_wake_snoozed" in tasks


# --- read markers ---------------------------------------------------------------------------


def test_reading_a_chat_clears_its_unread_count_for_that_member_only(writer, chat, make_member):
    colleague = make_member("bidi", organization=writer.organization)
    receive(chat)
    last = receive(chat)

    state = inbox.chat_mark_read(chat=chat, user=writer.user)

    assert state.last_read_message_id == last.pk
    assert unread_for(chat, writer.user) == 0
    assert unread_for(chat, colleague.user) == 2
    event = Event.objects.get(name="chat.read")
    assert event.payload == {
        "chat": chat.pk,
        "user": writer.user.pk,
        "last_read_message_id": last.pk,
        "unread": 0,
        "manual_unread": False,
    }


def test_reading_up_to_a_message_leaves_the_later_ones_unread(writer, chat):
    first = receive(chat)
    receive(chat)
    receive(chat)

    inbox.chat_mark_read(chat=chat, user=writer.user, message=first)

    assert unread_for(chat, writer.user) == 2


def test_the_read_marker_never_moves_back(writer, chat):
    first = receive(chat)
    receive(chat)
    inbox.chat_mark_read(chat=chat, user=writer.user)

    inbox.chat_mark_read(chat=chat, user=writer.user, message=first)

    assert unread_for(chat, writer.user) == 0


def test_new_messages_after_reading_are_unread(writer, chat):
    receive(chat)
    inbox.chat_mark_read(chat=chat, user=writer.user)
    receive(chat)

    assert unread_for(chat, writer.user) == 1


def test_reading_an_already_read_chat_writes_no_event(writer, chat):
    receive(chat)
    inbox.chat_mark_read(chat=chat, user=writer.user)
    inbox.chat_mark_read(chat=chat, user=writer.user)

    assert Event.objects.filter(name="chat.read").count() == 1


def test_a_viewer_may_read(chat, make_member):
    viewer = make_member("viewer", organization=chat.organization)
    receive(chat)

    inbox.chat_mark_read(chat=chat, user=viewer.user)

    assert unread_for(chat, viewer.user) == 0


def test_reading_a_message_of_another_chat_is_refused(writer, chat):
    other = ChatFactory(organization=writer.organization, bot=chat.bot)
    elsewhere = receive(other)

    with pytest.raises(ValidationError) as error:
        inbox.chat_mark_read(chat=chat, user=writer.user, message=elsewhere)

    assert "message" in error.value.fields


def test_marking_unread_flags_the_chat_until_it_is_read_again(writer, chat):
    receive(chat)
    inbox.chat_mark_read(chat=chat, user=writer.user)

    state = inbox.chat_mark_unread(chat=chat, user=writer.user)
    assert state.manual_unread is True
    assert (
        Event.objects.filter(name="chat.read").order_by("-pk").first().payload["manual_unread"]
        is True
    )

    state = inbox.chat_mark_read(chat=chat, user=writer.user)
    assert state.manual_unread is False
