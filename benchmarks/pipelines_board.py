"""Measure the Kanban board and deal moves with 10,000 deals in one pipeline (issue 4).

Usage:

    BIDI_DATA_DIR=/tmp/bidi-<you> .venv/bin/python benchmarks/pipelines_board.py
        [--deals 10000] [--requests 200] [--markdown] [--rebuild]

The first run creates the benchmark organization (slug ``bench-pipelines``): its default
pipeline (7 stages) holding ``--deals`` deals spread over the stages (more in early ones), with
owners, companies and tags, ranked as the services rank them; later runs reuse it (``--rebuild``
starts over). Then the production ASGI app is served by uvicorn (one worker, DEBUG off) on
127.0.0.1, as in benchmarks/crm_search.py, and each request is timed from this process over a
keep-alive connection, so figures include HTTP, authentication, tenancy, queries and rendering.

Scenarios (warm-up, then ``--requests`` timed requests each; p50/p95):
- board API ``GET /api/v1/pipelines/{id}/board/`` (7 columns, 50 cards each, sums per stage),
  also filtered by owner and by ``stale=true``;
- move ``POST /api/v1/deals/{id}/move/``: a random deal to a random stage, half of the time
  between two named cards (``before_id``/``after_id``), half at a random position;
- board page ``GET /pipeline/{id}/`` (HTML, session cookie), when the web view is installed.
Goals: board p95 < 150 ms, move p95 < 30 ms. Also reported: the server process's CPU time per
request (from /proc), which other load on a shared machine does not inflate; PostgreSQL's share
runs in its own processes and is not included.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from benchmarks.crm_search import Scenario, start_server  # noqa: E402  (same server and stats)

SLUG = "bench-pipelines"
OWNER_EMAIL = "owner@bench-pipelines.local"
BOARD_GOAL_MS = 150
MOVE_GOAL_MS = 30
# Share of deals per stage (Lead … Proposal, Won, Lost), as a real funnel narrows.
STAGE_SHARES = (0.30, 0.20, 0.15, 0.10, 0.08, 0.10, 0.07)

SERVER_PID: int | None = None
Sender = Callable[[str, str, dict | None], tuple[int, bytes]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--markdown", action="store_true", help="print a table for the docs")
    parser.add_argument("--rebuild", action="store_true", help="recreate the benchmark data")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    organization, pipeline, user = ensure_data(args.deals, rebuild=args.rebuild, seed=args.seed)
    rng = random.Random(args.seed)
    jwt_headers = api_headers(user, organization)
    cookie_headers = session_headers(user, organization)
    size = data_size(organization, pipeline)

    load_before = os.getloadavg()[0]
    server, port = start_server()
    global SERVER_PID
    SERVER_PID = server.pid
    try:
        send = http_sender(port)
        scenarios = run_all(send, pipeline, user, jwt_headers, cookie_headers, rng, args.requests)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    report(scenarios, size, args, load=(load_before, os.getloadavg()[0]))


# --- data ---------------------------------------------------------------------------------------


def ensure_data(deals: int, *, rebuild: bool, seed: int):
    """The benchmark organization with ``deals`` deals in its default pipeline (idempotent)."""
    from django.db import transaction

    from accounts.models import Membership, Organization, User
    from accounts.permissions import Role
    from accounts.services import organization_create
    from pipelines.models import Deal, Pipeline

    organization = Organization.objects.filter(slug=SLUG).first()
    if organization is not None and rebuild:
        Deal.objects.filter(organization=organization).delete()
        organization.delete()
        organization = None
    user = User.objects.filter(email=OWNER_EMAIL).first() or User.objects.create_user(
        OWNER_EMAIL, "bench-pipelines-password", full_name="Bench Owner"
    )
    if organization is None:
        with transaction.atomic():
            organization = organization_create(name="Bench pipelines", owner=user)
            Organization.objects.filter(pk=organization.pk).update(slug=SLUG)
            organization.slug = SLUG
    pipeline = Pipeline.objects.get(organization=organization, is_default=True)
    have = Deal.objects.filter(organization=organization, pipeline=pipeline).count()
    if have < deals:
        print(f"Creating {deals - have:,} deals…", flush=True)
        members = fill(organization, pipeline, user, deals - have, seed)
        print(f"… done ({members} members).", flush=True)
    assert Membership.objects.filter(organization=organization, user=user, role=Role.OWNER)
    return organization, pipeline, user


def fill(organization, pipeline, owner, count: int, seed: int) -> int:
    """Bulk-insert deals as the services would leave them: ranked per column (evenly spread
    ranks, as after a rebalance), with a creation entry in the stage history, tags, companies
    and owners. Bulk writes keep the set-up to seconds; the timed moves use the services."""
    import datetime
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Membership, User
    from accounts.permissions import Role
    from crm.models import Company, Tag
    from pipelines.models import Deal, DealStageChange
    from pipelines.ranking import rank_between, rank_sequence

    rng = random.Random(seed)
    stages = list(pipeline.stages.order_by("position"))
    with transaction.atomic():
        users = [owner]
        for n in range(9):
            email = f"member{n}@bench-pipelines.local"
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, None, full_name=f"Member {n}"
            )
            Membership.objects.get_or_create(
                organization=organization, user=user, defaults={"role": Role.BIDI}
            )
            users.append(user)
        companies = list(Company.objects.filter(organization=organization)[:200])
        if not companies:
            companies = Company.objects.bulk_create(
                Company(organization=organization, name=f"Company {n}", domain=f"c{n}.example")
                for n in range(200)
            )
        tags = list(Tag.objects.filter(organization=organization))
        if not tags:
            tags = Tag.objects.bulk_create(
                Tag(organization=organization, name=name)
                for name in ("hot", "warm", "cold", "vip", "partner", "renewal")
            )
        now = timezone.now()
        rows = []
        for index, stage in enumerate(stages):
            in_stage = round(count * STAGE_SHARES[index % len(STAGE_SHARES)])
            last = Deal.objects.filter(stage=stage).order_by("rank", "id").last()
            ranks = rank_sequence(in_stage)
            if last is not None:  # append below the existing cards
                ranks, rank = [], last.rank
                for _ in range(in_stage):
                    rank = rank_between(rank, None)
                    ranks.append(rank)
            for rank in ranks:
                entered = now - datetime.timedelta(hours=rng.randint(0, 24 * 40))
                rows.append(
                    Deal(
                        organization=organization,
                        pipeline=pipeline,
                        stage=stage,
                        rank=rank,
                        title=f"Deal {rng.randint(1000, 999999)}",
                        value=Decimal(rng.randint(1, 2000) * 50),
                        currency="USD" if rng.random() < 0.9 else "EUR",
                        owner=rng.choice(users),
                        company=rng.choice(companies),
                        expected_close_date=now.date()
                        + datetime.timedelta(days=rng.randint(-30, 200)),
                        stage_entered_at=entered,
                        closed_at=entered if stage.kind != "open" else None,
                        created_by=owner,
                        created_at=entered,
                    )
                )
        created = Deal.objects.bulk_create(rows, batch_size=2000)
        DealStageChange.objects.bulk_create(
            (
                DealStageChange(
                    organization=organization,
                    deal=deal,
                    to_stage=deal.stage,
                    actor=owner,
                    changed_at=deal.created_at,
                )
                for deal in created
            ),
            batch_size=2000,
        )
        through = Deal.tags.through
        through.objects.bulk_create(
            (
                through(deal_id=deal.pk, tag_id=tag.pk)
                for deal in created
                for tag in rng.sample(tags, rng.randint(0, 2))
            ),
            batch_size=5000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pipelines_deal; ANALYZE pipelines_deal_tags")
    return len(users)


def data_size(organization, pipeline) -> dict[str, int]:
    from pipelines.models import Deal

    deals = Deal.objects.filter(organization=organization, pipeline=pipeline)
    return {
        "deals": deals.count(),
        "all_deals": Deal.objects.count(),
        "stages": pipeline.stages.count(),
        "largest_column": max(deals.filter(stage=s).count() for s in pipeline.stages.all()),
    }


# --- clients ------------------------------------------------------------------------------------


def api_headers(user, organization) -> dict[str, str]:
    from rest_framework_simplejwt.tokens import RefreshToken

    return {
        "Authorization": f"Bearer {RefreshToken.for_user(user).access_token}",
        "X-Organization": str(organization.pk),
        "Accept": "application/json",
        "Content-Type": "application/json",
    }


def session_headers(user, organization) -> dict[str, str]:
    """A signed-in browser's cookie: a real session in the session store, org selected."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.tenancy import ACTIVE_ORG_SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[ACTIVE_ORG_SESSION_KEY] = organization.pk
    store.save()
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}", "Accept": "text/html"}


def http_sender(port: int) -> Sender:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(method: str, path: str, headers: dict | None, body: dict | None = None):
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=payload, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()

    return send


# --- scenarios ----------------------------------------------------------------------------------


def server_cpu_ms() -> float:
    """CPU time (user + system) the server process has used so far: a figure other work on
    the machine does not inflate the way it inflates wall-clock latency."""
    if SERVER_PID is None:
        return 0.0
    with open(f"/proc/{SERVER_PID}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def timed(scenario: Scenario, call: Callable[[], tuple[int, bytes]], path: str) -> None:
    cpu = server_cpu_ms()
    started = time.perf_counter()
    status, _ = call()
    scenario.timings.append((time.perf_counter() - started) * 1000)
    scenario.server_cpu_ms = getattr(scenario, "server_cpu_ms", 0.0) + server_cpu_ms() - cpu
    scenario.timed_paths.append(path)
    scenario.statuses[status] = scenario.statuses.get(status, 0) + 1


def run_all(send, pipeline, user, jwt, cookie, rng, n) -> list[Scenario]:
    from django.urls import NoReverseMatch, reverse

    from pipelines.models import Deal

    board = f"/api/v1/pipelines/{pipeline.pk}/board/"
    gets = [
        Scenario("board API (7 columns x 50 cards)", BOARD_GOAL_MS, [board] * n),
        Scenario("board API, owner=me", BOARD_GOAL_MS, [f"{board}?owner=me"] * n),
        Scenario("board API, stale=true", BOARD_GOAL_MS, [f"{board}?stale=true"] * n),
    ]
    for scenario in gets:
        for path in scenario.paths[:10]:
            send("GET", path, jwt)
        for path in scenario.paths:
            timed(scenario, lambda p=path: send("GET", p, jwt), path)

    stages = list(pipeline.stages.order_by("position"))
    deal_ids = list(Deal.objects.filter(pipeline=pipeline).values_list("pk", flat=True))
    move = Scenario("move POST /deals/{id}/move/", MOVE_GOAL_MS, [])
    for i in range(n + 10):
        stage = rng.choice(stages)
        deal_id = rng.choice(deal_ids)
        body: dict = {"stage": stage.pk}
        if i % 2:
            column = list(
                Deal.objects.filter(stage=stage)
                .exclude(pk=deal_id)
                .order_by("rank", "id")
                .values_list("pk", flat=True)[:50]
            )
            if len(column) > 1:
                k = rng.randrange(len(column) - 1)
                body.update(before_id=column[k], after_id=column[k + 1])
        else:
            body["position"] = rng.randrange(50)
        path = f"/api/v1/deals/{deal_id}/move/"
        if i < 10:  # warm-up
            send("POST", path, jwt, body)
            continue
        move.paths.append(path)
        timed(move, lambda p=path, b=body: send("POST", p, jwt, b), path)

    scenarios = [*gets, move]
    try:
        page = reverse("pipelines:board", kwargs={"pk": pipeline.pk})
    except NoReverseMatch:
        page = None
    html = Scenario("board page HTML /pipeline/{id}/", BOARD_GOAL_MS, [page] * n if page else [])
    if page:
        for _ in range(10):
            send("GET", page, cookie)
        for path in html.paths:
            timed(html, lambda p=path: send("GET", p, cookie), path)
    scenarios.append(html)
    return scenarios


def report(scenarios: list[Scenario], size: dict, args: argparse.Namespace, load) -> None:
    print(
        f"Data: {size['deals']:,} deals in one pipeline of {size['stages']} stages (largest "
        f"column {size['largest_column']:,}); {size['all_deals']:,} deals in the database."
    )
    print(
        f"Client: uvicorn (1 worker) over HTTP keep-alive; {os.cpu_count()} CPUs; load average "
        f"{load[0]:.2f} before, {load[1]:.2f} after (other work on the machine skews figures)."
    )
    if args.markdown:
        print("| scenario | requests | p50 ms | p95 ms | max ms | server CPU ms/req | goal p95 "
              "| met |")  # fmt: skip
        print("|---|---:|---:|---:|---:|---:|---:|---|")
    for s in scenarios:
        if not s.timings:
            print(f"{s.name:<40} not run (no web view installed)")
            continue
        p50, p95, top = s.percentile(0.5), s.percentile(0.95), max(s.timings)
        ok = "yes" if p95 < s.goal_ms else "NO"
        cpu = getattr(s, "server_cpu_ms", 0.0) / len(s.timings)
        if args.markdown:
            print(f"| {s.name} | {len(s.timings)} | {p50:.1f} | {p95:.1f} | {top:.1f} | "
                  f"{cpu:.1f} | < {s.goal_ms} | {ok} |")  # fmt: skip
        else:
            print(
                f"{s.name:<40} n={len(s.timings):<4} p50={p50:6.1f} ms  p95={p95:6.1f} ms  "
                f"max={top:6.1f} ms  server CPU {cpu:5.1f} ms/req  goal<{s.goal_ms} {ok}  "
                f"statuses={s.statuses}"
            )


if __name__ == "__main__":
    main()
