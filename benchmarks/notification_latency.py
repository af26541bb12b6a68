"""Measure notification latency: a committed event → the in-app notice on the user's socket.

Usage: BIDI_DATA_DIR=/tmp/bidi-bench-notify .venv/bin/python benchmarks/notification_latency.py \
           [--members 10] [--events 300] [--rate 5] [--worker-concurrency 2]

What runs, all on this machine (loopback only), as in production:
- the project's ASGI application (config.asgi) under uvicorn, one worker process, DEBUG off,
  serving the ``/ws/`` sockets;
- a Celery worker (prefork) on the ``default`` queue, DEBUG off: it dispatches each event to its
  subscribers, the notifications engine among them (recipients, role checks, preferences,
  the notice row, its email delivery) and sends the email deliveries (console backend);
- in this process: ``--members`` WebSocket clients, each a different business developer (JWT),
  and an admin who assigns a chat to one of them every 1/``--rate`` s through ``chat_assign``
  (the service the inbox's "Assign" calls): ``chat.assigned`` → "Chat assigned to you".

For every assignment the clock starts just before ``chat_assign`` and stops when the assignee's
socket reads ``notification.created`` for that chat: outbox → broker → dispatch → notice →
Channels group → socket. Goal (issue 10): p95 < 300 ms. The first 10 assignments warm up
and are not counted. Use a throwaway data directory: the benchmark organization (slug
``bench-notify``) is deleted and recreated on every run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from benchmarks.inbox_latency import percentile, wait_for_port  # noqa: E402
from benchmarks.telegram_ingest import free_port, start, stop  # noqa: E402

SLUG = "bench-notify"
GOAL_MS = 300
WARM_UP = 10


async def run(args: argparse.Namespace, port: int, people: list, chats: list, admin) -> dict:
    from asgiref.sync import sync_to_async
    from rest_framework_simplejwt.tokens import AccessToken
    from websockets.asyncio.client import connect

    from messaging.services.inbox import chat_assign

    sockets = {}
    for user in people:
        token = await sync_to_async(lambda u=user: str(AccessToken.for_user(u)))()
        ws = await connect(f"ws://127.0.0.1:{port}/ws/?token={token}", open_timeout=10)
        json.loads(await ws.recv())  # hello
        sockets[user.pk] = ws

    started: dict[int, float] = {}  # chat id → when its assignment began
    latencies: dict[int, float] = {}

    async def listen(ws) -> None:
        async for raw in ws:
            received = time.perf_counter()
            if '"notification.created"' not in raw:
                continue
            data = json.loads(raw)["data"]
            chat_id = data.get("object_id")
            if data.get("object_type") == "chat" and chat_id in started:
                latencies.setdefault(chat_id, (received - started[chat_id]) * 1000)

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets.values()]
    assign = sync_to_async(chat_assign, thread_sensitive=True)
    for n, chat in enumerate(chats):
        assignee = people[n % len(people)]
        started[chat.pk] = time.perf_counter()
        await assign(chat=chat, assignee=assignee, actor=admin)
        await asyncio.sleep(1 / args.rate)
    deadline = time.monotonic() + 20
    while len(latencies) < len(chats) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    for task in listeners:
        task.cancel()
    for ws in sockets.values():
        await ws.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--rate", type=float, default=5, help="assignments per second")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count

    from accounts.models import Membership, Organization, User
    from config import embedded
    from crm.models import Contact
    from messaging.models import Chat, TelegramBot
    from notifications.models import Delivery, Notification

    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug=SLUG).delete()
    organization = Organization.objects.create(name="Bench notify", slug=SLUG)
    admin, _ = User.objects.get_or_create(email="admin@bench-notify.local")
    Membership.objects.create(organization=organization, user=admin, role="admin")
    people = []
    for i in range(args.members):
        user, _ = User.objects.get_or_create(
            email=f"bidi{i}@bench-notify.local", defaults={"full_name": f"Bidi {i}"}
        )
        Membership.objects.create(organization=organization, user=user, role="bidi")
        people.append(user)
    bot = TelegramBot.objects.create(
        organization=organization,
        name="Bench",
        username="bench_notify_bot",
        telegram_id=8_100_000_001,
        token="8100000001:AAH-bench-notify",
        mode=TelegramBot.Mode.POLLING,
    )
    chats = []
    for n in range(args.events + WARM_UP):
        contact = Contact.objects.create(
            organization=organization, first_name=f"Lead {n}", telegram_user_id=9_100_000_000 + n
        )
        chats.append(
            Chat.objects.create(
                organization=organization,
                bot=bot,
                telegram_chat_id=contact.telegram_user_id,
                contact=contact,
                title=f"Lead {n}",
            )
        )
    logs = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    env = {
        **os.environ,
        "DATABASE_URL": embedded.postgres_url(settings.DATA_DIR),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    port = free_port()
    web = start(
        [
            *(sys.executable, "-m", "uvicorn", "config.asgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
            *("--no-access-log", "--lifespan", "off", "--log-level", "warning"),
        ],
        env,
        logs / "web.log",
    )
    worker = start(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker"),
            *("-Q", "default", "--concurrency", str(args.worker_concurrency)),
            *("-l", "warning", "--without-gossip", "--without-mingle"),
        ],
        env,
        logs / "worker.log",
    )
    try:
        wait_for_port(port)
        time.sleep(3)  # the worker imports the project too
        latencies = asyncio.run(run(args, port, people, chats, admin))
    finally:
        stop(web)
        stop(worker)

    counted = [latencies[chat.pk] for chat in chats[WARM_UP:] if chat.pk in latencies]
    notices = Notification.objects.filter(organization=organization, type="chat.assigned").count()
    emails = dict(
        Delivery.objects.filter(notification__organization=organization, channel="email")
        .values_list("status")
        .annotate(n=Count("id"))
    )
    load = os.getloadavg()[0]
    print(
        f"{args.members} sockets, {args.events} assignments at {args.rate:g}/s "
        f"(+{WARM_UP} warm-up); notices {notices}; email deliveries {emails}; "
        f"load average {load:.2f}"
    )
    if not counted:
        print(f"nothing measured; logs: {logs}")
        return
    p95 = percentile(counted, 0.95)
    print(
        f"chat.assigned → notice on socket: n={len(counted)} of {args.events}  "
        f"p50={percentile(counted, 0.5):.1f} ms  p95={p95:.1f} ms  max={max(counted):.1f} ms  "
        f"goal<{GOAL_MS} {'yes' if p95 < GOAL_MS else 'NO'}"
    )
    print(f"logs: {logs}")


if __name__ == "__main__":
    main()
