"""Which events a user may receive: the live socket's subscriptions and its resume replay."""

from __future__ import annotations

from django.db.models import Max, Q

from accounts.mfa import mfa_enabled
from accounts.models import Membership, User
from accounts.permissions import role_has_perm
from automation.catalog import CATALOG
from automation.models import Event


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
