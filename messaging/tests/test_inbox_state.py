"""The chat's denormalised inbox state, kept where messages are recorded: the last-message
preview, the inbound counter behind unread counts, and reopening on a new inbound message."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from automation.models import Event
from messaging.models import Chat, Message
from messaging.services.inbound import InboundMessage, message_record
from messaging.services.inbox import chat_note_message, preview_text
from messaging.services.sending import message_send
from messaging.tests.factories import ChatFactory, MessageFactory


@pytest.fixture
def writer(make_member):
    return make_member("bidi")


@pytest.fixture
def chat(writer):
    return ChatFactory(organization=writer.organization, bot__organization=writer.organization)


_ids = iter(range(1, 10_000))


def receive(chat: Chat, text: str = "Hello", **fields) -> Message:
    data = InboundMessage(
        telegram_message_id=next(_ids),
        sent_at=fields.pop("sent_at", timezone.now()),
        text=text,
        sender_contact=chat.contact,
        **fields,
    )
    message, _ = message_record(chat=chat, data=data)
    return message


def test_an_inbound_message_becomes_the_chats_preview(chat):
    message = receive(chat, "What is the price?")

    chat.refresh_from_db()
    assert chat.last_message_id == message.pk
    assert (chat.last_message_text, chat.last_message_direction, chat.last_message_kind) == (
        "What is the price?",
        "in",
        "text",
    )
    assert chat.last_message_at == message.sent_at


def test_an_inbound_message_counts_towards_unread(chat):
    receive(chat)
    receive(chat)

    chat.refresh_from_db()
    assert chat.inbound_count == 2


def test_a_redelivered_message_is_not_counted_twice(chat):
    sent_at = timezone.now()
    data = InboundMessage(telegram_message_id=77, sent_at=sent_at, text="Hi")
    message_record(chat=chat, data=data)
    message_record(chat=chat, data=data)

    chat.refresh_from_db()
    assert chat.inbound_count == 1


def test_service_messages_do_not_count_as_unread(chat):
    receive(chat, "", kind=Message.Kind.SERVICE, service_action="new_chat_members")

    chat.refresh_from_db()
    assert chat.inbound_count == 0


def test_an_older_message_arriving_late_leaves_the_newer_preview(chat):
    newer = receive(chat, "newer")
    receive(chat, "older", sent_at=newer.sent_at - datetime.timedelta(minutes=5))

    chat.refresh_from_db()
    assert (chat.last_message_id, chat.last_message_text) == (newer.pk, "newer")
    assert chat.inbound_count == 2


def test_an_outbound_message_becomes_the_preview_when_queued(writer, chat):
    message = message_send(chat=chat, actor=writer.user, text="Our offer")

    chat.refresh_from_db()
    assert (chat.last_message_id, chat.last_message_direction) == (message.pk, "out")
    assert chat.last_message_text == "Our offer"
    assert chat.inbound_count == 0


def test_the_preview_is_one_trimmed_line():
    assert preview_text("Hello\n\n  there") == "Hello there"
    long = preview_text("word " * 100)
    assert len(long) == 200
    assert long.endswith("…")


@pytest.mark.parametrize("status", [Chat.Status.DONE, Chat.Status.SNOOZED])
def test_an_inbound_message_reopens_a_done_or_snoozed_chat(chat, status):
    Chat.objects.filter(pk=chat.pk).update(
        status=status, snoozed_until=timezone.now() + datetime.timedelta(days=1)
    )

    receive(chat, "Are you there?")

    chat.refresh_from_db()
    assert (chat.status, chat.snoozed_until) == ("open", None)
    event = Event.objects.get(name="chat.status_changed")
    assert event.payload["chat"]["status"] == "open"
    assert (event.payload["from_status"], event.payload["reason"]) == (status, "inbound")
    assert event.actor is None


def test_an_outbound_message_does_not_reopen_a_done_chat(writer, chat):
    Chat.objects.filter(pk=chat.pk).update(status=Chat.Status.DONE)

    message_send(chat=chat, actor=writer.user, text="Thanks, bye")

    chat.refresh_from_db()
    assert chat.status == "done"
    assert not Event.objects.filter(name="chat.status_changed").exists()


def test_imported_history_shows_in_the_preview_but_is_not_unread(chat):
    message = MessageFactory(chat=chat, source=Message.Source.IMPORT, text="Old news")

    chat_note_message(chat=chat, message=message)

    chat.refresh_from_db()
    assert chat.last_message_text == "Old news"
    assert chat.inbound_count == 0
