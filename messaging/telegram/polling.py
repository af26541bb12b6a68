"""Long polling: how bots receive updates when no public HTTPS address is configured.

``poll_once(bot)`` asks ``getUpdates`` from the bot's stored offset, stores every update raw
(the same ``update_store`` the webhook uses, so a re-fetched update is ignored), enqueues its
processing, and only then moves the offset past them — Telegram forgets updates once a later
``getUpdates`` names a higher offset, so nothing is confirmed before it is stored.
``manage.py telegram_poll`` runs ``poll_forever`` in one thread per polling bot.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from typing import Any

from django.db import close_old_connections
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.warnings import PTBUserWarning

from messaging.models import TelegramBot
from messaging.services.bots import ALLOWED_UPDATES, bot_record_error
from messaging.telegram.client import telegram_call
from messaging.telegram.tasks_ingest import update_enqueue
from messaging.telegram.webhook import update_store

logger = logging.getLogger(__name__)
# We call getUpdates through do_api_request on purpose (to store Telegram's JSON untouched);
# PTB suggests get_updates() instead, which would give parsed objects.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)

LONG_POLL_SECONDS = 25
BATCH = 100
# Pauses after errors: a refused token or an active webhook needs a person; the network heals.
PAUSE_REFUSED = 60.0
PAUSE_NETWORK_MAX = 30.0


def poll_once(bot: TelegramBot, *, timeout: int = LONG_POLL_SECONDS) -> int:
    """One getUpdates round for ``bot``; returns how many updates arrived."""
    api_kwargs: dict[str, Any] = {
        "timeout": timeout,
        "limit": BATCH,
        "allowed_updates": ALLOWED_UPDATES,
    }
    if bot.polling_offset:
        api_kwargs["offset"] = bot.polling_offset
    # do_api_request returns Telegram's JSON as is: we store exactly what Telegram sent.
    updates: list[dict[str, Any]] = telegram_call(
        bot,
        lambda client: client.do_api_request(
            "getUpdates", api_kwargs=api_kwargs, read_timeout=timeout + 10
        ),
        read_timeout=timeout + 10,
    )
    if not updates:
        return 0
    for update in updates:
        pk = update_store(organization_id=bot.organization_id, bot_id=bot.pk, payload=update)
        if pk is not None:
            update_enqueue(pk)
    bot.polling_offset = max(int(u["update_id"]) for u in updates) + 1
    TelegramBot.objects.filter(pk=bot.pk).update(polling_offset=bot.polling_offset, last_error="")
    return len(updates)


def poll_forever(bot_pk: int, stop: threading.Event, *, timeout: int = LONG_POLL_SECONDS) -> None:
    """Poll one bot until ``stop`` is set or the bot is disconnected / switched to webhook."""
    network_pause = 1.0
    while not stop.is_set():
        close_old_connections()
        bot = TelegramBot.objects.filter(
            pk=bot_pk, is_active=True, mode=TelegramBot.Mode.POLLING
        ).first()
        if bot is None:
            return
        try:
            poll_once(bot, timeout=timeout)
            network_pause = 1.0
        except (InvalidToken, Conflict) as error:
            bot_record_error(bot=bot, error=f"Telegram refused polling: {error.message}")
            logger.warning("Bot %s: %s", bot.pk, error.message)
            stop.wait(PAUSE_REFUSED)
        except TelegramError as error:
            logger.warning("Bot %s: polling failed (%s); retrying", bot.pk, error)
            stop.wait(network_pause)
            network_pause = min(network_pause * 2, PAUSE_NETWORK_MAX)
        except Exception:
            logger.exception("Bot %s: polling crashed; retrying", bot_pk)
            time.sleep(network_pause)
            network_pause = min(network_pause * 2, PAUSE_NETWORK_MAX)
    close_old_connections()
