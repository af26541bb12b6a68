"""Outbound attachments: stored with the message, uploaded with the matching Bot API method."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.errors import ValidationError
from messaging.services.sending import message_deliver, message_send
from messaging.tests.factories import ChatFactory

JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


@pytest.fixture
def chat(db, fake_telegram):
    token = fake_telegram.add_bot()
    return ChatFactory(bot__token=token, bot__telegram_id=int(token.split(":")[0]))


def send_file(chat, name, data, content_type, text=""):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    message = message_send(chat=chat, actor=None, text=text, attachments=[upload], source="agent")
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    return message


def test_a_photo_goes_with_send_photo_and_its_caption(chat, fake_telegram):
    message = send_file(chat, "setup.jpg", JPEG, "image/jpeg", text="Our setup")

    [call] = fake_telegram.calls("sendPhoto")
    assert call.files["photo"] == JPEG
    assert call.params["caption"] == "Our setup"
    assert (message.kind, message.status) == ("photo", "sent")


def test_the_stored_file_keeps_telegrams_file_id_for_later(chat, fake_telegram):
    message = send_file(chat, "setup.jpg", JPEG, "image/jpeg")

    attachment = message.attachments.get()
    assert attachment.file.read() == JPEG
    assert (attachment.status, attachment.file_name, attachment.size) == (
        "stored",
        "setup.jpg",
        len(JPEG),
    )
    assert attachment.telegram_file_id.startswith("BQAC")


def test_a_pdf_goes_as_a_document(chat, fake_telegram):
    message = send_file(chat, "Proposal.pdf", b"%PDF-1.4 proposal", "application/pdf")

    [call] = fake_telegram.calls("sendDocument")
    assert call.files["document"] == b"%PDF-1.4 proposal"
    assert message.kind == "document"
    assert "caption" not in call.params


@pytest.mark.parametrize(
    ("name", "content_type", "method", "field", "kind"),
    [
        ("note.ogg", "audio/ogg", "sendVoice", "voice", "voice"),
        ("demo.mp4", "video/mp4", "sendVideo", "video", "video"),
        ("table.csv", "text/csv", "sendDocument", "document", "document"),
    ],
)
def test_each_kind_uses_its_method(chat, fake_telegram, name, content_type, method, field, kind):
    message = send_file(chat, name, b"bytes of " + name.encode(), content_type)

    [call] = fake_telegram.calls(method)
    assert call.files[field] == b"bytes of " + name.encode()
    assert (message.kind, message.status) == (kind, "sent")


def test_a_retry_after_upload_failure_uploads_again(chat, fake_telegram):
    fake_telegram.fail_next("sendDocument", 500)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 a", content_type="application/pdf")
    message = message_send(chat=chat, actor=None, attachments=[upload], source="agent")

    assert message_deliver(message_id=message.pk).status == "queued"
    assert message_deliver(message_id=message.pk).status == "sent"

    assert [c.files["document"] for c in fake_telegram.calls("sendDocument")] == [
        b"%PDF-1.4 a",
        b"%PDF-1.4 a",
    ]


def test_more_than_one_file_is_refused(chat):
    uploads = [
        SimpleUploadedFile(f"{n}.pdf", b"%PDF", content_type="application/pdf") for n in "ab"
    ]

    with pytest.raises(ValidationError) as caught:
        message_send(chat=chat, actor=None, attachments=uploads, source="agent")

    assert caught.value.fields == {"attachments": ["Attach one file per message."]}


def test_a_file_over_the_bot_api_upload_limit_is_refused(chat):
    upload = SimpleUploadedFile("big.zip", b"x", content_type="application/zip")
    upload.size = 50 * 1024 * 1024 + 1

    with pytest.raises(ValidationError) as caught:
        message_send(chat=chat, actor=None, attachments=[upload], source="agent")

    assert caught.value.fields == {"attachments": ["Telegram accepts files up to 50 MB from bots."]}
