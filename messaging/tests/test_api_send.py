"""``POST /api/v1/chats/{id}/messages/``: the API's composer, through ``message_send``."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from automation.models import Event
from messaging.models import Message
from messaging.tests.factories import ChatFactory, MessageFactory


@pytest.fixture
def chat(writable_chat):
    return writable_chat


def url(chat) -> str:
    return f"/api/v1/chats/{chat.pk}/messages/"


def test_a_member_queues_a_message_and_gets_it_back(jwt_client, writer, chat):
    response = jwt_client(writer.user).post(url(chat), {"text": "Hello Maria"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    message = Message.objects.get(pk=body["id"])
    assert (body["status"], body["direction"], body["text"]) == ("queued", "out", "Hello Maria")
    assert (message.sender_user, message.source, message.chat) == (writer.user, "manual", chat)
    assert Event.objects.get(name="message.queued").payload["message"]["id"] == message.pk


def test_the_queued_message_is_delivered_after_commit(
    jwt_client, writer, chat, fake_telegram, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = jwt_client(writer.user).post(url(chat), {"text": "Hi"}, format="json")

    message = Message.objects.get(pk=response.json()["id"])
    assert message.status == "sent"
    [call] = fake_telegram.calls("sendMessage")
    assert call.params["text"] == "Hi"


def test_a_reply_in_the_same_chat_is_accepted(jwt_client, writer, chat):
    original = MessageFactory(chat=chat, telegram_message_id=41)

    response = jwt_client(writer.user).post(
        url(chat), {"text": "Sure", "reply_to": original.pk}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["reply_to"] == original.pk


def test_a_file_goes_as_multipart_with_its_caption(jwt_client, writer, chat):
    upload = SimpleUploadedFile("Proposal.pdf", b"%PDF-1.4 proposal", "application/pdf")

    response = jwt_client(writer.user).post(
        url(chat), {"text": "Our proposal", "file": upload}, format="multipart"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["text"]) == ("document", "Our proposal")
    [attachment] = body["attachments"]
    assert (attachment["file_name"], attachment["size"]) == ("Proposal.pdf", 17)
    stored = Message.objects.get(pk=body["id"]).attachments.get()
    assert stored.file.read() == b"%PDF-1.4 proposal"


def test_an_empty_message_without_a_file_is_a_field_error(jwt_client, writer, chat):
    response = jwt_client(writer.user).post(url(chat), {"text": "  "}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"text": ["Write a message or attach a file."]}
    assert not Message.objects.exists()


def test_a_text_over_4096_characters_is_a_field_error(jwt_client, writer, chat):
    response = jwt_client(writer.user).post(url(chat), {"text": "x" * 4097}, format="json")

    assert response.status_code == 400
    assert "at most 4096 characters" in response.json()["error"]["fields"]["text"][0]


def test_a_file_over_50_mb_is_a_field_error_on_file(jwt_client, writer, chat):
    upload = SimpleUploadedFile("big.bin", b"\0" * (50 * 1024 * 1024 + 1), "application/zip")

    response = jwt_client(writer.user).post(url(chat), {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "file": ["Telegram accepts files up to 50 MB from bots."]
    }
    assert not Message.objects.exists()


def test_a_reply_to_a_message_of_another_chat_is_a_field_error(jwt_client, writer, chat):
    elsewhere = MessageFactory(
        chat__organization=chat.organization, chat__bot__organization=chat.organization
    )

    response = jwt_client(writer.user).post(
        url(chat), {"text": "Re", "reply_to": elsewhere.pk}, format="json"
    )

    assert response.status_code == 400
    assert "reply_to" in response.json()["error"]["fields"]


def test_a_reply_to_another_organizations_message_does_not_exist(jwt_client, writer, chat):
    foreign = MessageFactory()

    response = jwt_client(writer.user).post(
        url(chat), {"text": "Re", "reply_to": foreign.pk}, format="json"
    )

    assert response.status_code == 400
    assert "does not exist" in response.json()["error"]["fields"]["reply_to"][0]


def test_a_blocked_chat_answers_with_the_reason(jwt_client, writer, chat):
    chat.is_blocked = True
    chat.save()

    response = jwt_client(writer.user).post(url(chat), {"text": "Hi"}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "chat_blocked"
    assert "blocked the bot" in error["message"]
    assert not Message.objects.exists()


def test_a_viewer_is_refused(jwt_client, make_member, chat):
    viewer = make_member("viewer", organization=chat.organization)

    response = jwt_client(viewer.user).post(url(chat), {"text": "Hi"}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "message.send"
    assert not Message.objects.exists()


def test_another_organizations_chat_is_not_found(jwt_client, writer):
    foreign = ChatFactory()

    response = jwt_client(writer.user).post(url(foreign), {"text": "Hi"}, format="json")

    assert response.status_code == 404
    assert not Message.objects.exists()
