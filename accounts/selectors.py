"""Reads scoped to an organization or a user. Each returns a queryset ready for its page."""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from accounts.mfa import mfa_enabled
from accounts.models import ApiKey, AuditEntry, Invitation, Membership, Organization, User


def organizations_for_user(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("organization_id")
    ).order_by("name")


def organizations_with_role(user: User) -> QuerySet[Organization]:
    """The user's organizations, each annotated with ``role``: the user's role in it."""
    role = Membership.objects.filter(organization=OuterRef("pk"), user=user).values("role")[:1]
    return organizations_for_user(user).annotate(role=Subquery(role))


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


def invitations_open(organization: Organization) -> QuerySet[Invitation]:
    """Invitations nobody used or revoked yet; expired ones stay so they can be sent again."""
    return invitations_list(organization).filter(accepted_at__isnull=True, revoked_at__isnull=True)


def ownership_candidates(organization: Organization, owner: User) -> QuerySet[User]:
    return User.objects.filter(memberships__organization=organization).exclude(pk=owner.pk)


def api_keys_list(organization: Organization) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(organization=organization)
        .select_related("created_by", "organization")
        .order_by("-created_at")
    )


def audit_entries_list(
    organization: Organization,
    *,
    action: str = "",
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEntry]:
    """``since`` is inclusive and ``until`` exclusive, so consecutive windows never overlap."""
    qs = AuditEntry.objects.filter(organization=organization)
    if action:
        qs = qs.filter(action=action)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return qs.select_related("actor").order_by("-created_at", "-id")


def audit_actions(organization: Organization) -> list[str]:
    """The actions that occur in an organization's log, for its filter."""
    return list(
        AuditEntry.objects.filter(organization=organization)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_actors(organization: Organization) -> QuerySet[User]:
    """People who appear in an organization's log, former members included."""
    return User.objects.filter(
        pk__in=AuditEntry.objects.filter(organization=organization, actor__isnull=False).values(
            "actor_id"
        )
    ).order_by("email")


def audit_entries_for_user(user: User) -> QuerySet[AuditEntry]:
    """A user's own sign-in and security history (entries without an organization), including
    failed sign-ins to their account, which have no actor but name the user as target."""
    about_user = Q(target_type=User._meta.label_lower, target_id=str(user.pk))
    return AuditEntry.objects.filter(
        Q(actor=user) | about_user, organization__isnull=True
    ).order_by("-created_at", "-id")


def organization_setup_status(organization: Organization, user: User) -> dict[str, bool]:
    """Which getting-started steps on the dashboard are done: a teammate invited or joined, an
    API key created, two-factor authentication enabled for the viewer."""
    members = Membership.objects.filter(organization=organization)
    invited = Invitation.objects.filter(organization=organization, revoked_at__isnull=True)
    keys = ApiKey.objects.filter(organization=organization, revoked_at__isnull=True)
    return {
        "teammates": members.count() > 1 or invited.exists(),
        "api_key": keys.exists(),
        "mfa": mfa_enabled(user),
    }
