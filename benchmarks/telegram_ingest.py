"""Measure Telegram webhook ingest: 50,000 updates accepted, all processed, none lost or doubled.

Usage: BIDI_DATA_DIR=/tmp/bidi-bench-ingest .venv/bin/python benchmarks/telegram_ingest.py \
           [--updates 50000] [--concurrency 64] [--worker-concurrency 2]

What runs, all on this machine (loopback only):
- the project's ASGI application (config.asgi) under uvicorn, one worker process, DEBUG off;
- a Celery worker (prefork, ``--worker-concurrency`` processes) on the ``default`` and
  ``telegram`` queues: it processes the stored updates and dispatches the events they emit;
- the fake Bot API (tests/fakes/telegram.py), for the getChat calls of profile enrichment;
- a bounded load generator in this process: a lean asyncio HTTP/1.1 client, at most
  ``--concurrency`` requests in flight, each a real-shaped update (private chats of 2,000
  people and 40 groups) posted to the bot's webhook with its secret header.

Reported: accepted updates/s (200 answers over the posting time), the time until every update
is processed, and the rows counted afterwards (updates stored, processed, messages, duplicate
(chat, message id) pairs, contacts), then a replay of 2,000 already-delivered updates (all must
be acknowledged, none stored twice). The ceiling: pgbench's single-row INSERT rate against the
same PostgreSQL (the pgbench that ships with pgserver), and the ratio of the two.

Use a throwaway data directory: the benchmark organization (slug ``bench-ingest``) is deleted
and recreated on every run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SLUG = "bench-ingest"
PEOPLE = 2000
GROUPS = 40
REPLAY = 2000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_updates(count: int, seed: int = 7) -> list[dict]:
    """Real-shaped updates: 80 % private messages, 20 % group messages, some with entities and
    replies; message ids increase per chat as Telegram's do."""
    rng = random.Random(seed)
    people = [
        {
            "id": 300_000_000 + i,
            "is_bot": False,
            "first_name": rng.choice(["Anna", "Boris", "Ivan", "Olga", "Mia", "Lukas", "Sara"]),
            "last_name": rng.choice(["Petrova", "Schmidt", "Novak", "Kim", "Rossi", ""]),
            "username": f"person_{i}",
            "language_code": "en",
        }
        for i in range(PEOPLE)
    ]
    groups = [
        {"id": -1_001_000_000_000 - i, "title": f"Deal room {i}", "type": "supergroup"}
        for i in range(GROUPS)
    ]
    next_id: dict[int, int] = {}
    updates = []
    now = int(time.time())
    for n in range(count):
        sender = rng.choice(people)
        if rng.random() < 0.8:
            chat = {
                "id": sender["id"],
                "type": "private",
                "first_name": sender["first_name"],
                "username": sender["username"],
            }
        else:
            chat = rng.choice(groups)
        next_id[chat["id"]] = next_id.get(chat["id"], 0) + 1
        message = {
            "message_id": next_id[chat["id"]],
            "from": sender,
            "chat": chat,
            "date": now,
            "text": f"Message {n}: do you deliver to Berlin by Friday?",
        }
        if n % 5 == 0:
            message["entities"] = [{"offset": 0, "length": 7, "type": "bold"}]
        if n % 7 == 0 and next_id[chat["id"]] > 1:
            message["reply_to_message"] = {
                "message_id": next_id[chat["id"]] - 1,
                "from": sender,
                "chat": chat,
                "date": now,
                "text": "earlier",
            }
        updates.append({"update_id": 10_000 + n, "message": message})
    return updates


async def post_all(
    url: str, secret: str, bodies: list[bytes], concurrency: int
) -> tuple[float, dict[int, int]]:
    """POST every body with at most ``concurrency`` in flight; (seconds, status counts).

    A minimal HTTP/1.1 keep-alive client on asyncio streams: ``concurrency`` connections, one
    request in flight on each, the response read in full (status line, headers,
    Content-Length body) before the next request. A general client (httpx) spent more CPU per
    request than the server, which on a 2-core machine made the generator the thing measured.
    """
    parsed = urlsplit(url)
    host, port, path = parsed.hostname or "127.0.0.1", parsed.port or 80, parsed.path
    statuses: dict[int, int] = {}
    pending = list(reversed(bodies))
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Content-Type: application/json\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
    ).encode()

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while pending:
                body = pending.pop()
                writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
                try:
                    status_line = await reader.readline()
                    code = int(status_line.split()[1])
                    length = 0
                    while (line := await reader.readline()) not in (b"\r\n", b""):
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value)
                    if length:
                        await reader.readexactly(length)
                except (OSError, IndexError, ValueError, asyncio.IncompleteReadError):
                    statuses[0] = statuses.get(0, 0) + 1
                    return
                statuses[code] = statuses.get(code, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(min(concurrency, len(bodies)))))
    return time.perf_counter() - started, statuses


def pgbench_inserts(database_url: str, seconds: int = 15, clients: int = 8) -> float:
    """Single-row INSERTs per second by pgbench (pgserver's binary) on the same server."""
    import pgserver
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_ingest_ceiling "
            "(id bigserial PRIMARY KEY, k bigint, payload jsonb, at timestamptz DEFAULT now())"
        )
        cursor.execute("TRUNCATE bench_ingest_ceiling")
    binary = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pgbench"
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(
            "\\set k random(1, 1000000000)\n"
            "INSERT INTO bench_ingest_ceiling (k, payload) "
            'VALUES (:k, \'{"update_id": 1, "message": {"text": "hello"}}\');\n'
        )
    result = subprocess.run(
        [
            str(binary),
            "-n",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-f",
            script.name,
            database_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_ingest_ceiling")
    match = re.search(r"tps = ([\d.]+)", result.stdout)
    if match is None:
        raise RuntimeError(f"pgbench printed no tps:\n{result.stdout}\n{result.stderr}")
    return float(match.group(1))


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=3600, help="Seconds to wait for processing.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Organization
    from config import embedded
    from crm.models import Contact
    from messaging.models import Chat, Message, TelegramBot, TelegramUpdate
    from tests.fakes.telegram import FakeTelegram

    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug=SLUG).delete()
    organization = Organization.objects.create(name="Bench ingest", slug=SLUG)
    database_url = embedded.postgres_url(settings.DATA_DIR)
    logs = Path(tempfile.mkdtemp(prefix="bench-ingest-"))

    with FakeTelegram() as telegram:
        token = telegram.add_bot(username="bench_ingest_bot")
        bot = TelegramBot.objects.create(
            organization=organization,
            name="Bench",
            username="bench_ingest_bot",
            telegram_id=int(token.split(":")[0]),
            token=token,
            mode=TelegramBot.Mode.WEBHOOK,
        )
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "TELEGRAM_API_BASE_URL": telegram.url,
            "PYTHONUNBUFFERED": "1",
        }
        port = free_port()
        web = start(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--no-access-log",
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            env,
            logs / "web.log",
        )
        worker = start(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                "default,telegram",
                "--concurrency",
                str(args.worker_concurrency),
                "-l",
                "warning",
                "--without-gossip",
                "--without-mingle",
            ],
            env,
            logs / "worker.log",
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"uvicorn did not start; see {logs}") from None
                    time.sleep(0.2)
            updates = make_updates(args.updates)
            bodies = [json.dumps(u).encode() for u in updates]
            url = f"http://127.0.0.1:{port}/telegram/webhook/{bot.pk}/"
            asyncio.run(post_all(url, bot.webhook_secret, bodies[:200], 8))  # warm-up
            TelegramUpdate.objects.filter(bot=bot).count()

            started = time.perf_counter()
            seconds, statuses = asyncio.run(
                post_all(url, bot.webhook_secret, bodies, args.concurrency)
            )
            accepted = statuses.get(200, 0)
            print(f"posted {len(bodies)} updates in {seconds:.1f} s: statuses {statuses}")
            print(f"accepted rate: {accepted / seconds:,.0f} updates/s")

            pending = TelegramUpdate.objects.filter(bot=bot, status="pending")
            wait_deadline = time.monotonic() + args.timeout
            while pending.exists() and time.monotonic() < wait_deadline:
                time.sleep(1)
            processed_after = time.perf_counter() - started
            stored = TelegramUpdate.objects.filter(bot=bot).count()
            processed = TelegramUpdate.objects.filter(bot=bot, status="processed").count()
            messages = Message.objects.filter(organization=organization).count()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM messaging_message WHERE organization_id"
                    " = %s GROUP BY chat_id, telegram_message_id HAVING count(*) > 1) d",
                    [organization.pk],
                )
                duplicates = cursor.fetchone()[0]
            expected_messages = len(
                {(u["message"]["chat"]["id"], u["message"]["message_id"]) for u in updates}
            )
            if pending.exists():
                print(
                    f"stopped waiting {processed_after:.1f} s after the first post: {processed} of "
                    f"{stored} processed ({processed / processed_after:,.1f} updates/s end to end)"
                )
            else:
                print(
                    f"all processed {processed_after:.1f} s after the first post "
                    f"({processed / processed_after:,.0f} updates/s end to end)"
                )
            print(
                f"rows: updates stored {stored} of {len(updates)} sent (the warm-up sent the first "
                f"200 early), processed "
                f"{processed}, messages {messages} (all processed: {expected_messages}), "
                f"duplicate (chat, message id) pairs {duplicates}, "
                f"chats {Chat.objects.filter(organization=organization).count()}, "
                f"contacts {Contact.objects.filter(organization=organization).count()}"
            )

            replay = random.Random(1).sample(bodies, min(REPLAY, len(bodies)))
            replay_seconds, replay_statuses = asyncio.run(
                post_all(url, bot.webhook_secret, replay, args.concurrency)
            )
            stored_after = TelegramUpdate.objects.filter(bot=bot).count()
            print(
                f"replay of {len(replay)} delivered updates: statuses {replay_statuses}, "
                f"{len(replay) / replay_seconds:,.0f}/s, stored rows {stored} → {stored_after}"
            )
        finally:
            stop(web)
            stop(worker)

    ceiling = pgbench_inserts(database_url)
    print(f"pgbench single-row INSERT (8 clients, 15 s): {ceiling:,.0f} rows/s")
    print(f"ingest accepted rate / pgbench ceiling: {accepted / seconds / ceiling:.0%}")
    print(f"logs: {logs}")


if __name__ == "__main__":
    main()
