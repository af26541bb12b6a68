"""The one way our code talks to the Bot API: python-telegram-bot's ``Bot``.

``bot_client(bot)`` builds a ``telegram.Bot`` for a connected bot with the configured API base
URL (``TELEGRAM_API_BASE_URL``; tests point it at tests/fakes/telegram.py). PTB is asyncio-only
while our services and Celery tasks are synchronous, so ``telegram_call(bot, fn)`` runs one
coroutine function against a fresh client inside ``asyncio.run`` and closes the client's HTTP
connections afterwards. A fresh client per call costs one TCP connection to Telegram; it keeps
no event loop or connection pool alive across tasks, which is what makes it safe in Celery's
prefork and thread pools and in sync views running under ASGI.

Calls that take a token that is not yet stored (connecting a bot) use ``token_call``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import telegram
from django.conf import settings
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from messaging.models import TelegramBot

T = TypeVar("T")

# Seconds.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0


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


def token_call(
    token: str, call: Callable[[telegram.Bot], Awaitable[T]], *, read_timeout: float = READ_TIMEOUT
) -> T:
    """Run ``call(client)`` for ``token`` from synchronous code and return its result.

    Raises PTB's ``telegram.error`` exceptions unchanged (InvalidToken, Forbidden, RetryAfter,
    BadRequest, NetworkError, TimedOut): callers decide what each means for them.
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
    """``token_call`` for a connected bot: ``telegram_call(bot, lambda c: c.get_me())``."""
    return token_call(bot.token, call, read_timeout=read_timeout)


def is_transient(error: TelegramError) -> bool:
    """Worth retrying: the network or Telegram's servers failed (timeouts, 5xx, 502).

    PTB derives ``BadRequest`` (and so "chat not found", "invalid file_id") from
    ``NetworkError``; those are answers, not failures, and retrying cannot change them.
    """
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)
