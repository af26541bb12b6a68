"""Importing Telegram Desktop exports into a bot's chats (messaging.services.history), with the
real-shaped export files under messaging/tests/data/."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from crm.models import Contact
from messaging.models import Chat, HistoryImport, Message
from messaging.services.history import history_import_run, history_import_upload
from messaging.tests.factories import ChatFactory, MessageFactory, TelegramBotFactory

DATA = Path(__file__).parent / "data"
CHAT_DIR = DATA / "telegram_export_chat"
ACCOUNT_JSON = DATA / "telegram_export_account" / "result.json"


@pytest.fixture
def admin(make_member):
    return make_member("admin")


@pytest.fixture
def bot(admin, fake_telegram):
    """A bot on the fake Bot API (enrichment of imported contacts asks it about them)."""
    token = fake_telegram.add_bot(bot_id=7_900_000_001)
    return TelegramBotFactory(
        organization=admin.organization, telegram_id=7_900_000_001, token=token
    )


def chat_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in CHAT_DIR.rglob("*"):
            if path.is_file():
                archive.write(path, f"ChatExport_2024-03-06/{path.relative_to(CHAT_DIR)}")
    return buffer.getvalue()


def run_import(admin, bot, name: str, data: bytes, captured) -> HistoryImport:
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    with captured(execute=True):
        job = history_import_upload(
            organization=admin.organization, actor=admin.user, file=upload, bot=bot
        )
    job.refresh_from_db()
    return job


@pytest.fixture
def imported(admin, bot, django_capture_on_commit_callbacks):
    def run(name: str = "result.json", data: bytes | None = None) -> HistoryImport:
        data = (CHAT_DIR / "result.json").read_bytes() if data is None else data
        return run_import(admin, bot, name, data, django_capture_on_commit_callbacks)

    return run


def test_a_single_chat_export_becomes_a_chat_a_contact_and_its_messages(imported, bot):
    job = imported()

    assert (job.status, job.total, job.processed) == ("done", 7, 7)
    assert (job.chats_created, job.contacts_created, job.messages_created) == (1, 1, 7)
    chat = Chat.objects.get(bot=bot)
    assert (chat.telegram_chat_id, chat.kind) == (5512345678, "private")
    assert (chat.contact.first_name, chat.contact.last_name) == ("Maria", "Petrova")
    assert chat.contact.telegram_user_id == 5512345678
    assert chat.last_message_at == datetime(2024, 3, 5, 9, 6, 44, tzinfo=UTC)


def test_imported_messages_keep_time_direction_sender_entities_and_replies(imported, admin, bot):
    imported()
    messages = list(Message.objects.filter(chat__bot=bot).order_by("sent_at"))
    first, reply = messages[0], messages[1]

    assert (first.direction, first.sender_contact.first_name, first.status) == (
        "in",
        "Maria",
        "received",
    )
    assert first.sent_at == datetime(2024, 3, 4, 10, 2, 17, tzinfo=UTC)
    assert (reply.direction, reply.sender_user, reply.reply_to) == ("out", admin.user, first)
    assert reply.entities[0]["type"] == "text_link"
    assert reply.edited_at is not None
    assert all(m.source == "import" and m.telegram_message_id is None for m in messages)
    assert messages[5].kind == "service" and messages[5].service_action == "phone_call"


def test_files_missing_from_a_bare_result_json_are_reported(imported):
    job = imported()

    reasons = [item["reason"] for item in job.report]
    assert reasons[0].startswith("photo not imported: Only result.json was uploaded")
    assert reasons[2].startswith("voice not imported: File not included")
    photo = Message.objects.get(kind="photo").attachments.get()
    assert photo.status == "failed"


def test_a_zip_of_the_export_folder_brings_the_files(imported):
    job = imported("ChatExport.zip", chat_zip())

    photo = Message.objects.get(kind="photo").attachments.get()
    document = Message.objects.get(kind="document").attachments.get()
    assert (photo.status, photo.file.read()[:2]) == ("stored", b"\xff\xd8")
    assert (document.file_name, document.mime_type) == ("Proposal_Q2.pdf", "application/pdf")
    assert [item["reason"][:24] for item in job.report] == ["voice not imported: File"]


def test_importing_the_same_file_again_creates_nothing(imported):
    imported()

    again = imported()

    assert (again.messages_created, again.messages_skipped, again.chats_created) == (0, 7, 0)
    assert again.contacts_created == 0
    assert Message.objects.count() == 7
    assert {item["reason"] for item in again.report} == {"Already in BiDi"}


def test_messages_the_bot_already_received_are_not_duplicated(imported, bot):
    chat = ChatFactory(bot=bot, organization=bot.organization, telegram_chat_id=5512345678)
    MessageFactory(
        chat=chat,
        telegram_message_id=12,  # the bot's own numbering, unrelated to the export's
        text="Hi! Saw your deck about the pilot — is the offer still open?",
        sent_at=datetime(2024, 3, 4, 10, 2, 17, tzinfo=UTC),
    )

    job = imported()

    assert (job.chats_created, job.messages_created, job.messages_skipped) == (0, 6, 1)
    assert chat.messages.count() == 7


def test_a_full_account_export_imports_every_chat_but_saved_messages(imported, bot):
    job = imported(data=ACCOUNT_JSON.read_bytes())

    assert job.status == "done"
    assert (job.total, job.chats_created, job.messages_created) == (8, 3, 8)
    chats = {c.title or c.kind: c for c in Chat.objects.filter(bot=bot)}
    group = chats["Acme × Example pilot"]
    assert (group.kind, group.telegram_chat_id) == ("supergroup", -1001987654321)
    assert chats["Old Leads Channel"].telegram_chat_id == -1001555000111
    assert {"chat": "saved_messages", "reason": "Saved Messages is not a chat with anyone"} in (
        job.report
    )


def test_in_groups_the_exporter_is_outbound_and_other_members_become_contacts(imported, bot):
    imported(data=ACCOUNT_JSON.read_bytes())
    group = Chat.objects.get(bot=bot, kind="supergroup")
    by_id = {m.telegram_message_id: m for m in group.messages.all()}

    assert by_id[2].direction == "out" and by_id[2].kind == "service"
    assert "Jon Buyer, Olga Tech" in by_id[2].text
    assert by_id[3].direction == "in"
    assert by_id[3].sender_contact.telegram_user_id == 6600000003
    assert by_id[3].entities == [
        {"type": "code", "offset": 4, "length": 11},
        {"type": "url", "offset": 27, "length": 26},
    ]
    assert (by_id[4].direction, by_id[4].sender_contact) == ("in", None)  # posted as a channel
    assert Contact.objects.filter(telegram_user_id=7000000001).count() == 0  # the exporter


def test_supergroup_messages_dedupe_by_telegram_id(imported, bot):
    group = ChatFactory(
        bot=bot, organization=bot.organization, telegram_chat_id=-1001987654321, kind="supergroup"
    )
    MessageFactory(chat=group, telegram_message_id=3, text="received live by the bot")

    job = imported(data=ACCOUNT_JSON.read_bytes())

    assert job.messages_skipped == 1
    assert group.messages.filter(telegram_message_id=3).count() == 1


def test_an_exported_chat_with_this_bot_maps_the_bots_messages_as_outbound(imported, bot):
    data = {
        "name": "BiDi Sales",
        "type": "bot_chat",
        "id": bot.telegram_id,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date": "",
                "date_unixtime": "1709546537",
                "from": "Kim Lee",
                "from_id": "user42",
                "text": "/start",
            },
            {
                "id": 2,
                "type": "message",
                "date": "",
                "date_unixtime": "1709546538",
                "from": "BiDi Sales",
                "from_id": f"user{bot.telegram_id}",
                "text": "Welcome!",
            },
        ],
    }
    imported(data=json.dumps(data).encode())

    chat = Chat.objects.get(bot=bot)
    assert (chat.telegram_chat_id, chat.contact.first_name) == (42, "Kim")
    directions = list(chat.messages.order_by("sent_at").values_list("direction", "sent_by_bot"))
    assert directions == [("in", False), ("out", True)]


def test_a_crashed_import_resumes_after_the_last_committed_chunk(imported, bot):
    job = imported()
    # As if the worker died after committing the first three messages.
    later = Message.objects.filter(chat__bot=bot).order_by("sent_at")[3:]
    Message.objects.filter(pk__in=[m.pk for m in later]).delete()
    HistoryImport.objects.filter(pk=job.pk).update(
        status="running", processed=3, messages_created=3, report=[]
    )

    history_import_run(import_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.processed, job.messages_created) == ("done", 7, 7)
    assert Message.objects.filter(chat__bot=bot).count() == 7


def test_progress_and_the_end_are_events(imported):
    job = imported()

    assert Event.objects.filter(name="history.progressed").count() >= 1
    finished = Event.objects.get(name="history.finished")
    assert finished.payload["import"] == {**finished.payload["import"], "id": job.pk}
    assert finished.payload["import"]["status"] == "done"


def test_a_json_file_that_is_not_an_export_fails_the_import_with_the_reason(imported):
    job = imported(data=b'{"hello": "world"}')

    assert job.status == "failed"
    assert 'Export as "Machine-readable JSON"' in job.error
    assert job.finished_at is not None


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("export.html", b"<html></html>", "not a Telegram Desktop export"),
        ("export.zip", b"PK\x03\x04broken", "damaged"),
    ],
)
def test_files_that_are_not_exports_are_refused_at_upload(admin, bot, name, data, message):
    upload = SimpleUploadedFile(name, data)

    with pytest.raises(ValidationError, match=message) as caught:
        history_import_upload(
            organization=admin.organization, actor=admin.user, file=upload, bot=bot
        )

    assert "file" in caught.value.fields
    assert not HistoryImport.objects.exists()


def test_a_file_over_the_limit_is_refused(admin, bot, settings):
    settings.TELEGRAM_HISTORY_MAX_BYTES = 10
    upload = SimpleUploadedFile("result.json", b'{"messages": [], "type": "x"}')

    with pytest.raises(ValidationError, match="larger than"):
        history_import_upload(
            organization=admin.organization, actor=admin.user, file=upload, bot=bot
        )


def test_only_managers_may_import(make_member, bot):
    bidi = make_member("bidi", organization=bot.organization)
    upload = SimpleUploadedFile("result.json", (CHAT_DIR / "result.json").read_bytes())

    with pytest.raises(PermissionDenied):
        history_import_upload(organization=bot.organization, actor=bidi.user, file=upload, bot=bot)


def test_another_organizations_bot_is_refused(admin):
    foreign = TelegramBotFactory()
    upload = SimpleUploadedFile("result.json", (CHAT_DIR / "result.json").read_bytes())

    with pytest.raises(ValidationError) as caught:
        history_import_upload(
            organization=admin.organization, actor=admin.user, file=upload, bot=foreign
        )

    assert caught.value.fields == {"bot": ["Choose a connected bot."]}
