"""Inbound photos, documents and voice notes are fetched with getFile into Django storage,
within the size limit, and are downloadable from the chat page."""

from django.urls import reverse

from messaging.models import Attachment, Message
from messaging.tests import updates

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


def test_a_photo_is_fetched_and_stored(deliver, connected):
    file_id = connected.telegram.add_file(JPEG, file_path="photos/file_7.jpg")

    deliver(
        connected.bot,
        updates.update(text=None, photo=updates.photo(file_id, len(JPEG)), caption="Our office"),
    )

    message = Message.objects.get()
    assert (message.kind, message.text) == ("photo", "Our office")
    attachment = message.attachments.get()
    assert (attachment.status, attachment.size, attachment.width) == ("stored", len(JPEG), 1280)
    assert attachment.file.read() == JPEG
    assert attachment.file.name.startswith(f"attachments/{connected.bot.organization_id}/")
    [get_file] = connected.telegram.calls("getFile")
    assert get_file.params["file_id"] == file_id  # the largest size, not the thumbnail


def test_a_document_keeps_its_name_and_type(deliver, connected):
    data = b"%PDF-1.7 proposal"
    file_id = connected.telegram.add_file(data, file_path="documents/file_3.pdf")
    document = {
        "file_name": "Proposal v2.pdf",
        "mime_type": "application/pdf",
        "file_id": file_id,
        "file_unique_id": "AgADproposal",
        "file_size": len(data),
    }

    deliver(connected.bot, updates.update(text=None, document=document))

    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.file_name, attachment.mime_type) == (
        "document",
        "Proposal v2.pdf",
        "application/pdf",
    )
    assert attachment.file.read() == data


def test_a_file_over_the_limit_is_not_downloaded(deliver, connected, settings):
    settings.TELEGRAM_MAX_FILE_BYTES = 1000
    file_id = connected.telegram.add_file(b"x" * 5000, file_path="voice/file_1.oga")
    voice = {
        "duration": 4,
        "mime_type": "audio/ogg",
        "file_id": file_id,
        "file_unique_id": "AgADvoice",
        "file_size": 5000,
    }

    deliver(connected.bot, updates.update(text=None, voice=voice))

    attachment = Attachment.objects.get()
    assert attachment.status == "too_large"
    assert "limit" in attachment.error
    assert not attachment.file
    assert connected.telegram.calls("getFile") == []


def test_a_file_whose_size_telegram_did_not_announce_is_checked_after_getfile(
    deliver, connected, settings
):
    settings.TELEGRAM_MAX_FILE_BYTES = 1000
    file_id = connected.telegram.add_file(b"x" * 5000, file_path="documents/big.bin")

    deliver(
        connected.bot,
        updates.update(text=None, document={"file_id": file_id, "file_unique_id": "u1"}),
    )

    assert Attachment.objects.get().status == "too_large"


def test_an_invalid_file_id_marks_the_attachment_failed(deliver, connected):
    deliver(
        connected.bot,
        updates.update(text=None, document={"file_id": "gone", "file_unique_id": "u2"}),
    )

    attachment = Attachment.objects.get()
    assert attachment.status == "failed"
    assert "invalid file_id" in attachment.error.lower()


def test_a_stored_attachment_downloads_from_the_chat_page(deliver, connected, client, make_member):
    data = b"%PDF-1.7 terms"
    file_id = connected.telegram.add_file(data, file_path="documents/terms.pdf")
    deliver(
        connected.bot,
        updates.update(
            text=None,
            document={
                "file_name": "terms.pdf",
                "mime_type": "application/pdf",
                "file_id": file_id,
                "file_unique_id": "AgADterms",
                "file_size": len(data),
            },
        ),
    )
    viewer = make_member("viewer", organization=connected.bot.organization)
    client.force_login(viewer.user)
    attachment = Attachment.objects.get()

    page = client.get(
        reverse("messaging:chat_detail", args=[attachment.message.chat_id]), follow=True
    )
    download_url = reverse("messaging:attachment_download", args=[attachment.pk])
    assert download_url in page.content.decode()
    response = client.get(download_url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert 'attachment; filename="terms.pdf"' in response["Content-Disposition"]
