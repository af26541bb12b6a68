"""``manage.py telegram_poll``: receive updates by long polling for every polling-mode bot.

``make run`` starts it (accounts/management/commands/run_stack.py). One thread per bot; the bot
list is re-read every few seconds, so bots connected or disconnected in the UI are picked up
without a restart. ``--once`` polls every bot once without waiting (scripts, tests).
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from messaging.models import TelegramBot
from messaging.telegram.polling import LONG_POLL_SECONDS, poll_forever, poll_once

RESCAN_SECONDS = 5.0


class Command(BaseCommand):
    help = "Long-poll Telegram for the updates of every bot in polling mode (Ctrl-C stops)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One round per bot, no waiting.")
        parser.add_argument("--timeout", type=int, default=LONG_POLL_SECONDS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            for bot in _polling_bots():
                count = poll_once(bot, timeout=0)
                self.stdout.write(f"@{bot.username}: {count} update(s)")
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        threads: dict[int, tuple[threading.Thread, threading.Event]] = {}
        self.stdout.write("Polling Telegram for bots in long-polling mode.")
        while not stop.is_set():
            close_old_connections()
            wanted = {bot.pk: bot for bot in _polling_bots()}
            for pk, (thread, bot_stop) in list(threads.items()):
                if pk not in wanted or not thread.is_alive():
                    bot_stop.set()
                    del threads[pk]
            for pk, bot in wanted.items():
                if pk not in threads:
                    bot_stop = threading.Event()
                    thread = threading.Thread(
                        target=poll_forever,
                        args=(pk, bot_stop),
                        kwargs={"timeout": options["timeout"]},
                        name=f"telegram-poll-{pk}",
                        daemon=True,
                    )
                    thread.start()
                    threads[pk] = (thread, bot_stop)
                    self.stdout.write(f"Polling @{bot.username}")
            stop.wait(RESCAN_SECONDS)
        for _thread, bot_stop in threads.values():
            bot_stop.set()
        for thread, _ in threads.values():
            thread.join(timeout=options["timeout"] + 15)


def _polling_bots() -> list[TelegramBot]:
    return list(
        TelegramBot.objects.filter(is_active=True, mode=TelegramBot.Mode.POLLING).order_by("pk")
    )
