"""Measure outbound Telegram sending: 2,000 messages across 100 chats through the fake Bot API.

Usage: BIDI_DATA_DIR=/tmp/bidi-bench .venv/bin/python benchmarks/telegram_send.py
       [--messages 2000] [--chats 100] [--groups 10] [--workers 3] [--order round-robin|shuffled]

What runs is production's path: ``message_send`` queues each message (status ``queued``, event,
Celery task on the ``telegram`` queue); real Celery worker processes (``celery -A config worker
-Q telegram -P prefork``, plus one for ``default`` that dispatches events) deliver them through
python-telegram-bot to the fake Bot API server (tests/fakes/telegram.py) running in this
process, taking tokens from the shared Redis rate limiter. The delivery workers start once
everything is queued and the events worker has dispatched the ``message.queued`` events, so the
figure is delivery (with its ``message.sent`` events), not enqueueing.

Reported: the send rate from the fake server's own arrival timestamps (first to last
sendMessage) against the configured per-bot limit (goal ≥ 95 %), and the most requests the
server saw in any window of each limit's length — per bot (1 s), per chat (1 s), per group
(60 s) — which must never exceed the limit. Also: every message sent exactly once.

Use a throwaway data directory: the benchmark organization (slug ``bench-send``) is deleted and
recreated on every run.
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SLUG = "bench-send"


def most_in_window(stamps: list[float], window: float) -> int:
    """The most timestamps in any half-open window [t, t + window) starting at a timestamp."""
    stamps = sorted(stamps)
    return max(
        (bisect.bisect_left(stamps, t + window) - i for i, t in enumerate(stamps)), default=0
    )


def setup(fake, chats: int, groups: int):
    from accounts.models import Organization
    from messaging.models import Chat
    from messaging.tests.factories import ChatFactory, TelegramBotFactory

    Organization.objects.filter(slug=SLUG).delete()
    organization = Organization.objects.create(name="Send benchmark", slug=SLUG)
    token = fake.add_bot(username="bench_send_bot")
    bot = TelegramBotFactory(
        organization=organization, token=token, telegram_id=int(token.split(":")[0])
    )
    rows = []
    for n in range(chats):
        if n < groups:
            rows.append(
                ChatFactory(
                    organization=organization,
                    bot=bot,
                    telegram_chat_id=-(4_000_000_000 + n),
                    kind=Chat.Kind.GROUP,
                    title=f"Deal room {n}",
                    contact=None,
                )
            )
        else:
            rows.append(
                ChatFactory(
                    organization=organization,
                    bot=bot,
                    telegram_chat_id=900_000_000 + n,
                    contact__organization=organization,
                )
            )
    return bot, rows


def enqueue(chats: list, messages: int, order: str) -> list[int]:
    from django.db import transaction

    from messaging.services.sending import message_send

    plan = [chats[i % len(chats)] for i in range(messages)]
    if order == "shuffled":
        random.Random(5).shuffle(plan)
    ids = []
    for i, chat in enumerate(plan):
        with transaction.atomic():
            ids.append(message_send(chat=chat, actor=None, text=f"m{i}", source="campaign").pk)
    return ids


def start_worker(
    env: dict[str, str], queue: str, processes: int, log_dir: Path
) -> subprocess.Popen:
    # Prefork: delivery is CPU work in Python (Django, PTB, httpx), so processes use every
    # core where threads would share one; rate-limit waits are slept in the process.
    cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning"]
    cmd += ["-Q", queue, "-P", "prefork", "-c", str(processes), "-n", f"{queue}@%h"]
    log = open(log_dir / f"bench-send-{queue}.log", "w")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=log)


def wait_for_queued_events(organization_id: int, timeout: float = 300) -> None:
    """Let the events worker dispatch the 2,000 ``message.queued`` events of the enqueue
    phase first: in production they are dispatched while messages are being queued, not on top
    of their delivery."""
    from automation.models import Event

    deadline = time.monotonic() + timeout
    undispatched = Event.objects.filter(
        organization_id=organization_id, name="message.queued", dispatched_at__isnull=True
    )
    while undispatched.exists() and time.monotonic() < deadline:
        time.sleep(1)


def workers_cpu_seconds(procs: list[subprocess.Popen]) -> list[float]:
    """User + system CPU of each worker process and its pool children so far."""
    import psutil

    result = []
    for proc in procs:
        total = 0.0
        try:
            parent = psutil.Process(proc.pid)
            for each in [parent, *parent.children(recursive=True)]:
                times = each.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
        result.append(total)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--order", choices=("round-robin", "shuffled"), default="round-robin")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from config import embedded
    from messaging.models import Message
    from tests.fakes.telegram import FakeTelegram

    call_command("migrate", verbosity=0)
    from messaging import ratelimit

    ratelimit.redis_client().delete(
        *ratelimit.redis_client().keys(f"{settings.REDIS_KEY_PREFIX}:tg-rate:*") or ["-"]
    )
    with FakeTelegram() as fake:
        settings.TELEGRAM_API_BASE_URL = fake.url
        bot, chats = setup(fake, args.chats, args.groups)
        print(f"Queuing {args.messages:,} messages to {args.chats} chats ({args.groups} groups)…")
        started = time.monotonic()
        ids = enqueue(chats, args.messages, args.order)
        print(f"  queued in {time.monotonic() - started:.1f} s", flush=True)

        env = os.environ.copy()
        env.update(
            TELEGRAM_API_BASE_URL=fake.url,
            DATABASE_URL=os.environ.get("DATABASE_URL") or embedded.postgres_url(settings.DATA_DIR),
            REDIS_URL=settings.REDIS_URL,
            BIDI_DATA_DIR=str(settings.DATA_DIR),
            PYTHONUNBUFFERED="1",
        )
        log_dir = Path(settings.DATA_DIR)
        procs = [start_worker(env, "default", 1, log_dir)]
        wait_for_queued_events(bot.organization_id)
        load_before = os.getloadavg()[0]
        procs.insert(0, start_worker(env, "telegram", args.workers, log_dir))
        try:
            deadline = time.monotonic() + 60 + args.messages / settings.TELEGRAM_RATE_PER_BOT * 8
            pending = Message.objects.filter(pk__in=ids, status="queued")
            while pending.exists() and time.monotonic() < deadline:
                time.sleep(1)
                sent = len(fake.calls("sendMessage"))
                print(f"  {sent:,} sent", end="\r", flush=True)
            cpu = workers_cpu_seconds(procs)
            load_after = os.getloadavg()[0]
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=30)
        calls = fake.calls("sendMessage")

    report(calls, ids, chats, bot, settings)
    sent = max(len(calls), 1)
    print(
        f"Worker CPU incl. startup — telegram queue: {cpu[0]:.1f} s ({cpu[0] / sent * 1000:.1f} "
        f"ms/message), default queue (event dispatch): {cpu[1]:.1f} s ({cpu[1] / sent * 1000:.1f}"
        f" ms/message); load average {load_before:.1f} before, {load_after:.1f} after "
        f"({os.cpu_count()} CPUs)"
    )


def report(calls, ids, chats, bot, settings) -> None:
    from collections import Counter

    from messaging.models import Message

    statuses = Counter(Message.objects.filter(pk__in=ids).values_list("status", flat=True))
    texts = Counter(c.params["text"] for c in calls)
    stamps = [c.at for c in calls]
    by_chat: dict[int, list[float]] = defaultdict(list)
    for call in calls:
        by_chat[int(call.params["chat_id"])].append(call.at)
    group_ids = {c.telegram_chat_id for c in chats if c.kind == "group"}
    per_bot = settings.TELEGRAM_RATE_PER_BOT
    span = max(stamps) - min(stamps)
    rate = (len(stamps) - 1) / span
    worst_bot = most_in_window(stamps, 1.0)
    worst_chat = max(most_in_window(s, 1.0) for s in by_chat.values())
    worst_group = max((most_in_window(by_chat[g], 60.0) for g in group_ids), default=0)
    gaps = sorted(b - a for a, b in zip(sorted(stamps), sorted(stamps)[1:], strict=False))
    print()
    print(f"Messages: {len(ids):,}; statuses: {dict(statuses)}")
    print(
        f"sendMessage calls: {len(calls):,}; texts sent more than once: "
        f"{sum(1 for n in texts.values() if n > 1)}"
    )
    print(
        f"First to last send: {span:.2f} s → {rate:.2f} msg/s = {rate / per_bot:.1%} of "
        f"{per_bot:g}/s per bot (headroom {settings.TELEGRAM_RATE_HEADROOM:.0%})"
    )
    print(
        f"Most in any 1 s window — bot: {worst_bot} (limit {per_bot:g}), chat: {worst_chat} "
        f"(limit {settings.TELEGRAM_RATE_PER_CHAT:g}); in any 60 s window per group: "
        f"{worst_group} (limit {settings.TELEGRAM_RATE_PER_GROUP_MINUTE:g})"
    )
    print(
        f"Gap between sends: min {gaps[0] * 1000:.1f} ms, median "
        f"{gaps[len(gaps) // 2] * 1000:.1f} ms, max {gaps[-1] * 1000:.1f} ms"
    )
    within = (
        worst_bot <= per_bot
        and worst_chat <= settings.TELEGRAM_RATE_PER_CHAT
        and worst_group <= settings.TELEGRAM_RATE_PER_GROUP_MINUTE
    )
    ok = within and rate >= 0.95 * per_bot and statuses.get("sent") == len(ids) == len(calls)
    print("RESULT:", "PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
