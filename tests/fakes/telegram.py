"""A fake Telegram Bot API server on 127.0.0.1.

It answers at the Bot API's own paths, so pointing ``TELEGRAM_API_BASE_URL`` at
``FakeTelegram.url`` is the only change the application sees:

- ``POST /bot<token>/<method>`` with the bodies python-telegram-bot sends (form-urlencoded,
  multipart with files, or JSON). Methods: getMe, setWebhook, deleteWebhook, getWebhookInfo,
  getUpdates (long polling with ``timeout``, served from ``push_update``), sendMessage,
  sendPhoto, sendDocument, sendVoice, sendVideo, editMessageText, answerCallbackQuery, getFile,
  getChat, getUserProfilePhotos. Anything else is 404 "Not Found", as at Telegram.
- ``GET /file/bot<token>/<file_path>``: the bytes registered with ``add_file`` (or uploaded).

Answers have Telegram's shape: ``{"ok": true, "result": ...}`` or ``{"ok": false,
"error_code": 429, "description": "Too Many Requests: retry after 3", "parameters":
{"retry_after": 3}}``. Knobs: an unknown token is 401 Unauthorized; ``fail_next(method, code,
retry_after=None, times=1)`` injects errors; ``block_chat(chat_id)`` makes sends to that chat
403 "Forbidden: bot was blocked by the user"; every call is recorded with a monotonic timestamp
(``calls(method)``).
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

import pytest

SENT_IDS_START = 1_000_000
ERROR_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Call:
    """One request the fake received."""

    method: str
    token: str
    params: dict[str, Any]
    files: dict[str, bytes]
    at: float  # time.monotonic() when it arrived


@dataclass
class FakeBot:
    token: str
    id: int
    username: str
    first_name: str
    webhook: dict[str, Any] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 1


@dataclass
class _Failure:
    code: int
    retry_after: int | None
    times: int
    description: str | None


class FakeTelegram:
    """Start with ``with FakeTelegram() as telegram:``; ``telegram.url`` is the API base URL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._updates_ready = threading.Condition(self._lock)
        self._bots: dict[str, FakeBot] = {}
        self._calls: list[Call] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._blocked: set[int] = set()
        self._chats: dict[int, dict[str, Any]] = {}
        self._photos: dict[int, list[list[dict[str, Any]]]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._message_ids: dict[int, int] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeTelegram:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._updates_ready.notify_all()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- knobs --------------------------------------------------------------------------------

    def add_bot(
        self, username: str = "acme_sales_bot", first_name: str = "Acme Sales", bot_id: int = 0
    ) -> str:
        """Register a bot and return its token (``<id>:<35 characters>``, as BotFather's)."""
        bot_id = bot_id or 7_000_000_000 + len(self._bots) + secrets.randbelow(10_000_000)
        token = f"{bot_id}:AA{secrets.token_urlsafe(24)[:33]}"
        with self._lock:
            self._bots[token] = FakeBot(token, bot_id, username, first_name)
        return token

    def revoke(self, token: str) -> None:
        """The token stops working (the owner revoked it in BotFather)."""
        with self._lock:
            self._bots.pop(token, None)

    def bot(self, token: str) -> FakeBot:
        return self._bots[token]

    def push_update(self, token: str, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; ``update_id`` is assigned when missing."""
        with self._lock:
            bot = self._bots[token]
            update = dict(update)
            update.setdefault("update_id", bot.next_update_id)
            bot.next_update_id = max(bot.next_update_id, update["update_id"]) + 1
            bot.updates.append(update)
            self._updates_ready.notify_all()
        return update

    def fail_next(
        self,
        method: str,
        code: int,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` answer ``code`` instead of working."""
        with self._lock:
            self._failures.setdefault(method, []).append(
                _Failure(code, retry_after, times, description)
            )

    def block_chat(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.add(int(chat_id))

    def add_chat(self, chat: dict[str, Any]) -> None:
        """What getChat answers for ``chat["id"]`` (e.g. a private chat with a ``bio``)."""
        with self._lock:
            self._chats[int(chat["id"])] = dict(chat)

    def add_profile_photo(self, user_id: int, data: bytes, size: int = 640) -> str:
        """Give a user a profile photo (one size); returns its file_id."""
        file_id = self.add_file(data, file_path=f"profile_photos/{user_id}.jpg")
        photo = {
            "file_id": file_id,
            "file_unique_id": self._files[file_id]["file_unique_id"],
            "width": size,
            "height": size,
            "file_size": len(data),
        }
        with self._lock:
            self._photos.setdefault(int(user_id), []).insert(0, [photo])
        return file_id

    def add_file(
        self, data: bytes, file_path: str | None = None, file_unique_id: str | None = None
    ) -> str:
        """Register bytes that getFile and the file URL serve; returns the new file_id."""
        file_id = "BQAC" + secrets.token_urlsafe(24)
        with self._lock:
            self._files[file_id] = {
                "data": data,
                "file_unique_id": file_unique_id or "AgAD" + secrets.token_urlsafe(8),
                "file_path": file_path or f"documents/file_{len(self._files)}",
            }
        return file_id

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    # --- the API ------------------------------------------------------------------------------

    def handle(
        self, token: str, method: str, params: dict[str, Any], files: dict[str, bytes]
    ) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self._calls.append(Call(method, token, params, files, time.monotonic()))
            bot = self._bots.get(token)
            if bot is None:
                return _error(401)
            failure = self._take_failure(method)
        if failure is not None:
            return _error(failure.code, failure.retry_after, failure.description)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404)
        return handler(bot, params, files)

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    def _bot_user(self, bot: FakeBot) -> dict[str, Any]:
        return {
            "id": bot.id,
            "is_bot": True,
            "first_name": bot.first_name,
            "username": bot.username,
        }

    def _api_getMe(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        user = self._bot_user(bot)
        user.update(can_join_groups=True, can_read_all_group_messages=False)
        user["supports_inline_queries"] = False
        return _ok(user)

    def _api_setWebhook(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        url = params.get("url", "")
        if url and not url.startswith("https://"):
            return _error(400, description="Bad Request: bad webhook: HTTPS url must be provided")
        with self._lock:
            bot.webhook = {
                "url": url,
                "secret_token": params.get("secret_token", ""),
                "allowed_updates": _json(params.get("allowed_updates")) or [],
            }
            if _bool(params.get("drop_pending_updates")):
                bot.updates.clear()
        return _ok(True)

    def _api_deleteWebhook(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        with self._lock:
            bot.webhook = {}
            if _bool(params.get("drop_pending_updates")):
                bot.updates.clear()
        return _ok(True)

    def _api_getWebhookInfo(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        return _ok(
            {
                "url": bot.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(bot.updates),
                "allowed_updates": bot.webhook.get("allowed_updates", []),
            }
        )

    def _api_getUpdates(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        if bot.webhook.get("url"):
            return _error(409)
        offset = int(params.get("offset") or 0)
        limit = min(int(params.get("limit") or 100), 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 50)
        with self._lock:
            if offset:
                # Asking for ``offset`` confirms every update before it: Telegram forgets them.
                bot.updates[:] = [u for u in bot.updates if u["update_id"] >= offset]
            while not bot.updates and time.monotonic() < deadline and self._thread.is_alive():
                self._updates_ready.wait(timeout=min(0.2, deadline - time.monotonic()))
            return _ok([dict(u) for u in bot.updates[:limit]])

    def _chat_for(self, chat_id: int) -> dict[str, Any]:
        known = self._chats.get(chat_id)
        if known:
            return {k: v for k, v in known.items() if k in ("id", "type", "title", "username")}
        return {"id": chat_id, "type": "private" if chat_id > 0 else "group"}

    def _new_message(self, bot: FakeBot, chat_id: int) -> dict[str, Any]:
        with self._lock:
            # Telegram numbers a chat's messages in one sequence for both directions; tests post
            # inbound messages straight to our webhook with small ids, so the bot's own messages
            # start high enough never to collide with them.
            self._message_ids[chat_id] = self._message_ids.get(chat_id, SENT_IDS_START) + 1
            message_id = self._message_ids[chat_id]
        return {
            "message_id": message_id,
            "from": self._bot_user(bot),
            "chat": self._chat_for(chat_id),
            "date": int(time.time()),
        }

    def _send(self, bot: FakeBot, params: dict, files: dict, field: str | None) -> tuple[int, dict]:
        try:
            chat_id = int(params["chat_id"])
        except (KeyError, ValueError):
            return _error(400, description="Bad Request: chat_id is empty")
        if chat_id in self._blocked:
            return _error(403)
        message = self._new_message(bot, chat_id)
        if field is None:
            if not params.get("text"):
                return _error(400, description="Bad Request: message text is empty")
            message["text"] = params["text"]
            if params.get("entities"):
                message["entities"] = _json(params["entities"])
        else:
            message[field] = self._media(field, params.get(field), files)
            if message[field] is None:
                return _error(400, description=f"Bad Request: there is no {field} in the request")
            if params.get("caption"):
                message["caption"] = params["caption"]
        if params.get("reply_markup"):
            message["reply_markup"] = _json(params["reply_markup"])
        reply = _json(params.get("reply_parameters")) or {}
        if reply.get("message_id") or params.get("reply_to_message_id"):
            reply_id = int(reply.get("message_id") or params["reply_to_message_id"])
            message["reply_to_message"] = {
                "message_id": reply_id,
                "chat": message["chat"],
                "date": message["date"],
            }
        return _ok(message)

    def _media(self, field: str, value: Any, files: dict[str, bytes]) -> Any:
        """The media object of a sent message: an upload is registered as a new file."""
        data = None
        if isinstance(value, str) and value.startswith("attach://"):
            data = files.get(value.removeprefix("attach://"))
        elif field in files:
            data = files[field]
        if data is not None:
            file_id = self.add_file(data, file_path=f"{field}s/upload_{len(self._files)}")
        elif isinstance(value, str) and value in self._files:
            file_id = value
        else:
            return None
        info = self._files[file_id]
        media = {
            "file_id": file_id,
            "file_unique_id": info["file_unique_id"],
            "file_size": len(info["data"]),
        }
        if field == "photo":
            return [{**media, "width": 800, "height": 600}]
        # Fields the Bot API always includes for these kinds (PTB requires them).
        if field in ("voice", "audio"):
            media["duration"] = 3
        elif field in ("video", "animation"):
            media.update(width=640, height=360, duration=3)
        return media

    def _api_editMessageText(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        chat_id = int(params.get("chat_id") or 0)
        message_id = int(params.get("message_id") or 0)
        if not message_id or message_id > self._message_ids.get(chat_id, SENT_IDS_START):
            return _error(400, description="Bad Request: message to edit not found")
        return _ok(
            {
                "message_id": message_id,
                "from": self._bot_user(bot),
                "chat": self._chat_for(chat_id),
                "date": int(time.time()),
                "edit_date": int(time.time()),
                "text": params.get("text", ""),
            }
        )

    def _api_answerCallbackQuery(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        if not params.get("callback_query_id"):
            return _error(400, description="Bad Request: query ID is invalid")
        return _ok(True)

    def _api_getFile(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        info = self._files.get(params.get("file_id", ""))
        if info is None:
            return _error(400, description="Bad Request: invalid file_id")
        result = {
            "file_id": params["file_id"],
            "file_unique_id": info["file_unique_id"],
            "file_size": len(info["data"]),
        }
        if len(info["data"]) <= 20 * 1024 * 1024:  # the Bot API serves files up to 20 MB
            result["file_path"] = info["file_path"]
        return _ok(result)

    def _api_getChat(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        chat_id = int(params.get("chat_id") or 0)
        chat = self._chats.get(chat_id)
        if chat is None:
            return _error(400, description="Bad Request: chat not found")
        full = {"accent_color_id": 0, "max_reaction_count": 11, **chat}
        return _ok(full)

    def _api_getUserProfilePhotos(
        self, bot: FakeBot, params: dict, files: dict
    ) -> tuple[int, dict]:
        photos = self._photos.get(int(params.get("user_id") or 0), [])
        limit = int(params.get("limit") or 100)
        return _ok({"total_count": len(photos), "photos": photos[:limit]})

    def file_bytes(self, token: str, file_path: str) -> bytes | None:
        if token not in self._bots:
            return None
        for info in self._files.values():
            if info["file_path"] == file_path:
                return info["data"]
        return None

    def _api_sendMessage(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        return self._send(bot, params, files, None)

    def _api_sendPhoto(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        return self._send(bot, params, files, "photo")

    def _api_sendDocument(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        return self._send(bot, params, files, "document")

    def _api_sendVoice(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        return self._send(bot, params, files, "voice")

    def _api_sendVideo(self, bot: FakeBot, params: dict, files: dict) -> tuple[int, dict]:
        return self._send(bot, params, files, "video")


def _ok(result: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True, "result": result}


def _error(
    code: int, retry_after: int | None = None, description: str | None = None
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"ok": False, "error_code": code}
    if code == 429:
        body["description"] = description or f"Too Many Requests: retry after {retry_after or 1}"
        body["parameters"] = {"retry_after": retry_after or 1}
    else:
        body["description"] = description or ERROR_DESCRIPTIONS.get(code, "Error")
    return code, body


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _bool(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Parameters and uploaded files of a request, in any encoding PTB (or a test) uses."""
    if not body:
        return {}, {}
    if content_type.startswith("application/json"):
        return json.loads(body), {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = payload
            else:
                params[name] = payload.decode()
        return params, files
    return dict(parse_qsl(body.decode(), keep_blank_values=True)), {}


def _handler_for(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _api(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path, _, query = self.path.partition("?")
            path = unquote(path)  # httpx sends the token's ":" as %3A in file URLs
            if path.startswith("/file/bot"):
                token, _, file_path = path.removeprefix("/file/bot").partition("/")
                data = fake.file_bytes(token, file_path)
                if data is None:
                    self._answer(
                        404,
                        b'{"ok":false,"error_code":404,"description":"Not Found"}',
                        "application/json",
                    )
                else:
                    self._answer(200, data, "application/octet-stream")
                return
            parts = path.removeprefix("/bot").split("/")
            if not path.startswith("/bot") or len(parts) != 2:
                status, answer = _error(404)
            else:
                params, files = _parse_body(self.headers.get("Content-Type", ""), body)
                params.update(parse_qsl(query))
                status, answer = fake.handle(parts[0], parts[1], params, files)
            self._answer(status, json.dumps(answer).encode(), "application/json")

        do_GET = _api
        do_POST = _api

    return Handler


@pytest.fixture
def fake_telegram(settings) -> Iterator[FakeTelegram]:
    """A running fake Bot API; the application's ``TELEGRAM_API_BASE_URL`` points at it."""
    with FakeTelegram() as telegram:
        settings.TELEGRAM_API_BASE_URL = telegram.url
        yield telegram
