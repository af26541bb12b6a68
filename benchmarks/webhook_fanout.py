"""Measure outgoing webhook fan-out: N events to 100 endpoints on a fast local receiver.

Usage: BIDI_DATA_DIR=/tmp/bidi-bench .venv/bin/python benchmarks/webhook_fanout.py
       [--events 100] [--endpoints 100] [--workers 2] [--concurrency 32]

What runs is production's path: each event is emitted in its own transaction (as a service
would), a real Celery worker on ``default`` dispatches it, the webhooks subscriber creates one
delivery per endpoint (one insert per dispatch batch) and enqueues chunks of 100, and real
worker processes on the ``webhooks`` queue (``celery -A config worker -Q webhooks -P prefork``)
claim, sign and POST them concurrently over keep-alive connections, then record the attempts in
bulk. The receiver is its own process (asyncio + httptools, HTTP/1.1 keep-alive, 200 to every
POST) on 127.0.0.1, one URL path per endpoint; it counts each (path, webhook-id) pair so
duplicates show.

Reported: deliveries per second end to end (first event emitted → last delivery received, the
goal: ≥ 500/s with 100 endpoints), the receiver's own rate (first to last arrival), and checks:
every delivery received exactly once and marked succeeded.

Use a throwaway data directory: the benchmark organization (slug ``bench-webhooks``) is deleted
and recreated on every run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The benchmark's receiver listens on loopback over plain HTTP.
os.environ["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = "1"
os.environ["WEBHOOK_ALLOW_HTTP"] = "1"

from benchmarks.telegram_ingest import free_port  # noqa: E402
from benchmarks.telegram_send import start_worker, workers_cpu_seconds  # noqa: E402

SLUG = "bench-webhooks"
EVENT = "webhook_endpoint.updated"


# --- The receiver (its own process) -----------------------------------------------------------


def serve(port: int) -> None:
    """A minimal HTTP/1.1 server: answers 200 to every POST, ``GET /stats`` with its counts."""
    import httptools

    stats = {"received": 0, "duplicates": 0, "first": None, "last": None, "cpu": 0.0}
    seen: set[tuple[bytes, bytes]] = set()

    class Protocol(asyncio.Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:
            self.transport = transport
            self.parser = httptools.HttpRequestParser(self)
            self.url = b""
            self.msg_id = b""
            self._header = b""

        def data_received(self, data: bytes) -> None:
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserError:
                self.transport.close()

        def on_url(self, url: bytes) -> None:
            self.url = url

        def on_header(self, name: bytes, value: bytes) -> None:
            if name.lower() == b"webhook-id":
                self.msg_id = value

        def on_message_complete(self) -> None:
            if self.parser.get_method() == b"GET":
                stats["cpu"] = time.process_time()
                body = json.dumps(stats).encode()
            else:
                now = time.time()
                key = (self.url, self.msg_id)
                if key in seen:
                    stats["duplicates"] += 1
                seen.add(key)
                stats["received"] += 1
                stats["first"] = stats["first"] or now
                stats["last"] = now
                body = b'{"ok":true}'
            self.transport.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )
            self.msg_id = b""

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Protocol, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def receiver_stats(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=5) as response:
        return json.loads(response.read())


# --- The run ------------------------------------------------------------------------------------


def setup(port: int, endpoints: int):
    from accounts.models import Organization
    from automation.models import WebhookEndpoint
    from automation.webhooks.signing import secret_generate

    Organization.objects.filter(slug=SLUG).delete()
    organization = Organization.objects.create(name="Webhook benchmark", slug=SLUG)
    WebhookEndpoint.objects.bulk_create(
        WebhookEndpoint(
            organization=organization,
            url=f"http://127.0.0.1:{port}/e{n}",
            event_types=["*"],
            secret=secret_generate(),
        )
        for n in range(endpoints)
    )
    return organization


def wait_for_workers(timeout: float = 60) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1) or []
        if len(replies) >= 2:
            return
    raise SystemExit("The workers did not start in time (see their logs in BIDI_DATA_DIR).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--endpoints", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="webhooks worker processes")
    parser.add_argument("--concurrency", type=int, default=32, help="requests per process")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return

    import django

    os.environ["WEBHOOK_SEND_CONCURRENCY"] = str(args.concurrency)
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from automation.events import emit
    from automation.models import WebhookDelivery, WebhookEndpoint
    from automation.webhooks.services import endpoint_payload
    from config import embedded

    call_command("migrate", verbosity=0)
    port = free_port()
    receiver = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], cwd=REPO)
    env = os.environ.copy()
    env.update(
        DATABASE_URL=os.environ.get("DATABASE_URL") or embedded.postgres_url(settings.DATA_DIR),
        REDIS_URL=settings.REDIS_URL,
        BIDI_DATA_DIR=str(settings.DATA_DIR),
        PYTHONUNBUFFERED="1",
        # The poller is not running (no beat): every delivery goes through its on-commit task.
    )
    log_dir = Path(settings.DATA_DIR)
    procs = [
        start_worker(env, "default", 1, log_dir),
        start_worker(env, "webhooks", args.workers, log_dir),
    ]
    try:
        organization = setup(port, args.endpoints)
        wait_for_workers()
        expected = args.events * args.endpoints
        print(
            f"{args.events} events × {args.endpoints} endpoints = {expected:,} deliveries; "
            f"{args.workers} webhooks worker processes × {args.concurrency} concurrent requests"
        )
        # A real-shaped payload (valid against the catalogue schema), ~300 bytes of JSON.
        payload = {
            "endpoint": endpoint_payload(
                WebhookEndpoint.objects.filter(organization=organization)[0]
            ),
            "changed": ["description"],
        }
        started = time.time()
        for _ in range(args.events):
            with transaction.atomic():
                emit(organization, EVENT, payload)
        emitted = time.time() - started
        deadline = time.monotonic() + 120 + expected / 100
        stats = receiver_stats(port)
        while stats["received"] < expected and time.monotonic() < deadline:
            time.sleep(0.5)
            stats = receiver_stats(port)
            print(f"  {stats['received']:,} received", end="\r", flush=True)
        print()
        cpu = workers_cpu_seconds(procs)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        receiver.terminate()

    succeeded = WebhookDelivery.objects.filter(
        organization=organization, status=WebhookDelivery.Status.SUCCEEDED
    ).count()
    total = stats["received"]
    end_to_end = (stats["last"] or started) - started
    span = (stats["last"] or 0) - (stats["first"] or 0)
    rate = total / end_to_end if end_to_end > 0 else 0.0
    print(f"Events emitted in {emitted:.2f} s")
    print(
        f"Received {total:,} of {expected:,} (duplicates: {stats['duplicates']}); "
        f"succeeded in the database: {succeeded:,}"
    )
    print(
        f"End to end: {end_to_end:.2f} s → {rate:,.0f} deliveries/s; receiver first to last: "
        f"{span:.2f} s → {(total - 1) / span if span > 0 else 0:,.0f}/s "
        f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}); receiver CPU "
        f"{stats['cpu']:.1f} s"
    )
    print(
        f"Worker CPU incl. start-up — webhooks: {cpu[1] / max(total, 1) * 1000:.2f} ms/delivery "
        f"({cpu[1]:.1f} s), default (event dispatch + fan-out): {cpu[0]:.1f} s"
    )
    ok = total == expected == succeeded and stats["duplicates"] == 0 and rate >= 500
    print("RESULT:", "PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
