"""Reading triggers and their runs, always within one organization."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.errors import NotFound
from accounts.models import Organization
from automation.models import Event, Trigger, TriggerRun


def triggers_list(organization: Organization) -> QuerySet[Trigger]:
    """The organization's triggers, each with ``last_run_status`` ("" when it never ran) and
    ``runs_failed_24h``, in two subqueries (no per-row queries)."""
    runs = TriggerRun.objects.filter(trigger=OuterRef("pk"))
    since = timezone.now() - timedelta(hours=24)
    failed = (
        TriggerRun.objects.filter(
            trigger=OuterRef("pk"), status=TriggerRun.Status.FAILED, created_at__gte=since
        )
        .order_by()
        .values("trigger")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Trigger.objects.filter(organization=organization)
        .select_related("created_by")
        .annotate(
            last_run_status=Coalesce(
                Subquery(runs.order_by("-id").values("status")[:1]), Value("")
            ),
            runs_failed_24h=Coalesce(Subquery(failed, output_field=IntegerField()), Value(0)),
        )
        .order_by("name", "id")
    )


def trigger_get(organization: Organization, pk: int | str) -> Trigger:
    """One trigger of the organization; ``NotFound`` otherwise (also for other orgs' ids)."""
    try:
        return triggers_list(organization).get(pk=int(pk))
    except (Trigger.DoesNotExist, ValueError, TypeError):
        raise NotFound("Automation not found.") from None


def runs_list(
    organization: Organization,
    *,
    trigger: Trigger | int | None = None,
    status: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[TriggerRun]:
    """Runs, newest first, filtered as the run log's filters ask."""
    runs = TriggerRun.objects.filter(organization=organization).select_related("trigger", "event")
    filters = Q()
    if trigger is not None:
        filters &= Q(trigger=trigger)
    if status:
        filters &= Q(status=status)
    if since is not None:
        filters &= Q(created_at__gte=since)
    if until is not None:
        filters &= Q(created_at__lt=until)
    return runs.filter(filters).order_by("-id")


def run_get(organization: Organization, pk: int | str) -> TriggerRun:
    try:
        return runs_list(organization).get(pk=int(pk))
    except (TriggerRun.DoesNotExist, ValueError, TypeError):
        raise NotFound("Run not found.") from None


def events_for_dry_run(organization: Organization, event_name: str, limit: int = 20) -> list[Event]:
    """Recent events of that type to try a trigger on, newest first."""
    return list(
        Event.objects.filter(organization=organization, name=event_name).order_by("-id")[:limit]
    )
