"""The sending engine: creating deliveries, claiming them, POSTing them, recording attempts.

A delivery is one (endpoint, message) pair; ``message_id`` ("msg_<event id>") is unique per
endpoint, so an event reaches an endpoint through one delivery however often its dispatch runs.

How a delivery moves:

1. Created ``pending`` (``deliveries_create``) and handed, after commit, to a
   ``webhook_deliveries_send`` task in chunks of ``CHUNK`` (one task per chunk, not per
   delivery). Each task item is ``[delivery id, attempts so far]``.
2. The task claims its deliveries in one ``UPDATE … RETURNING``: only rows still ``pending``,
   unlocked (or whose lease ran out: a crashed worker's) and with the attempt count the task was
   given. The count makes a late duplicate of a task (the poller re-enqueued it while it sat in
   a long queue) a no-op instead of an early retry. The claim sets ``locked_until`` (a lease),
   so two workers never send the same delivery at once.
3. The chunk is sent concurrently (a thread pool sharing keep-alive connections,
   ``automation.webhooks.transport``, which also re-checks the address: SSRF), and
   the outcome recorded in bulk: one ``bulk_create`` of attempts and one ``UPDATE … FROM
   unnest(…)`` for the deliveries. 2xx is success; anything else, a connection error or the
   timeout is a failure, retried after the next delay of ``WEBHOOK_RETRY_SCHEDULE`` (±10 %
   jitter, or the receiver's ``Retry-After`` on 429/503 when longer); after the last one the
   delivery is ``failed``.
4. ``next_attempt_at`` is when the poller (``deliveries_send_due``, a beat task every few
   seconds) should enqueue the delivery: the retry time after a failure, and ``REQUEUE_AFTER``
   from now whenever it is enqueued, so a task lost with a crashed worker or a broker outage is
   sent again. Retries never rely on long Celery ETAs.

Endpoint health: an endpoint's first failure after a success sets ``failing_since``, a success
clears it; one still failing after ``WEBHOOK_DISABLE_AFTER_DAYS`` is disabled
(``services.endpoint_disable_failing``: event and email to its admins).
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import re
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from automation.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from automation.webhooks.signing import signature_header
from automation.webhooks.ssrf import HostRefused
from automation.webhooks.transport import Transport, TransportError, TransportTimeout

logger = logging.getLogger(__name__)

CHUNK = 100
# When the poller sends a delivery again if the task carrying it never ran (lost with a worker
# or the broker). Duplicates are harmless (the claim checks the attempt count).
REQUEUE_AFTER = timedelta(seconds=120)
# How many due deliveries one poll enqueues at most.
POLL_LIMIT = 5000
USER_AGENT = "BiDi-Webhooks/1"
SNIPPET_CHARS = 1000
ERROR_CHARS = 500
# A Retry-After longer than this is capped (a receiver cannot park a delivery for a month).
MAX_RETRY_AFTER = timedelta(hours=24)
JITTER = 0.10

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


# --- Schedule --------------------------------------------------------------------------------


def retry_schedule() -> list[timedelta]:
    """``WEBHOOK_RETRY_SCHEDULE`` as delays: "5s,5m,2h" → [5 s, 5 min, 2 h]."""
    raw = settings.WEBHOOK_RETRY_SCHEDULE
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    delays = []
    for item in items:
        if not str(item).strip():
            continue
        match = DURATION.match(str(item))
        if match is None:
            raise ValueError(f"WEBHOOK_RETRY_SCHEDULE: {item!r} is not a duration like 5m")
        delays.append(timedelta(seconds=float(match[1]) * UNITS[match[2].lower()]))
    return delays


def retry_delay(
    attempts: int, *, retry_after: timedelta | None = None, rng: random.Random | None = None
) -> timedelta | None:
    """The wait before the next attempt of a delivery that has failed ``attempts`` times, or
    None when no retry is left. ±10 % jitter; a longer ``Retry-After`` wins."""
    schedule = retry_schedule()
    if attempts < 1 or attempts > len(schedule):
        return None
    base = schedule[attempts - 1]
    delay = base * (rng or random).uniform(1 - JITTER, 1 + JITTER)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A ``Retry-After`` header: seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(timedelta(0), when - now)


# --- Creating --------------------------------------------------------------------------------


def body_json(message: dict[str, Any]) -> str:
    """The exact body sent (and signed): compact JSON."""
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class NewDelivery:
    organization_id: int
    endpoint_id: int
    message_id: str
    event_type: str
    body: str
    event_id: int | None = None


def deliveries_create(rows: list[NewDelivery], *, now: datetime | None = None) -> list[int]:
    """Insert deliveries, skipping those that exist already (same endpoint and message id), and
    send the new ones after commit. Returns the ids inserted."""
    if not rows:
        return []
    now = now or timezone.now()
    table = WebhookDelivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organization_id, endpoint_id, event_id, message_id, "  # noqa: S608
            "event_type, body, status, attempts, next_attempt_at, created_at, last_error) "
            "SELECT v.*, %s, 0, %s, %s, '' FROM unnest(%s::bigint[], %s::bigint[], "
            "%s::bigint[], %s::varchar[], %s::varchar[], %s::text[]) AS v "
            "ON CONFLICT (endpoint_id, message_id) DO NOTHING RETURNING id",
            [
                WebhookDelivery.Status.PENDING,
                now + REQUEUE_AFTER,
                now,
                [r.organization_id for r in rows],
                [r.endpoint_id for r in rows],
                [r.event_id for r in rows],
                [r.message_id for r in rows],
                [r.event_type for r in rows],
                [r.body for r in rows],
            ],
        )
        ids = [row[0] for row in cursor.fetchall()]
    deliveries_enqueue([(pk, 0) for pk in ids])
    return ids


def deliveries_for_events(events: list[Event], *, now: datetime | None = None) -> list[int]:
    """One delivery per (event, enabled endpoint of its organization subscribed to its name or
    to "*"). Idempotent: the message id is the event's."""
    if not events:
        return []
    endpoints = WebhookEndpoint.objects.filter(
        organization_id__in={e.organization_id for e in events}, enabled=True
    ).values_list("pk", "organization_id", "event_types")
    by_org: dict[int, list[tuple[int, set[str]]]] = {}
    for pk, org_id, event_types in endpoints:
        by_org.setdefault(org_id, []).append((pk, set(event_types)))
    rows: list[NewDelivery] = []
    for event in events:
        listeners = [
            pk
            for pk, types in by_org.get(event.organization_id, [])
            if "*" in types or event.name in types
        ]
        if not listeners:
            continue
        body = body_json(event.as_message())
        rows.extend(
            NewDelivery(
                organization_id=event.organization_id,
                endpoint_id=pk,
                message_id=f"msg_{event.pk}",
                event_type=event.name,
                body=body,
                event_id=event.pk,
            )
            for pk in listeners
        )
    return deliveries_create(rows, now=now)


def deliveries_enqueue(items: Iterable[tuple[int, int]]) -> None:
    """Hand ``(delivery id, attempts)`` pairs to send tasks after the transaction commits."""
    items = [[pk, attempts] for pk, attempts in items]
    if not items:
        return

    def send() -> None:
        from automation.tasks import webhook_deliveries_send

        for start in range(0, len(items), CHUNK):
            try:
                webhook_deliveries_send.delay(items[start : start + CHUNK])
            except Exception:
                # The broker being down must not fail the commit: the poller re-sends them.
                logger.exception("Could not enqueue webhook deliveries; the poller will")
                return

    transaction.on_commit(send)


# --- Polling ---------------------------------------------------------------------------------


def deliveries_send_due(*, now: datetime | None = None, limit: int = POLL_LIMIT) -> int:
    """Enqueue the pending deliveries of enabled endpoints whose time has come (retries, and
    first attempts whose task was lost). Returns how many were enqueued."""
    now = now or timezone.now()
    table = WebhookDelivery._meta.db_table
    endpoints = WebhookEndpoint._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} d SET next_attempt_at = %s "  # noqa: S608
            f"WHERE d.id IN (SELECT d2.id FROM {table} d2 JOIN {endpoints} e "
            "ON e.id = d2.endpoint_id AND e.enabled "
            "WHERE d2.status = %s AND d2.next_attempt_at <= %s "
            "AND (d2.locked_until IS NULL OR d2.locked_until < %s) "
            "ORDER BY d2.next_attempt_at LIMIT %s FOR UPDATE OF d2 SKIP LOCKED) "
            "RETURNING d.id, d.attempts",
            [now + REQUEUE_AFTER, WebhookDelivery.Status.PENDING, now, now, limit],
        )
        items = [(row[0], row[1]) for row in cursor.fetchall()]
        deliveries_enqueue(items)
    return len(items)


# --- Sending ---------------------------------------------------------------------------------


class _Sender:
    """Per process: one keep-alive transport and one thread pool, built again after a fork."""

    _lock = threading.Lock()
    _pid: int | None = None
    transport: Transport
    pool: ThreadPoolExecutor

    @classmethod
    def get(cls) -> type[_Sender]:
        if cls._pid != os.getpid():
            with cls._lock:
                if cls._pid != os.getpid():
                    concurrency = max(1, settings.WEBHOOK_SEND_CONCURRENCY)
                    cls.transport = Transport(user_agent=USER_AGENT)
                    cls.pool = ThreadPoolExecutor(concurrency, thread_name_prefix="webhooks")
                    cls._pid = os.getpid()
        return cls


@dataclass
class _Outcome:
    delivery_id: int
    endpoint_id: int
    attempted_at: datetime
    status_code: int | None = None
    succeeded: bool = False
    duration_ms: int = 0
    snippet: str = ""
    error: str = ""
    retry_after: timedelta | None = None


@dataclass(frozen=True)
class _Request:
    delivery_id: int
    endpoint_id: int
    url: str
    secrets: tuple[str, ...]
    message_id: str
    body: str


def _post(request: _Request, timeout: float) -> _Outcome:
    transport = _Sender.get().transport
    attempted_at = timezone.now()
    timestamp = int(time.time())
    outcome = _Outcome(request.delivery_id, request.endpoint_id, attempted_at)
    headers = {
        "Content-Type": "application/json",
        "webhook-id": request.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            list(request.secrets), request.message_id, timestamp, request.body
        ),
    }
    started = time.monotonic()
    try:
        response = transport.post(request.url, request.body.encode(), headers, timeout)
        outcome.status_code = response.status
        outcome.succeeded = 200 <= response.status < 300
        if response.status in (429, 503):
            outcome.retry_after = _retry_after(response.retry_after, attempted_at)
        outcome.snippet = response.head.decode("utf-8", "replace")[:SNIPPET_CHARS]
        if not outcome.succeeded:
            outcome.error = f"HTTP {response.status}"
    except HostRefused as exc:
        outcome.error = f"Refused: {exc}"
    except TransportTimeout:
        outcome.error = f"Timed out after {timeout:g} s"
    except TransportError as exc:
        outcome.error = str(exc)
    except Exception as exc:  # one broken delivery must not lose the chunk's records
        logger.exception("Webhook delivery %s failed unexpectedly", request.delivery_id)
        outcome.error = f"{type(exc).__name__}: {exc}"
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    outcome.error = outcome.error[:ERROR_CHARS]
    return outcome


def _claim(items: list[list[int]], now: datetime, lease: timedelta) -> list[int]:
    table = WebhookDelivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} d SET locked_until = %s "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::int[]) AS v(id, attempts) "
            "WHERE d.id = v.id AND d.attempts = v.attempts AND d.status = %s "
            "AND (d.locked_until IS NULL OR d.locked_until < %s) RETURNING d.id",
            [
                now + lease,
                [int(item[0]) for item in items],
                [int(item[1]) for item in items],
                WebhookDelivery.Status.PENDING,
                now,
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def _lease(count: int, timeout: float) -> timedelta:
    """Long enough for the whole chunk at the worst (every request timing out)."""
    waves = math.ceil(count / max(1, settings.WEBHOOK_SEND_CONCURRENCY))
    return timedelta(seconds=waves * timeout + 30)


@dataclass(frozen=True)
class _Claimed:
    pk: int
    endpoint_id: int
    message_id: str
    body: str
    attempts: int
    organization_id: int


def deliveries_send(items: list[list[int]], *, now: datetime | None = None) -> int:
    """Send the deliveries ``[[id, attempts], …]`` that are still due and unclaimed, record
    every attempt and the deliveries' new state. Returns how many were sent."""
    if not items:
        return 0
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    claimed = _claim(items, now or timezone.now(), _lease(len(items), timeout))
    if not claimed:
        return 0
    # Plain tuples, no model instances: this is the hot path of a fan-out.
    deliveries = [
        _Claimed(*row)
        for row in WebhookDelivery.objects.filter(pk__in=claimed).values_list(
            "pk", "endpoint_id", "message_id", "body", "attempts", "organization_id"
        )
    ]
    targets = _endpoint_targets({d.endpoint_id for d in deliveries}, now=timezone.now())
    requests = [
        _Request(d.pk, d.endpoint_id, *targets[d.endpoint_id], d.message_id, d.body)
        for d in deliveries
        if d.endpoint_id in targets
    ]
    pool = _Sender.get().pool
    outcomes = list(pool.map(lambda r: _post(r, timeout), requests))
    _record(deliveries, outcomes, now=now or timezone.now())
    return len(outcomes)


# (endpoint id) -> (updated_at, previous_secret_expires_at, secrets): decrypting a secret costs
# more than sending on loopback, and a fan-out signs for the same endpoints all day. Every
# change of the secrets (rotation) bumps updated_at, which invalidates the entry.
_secrets_cache: dict[int, tuple[datetime, datetime | None, str, str]] = {}
SECRETS_CACHE_MAX = 20_000


def _endpoint_targets(pks: set[int], *, now: datetime) -> dict[int, tuple[str, tuple[str, ...]]]:
    """``{endpoint id: (url, secrets that sign now)}``, decrypting only secrets not cached."""
    rows = list(
        WebhookEndpoint.objects.filter(pk__in=pks).values_list(
            "pk", "url", "updated_at", "previous_secret_expires_at"
        )
    )
    stale = [
        pk for pk, _url, updated, _exp in rows if _secrets_cache.get(pk, (None,))[0] != updated
    ]
    if stale:
        if len(_secrets_cache) > SECRETS_CACHE_MAX:  # deleted endpoints linger: start afresh
            _secrets_cache.clear()
        for endpoint in WebhookEndpoint.objects.filter(pk__in=stale).only(
            "pk", "secret", "previous_secret", "updated_at", "previous_secret_expires_at"
        ):
            _secrets_cache[endpoint.pk] = (
                endpoint.updated_at,
                endpoint.previous_secret_expires_at,
                endpoint.secret,
                endpoint.previous_secret,
            )
    targets = {}
    for pk, url, _updated, expires in rows:
        secret, previous = _secrets_cache[pk][2:]
        secrets = (secret, previous) if previous and expires and expires > now else (secret,)
        targets[pk] = (url, secrets)
    return targets


def _record(deliveries: list[_Claimed], outcomes: list[_Outcome], *, now: datetime) -> None:
    by_id = {d.pk: d for d in deliveries}
    statuses, next_at, delivered_at = [], [], []
    for outcome in outcomes:
        attempts = by_id[outcome.delivery_id].attempts + 1
        if outcome.succeeded:
            statuses.append(WebhookDelivery.Status.SUCCEEDED)
            next_at.append(None)
            delivered_at.append(outcome.attempted_at)
            continue
        delay = retry_delay(attempts, retry_after=outcome.retry_after)
        delivered_at.append(None)
        if delay is None:
            statuses.append(WebhookDelivery.Status.FAILED)
            next_at.append(None)
        else:
            statuses.append(WebhookDelivery.Status.PENDING)
            next_at.append(now + delay)
    table = WebhookDelivery._meta.db_table
    attempts_table = WebhookAttempt._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {attempts_table} (organization_id, delivery_id, attempted_at, "  # noqa: S608
                "status_code, succeeded, duration_ms, response_snippet, error) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[], %s::int[], "
                "%s::boolean[], %s::int[], %s::varchar[], %s::varchar[])",
                [
                    [by_id[o.delivery_id].organization_id for o in outcomes],
                    [o.delivery_id for o in outcomes],
                    [o.attempted_at for o in outcomes],
                    [o.status_code for o in outcomes],
                    [o.succeeded for o in outcomes],
                    [o.duration_ms for o in outcomes],
                    [o.snippet for o in outcomes],
                    [o.error for o in outcomes],
                ],
            )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} d SET attempts = d.attempts + 1, status = v.status, "  # noqa: S608
                "next_attempt_at = v.next_at, locked_until = NULL, last_attempt_at = v.at, "
                "last_status_code = v.code, last_error = v.error, "
                "delivered_at = COALESCE(v.delivered, d.delivered_at) "
                "FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[], "
                "%s::timestamptz[], %s::int[], %s::varchar[], %s::timestamptz[]) "
                "AS v(id, status, next_at, at, code, error, delivered) WHERE d.id = v.id",
                [
                    [o.delivery_id for o in outcomes],
                    statuses,
                    next_at,
                    [o.attempted_at for o in outcomes],
                    [o.status_code for o in outcomes],
                    [o.error for o in outcomes],
                    delivered_at,
                ],
            )
        _health_record(outcomes, now=now)


def _health_record(outcomes: list[_Outcome], *, now: datetime) -> None:
    """Track how long each endpoint has been failing; disable those failing for too long."""
    ok = {o.endpoint_id for o in outcomes if o.succeeded}
    failing = {o.endpoint_id for o in outcomes if not o.succeeded} - ok
    if ok:
        WebhookEndpoint.objects.filter(pk__in=ok, failing_since__isnull=False).update(
            failing_since=None
        )
    if not failing:
        return
    WebhookEndpoint.objects.filter(pk__in=failing, failing_since__isnull=True).update(
        failing_since=now
    )
    cutoff = now - timedelta(days=float(settings.WEBHOOK_DISABLE_AFTER_DAYS))
    from automation.webhooks.services import endpoint_disable_failing

    for endpoint in WebhookEndpoint.objects.filter(
        pk__in=failing, enabled=True, failing_since__lte=cutoff
    ).select_related("organization"):
        endpoint_disable_failing(endpoint=endpoint, now=now)
