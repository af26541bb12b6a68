"""Reading Telegram Desktop exports ("Export chat history" / "Export Telegram data", JSON).

Two shapes exist, both called ``result.json``:

- a single chat: ``{"name", "type", "id", "messages": [...]}``;
- a full account export: ``{"personal_information", "contacts": {"list"}, "chats": {"list":
  [<chat>...]}, "left_chats": {"list": [...]}, ...}`` where each chat has the shape above.

Messages carry ``text`` either as a string or as a list mixing strings and entity parts
(``{"type": "bold", "text": "…"}``); we rebuild the plain text and Bot API entities (offsets in
UTF-16 code units, as Telegram counts them) so imported messages look like received ones.
Media are referenced by paths relative to the export folder (``photos/photo_1@….jpg``) or by a
placeholder such as "(File not included. Change data exporting settings to download.)" when the
exporter left them out. ``date`` is the exporter's local wall time without a zone;
``date_unixtime`` (exports since 2022) is authoritative, so we prefer it.

This module is pure: it turns JSON into dataclasses and says what it could not read. What is
imported, and how it is deduplicated, is ``messaging.services.history``'s business.
"""

from __future__ import annotations

import json
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

# Export chat type → (Bot API chat kind, how the Bot API chat id is derived from the export id).
CHAT_TYPES: dict[str, str] = {
    "personal_chat": "private",
    "bot_chat": "private",
    "private_group": "group",
    "private_supergroup": "supergroup",
    "public_supergroup": "supergroup",
    "private_channel": "channel",
    "public_channel": "channel",
}
UNSUPPORTED_CHAT_TYPES = {"saved_messages": "Saved Messages is not a chat with anyone"}

# media_type (Telegram Desktop) → our attachment kind; "photo" has its own key.
MEDIA_KINDS: dict[str, str] = {
    "voice_message": "voice",
    "video_file": "video",
    "video_message": "video_note",
    "animation": "animation",
    "audio_file": "audio",
    "sticker": "sticker",
}

# Text part type → Bot API MessageEntity type (parts not listed are kept as plain text).
ENTITY_TYPES: dict[str, str] = {
    "bold": "bold",
    "italic": "italic",
    "underline": "underline",
    "strikethrough": "strikethrough",
    "spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "link": "url",
    "text_link": "text_link",
    "mention": "mention",
    "mention_name": "text_mention",
    "hashtag": "hashtag",
    "cashtag": "cashtag",
    "bot_command": "bot_command",
    "email": "email",
    "phone": "phone_number",
    "bank_card": "bank_card",
    "blockquote": "blockquote",
    "custom_emoji": "custom_emoji",
}


class ExportFormatError(ValueError):
    """The file is not a Telegram Desktop JSON export (message meant for the person)."""


@dataclass(frozen=True)
class ExportMedia:
    kind: str  # photo, document, voice, video, video_note, animation, audio, sticker
    path: str | None  # relative to the export folder; None when the export left it out
    missing_reason: str = ""  # Telegram Desktop's placeholder text when path is None
    file_name: str = ""
    mime_type: str = ""
    size: int | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None


@dataclass(frozen=True)
class ExportMessage:
    id: int
    is_service: bool
    date: datetime  # aware, UTC
    sender_name: str
    sender_id: str  # "user123", "channel456" or "" (export's from_id / actor_id)
    text: str
    entities: list[dict[str, Any]]
    reply_to_id: int | None = None
    edited: datetime | None = None
    media: ExportMedia | None = None
    action: str = ""  # service messages: "invite_members", "create_group", …
    members: tuple[str, ...] = ()  # service messages: names the action concerns
    forwarded_from: str = ""

    @property
    def sender_user_id(self) -> int | None:
        """The sender's Telegram user id, when the sender is a user."""
        if self.sender_id.startswith("user") and self.sender_id[4:].isdigit():
            return int(self.sender_id[4:])
        return None


@dataclass
class ExportChat:
    export_id: int
    export_type: str
    kind: str  # private, group, supergroup, channel
    name: str
    messages: list[ExportMessage] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)  # messages we could not read

    @property
    def bot_api_chat_id(self) -> int:
        """The id the Bot API uses for this chat: users as is, basic groups negated,
        supergroups and channels as -100<id>."""
        if self.kind == "private":
            return self.export_id
        if self.kind == "group":
            return -self.export_id
        return -(10**12 + self.export_id)


@dataclass
class Export:
    chats: list[ExportChat]
    skipped_chats: list[dict[str, Any]]  # {"chat": name, "reason": …}
    is_full_account: bool
    owner_user_id: int | None  # the exporting account (full exports name it)

    @property
    def message_count(self) -> int:
        return sum(len(chat.messages) for chat in self.chats)


def parse_export(source: bytes | str | IO[bytes]) -> Export:
    """Parse a ``result.json`` (bytes, text or a binary file)."""
    try:
        data = json.loads(source) if isinstance(source, bytes | str) else json.load(source)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportFormatError(f"This is not a JSON file ({exc}).") from exc
    if not isinstance(data, dict):
        raise ExportFormatError("This JSON file is not a Telegram Desktop export.")
    if isinstance(data.get("chats"), dict):
        raw_chats = list(_as_list(data["chats"].get("list")))
        if isinstance(data.get("left_chats"), dict):
            raw_chats += _as_list(data["left_chats"].get("list"))
        owner = data.get("personal_information") or {}
        owner_id = owner.get("user_id") if isinstance(owner, dict) else None
        return _export(raw_chats, True, owner_id if isinstance(owner_id, int) else None)
    if isinstance(data.get("messages"), list) and "type" in data:
        return _export([data], False, None)
    raise ExportFormatError(
        'This JSON file is not a Telegram Desktop export: it has neither "messages" (one '
        'chat) nor "chats" (a full account export). Export as "Machine-readable JSON".'
    )


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _export(raw_chats: list[Any], is_full: bool, owner_id: int | None) -> Export:
    chats: list[ExportChat] = []
    skipped: list[dict[str, Any]] = []
    for raw in raw_chats:
        if not isinstance(raw, dict):
            continue
        name = str(raw.get("name") or "")
        export_type = str(raw.get("type") or "")
        if export_type in UNSUPPORTED_CHAT_TYPES:
            skipped.append(
                {"chat": name or export_type, "reason": UNSUPPORTED_CHAT_TYPES[export_type]}
            )
            continue
        if export_type not in CHAT_TYPES or not isinstance(raw.get("id"), int):
            skipped.append({"chat": name, "reason": f"Unknown chat type {export_type!r}"})
            continue
        chat = ExportChat(raw["id"], export_type, CHAT_TYPES[export_type], name or str(raw["id"]))
        for item in _as_list(raw.get("messages")):
            try:
                chat.messages.append(parse_message(item))
            except (KeyError, TypeError, ValueError) as exc:
                ident = item.get("id") if isinstance(item, dict) else None
                chat.problems.append({"message": ident, "reason": f"Unreadable message: {exc}"})
        chats.append(chat)
    return Export(chats, skipped, is_full, owner_id)


def parse_message(item: dict[str, Any]) -> ExportMessage:
    """One entry of a chat's ``messages`` list."""
    is_service = item.get("type") == "service"
    text, entities = text_and_entities(item.get("text", ""))
    return ExportMessage(
        id=int(item["id"]),
        is_service=is_service,
        date=_moment(item, "date"),
        edited=_moment(item, "edited") if "edited" in item else None,
        sender_name=str(item.get("actor" if is_service else "from") or ""),
        sender_id=str(item.get("actor_id" if is_service else "from_id") or ""),
        text=text,
        entities=entities,
        reply_to_id=item.get("reply_to_message_id"),
        media=_media(item),
        action=str(item.get("action") or "") if is_service else "",
        members=tuple(str(m) for m in _as_list(item.get("members")) if m),
        forwarded_from=str(item.get("forwarded_from") or ""),
    )


def _moment(item: dict[str, Any], key: str) -> datetime:
    unix = item.get(f"{key}_unixtime")
    if unix not in (None, ""):
        return datetime.fromtimestamp(int(unix), tz=UTC)
    # Exports before 2022: wall time of the exporting computer, zone unknown; read as UTC.
    return datetime.fromisoformat(str(item[key])).replace(tzinfo=UTC)


def text_and_entities(value: object) -> tuple[str, list[dict[str, Any]]]:
    """Plain text plus Bot API entities from a string or a list of parts."""
    if isinstance(value, str):
        return value, []
    if not isinstance(value, list):
        raise TypeError("text is neither a string nor a list")
    parts: list[str] = []
    entities: list[dict[str, Any]] = []
    offset = 0  # UTF-16 code units, as the Bot API counts
    for part in value:
        if isinstance(part, str):
            chunk, entity = part, None
        elif isinstance(part, dict):
            chunk = str(part.get("text", ""))
            entity = _entity(part)
        else:
            continue
        length = len(chunk.encode("utf-16-le")) // 2
        if entity is not None and length:
            entities.append(
                {"type": entity.pop("type"), "offset": offset, "length": length} | entity
            )
        parts.append(chunk)
        offset += length
    return "".join(parts), entities


def _entity(part: dict[str, Any]) -> dict[str, Any] | None:
    kind = ENTITY_TYPES.get(str(part.get("type")))
    if kind is None:
        return None
    entity: dict[str, Any] = {"type": kind}
    if kind == "text_link":
        entity["url"] = str(part.get("href", ""))
    elif kind == "pre" and part.get("language"):
        entity["language"] = str(part["language"])
    elif kind == "text_mention":
        entity["user"] = {"id": int(part.get("user_id", 0))}
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = str(part.get("document_id", ""))
    return entity


def _media(item: dict[str, Any]) -> ExportMedia | None:
    if "photo" in item:
        path, missing = _path(item["photo"])
        return ExportMedia(
            kind="photo",
            path=path,
            missing_reason=missing,
            size=item.get("photo_file_size"),
            width=item.get("width"),
            height=item.get("height"),
            mime_type="image/jpeg",
        )
    if "file" not in item:
        return None
    path, missing = _path(item["file"])
    return ExportMedia(
        kind=MEDIA_KINDS.get(str(item.get("media_type", "")), "document"),
        path=path,
        missing_reason=missing,
        file_name=str(item.get("file_name") or (posixpath.basename(path) if path else "")),
        mime_type=str(item.get("mime_type") or ""),
        size=item.get("file_size"),
        width=item.get("width"),
        height=item.get("height"),
        duration=item.get("duration_seconds"),
    )


def _path(value: object) -> tuple[str | None, str]:
    """A media reference: a relative path inside the export, or a "(File not included…)"
    placeholder (returned as the reason). Absolute paths and ``..`` are refused: an export
    never contains them, and they must not reach into the server's file system."""
    text = str(value or "")
    if not text or text.startswith("("):
        return None, text.strip("()") or "No file in the export"
    normal = posixpath.normpath(text.replace("\\", "/"))
    if normal.startswith(("/", "../")) or normal == "..":
        return None, f"Refused file path {text!r}"
    return normal, ""


class ExportFiles:
    """Media files of an export uploaded as a ZIP of the export folder.

    The archive may hold the folder itself (``ChatExport_2024-05-01/result.json``) or its
    contents; paths in ``result.json`` are relative to the folder that holds it."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        names = [n for n in archive.namelist() if posixpath.basename(n) == "result.json"]
        if not names:
            raise ExportFormatError("The ZIP file holds no result.json.")
        self.result_name = min(names, key=lambda n: n.count("/"))
        self.root = posixpath.dirname(self.result_name)
        self.names = set(archive.namelist())

    def result_json(self) -> IO[bytes]:
        return self.archive.open(self.result_name)

    def member(self, path: str) -> zipfile.ZipInfo | None:
        """The archive entry for a media path of the export, if the archive holds it."""
        name = posixpath.join(self.root, path) if self.root else path
        return self.archive.getinfo(name) if name in self.names else None

    def open(self, path: str) -> IO[bytes] | None:
        info = self.member(path)
        return self.archive.open(info) if info is not None else None


def iter_messages(export: Export) -> Iterator[tuple[ExportChat, ExportMessage]]:
    """Every message of every chat, chat by chat, oldest first as Telegram Desktop writes."""
    for chat in export.chats:
        for message in chat.messages:
            yield chat, message
