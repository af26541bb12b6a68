"""Time-based triggers: cron schedules (in the organization's time zone) and relative ones
("no reply for 3 days"), fired by the ``triggers_fire_due`` beat task every 30 seconds.

Each trigger stores ``next_run_at``; the task takes the due ones (row locks, skip locked, so
two beat ticks or two workers never fire one twice) and creates runs whose dedupe key names
the occurrence: "cron:<UTC minute>" or "relative:<time source key>". A run that exists already
is left alone, so a repeated tick does nothing. Time is passed in (``now``) for tests.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from automation.models import Trigger, TriggerRun
from automation.registry import time_sources

logger = logging.getLogger(__name__)

DUE_BATCH = 200


def relative_scan_seconds() -> int:
    return int(getattr(settings, "AUTOMATION_RELATIVE_SCAN_SECONDS", 300))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def cron_next(cron: str, *, after: datetime, time_zone: str) -> datetime:
    """The first moment after ``after`` matching ``cron`` read in ``time_zone``, in UTC."""
    from croniter import croniter

    local = after.astimezone(_zone(time_zone))
    following = croniter(cron, local).get_next(datetime)
    return following.astimezone(UTC)


def trigger_next_run(trigger: Trigger, *, after: datetime, first: bool = True) -> datetime | None:
    """When the scheduler should look at ``trigger`` next. A new relative trigger is scanned
    at once (``first``); afterwards every ``AUTOMATION_RELATIVE_SCAN_SECONDS``."""
    if trigger.when == Trigger.When.CRON:
        return cron_next(trigger.cron, after=after, time_zone=trigger.organization.time_zone)
    if trigger.when == Trigger.When.RELATIVE:
        return after if first else after + timedelta(seconds=relative_scan_seconds())
    return None


def _minute(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%MZ")


def runs_create(rows: list[TriggerRun]) -> list[int]:
    """Insert runs, skipping those whose (trigger, dedupe key) exists; ids of the pending
    runs among them (new ones, or older ones still waiting), to enqueue after commit."""
    if not rows:
        return []
    TriggerRun.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        TriggerRun.objects.filter(
            trigger_id__in={row.trigger_id for row in rows},
            dedupe_key__in={row.dedupe_key for row in rows},
            status=TriggerRun.Status.PENDING,
        ).values_list("pk", flat=True)
    )


def runs_enqueue_on_commit(run_ids: list[int]) -> None:
    if not run_ids:
        return

    def enqueue() -> None:
        from automation.tasks import trigger_run_execute

        for run_id in run_ids:
            try:
                trigger_run_execute.delay(run_id)
            except Exception:
                logger.exception("Could not enqueue trigger run %s; the sweeper will", run_id)

    transaction.on_commit(enqueue)


def _fire(trigger: Trigger, now: datetime) -> list[TriggerRun]:
    if trigger.when == Trigger.When.CRON:
        scheduled_for = trigger.next_run_at or now
        return [
            TriggerRun(
                organization_id=trigger.organization_id,
                trigger=trigger,
                dedupe_key=f"cron:{_minute(scheduled_for)}",
                payload={"scheduled_for": scheduled_for.astimezone(UTC).isoformat()},
                created_at=now,
            )
        ]
    source = time_sources().get(trigger.relative_kind)
    if source is None:
        logger.warning("Trigger %s waits for unknown %r", trigger.pk, trigger.relative_kind)
        return []
    return [
        TriggerRun(
            organization_id=trigger.organization_id,
            trigger=trigger,
            dedupe_key=f"relative:{key}"[:200],
            payload=payload,
            created_at=now,
        )
        for key, payload in source.find(trigger.organization, trigger.relative_params, now)
    ]


def triggers_fire_due(*, now: datetime | None = None) -> int:
    """Create the runs of every time-based trigger due at ``now``; returns how many runs were
    queued. One transaction per trigger, so one failing time source does not hold up the rest."""
    now = now or timezone.now()
    due = list(
        Trigger.objects.filter(enabled=True, next_run_at__lte=now)
        .exclude(when=Trigger.When.EVENT)
        .order_by("next_run_at")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )
    queued = 0
    for trigger_id in due:
        try:
            with transaction.atomic():
                trigger = (
                    Trigger.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("organization")
                    .filter(pk=trigger_id, enabled=True, next_run_at__lte=now)
                    .first()
                )
                if trigger is None:
                    continue
                run_ids = runs_create(_fire(trigger, now))
                trigger.next_run_at = trigger_next_run(trigger, after=now, first=False)
                trigger.save(update_fields=["next_run_at"])
                runs_enqueue_on_commit(run_ids)
                queued += len(run_ids)
        except Exception:
            logger.exception("Could not fire time-based trigger %s", trigger_id)
    return queued
