"""Measure automation latency: a committed event → its trigger's action done, over a real worker.

Usage: BIDI_DATA_DIR=/tmp/bidi-bench-automation .venv/bin/python benchmarks/automation_latency.py \
           [--events 200] [--rate 5] [--worker-concurrency 2]

What runs, all on this machine, as in production:
- a Celery worker (prefork) on the ``default`` queue, DEBUG off: it dispatches each event to the
  trigger subscriber, which creates the run, and executes the run (conditions, then the action);
- in this process: ``contact_create`` (the CRM service a person's click calls) every
  1/``--rate`` s, and a poller that looks for the tag the automation adds.

The organization has one automation, "Contact created → add the tag `auto-bench`" (the real
``contact.add_tag`` action), with one condition (the contact's source is "bench"). For every
contact the clock starts just before ``contact_create`` and stops when the poller (every 5 ms)
sees the tag on the contact: the whole path of outbox → broker → dispatch → run → action →
commit. Goal (issue 8): p95 < 500 ms. The first 10 contacts warm the worker up and are not
counted.

Use a throwaway data directory: the benchmark organization (slug ``bench-automation``) is
deleted and recreated on every run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from benchmarks.telegram_ingest import start, stop  # noqa: E402

SLUG = "bench-automation"
TAG = "auto-bench"
GOAL_MS = 500
WARM_UP = 10


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--rate", type=float, default=5, help="contacts created per second")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10, help="seconds to wait per event")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from accounts.models import Membership, Organization, User
    from automation.models import TriggerRun
    from automation.registry import action_types
    from automation.triggers.services import trigger_create
    from config import embedded
    from crm.models import Contact
    from crm.services.contacts import contact_create

    if "contact.add_tag" not in action_types():
        sys.exit("The contact.add_tag action is not registered (crm/automation_hooks.py).")
    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug=SLUG).delete()
    organization = Organization.objects.create(name="Bench automation", slug=SLUG)
    owner, _ = User.objects.get_or_create(
        email="owner@bench-automation.local", defaults={"full_name": "Bench owner"}
    )
    Membership.objects.create(organization=organization, user=owner, role="owner")
    trigger = trigger_create(
        organization=organization,
        actor=owner,
        data={
            "name": "Tag bench contacts",
            "when": "event",
            "event_name": "contact.created",
            "conditions": {
                "all": [{"field": "payload.contact.source", "op": "equals", "value": "bench"}]
            },
            "actions": [{"type": "contact.add_tag", "params": {"tag": TAG}}],
        },
    )
    logs = Path(tempfile.mkdtemp(prefix="bench-automation-"))
    env = {
        **os.environ,
        "DATABASE_URL": embedded.postgres_url(settings.DATA_DIR),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    worker = start(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker"),
            *("-Q", "default", "--concurrency", str(args.worker_concurrency)),
            *("-l", "warning", "--without-gossip", "--without-mingle"),
        ],
        env,
        logs / "worker.log",
    )
    latencies: list[float] = []
    missed = 0
    try:
        time.sleep(4)  # the worker imports the project
        tagged = Contact.objects.filter(organization=organization, tags__name=TAG)
        for n in range(args.events + WARM_UP):
            started = time.perf_counter()
            contact = contact_create(
                organization=organization,
                actor=owner,
                data={
                    "first_name": f"Lead {n}",
                    "email": f"lead{n}@bench.local",
                    "source": "bench",
                },
            )
            deadline = time.monotonic() + args.timeout
            while not tagged.filter(pk=contact.pk).exists():
                if time.monotonic() > deadline:
                    missed += 1
                    break
                time.sleep(0.005)
            else:
                if n >= WARM_UP:
                    latencies.append((time.perf_counter() - started) * 1000)
            pause = 1 / args.rate - (time.perf_counter() - started)
            if pause > 0:
                time.sleep(pause)
    finally:
        stop(worker)

    statuses: dict[str, int] = {}
    for status in TriggerRun.objects.filter(trigger=trigger).values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    load = os.getloadavg()[0]
    print(
        f"{args.events} contacts at up to {args.rate:g}/s (+{WARM_UP} warm-up), worker "
        f"concurrency {args.worker_concurrency}; runs {statuses}; missed {missed}; "
        f"load average {load:.2f}"
    )
    if not latencies:
        print(f"nothing measured; logs: {logs}")
        return
    p95 = percentile(latencies, 0.95)
    print(
        f"contact.created → tag added: n={len(latencies)}  p50={percentile(latencies, 0.5):.1f} ms"
        f"  p95={p95:.1f} ms  max={max(latencies):.1f} ms  "
        f"goal<{GOAL_MS} {'yes' if p95 < GOAL_MS else 'NO'}"
    )
    print(f"logs: {logs}")


if __name__ == "__main__":
    main()
