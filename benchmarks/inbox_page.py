"""Measure the inbox web page (HTML) against a large inbox (issue 6: list load p95 < 150 ms).

Usage (after ``manage.py bench_inbox_data`` filled the same data directory):

    BIDI_DATA_DIR=/tmp/bidi-bench .venv/bin/python benchmarks/inbox_page.py [--requests 150]

The project is served by uvicorn (one worker, DEBUG off, as benchmarks/crm_search.py does) and
each page is fetched over one keep-alive connection with the owner's session cookie, so the
figures include HTTP, session and MFA middleware, tenancy, queries and template rendering.
Scenarios: ``/inbox/`` (the list pane with filters) and ``/inbox/<chat>/`` for random chats
(list, transcript, context panel; opening a chat also marks it read, a write).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from benchmarks.crm_search import http_sender, start_server  # noqa: E402

GOAL_MS = 150
WARM_UP = 10


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=150)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    from accounts.models import Organization, User
    from messaging.models import Chat

    organization = Organization.objects.get(slug="bench-inbox")
    owner = User.objects.get(email="owner@bench-inbox.test")
    client = Client()
    client.force_login(owner)
    cookie = client.cookies["sessionid"].value
    chats = list(
        Chat.objects.filter(organization=organization)
        .order_by("?")
        .values_list("pk", flat=True)[: args.requests]
    )
    server, port = start_server()
    try:
        send = http_sender(port, {"Cookie": f"sessionid={cookie}"})
        scenarios = {
            "inbox page /inbox/": ["/inbox/"] * args.requests,
            "inbox page, a chat open": [f"/inbox/{pk}/" for pk in chats],
        }
        print(
            f"Inbox: {Chat.objects.filter(organization=organization).count():,} chats; "
            f"uvicorn (1 worker) over HTTP keep-alive; load average {os.getloadavg()[0]:.2f}"
        )
        for name, paths in scenarios.items():
            for path in paths[:WARM_UP]:
                send(path)
            timings, statuses = [], {}
            for path in paths:
                started = time.perf_counter()
                status, _ = send(path)
                timings.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
            p95 = percentile(timings, 0.95)
            print(
                f"{name:28} n={len(timings)}  p50={percentile(timings, 0.5):6.1f} ms  "
                f"p95={p95:6.1f} ms  max={max(timings):6.1f} ms  "
                f"goal<{GOAL_MS} {'yes' if p95 < GOAL_MS else 'NO'}  statuses={statuses}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)


if __name__ == "__main__":
    main()
