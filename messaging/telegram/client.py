"""The one way our code talks to the Bot API: python-telegram-bot's ``Bot``.

``bot_client(bot)`` builds a ``telegram.Bot`` for a connected bot with the configured API base
URL (``TELEGRAM_API_BASE_URL``; tests point it at tests/fakes/telegram.py). PTB is asyncio-only
while our services and Celery tasks are synchronous, so ``telegram_call(bot, fn)`` runs one
coroutine function against the bot's client from synchronous code.

Clients are reused. Building one costs an SSL context (~85 ms of CPU loading the CA bundle) and
a new connection to Telegram; at 30 sends a second per bot that would be most of the machine.
So each thread of each process keeps one event loop that stays open and, on it, one client per
(token, API URL, read timeout) — connections to Telegram stay warm between calls — and every
client shares one SSL context per process, so even a bot's first call is cheap. The cache is
bounded (least recently used clients are closed) so a worker serving thousands of bots does not
hold thousands of pools. Keyed by process id too: a forked worker (Celery prefork) never
touches its parent's loop or sockets. Callers must not already run an event loop in the thread
(sync code, Celery tasks, sync views under ASGI — which run in a worker thread — all qualify).

``token_call`` is for a token that is not stored yet (connecting a bot): a throwaway client,
closed afterwards, so a wrong token leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import cache
from typing import TypeVar

import httpx
import telegram
from django.conf import settings
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from messaging.models import TelegramBot

T = TypeVar("T")

# Seconds.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
# Open clients kept per thread; beyond it the least recently used one is closed.
CLIENTS_PER_THREAD = 64


@cache
def _ssl_context(pid: int) -> ssl.SSLContext:
    """One verifying SSL context per process (the CA bundle is loaded once)."""
    return httpx.create_ssl_context()


def client_for_token(token: str, *, read_timeout: float = READ_TIMEOUT) -> telegram.Bot:
    """A ``telegram.Bot`` for ``token`` against the configured API server (not yet opened)."""
    base = settings.TELEGRAM_API_BASE_URL.rstrip("/")
    # One request object serves both ordinary calls and getUpdates (PTB adds the long-poll
    # ``timeout`` to the read timeout itself), so ``client_close`` has one pool to close.
    request = HTTPXRequest(
        connection_pool_size=8,
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=read_timeout,
        write_timeout=READ_TIMEOUT,
        httpx_kwargs={"verify": _ssl_context(os.getpid())},
    )
    return telegram.Bot(
        token,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=request,
        get_updates_request=request,
    )


def bot_client(bot: TelegramBot, *, read_timeout: float = READ_TIMEOUT) -> telegram.Bot:
    """A ``telegram.Bot`` for a connected bot. Close it with ``client_close`` when done."""
    return client_for_token(bot.token, read_timeout=read_timeout)


async def client_close(client: telegram.Bot) -> None:
    """Close the HTTP clients whether or not the Bot was ``initialize()``d (PTB only closes
    initialized ones, and we skip ``initialize`` because it costs a getMe)."""
    await client.request.shutdown()


_local = threading.local()


def _thread_session() -> tuple[asyncio.AbstractEventLoop, OrderedDict[tuple, telegram.Bot]]:
    """This thread's event loop and open clients (new ones after a fork)."""
    if getattr(_local, "pid", None) != os.getpid():
        _local.pid = os.getpid()
        _local.loop = asyncio.new_event_loop()
        _local.clients = OrderedDict()
    return _local.loop, _local.clients


def session_call(
    token: str, call: Callable[[telegram.Bot], Awaitable[T]], *, read_timeout: float = READ_TIMEOUT
) -> T:
    """Run ``call(client)`` on this thread's open client for ``token`` and return its result.

    Raises PTB's ``telegram.error`` exceptions unchanged (InvalidToken, Forbidden, RetryAfter,
    BadRequest, NetworkError, TimedOut): callers decide what each means for them.
    """
    loop, clients = _thread_session()
    key = (token, settings.TELEGRAM_API_BASE_URL, read_timeout)
    client = clients.get(key)
    if client is None:
        client = clients[key] = client_for_token(token, read_timeout=read_timeout)
        while len(clients) > CLIENTS_PER_THREAD:
            _, oldest = clients.popitem(last=False)
            loop.run_until_complete(client_close(oldest))
    else:
        clients.move_to_end(key)
    return loop.run_until_complete(call(client))


def token_call(
    token: str, call: Callable[[telegram.Bot], Awaitable[T]], *, read_timeout: float = READ_TIMEOUT
) -> T:
    """Run ``call(client)`` for a token that is not stored yet, on a throwaway client.

    Raises PTB's ``telegram.error`` exceptions unchanged, like ``session_call``.
    """

    async def run() -> T:
        client = client_for_token(token, read_timeout=read_timeout)
        try:
            return await call(client)
        finally:
            await client_close(client)

    return asyncio.run(run())


def telegram_call(
    bot: TelegramBot,
    call: Callable[[telegram.Bot], Awaitable[T]],
    *,
    read_timeout: float = READ_TIMEOUT,
) -> T:
    """``session_call`` for a connected bot: ``telegram_call(bot, lambda c: c.get_me())``."""
    return session_call(bot.token, call, read_timeout=read_timeout)


def is_transient(error: TelegramError) -> bool:
    """Worth retrying: the network or Telegram's servers failed (timeouts, 5xx, 502).

    PTB derives ``BadRequest`` (and so "chat not found", "invalid file_id") from
    ``NetworkError``; those are answers, not failures, and retrying cannot change them.
    """
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)
