"""Reading Telegram Desktop exports (messaging.telegram.export_format), on real-shaped files."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from messaging.telegram.export_format import (
    ExportFiles,
    ExportFormatError,
    parse_export,
    text_and_entities,
)

DATA = Path(__file__).parent / "data"
CHAT_EXPORT = DATA / "telegram_export_chat"
ACCOUNT_EXPORT = DATA / "telegram_export_account" / "result.json"


def chat_export():
    return parse_export((CHAT_EXPORT / "result.json").read_bytes())


def test_a_single_chat_export_is_one_private_chat_with_its_bot_api_id():
    export = chat_export()

    assert not export.is_full_account
    [chat] = export.chats
    assert (chat.name, chat.kind, chat.bot_api_chat_id) == ("Maria Petrova", "private", 5512345678)
    assert len(chat.messages) == 7


def test_dates_come_from_unixtime_in_utc():
    first = chat_export().chats[0].messages[0]

    assert first.date == datetime(2024, 3, 4, 10, 2, 17, tzinfo=UTC)


def test_plain_text_message_keeps_its_sender():
    first = chat_export().chats[0].messages[0]

    assert first.text.startswith("Hi! Saw your deck")
    assert (first.sender_name, first.sender_user_id, first.entities) == (
        "Maria Petrova",
        5512345678,
        [],
    )


def test_text_parts_become_text_and_utf16_entities():
    reply = chat_export().chats[0].messages[1]

    assert reply.text == (
        "Yes! Details are in our pricing page, and the early-bird 🚀 discount ends Friday. "
        "Ping @bidi_support."
    )
    link, bold, mention = reply.entities
    assert link == {
        "type": "text_link",
        "offset": 20,
        "length": 16,
        "url": "https://example.com/pricing",
    }
    # The rocket is two UTF-16 code units, as the Bot API counts.
    assert (bold["type"], bold["offset"], bold["length"]) == ("bold", 46, 22)
    assert mention == {"type": "mention", "offset": 87, "length": 13}
    assert reply.reply_to_id == 18203
    assert reply.edited == datetime(2024, 3, 4, 10, 6, 2, tzinfo=UTC)


def test_photo_and_file_are_relative_paths_with_their_metadata():
    messages = chat_export().chats[0].messages
    photo, document = messages[2].media, messages[3].media

    assert (photo.kind, photo.path, photo.width, photo.size) == (
        "photo",
        "photos/photo_1@04-03-2024_11-07-12.jpg",
        1,
        134,
    )
    assert messages[2].text == "Our current setup"
    assert (document.kind, document.path, document.file_name, document.mime_type) == (
        "document",
        "files/Proposal_Q2.pdf",
        "Proposal_Q2.pdf",
        "application/pdf",
    )


def test_a_file_left_out_of_the_export_says_why():
    voice = chat_export().chats[0].messages[4].media

    assert (voice.kind, voice.path, voice.duration) == ("voice", None, 7)
    assert voice.missing_reason.startswith("File not included")


def test_service_messages_carry_their_action_and_actor():
    call = chat_export().chats[0].messages[5]

    assert (call.is_service, call.action, call.sender_user_id) == (True, "phone_call", 5512345678)


def test_forwarded_messages_name_the_origin():
    assert chat_export().chats[0].messages[6].forwarded_from == "Ivan (CTO)"


def test_a_full_account_export_lists_chats_and_left_chats_but_not_saved_messages():
    export = parse_export(ACCOUNT_EXPORT.read_bytes())

    assert export.is_full_account
    assert export.owner_user_id == 7000000001
    assert [(c.name, c.kind) for c in export.chats] == [
        ("Jon Buyer", "private"),
        ("Acme × Example pilot", "supergroup"),
        ("Old Leads Channel", "channel"),
    ]
    assert export.skipped_chats == [
        {"chat": "saved_messages", "reason": "Saved Messages is not a chat with anyone"}
    ]
    assert export.message_count == 8


def test_supergroups_and_channels_get_the_minus_100_bot_api_id():
    export = parse_export(ACCOUNT_EXPORT.read_bytes())

    assert export.chats[1].bot_api_chat_id == -1001987654321
    assert export.chats[2].bot_api_chat_id == -1001555000111


def test_group_service_message_lists_invited_members():
    invite = parse_export(ACCOUNT_EXPORT.read_bytes()).chats[1].messages[1]

    assert (invite.action, invite.members) == ("invite_members", ("Jon Buyer", "Olga Tech"))


def test_a_message_posted_as_a_channel_has_no_user_sender():
    post = parse_export(ACCOUNT_EXPORT.read_bytes()).chats[1].messages[3]

    assert (post.sender_id, post.sender_user_id) == ("channel1122334455", None)


def test_basic_groups_get_a_negative_id():
    data = {"name": "G", "type": "private_group", "id": 4242, "messages": []}

    assert parse_export(json.dumps(data)).chats[0].bot_api_chat_id == -4242


def test_exports_without_unixtime_read_the_wall_time_as_utc():
    data = {
        "name": "Old",
        "type": "personal_chat",
        "id": 1,
        "messages": [{"id": 1, "type": "message", "date": "2019-05-01T10:00:00", "text": "x"}],
    }

    [message] = parse_export(json.dumps(data)).chats[0].messages

    assert message.date == datetime(2019, 5, 1, 10, 0, tzinfo=UTC)


def test_an_unreadable_message_is_reported_and_the_rest_is_kept():
    data = {
        "name": "X",
        "type": "personal_chat",
        "id": 1,
        "messages": [
            {"type": "message", "date": "2024-01-01T00:00:00", "text": "no id"},
            {"id": 2, "type": "message", "date_unixtime": "1704067200", "date": "", "text": "ok"},
        ],
    }

    [chat] = parse_export(json.dumps(data)).chats

    assert [m.text for m in chat.messages] == ["ok"]
    assert chat.problems[0]["message"] is None
    assert chat.problems[0]["reason"].startswith("Unreadable message")


def test_paths_that_leave_the_export_folder_are_refused():
    data = {
        "name": "X",
        "type": "personal_chat",
        "id": 1,
        "messages": [
            {"id": 1, "type": "message", "date_unixtime": "1", "date": "", "text": "", "file": p}
            for p in ("../../etc/passwd", "/etc/passwd")
        ],
    }

    media = [m.media for m in parse_export(json.dumps(data)).chats[0].messages]

    assert [m.path for m in media] == [None, None]
    assert all(m.missing_reason.startswith("Refused file path") for m in media)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n", "not a JSON file"),
        (b"[1, 2]", "not a Telegram Desktop export"),
        (b'{"name": "x"}', 'Export as "Machine-readable JSON"'),
    ],
)
def test_files_that_are_not_exports_are_refused_with_a_clear_message(content, message):
    with pytest.raises(ExportFormatError, match=message):
        parse_export(content)


def test_plain_string_text_has_no_entities():
    assert text_and_entities("hello") == ("hello", [])


def test_a_zip_of_the_export_folder_serves_result_json_and_media_by_relative_path():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in CHAT_EXPORT.rglob("*"):
            if path.is_file():
                archive.write(path, f"ChatExport_2024-03-06/{path.relative_to(CHAT_EXPORT)}")
    files = ExportFiles(zipfile.ZipFile(buffer))

    export = parse_export(files.result_json())
    photo = export.chats[0].messages[2].media

    assert files.open(photo.path).read()[:2] == b"\xff\xd8"  # JPEG
    assert files.open("photos/missing.jpg") is None


def test_a_zip_without_result_json_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export.html", "<html></html>")

    with pytest.raises(ExportFormatError, match=r"no result\.json"):
        ExportFiles(zipfile.ZipFile(buffer))
