"""Reads of events: which a user may receive live (subscriptions, resume replay), and an
organization's event log."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max, Q, QuerySet

from accounts.errors import NotFound
from accounts.mfa import mfa_enabled
from accounts.models import Membership, Organization, User
from accounts.permissions import role_has_perm
from automation.catalog import CATALOG
from automation.models import Event, TriggerRun, WebhookDelivery


def realtime_memberships(user: User) -> list[Membership]:
    """The memberships whose events reach the user live.

    An organization that requires MFA is left out until the user enrols, as the web gate does.
    """
    memberships = list(Membership.objects.filter(user=user).select_related("organization"))
    if any(m.organization.require_mfa for m in memberships) and not mfa_enabled(user):
        memberships = [m for m in memberships if not m.organization.require_mfa]
    return memberships


def event_names_visible_to(role: str | None) -> list[str]:
    return sorted(name for name, t in CATALOG.items() if role_has_perm(role, t.visible_to))


def events_visible_after(user: User, *, after_id: int, limit: int) -> list[Event]:
    """Events after ``after_id`` the user may see, oldest first: only from organizations they
    belong to, only since they joined each, only the types their role may see."""
    visible = _visibility(realtime_memberships(user))
    if visible is None:
        return []
    return list(Event.objects.filter(visible, pk__gt=after_id).order_by("pk")[:limit])


def latest_event_id() -> int:
    """The newest event id, for a live page to render as the point its socket resumes from
    (``data-live-since``; the resume itself filters by what the user may see). A backward
    scan of the primary key: no cost however many events there are."""
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def last_visible_event_id(user: User) -> int:
    """Where a client that has seen nothing yet resumes from after a reconnect."""
    visible = _visibility(realtime_memberships(user))
    if visible is None:
        return 0
    return Event.objects.filter(visible).aggregate(last=Max("pk"))["last"] or 0


def _visibility(memberships: list[Membership]) -> Q | None:
    condition: Q | None = None
    for membership in memberships:
        clause = Q(
            organization_id=membership.organization_id,
            name__in=event_names_visible_to(membership.role),
            created_at__gte=membership.created_at,
        )
        condition = clause if condition is None else condition | clause
    return condition


# --- the event log (Settings → Events, /api/v1/events/) ---------------------------------------


def events_list(
    organization: Organization,
    *,
    name: str = "",
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Event]:
    """An organization's events, newest first. ``name`` is exact, or a prefix ending in ``.*``
    ("deal.*"); ``since`` is inclusive and ``until`` exclusive."""
    qs = Event.objects.filter(organization=organization)
    if name.endswith(".*"):
        qs = qs.filter(name__startswith=name[:-1])
    elif name:
        qs = qs.filter(name=name)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return qs.select_related("actor").order_by("-id")


def event_get(organization: Organization, pk: int | str) -> Event:
    """One event of the organization (``NotFound`` for another organization's)."""
    event = events_list(organization).filter(pk=pk).first() if str(pk).isdigit() else None
    if event is None:
        raise NotFound("Event not found.")
    return event


def event_actors(organization: Organization) -> QuerySet[User]:
    """People who caused events in the organization (for the log's filter)."""
    return User.objects.filter(
        pk__in=Event.objects.filter(organization=organization, actor__isnull=False)
        .values("actor_id")
        .distinct()
    ).order_by("email")


def event_runs(event: Event) -> QuerySet[TriggerRun]:
    """The automation runs an event started (oldest first)."""
    return (
        TriggerRun.objects.filter(organization_id=event.organization_id, event=event)
        .select_related("trigger")
        .order_by("id")
    )


def event_deliveries(event: Event) -> QuerySet[WebhookDelivery]:
    """The webhook deliveries of an event, one per endpoint."""
    return (
        WebhookDelivery.objects.filter(organization_id=event.organization_id, event=event)
        .select_related("endpoint")
        .order_by("id")
    )
