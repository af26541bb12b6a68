"""Queuing an outbound message: messaging.services.sending.message_send."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from messaging.models import Message
from messaging.services.sending import message_send
from messaging.tests.factories import ChatFactory, MessageFactory


@pytest.fixture
def writer(make_member):
    return make_member("bidi")


@pytest.fixture
def chat(writer):
    return ChatFactory(organization=writer.organization, bot__organization=writer.organization)


def test_a_member_queues_a_message_and_it_is_announced(writer, chat):
    message = message_send(chat=chat, actor=writer.user, text="Hello Maria")

    message.refresh_from_db()
    assert (message.status, message.direction, message.source) == ("queued", "out", "manual")
    assert (message.sender_user, message.sent_by_bot, message.text) == (
        writer.user,
        True,
        "Hello Maria",
    )
    event = Event.objects.get(name="message.queued")
    assert event.payload["message"]["id"] == message.pk
    assert event.actor == writer.user


def test_after_commit_the_message_is_delivered_through_the_telegram_queue(
    make_member, fake_telegram, django_capture_on_commit_callbacks
):
    from config.celery import app

    writer = make_member("bidi")
    token = fake_telegram.add_bot()
    chat = ChatFactory(
        organization=writer.organization,
        bot__organization=writer.organization,
        bot__token=token,
        bot__telegram_id=int(token.split(":")[0]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(chat=chat, actor=writer.user, text="Hi")

    message.refresh_from_db()
    assert app.amqp.router.route({}, "messaging.tasks.message_deliver")["queue"].name == "telegram"
    assert message.status == "sent"
    [call] = fake_telegram.calls("sendMessage")
    assert (call.params["chat_id"], call.params["text"]) == (str(chat.telegram_chat_id), "Hi")


def test_a_viewer_cannot_send(make_member, chat):
    viewer = make_member("viewer", organization=chat.organization)

    with pytest.raises(PermissionDenied):
        message_send(chat=chat, actor=viewer.user, text="Hi")
    assert not Message.objects.exists()


def test_campaigns_send_without_an_actor_and_say_so_in_source(chat):
    message = message_send(chat=chat, actor=None, text="Offer", source="campaign")

    assert (message.source, message.sender_user) == ("campaign", None)


def test_an_empty_message_is_refused_with_a_field_error(writer, chat):
    with pytest.raises(ValidationError) as caught:
        message_send(chat=chat, actor=writer.user, text="   ")

    assert caught.value.fields == {"text": ["Write a message or attach a file."]}


def test_a_message_over_telegrams_limit_is_refused(writer, chat):
    with pytest.raises(ValidationError) as caught:
        message_send(chat=chat, actor=writer.user, text="x" * 4097)

    assert "at most 4096 characters" in caught.value.fields["text"][0]


def test_a_caption_has_the_shorter_limit(writer, chat):
    upload = SimpleUploadedFile("a.pdf", b"%PDF", content_type="application/pdf")

    with pytest.raises(ValidationError) as caught:
        message_send(chat=chat, actor=writer.user, text="x" * 1025, attachments=[upload])

    assert "at most 1024 characters" in caught.value.fields["text"][0]


def test_a_reply_must_be_in_the_same_chat(writer, chat):
    elsewhere = MessageFactory(
        chat__organization=chat.organization, chat__bot__organization=chat.organization
    )

    with pytest.raises(ValidationError) as caught:
        message_send(chat=chat, actor=writer.user, text="Re", reply_to=elsewhere)

    assert "reply_to" in caught.value.fields


def test_a_blocked_chat_refuses_new_messages(writer, chat):
    chat.is_blocked = True
    chat.save()

    with pytest.raises(ValidationError, match="blocked the bot"):
        message_send(chat=chat, actor=writer.user, text="Hi")


def test_a_disconnected_bot_refuses_new_messages(writer, chat):
    chat.bot.is_active = False
    chat.bot.save()

    with pytest.raises(ValidationError, match="disconnected"):
        message_send(chat=chat, actor=writer.user, text="Hi")
