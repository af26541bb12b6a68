"""Measure the live inbox latency: Telegram webhook POST → ``message.received`` on every socket.

Usage: BIDI_DATA_DIR=/tmp/bidi-bench-latency .venv/bin/python benchmarks/inbox_latency.py \
           [--clients 20] [--messages 300] [--rate 10] [--worker-concurrency 2]

What runs, all on this machine (loopback only), as in production:
- the project's ASGI application (config.asgi) under uvicorn, one worker process, DEBUG off: it
  takes the webhook (ASGI fast path) and serves the ``/ws/`` sockets;
- a Celery worker (prefork) on the ``default`` and ``telegram`` queues: it processes the stored
  update and dispatches the ``message.received`` event to the Channels groups (Redis);
- the fake Bot API (tests/fakes/telegram.py) for the profile look-ups of new chats;
- in this process: ``--clients`` WebSocket clients, each a different teammate (JWT), and a
  poster that sends one real-shaped private-chat update every 1/``--rate`` s.

For every update the clock starts just before its POST is written and stops when a client
reads the event carrying that update's text; the figure is the p95 over all (update, client)
pairs. Goal (issue 6): p95 < 100 ms at 20 connected clients. The first 20 updates warm up
(new chats, first connections) and are not counted.

Use a throwaway data directory: the benchmark organization (slug ``bench-latency``) is deleted
and recreated on every run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from benchmarks.telegram_ingest import free_port, start, stop  # noqa: E402

SLUG = "bench-latency"
GOAL_MS = 100
WARM_UP = 20
PEOPLE = 20


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start") from None
            time.sleep(0.2)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def update(n: int) -> dict:
    person = 500_000_000 + n % PEOPLE
    user = {"id": person, "is_bot": False, "first_name": f"Lead {n % PEOPLE}"}
    return {
        "update_id": 1_000 + n,
        "message": {
            "message_id": 10 + n,
            "from": user,
            "chat": {"id": person, "type": "private", "first_name": user["first_name"]},
            "date": int(time.time()),
            "text": f"latency-probe-{n} is the price still valid?",
        },
    }


async def post(port: int, path: str, secret: str, body: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        + body
    )
    status = int((await reader.readline()).split()[1])
    writer.close()
    return status


async def run(args: argparse.Namespace, port: int, path: str, secret: str, tokens: list[str]):
    from websockets.asyncio.client import connect

    sent_at: dict[str, float] = {}
    latencies: dict[str, list[float]] = {}
    sockets = [
        await connect(f"ws://127.0.0.1:{port}/ws/?token={token}", open_timeout=10, max_size=2**22)
        for token in tokens
    ]
    for ws in sockets:
        json.loads(await ws.recv())  # hello

    async def listen(ws) -> None:
        async for raw in ws:
            received = time.perf_counter()
            if '"message.received"' not in raw:
                continue
            start_index = raw.find("latency-probe-")
            if start_index < 0:
                continue
            marker = raw[start_index : raw.index(" ", start_index)]
            if marker in sent_at:
                latencies.setdefault(marker, []).append((received - sent_at[marker]) * 1000)

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    statuses: dict[int, int] = {}
    for n in range(args.messages + WARM_UP):
        body = json.dumps(update(n)).encode()
        sent_at[f"latency-probe-{n}"] = time.perf_counter()
        status = await post(port, path, secret, body)
        statuses[status] = statuses.get(status, 0) + 1
        await asyncio.sleep(1 / args.rate)
    deadline = time.monotonic() + 30
    expected = (args.messages + WARM_UP) * len(sockets)
    while sum(map(len, latencies.values())) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    for task in listeners:
        task.cancel()
    for ws in sockets:
        await ws.close()
    return statuses, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10, help="updates per second")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import Membership, Organization, User
    from config import embedded
    from messaging.models import TelegramBot
    from tests.fakes.telegram import FakeTelegram

    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug=SLUG).delete()
    organization = Organization.objects.create(name="Bench latency", slug=SLUG)
    tokens = []
    for i in range(args.clients):
        user, _ = User.objects.get_or_create(
            email=f"teammate{i}@bench-latency.local", defaults={"full_name": f"Teammate {i}"}
        )
        Membership.objects.create(organization=organization, user=user, role="bidi")
        tokens.append(str(AccessToken.for_user(user)))
    logs = Path(tempfile.mkdtemp(prefix="bench-latency-"))

    with FakeTelegram() as telegram:
        token = telegram.add_bot(username="bench_latency_bot")
        bot = TelegramBot.objects.create(
            organization=organization,
            name="Bench",
            username="bench_latency_bot",
            telegram_id=int(token.split(":")[0]),
            token=token,
            mode=TelegramBot.Mode.WEBHOOK,
        )
        env = {
            **os.environ,
            "DATABASE_URL": embedded.postgres_url(settings.DATA_DIR),
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "TELEGRAM_API_BASE_URL": telegram.url,
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
                *("-Q", "default,telegram", "--concurrency", str(args.worker_concurrency)),
                *("-l", "warning", "--without-gossip", "--without-mingle"),
            ],
            env,
            logs / "worker.log",
        )
        try:
            wait_for_port(port)
            time.sleep(2)  # the worker imports the project too
            statuses, latencies = asyncio.run(
                run(args, port, f"/telegram/webhook/{bot.pk}/", bot.webhook_secret, tokens)
            )
        finally:
            stop(web)
            stop(worker)

    counted = [
        value
        for n in range(WARM_UP, args.messages + WARM_UP)
        for value in latencies.get(f"latency-probe-{n}", [])
    ]
    expected = args.messages * args.clients
    load = os.getloadavg()[0]
    print(
        f"{args.clients} sockets, {args.messages} updates at {args.rate:g}/s "
        f"(+{WARM_UP} warm-up); webhook statuses {statuses}; load average {load:.2f}"
    )
    if not counted:
        print(f"no deliveries measured; logs: {logs}")
        return
    p95 = percentile(counted, 0.95)
    print(
        f"webhook → socket: n={len(counted)} of {expected} expected  "
        f"p50={percentile(counted, 0.5):.1f} ms  p95={p95:.1f} ms  max={max(counted):.1f} ms  "
        f"goal<{GOAL_MS} {'yes' if p95 < GOAL_MS else 'NO'}"
    )
    print(f"logs: {logs}")


if __name__ == "__main__":
    main()
