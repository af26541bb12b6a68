"""Measure the inbox API against a large inbox (issue 6: list p95 < 150 ms).

Usage (after ``manage.py bench_inbox_data`` filled the same data directory):

    BIDI_DATA_DIR=/tmp/bidi-bench .venv/bin/python manage.py bench_inbox_data
    BIDI_DATA_DIR=/tmp/bidi-bench .venv/bin/python benchmarks/inbox_list.py [--requests 200]
        [--client http|test] [--markdown]

``--client http`` (default) serves the project with uvicorn (one worker, DEBUG off) and times
each request over one keep-alive connection (HTTP, JWT auth, tenancy, queries, JSON), as
``benchmarks/crm_search.py`` does (its server and client helpers are reused). Scenarios: the
first inbox page with each filter, deeper pages through the API's own ``next`` links, the unread
badge, transcript pages (newest and scrolling up) of random chats — busy ones included — and
search. Each runs a warm-up, then ``--requests`` timed requests; p50/p95 are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

LIST_GOAL_MS = 150
PAGE_GOAL_MS = 150
SEARCH_GOAL_MS = 300


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--client", choices=("http", "test"), default="http")
    parser.add_argument("--markdown", action="store_true", help="print a table for the docs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest requests")
    args = parser.parse_args()

    import django

    django.setup()
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import Organization, User
    from benchmarks.crm_search import (
        Scenario,
        http_sender,
        run,
        start_server,
        test_client_sender,
    )
    from messaging.management.commands.bench_inbox_data import OWNER_EMAIL, SLUG

    organization = Organization.objects.filter(slug=SLUG).first()
    if organization is None:
        sys.exit("No benchmark data: run `manage.py bench_inbox_data` with this BIDI_DATA_DIR.")
    user = User.objects.get(email=OWNER_EMAIL)
    headers = {
        "Authorization": f"Bearer {RefreshToken.for_user(user).access_token}",
        "X-Organization": str(organization.pk),
        "Accept": "application/json",
    }
    rng = random.Random(args.seed)
    n = args.requests
    size = data_size(organization.pk)
    samples = sample(organization.pk, rng, n)

    def many(paths: list[str]) -> list[str]:
        return [rng.choice(paths) for _ in range(n)] if paths else []

    inbox = "/api/v1/inbox/"
    scenarios = [
        Scenario("inbox, open, first page", LIST_GOAL_MS, [inbox] * n),
        Scenario("inbox, mine", LIST_GOAL_MS, [f"{inbox}?assignee=mine"] * n),
        Scenario("inbox, unassigned", LIST_GOAL_MS, [f"{inbox}?assignee=unassigned"] * n),
        Scenario("inbox, unread only", LIST_GOAL_MS, [f"{inbox}?unread=true"] * n),
        Scenario("inbox, done", LIST_GOAL_MS, [f"{inbox}?status=done"] * n),
        Scenario(
            "inbox, tag filter",
            LIST_GOAL_MS,
            many([f"{inbox}?tag={tag}" for tag in samples["tags"]]),
        ),
        Scenario(
            "inbox, bot filter",
            LIST_GOAL_MS,
            many([f"{inbox}?bot={bot}" for bot in samples["bots"]]),
        ),
        Scenario("unread badge", LIST_GOAL_MS, ["/api/v1/inbox/unread/"] * n),
        Scenario(
            "transcript, newest page",
            PAGE_GOAL_MS,
            many([f"/api/v1/chats/{chat}/messages/" for chat in samples["chats"]]),
        ),
        Scenario(
            "transcript, busiest chats",
            PAGE_GOAL_MS,
            many([f"/api/v1/chats/{chat}/messages/" for chat in samples["busy"]]),
        ),
        Scenario(
            "transcript, scrolling up",
            PAGE_GOAL_MS,
            many(
                [
                    f"/api/v1/chats/{chat}/messages/?before={message}"
                    for chat, message in samples["before"]
                ]
            ),
        ),
        Scenario(
            "search",
            SEARCH_GOAL_MS,
            many(
                [
                    f"/api/v1/inbox/search/?{urllib.parse.urlencode({'q': q})}"
                    for q in samples["queries"]
                ]
            ),
        ),
    ]

    load_before = os.getloadavg()[0]
    if args.client == "http":
        server, port = start_server()
        try:
            send = http_sender(port, headers)
            scenarios += deep_pages(send, rng, n, Scenario)
            run(scenarios, send)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    else:
        send = test_client_sender(headers)
        scenarios += deep_pages(send, rng, n, Scenario)
        run(scenarios, send)
    report(scenarios, size, args, load=(load_before, os.getloadavg()[0]))


def report(scenarios: list, size: dict[str, int], args: argparse.Namespace, load: tuple) -> None:
    print(
        f"Inbox: {size['chats']:,} chats, {size['messages']:,} messages in the organization; "
        f"database {size['db_bytes'] / 2**30:.1f} GiB. Client: {args.client}; "
        f"{os.cpu_count()} CPUs; load average {load[0]:.2f} before, {load[1]:.2f} after."
    )
    if args.markdown:
        print("| scenario | requests | p50 ms | p95 ms | max ms | goal p95 | met |")
        print("|---|---:|---:|---:|---:|---:|---|")
    for s in scenarios:
        if not s.timings:
            print(f"{s.name:<32} not run")
            continue
        p50, p95, top = s.percentile(0.5), s.percentile(0.95), max(s.timings)
        met = "yes" if p95 < s.goal_ms else "NO"
        if args.markdown:
            print(
                f"| {s.name} | {len(s.timings)} | {p50:.1f} | {p95:.1f} | {top:.1f} | "
                f"< {s.goal_ms} | {met} |"
            )
        else:
            print(
                f"{s.name:<32} n={len(s.timings):<4} p50={p50:6.1f} ms  p95={p95:6.1f} ms  "
                f"max={top:6.1f} ms  goal<{s.goal_ms} {met}  statuses={s.statuses}"
            )
    if args.slowest:
        timed = [(t, p) for s in scenarios for t, p in zip(s.timings, s.timed_paths, strict=True)]
        for elapsed, path in sorted(timed, reverse=True)[: args.slowest]:
            print(f"  slow: {elapsed:6.1f} ms  {urllib.parse.unquote(path)}")


def data_size(org_id: int) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM messaging_chat WHERE organization_id = %s),
                   (SELECT count(*) FROM messaging_message WHERE organization_id = %s),
                   pg_database_size(current_database())
            """,
            [org_id, org_id],
        )
        chats, messages, db_bytes = cursor.fetchone()
    return {"chats": chats, "messages": messages, "db_bytes": db_bytes}


def sample(org_id: int, rng: random.Random, n: int) -> dict[str, list]:
    """Real ids and words of the benchmark organization."""
    from django.db import connection

    def rows(query: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    chats = [
        r[0]
        for r in rows(
            "SELECT id FROM messaging_chat TABLESAMPLE SYSTEM (5) WHERE organization_id = %s "
            "LIMIT %s",
            [org_id, n],
        )
    ]
    busy = [
        r[0]
        for r in rows(
            "SELECT chat_id FROM messaging_message WHERE organization_id = %s "
            "GROUP BY chat_id ORDER BY count(*) DESC LIMIT 20",
            [org_id],
        )
    ]
    before = rows(
        "SELECT chat_id, id FROM messaging_message TABLESAMPLE SYSTEM (1) "
        "WHERE organization_id = %s LIMIT %s",
        [org_id, n],
    )
    texts = [
        r[0]
        for r in rows(
            "SELECT text FROM messaging_message TABLESAMPLE SYSTEM (1) "
            "WHERE organization_id = %s AND text <> '' LIMIT 200",
            [org_id],
        )
    ]
    words = [w.strip(".?!").lower() for t in texts for w in t.split() if len(w) > 3]
    queries = [rng.choice(words) for _ in range(40)]  # whole words
    queries += [rng.choice(words)[:4] for _ in range(20)]  # word beginnings
    queries += [" ".join(rng.sample(words, 2)) for _ in range(20)]  # two words
    queries += [rng.choice(["user12", "Anna", "Smirn", "user4"]) for _ in range(10)]  # chats
    tags = [r[0] for r in rows("SELECT id FROM crm_tag WHERE organization_id = %s", [org_id])]
    bots = [
        r[0]
        for r in rows("SELECT id FROM messaging_telegrambot WHERE organization_id = %s", [org_id])
    ]
    return {
        "chats": chats,
        "busy": busy,
        "before": before,
        "queries": queries,
        "tags": tags,
        "bots": bots,
    }


def deep_pages(
    send: Callable[[str], tuple[int, bytes]], rng: random.Random, n: int, scenario: type
) -> list:
    """Pages 2 to 20 of the open inbox, through the API's own ``next`` links."""
    links = []
    path = "/api/v1/inbox/"
    for _ in range(20):
        status, body = send(path)
        link = json.loads(body).get("next") if status == 200 else None
        if not link:
            break
        parsed = urllib.parse.urlsplit(link)
        path = f"{parsed.path}?{parsed.query}"
        links.append(path)
    return [
        scenario(
            "inbox, pages 2–20 (cursor)",
            LIST_GOAL_MS,
            [rng.choice(links) for _ in range(n)] if links else [],
        )
    ]


if __name__ == "__main__":
    main()
