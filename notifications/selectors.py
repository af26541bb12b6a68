"""Reads: a user's notices, scoped to the organization they are working in."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import Membership, Organization, User
from notifications.models import Delivery, Notification, OrgDefault
from notifications.registry import ALL_CHANNELS, NotificationType


def notifications_for(user: User, organization: Organization | None) -> QuerySet[Notification]:
    """``user``'s in-app notices of ``organization`` plus their account-level ones (security),
    newest first. Notices of organizations they left are never listed."""
    scope = Q(organization__isnull=True)
    if organization is not None:
        scope |= Q(organization=organization)
    member_of = Membership.objects.filter(user=user).values("organization_id")
    return (
        Notification.objects.filter(scope, user=user, in_app=True)
        .filter(Q(organization__isnull=True) | Q(organization_id__in=member_of))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def unread_count(user: User, organization: Organization | None) -> int:
    return notifications_for(user, organization).filter(read_at__isnull=True).count()


def org_default_choices(
    organization: Organization, types: list[NotificationType]
) -> dict[tuple[str, str], bool]:
    """{(type key, channel): enabled} as the organization's members get them unless they chose
    themselves: its defaults, else the types' own (mandatory types ignore the defaults)."""
    saved = {
        (d.type, d.channel): d.enabled
        for d in OrgDefault.objects.filter(
            organization=organization, type__in=[t.key for t in types]
        )
    }
    return {
        (t.key, channel): (
            saved[(t.key, channel)]
            if (t.key, channel) in saved and not t.mandatory
            else channel in t.default_channels
        )
        for t in types
        for channel in ALL_CHANNELS
    }


def deliveries_due(now: datetime, limit: int = 500) -> QuerySet[Delivery]:
    return Delivery.objects.filter(status=Delivery.Status.PENDING, due_at__lte=now).order_by(
        "due_at", "pk"
    )[:limit]
