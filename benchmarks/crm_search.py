"""Measure CRM search and list latency against the benchmark data set (issue "CRM core").

Usage (after ``manage.py bench_crm_data`` filled the same data directory):

    BIDI_DATA_DIR=/tmp/bidi-bench .venv/bin/python benchmarks/crm_search.py [--requests 240]
        [--client http|test] [--markdown]

``--client http`` (default) serves the project with uvicorn (one worker, the production ASGI
app, DEBUG off) on 127.0.0.1 and times each request from this process over one keep-alive
connection, so figures include HTTP parsing, authentication (JWT), tenancy, the queries and
JSON rendering. ``--client test`` calls the same URLs through Django's test client in-process.

Search terms are sampled from the data: exact emails, @usernames, phone numbers (as people
type them: with spaces), full names, misspelled names (two letters swapped) and company names.
Each scenario runs a warm-up, then ``--requests`` timed requests; p50/p95 are reported.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SEARCH_GOAL_MS = 50
LIST_GOAL_MS = 100


@dataclass
class Scenario:
    name: str
    goal_ms: int
    paths: list[str]
    timings: list[float] = field(default_factory=list)
    timed_paths: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=240, help="timed requests per scenario")
    parser.add_argument("--client", choices=("http", "test"), default="http")
    parser.add_argument("--markdown", action="store_true", help="print a table for the docs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest requests")
    args = parser.parse_args()

    import django

    django.setup()
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import Organization, User
    from crm.management.commands.bench_crm_data import MAIN_SLUG, OWNER_EMAIL

    organization = Organization.objects.filter(slug=MAIN_SLUG).first()
    if organization is None:
        sys.exit("No benchmark data: run `manage.py bench_crm_data` with this BIDI_DATA_DIR.")
    user = User.objects.get(email=OWNER_EMAIL)
    headers = {
        "Authorization": f"Bearer {RefreshToken.for_user(user).access_token}",
        "X-Organization": str(organization.pk),
        "Accept": "application/json",
    }
    rng = random.Random(args.seed)
    terms = sample_terms(organization.pk, rng, per_kind=max(40, args.requests // 6 + 1))
    size = data_size(organization.pk)
    scenarios = build_scenarios(terms, organization.pk, rng, args.requests)

    load_before = os.getloadavg()[0]
    if args.client == "http":
        server, port = start_server()
        try:
            send = http_sender(port, headers)
            scenarios.append(cursor_scenario(send, organization.pk, rng, args.requests))
            run(scenarios, send)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    else:
        send = test_client_sender(headers)
        scenarios.append(cursor_scenario(send, organization.pk, rng, args.requests))
        run(scenarios, send)

    report(scenarios, size, args, load=(load_before, os.getloadavg()[0]))


# --- data ---------------------------------------------------------------------------------------


def sample_terms(org_id: int, rng: random.Random, per_kind: int) -> dict[str, list[str]]:
    """Real values of the main organization, as a person would type them."""
    from django.db import connection

    def column(sql: str) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [org_id, per_kind])
            return [row[0] for row in cursor.fetchall()]

    sample = "FROM crm_contact TABLESAMPLE SYSTEM (2) WHERE organization_id = %s"
    emails = column(f"SELECT emails[1] {sample} AND emails <> '{{}}' LIMIT %s")
    usernames = column(f"SELECT telegram_username {sample} AND telegram_username <> '' LIMIT %s")
    phones = column(f"SELECT phones[1] {sample} AND phones <> '{{}}' LIMIT %s")
    names = column(f"SELECT full_name {sample} AND full_name <> '' LIMIT %s")
    companies = column(
        "SELECT name FROM crm_company TABLESAMPLE SYSTEM (10) WHERE organization_id = %s LIMIT %s"
    )
    return {
        "email": emails,
        "username": [f"@{u}" for u in usernames],
        "phone": [spaced_phone(p) for p in phones],
        "full name": names,
        "misspelled name": [misspell(n, rng) for n in names],
        "company": companies,
    }


def spaced_phone(e164: str) -> str:
    """``+14155550123`` → ``+1 415-555-0123``, the way people write numbers."""
    import phonenumbers

    number = phonenumbers.parse(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def misspell(name: str, rng: random.Random) -> str:
    """Swap two neighbouring letters inside the last word (kept within the word)."""
    first, _, last = name.rpartition(" ")
    if len(last) < 4:
        return name
    i = rng.randrange(1, len(last) - 2)
    last = last[:i] + last[i + 1] + last[i] + last[i + 2 :]
    return f"{first} {last}".strip()


def data_size(org_id: int) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM crm_contact WHERE organization_id = %s),
                   (SELECT count(*) FROM crm_company WHERE organization_id = %s),
                   (SELECT count(*) FROM crm_contact), (SELECT count(*) FROM crm_company),
                   (SELECT count(*) FROM accounts_organization WHERE slug LIKE 'bench-crm-%%'),
                   pg_database_size(current_database())
            """,
            [org_id, org_id],
        )
        row = cursor.fetchone()
    keys = ("contacts", "companies", "all_contacts", "all_companies", "organizations", "db_bytes")
    return dict(zip(keys, row, strict=True))


def build_scenarios(
    terms: dict[str, list[str]], org_id: int, rng: random.Random, n: int
) -> list[Scenario]:
    from crm.models import Tag

    mixed = [term for kind in terms.values() for term in kind]
    rng.shuffle(mixed)
    mixed = (mixed * (n // max(1, len(mixed)) + 1))[:n]
    tags = list(Tag.objects.filter(organization_id=org_id).values_list("name", flat=True))
    common, rare = tags[:5], tags[-5:]

    def q(base: str, term: str) -> str:
        return f"{base}?{urllib.parse.urlencode({'q': term})}"

    scenarios = [
        Scenario(
            "contacts ?q= (mixed)", SEARCH_GOAL_MS, [q("/api/v1/contacts/", t) for t in mixed]
        ),
        Scenario("search ?q= (mixed)", SEARCH_GOAL_MS, [q("/api/v1/search/", t) for t in mixed]),
    ]
    for kind, values in terms.items():
        values = (values * (n // max(1, len(values)) + 1))[: max(40, n // 6)]
        scenarios.append(
            Scenario(f"  search: {kind}", SEARCH_GOAL_MS, [q("/api/v1/search/", t) for t in values])
        )
    scenarios += [
        Scenario("contacts list, first page", LIST_GOAL_MS, ["/api/v1/contacts/"] * n),
        Scenario(
            "contacts list, tag filter (common tags)",
            LIST_GOAL_MS,
            [f"/api/v1/contacts/?tag={urllib.parse.quote(rng.choice(common))}" for _ in range(n)],
        ),
        Scenario(
            "contacts list, tag filter (rare tags)",
            LIST_GOAL_MS,
            [f"/api/v1/contacts/?tag={urllib.parse.quote(rng.choice(rare))}" for _ in range(n)],
        ),
    ]
    return scenarios


def cursor_scenario(
    send: Callable[[str], tuple[int, bytes]], org_id: int, rng: random.Random, n: int
) -> Scenario:
    """Page 2 through the API's own ``next`` links (different first pages: sorts, filters)."""
    starts = [
        "/api/v1/contacts/",
        "/api/v1/contacts/?sort=name",
        "/api/v1/contacts/?sort=-last_contacted",
        "/api/v1/contacts/?tag=lead",
    ]
    nexts = []
    for start in starts:
        status, body = send(start)
        link = json.loads(body).get("next") if status == 200 else None
        if link:
            parsed = urllib.parse.urlsplit(link)
            nexts.append(f"{parsed.path}?{parsed.query}")
    return Scenario(
        "contacts list, page 2 (cursor)",
        LIST_GOAL_MS,
        [rng.choice(nexts) for _ in range(n)] if nexts else [],
    )


# --- clients ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, int]:
    """uvicorn serving config.asgi (which freezes start-up objects, config/gc_tuning.py)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "config.asgi:application",
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--workers", "1", "--no-access-log", "--lifespan", "off", "--log-level", "warning"),
    ]
    server = subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, "DJANGO_DEBUG": "false", "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,  # the project's logging prints every access line
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise RuntimeError("uvicorn did not start")


def http_sender(port: int, headers: dict[str, str]) -> Callable[[str], tuple[int, bytes]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(path: str) -> tuple[int, bytes]:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()

    return send


def test_client_sender(headers: dict[str, str]) -> Callable[[str], tuple[int, bytes]]:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")  # a host ALLOWED_HOSTS accepts by default
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}

    def send(path: str) -> tuple[int, bytes]:
        response = client.get(path, **meta)
        return response.status_code, response.content

    return send


# --- running and reporting ----------------------------------------------------------------------


def run(scenarios: list[Scenario], send: Callable[[str], tuple[int, bytes]]) -> None:
    for scenario in scenarios:
        for path in scenario.paths[:10]:  # warm-up: plans, caches, connections
            send(path)
        for path in scenario.paths:
            started = time.perf_counter()
            status, _ = send(path)
            scenario.timings.append((time.perf_counter() - started) * 1000)
            scenario.timed_paths.append(path)
            scenario.statuses[status] = scenario.statuses.get(status, 0) + 1


def report(
    scenarios: list[Scenario],
    size: dict[str, int],
    args: argparse.Namespace,
    load: tuple[float, float],
) -> None:
    method = (
        "uvicorn (1 worker) over HTTP keep-alive" if args.client == "http" else "Django test client"
    )
    print(
        f"Data: {size['contacts']:,} contacts / {size['companies']:,} companies in the measured "
        f"organization; {size['all_contacts']:,} / {size['all_companies']:,} in "
        f"{size['organizations']} organizations; database {size['db_bytes'] / 2**30:.1f} GiB."
    )
    print(
        f"Client: {method}; {os.cpu_count()} CPUs; load average {load[0]:.2f} before, "
        f"{load[1]:.2f} after (other work on the machine skews the figures)."
    )
    rows = []
    for s in scenarios:
        if not s.timings:
            rows.append((s.name, 0, "—", "—", "—", s.goal_ms, "not run", s.statuses))
            continue
        p50, p95 = s.percentile(0.5), s.percentile(0.95)
        ok = "yes" if p95 < s.goal_ms else "NO"
        rows.append((s.name, len(s.timings), p50, p95, max(s.timings), s.goal_ms, ok, s.statuses))
    if args.markdown:
        print("| scenario | requests | p50 ms | p95 ms | max ms | goal p95 | met |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for name, n, p50, p95, top, goal, ok, _ in rows:
            cells = [f"{v:.1f}" if isinstance(v, float) else str(v) for v in (p50, p95, top)]
            print(f"| {name.strip()} | {n} | {' | '.join(cells)} | < {goal} | {ok} |")
    else:
        for name, n, p50, p95, top, goal, ok, statuses in rows:
            if not n:
                print(f"{name:<44} not run (no cursor link)")
                continue
            print(
                f"{name:<44} n={n:<4} p50={p50:6.1f} ms  p95={p95:6.1f} ms  max={top:6.1f} ms  "
                f"goal<{goal} {ok}  statuses={statuses}"
            )
    if args.slowest:
        timed = [(t, p) for s in scenarios for t, p in zip(s.timings, s.timed_paths, strict=True)]
        for elapsed, path in sorted(timed, reverse=True)[: args.slowest]:
            print(f"  slow: {elapsed:6.1f} ms  {urllib.parse.unquote(path)}")
    mean = statistics.mean(t for s in scenarios for t in s.timings) if scenarios else 0
    print(f"Mean of all timed requests: {mean:.1f} ms")


if __name__ == "__main__":
    main()
