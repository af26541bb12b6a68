"""The webhook's fast path under ASGI: many updates, one INSERT, no thread hop.

Django runs sync views under ASGI on one thread per process, so a sync webhook view answers
one update at a time, each with its own commit — a few hundred a second at best. This ASGI
wrapper (config/asgi.py) takes ``POST /telegram/webhook/<bot id>/`` before Django: it applies
exactly the rules of ``webhook.telegram_webhook`` (404 unknown bot, 401 secret, 400 body —
shared helpers), then hands the update to a per-process batcher that stores everything waiting
in **one** ``INSERT … SELECT FROM unnest(…) ON CONFLICT (bot_id, update_id) DO NOTHING``
statement (autocommit, so durable when it returns), answers each request 200 only after that,
and enqueues processing of the new rows in one Celery message per batch. Under load, requests
that arrive while an INSERT is in flight form the next batch, so commits grow with load instead
of piling up. Anything else goes to Django unchanged (and the Django view still serves WSGI
and the test client).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from django.db import connections

from messaging.telegram.webhook import MAX_BODY_BYTES, parse_update, secret_matches

logger = logging.getLogger(__name__)

PATH = re.compile(r"^/telegram/webhook/(\d{1,18})/$")
MAX_BATCH = 500
BOT_CACHE_SECONDS = 5.0  # a disconnected bot's webhook is refused within this time

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]

_INSERT = (
    "INSERT INTO messaging_telegramupdate "
    "(organization_id, bot_id, update_id, payload, received_at, status, attempts, error) "
    "SELECT o, b, u, p::jsonb, now(), 'pending', 0, '' "
    "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::text[]) AS t(o, b, u, p) "
    "ON CONFLICT (bot_id, update_id) DO NOTHING RETURNING id, bot_id, update_id"
)
_BOT = (
    "SELECT organization_id, webhook_secret FROM messaging_telegrambot WHERE id = %s AND is_active"
)


def _connection_params() -> dict[str, Any]:
    """Django's own connection settings (so tests reach the test database), for psycopg."""
    params = connections["default"].get_connection_params()
    for django_only in ("cursor_factory", "context"):
        params.pop(django_only, None)
    return params


class _Batcher:
    """Stores queued updates with one statement per batch on its own connection."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[tuple[int, int, int, str], asyncio.Future]] = (
            asyncio.Queue()
        )
        self.task: asyncio.Task | None = None
        self.bots: dict[int, tuple[float, tuple[int, str] | None]] = {}
        self.lookups: dict[int, asyncio.Future] = {}

    async def _connect(self) -> psycopg.AsyncConnection:
        # One connection per batch (a batch holds every request that waited meanwhile, so the
        # connect is shared under load): nothing stays open between bursts or after shutdown.
        return await psycopg.AsyncConnection.connect(**_connection_params(), autocommit=True)

    async def bot(self, bot_id: int) -> tuple[int, str] | None:
        """(organization id, webhook secret) of an active bot, cached briefly. Concurrent
        requests for a bot not in the cache share one lookup."""
        cached = self.bots.get(bot_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        pending = self.lookups.get(bot_id)
        if pending is None:
            pending = asyncio.ensure_future(self._bot_lookup(bot_id))
            self.lookups[bot_id] = pending
            pending.add_done_callback(lambda _: self.lookups.pop(bot_id, None))
        return await asyncio.shield(pending)

    async def _bot_lookup(self, bot_id: int) -> tuple[int, str] | None:
        async with await self._connect() as conn, conn.cursor() as cursor:
            await cursor.execute(_BOT, [bot_id])
            row = await cursor.fetchone()
        found = (row[0], row[1]) if row else None
        self.bots[bot_id] = (time.monotonic() + BOT_CACHE_SECONDS, found)
        return found

    async def store(self, organization_id: int, bot_id: int, update_id: int, body: str) -> bool:
        """Queue the update and wait until it is stored; True when it is new."""
        future = asyncio.get_running_loop().create_future()
        await self.queue.put(((organization_id, bot_id, update_id, body), future))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < MAX_BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            rows = [item for item, _ in batch]
            try:
                async with await self._connect() as conn, conn.cursor() as cursor:
                    await cursor.execute(
                        _INSERT, [list(column) for column in zip(*rows, strict=True)]
                    )
                    inserted = await cursor.fetchall()
            except Exception as error:  # the database is unreachable: these requests get a 500
                logger.exception("Storing %s Telegram updates failed", len(batch))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            new = {(bot_id, update_id) for _, bot_id, update_id in inserted}
            for (_, bot_id, update_id, _), future in batch:
                if not future.done():
                    future.set_result((bot_id, update_id) in new)
            if inserted:
                asyncio.get_running_loop().run_in_executor(
                    None, _enqueue, [pk for pk, _, _ in inserted]
                )


def _enqueue(pks: list[int]) -> None:
    from messaging.telegram.tasks_ingest import updates_process

    try:
        updates_process.delay(pks)
    except Exception:  # broker down: the rows are stored, the sweeper enqueues them
        logger.warning("Could not enqueue %s Telegram updates; the sweeper will", len(pks))
    finally:
        # Eager Celery (tests) processes here, on an executor thread: close what it opened.
        connections.close_all()


async def _answer(send: Send, status: int, description: str = "") -> None:
    body = json.dumps({"ok": False, "description": description}).encode() if description else b""
    headers = [(b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return b""  # too big to be an update: parse_update refuses it
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


class TelegramWebhookFastPath:
    """ASGI middleware: webhook POSTs are handled here, everything else by ``app``."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app
        self.batcher: _Batcher | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = PATH.match(scope.get("path", "")) if scope["type"] == "http" else None
        if match is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        if self.batcher is None or self.loop is not loop:
            self.batcher, self.loop = _Batcher(), loop
        bot = await self.batcher.bot(int(match.group(1)))
        if bot is None:
            await _answer(send, 404, "Unknown bot.")
            return
        organization_id, secret = bot
        given = dict(scope.get("headers", [])).get(b"x-telegram-bot-api-secret-token", b"")
        if not secret_matches(given.decode("latin-1"), secret):
            await _answer(send, 401, "Missing or wrong secret token.")
            return
        body = await _read_body(receive)
        if body is None:
            return
        payload = parse_update(body)
        if payload is None:
            await _answer(
                send, 400, "The body is not a Telegram update (JSON object with an update_id)."
            )
            return
        await self.batcher.store(
            organization_id, int(match.group(1)), payload["update_id"], body.decode()
        )
        await _answer(send, 200)
