"""Real-shaped Bot API updates (fields and nesting as in the Bot API documentation's objects:
Update, Message, User, Chat, PhotoSize, Document, CallbackQuery, ChatMemberUpdated)."""

from __future__ import annotations

import itertools
import time
from typing import Any

_update_ids = itertools.count(900_000_001)
_message_ids = itertools.count(1)

ANNA = {
    "id": 123456789,
    "is_bot": False,
    "first_name": "Anna",
    "last_name": "Petrova",
    "username": "anna_petrova",
    "language_code": "en",
}
BORIS = {"id": 223456789, "is_bot": False, "first_name": "Boris", "username": "boris_k"}
GROUP = {"id": -1001234567890, "title": "Acme × Globex deal room", "type": "supergroup"}


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    if user.get("last_name"):
        chat["last_name"] = user["last_name"]
    if user.get("username"):
        chat["username"] = user["username"]
    return chat


def message(
    text: str | None = "Hello!",
    *,
    sender: dict[str, Any] = ANNA,
    chat: dict[str, Any] | None = None,
    message_id: int | None = None,
    date: int | None = None,
    **fields: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": message_id or next(_message_ids),
        "from": sender,
        "chat": chat or private_chat(sender),
        "date": date or int(time.time()),
    }
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            command = text.split(" ", 1)[0]
            body["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    body.update(fields)
    return body


def update(kind: str = "message", payload: dict[str, Any] | None = None, **kwargs: Any) -> dict:
    return {
        "update_id": next(_update_ids),
        kind: payload if payload is not None else message(**kwargs),
    }


def photo(file_id: str, size: int, unique_id: str = "AQADfake") -> list[dict[str, Any]]:
    return [
        {
            "file_id": file_id + "-s",
            "file_unique_id": unique_id + "s",
            "file_size": 1200,
            "width": 90,
            "height": 60,
        },
        {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_size": size,
            "width": 1280,
            "height": 853,
        },
    ]


def callback_query(data: str, *, sender: dict[str, Any], on: dict[str, Any]) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": f"4382bfdwdsb323b2d9{next(_update_ids)}",
            "from": sender,
            "message": on,
            "chat_instance": "-8923923829382",
            "data": data,
        },
    }


def my_chat_member(user: dict[str, Any], status: str, bot_user: dict[str, Any]) -> dict:
    return {
        "update_id": next(_update_ids),
        "my_chat_member": {
            "chat": private_chat(user),
            "from": user,
            "date": int(time.time()),
            "old_chat_member": {"user": bot_user, "status": "member"},
            "new_chat_member": {"user": bot_user, "status": status, "until_date": 0},
        },
    }
