"""Reads scoped to an organization or a user. Each returns a queryset ready for its page."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ApiKey, AuditEntry, Invitation, Membership, Organization, User


def organizations_for_user(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("organization_id")
    ).order_by("name")


def memberships_for_user(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def membership_get(organization: Organization, user: User) -> Membership | None:
    return Membership.objects.filter(organization=organization, user=user).first()


def members_list(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user", "organization")
        .order_by("user__email")
    )


def invitations_list(
    organization: Organization, *, pending_only: bool = False
) -> QuerySet[Invitation]:
    qs = Invitation.objects.filter(organization=organization).select_related(
        "invited_by", "organization"
    )
    if pending_only:
        from django.utils import timezone

        qs = qs.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
    return qs.order_by("-created_at")


def api_keys_list(organization: Organization) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(organization=organization)
        .select_related("created_by", "organization")
        .order_by("-created_at")
    )


def audit_entries_list(organization: Organization) -> QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.filter(organization=organization)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def audit_entries_for_user(user: User) -> QuerySet[AuditEntry]:
    """A user's own sign-in and security history (entries without an organization)."""
    return AuditEntry.objects.filter(actor=user, organization__isnull=True).order_by(
        "-created_at", "-id"
    )
