"""Use cases that change accounts and organizations.

Each function is one use case: it checks the actor's permission, validates, writes inside a
transaction, records an audit entry and emits its domain event. Views, API endpoints and admin
actions all call these; none writes these models itself.
"""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.audit import audit_record
from accounts.currencies import currency_is_valid
from accounts.errors import Conflict, NotFound, PermissionDenied, ValidationError
from accounts.model_update import model_update
from accounts.models import ApiKey, Invitation, Membership, Organization, User
from accounts.permissions import Role, assignable_roles, role_has_perm
from accounts.signals import organization_created
from accounts.tenancy import membership_recalled
from automation.events import emit

INVITATION_TTL = timedelta(days=7)
API_KEY_PREFIX = "bidi_"


def require_permission(organization: Organization, actor: User, perm: str) -> Membership:
    """The actor's membership, if their role grants ``perm``; every app's services call this.

    Not a member → NotFound (the organization's existence is not confirmed); a member without
    the permission → PermissionDenied naming it.
    """
    membership = membership_recalled(actor, organization.pk)
    if membership is None:
        membership = Membership.objects.filter(organization=organization, user=actor).first()
    if membership is None:
        raise NotFound("Organization not found.")
    if not role_has_perm(membership.role, perm):
        raise PermissionDenied(perm=perm)
    return membership


def _member_payload(membership: Membership) -> dict:
    return {
        "id": membership.pk,
        "user": membership.user_id,
        "email": membership.user.email,
        "role": membership.role,
    }


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- Organizations ---------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "org"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organization_create(*, name: str, owner: User) -> Organization:
    """Create an organization; its creator becomes the owner."""
    name = name.strip()
    if not name:
        raise ValidationError("Give the organization a name.", fields={"name": ["Required."]})
    organization = Organization.objects.create(name=name[:120], slug=_unique_slug(name))
    membership = Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    audit_record(
        action="organization.created", actor=owner, organization=organization, target=organization
    )
    emit(organization, "organization.created", {"organization": _org_payload(organization)}, owner)
    emit(
        organization,
        "member.joined",
        {"member": _member_payload(membership), "via": "create"},
        owner,
    )
    organization_created.send(sender=Organization, organization=organization)
    return organization


def _org_payload(organization: Organization) -> dict:
    return {
        "id": organization.pk,
        "name": organization.name,
        "slug": organization.slug,
        "require_mfa": organization.require_mfa,
        "default_currency": organization.default_currency,
    }


@transaction.atomic
def organization_update(*, organization: Organization, actor: User, data: dict) -> Organization:
    require_permission(organization, actor, "organization.manage")
    if "name" in data:
        data = {**data, "name": str(data["name"]).strip()}
        if not data["name"]:
            raise ValidationError("Give the organization a name.", fields={"name": ["Required."]})
    if "default_currency" in data:
        data = {**data, "default_currency": str(data["default_currency"] or "").strip().upper()}
        if not currency_is_valid(data["default_currency"]):
            message = "Enter an ISO 4217 currency code, e.g. USD or EUR."
            raise ValidationError(message, fields={"default_currency": [message]})
    if "time_zone" in data:
        # Scheduled automations read their cron in it (automation reschedules them on the
        # organization.updated event).
        data = {**data, "time_zone": str(data["time_zone"] or "").strip()}
        if data["time_zone"] not in zoneinfo.available_timezones():
            message = "Pick a time zone from the list, e.g. Europe/Berlin."
            raise ValidationError(message, fields={"time_zone": [message]})
    organization, changed = model_update(
        instance=organization,
        fields=["name", "require_mfa", "default_currency", "time_zone"],
        data=data,
    )
    if changed:
        audit_record(
            action="organization.updated",
            actor=actor,
            organization=organization,
            target=organization,
            metadata={"changed": changed},
        )
        emit(
            organization,
            "organization.updated",
            {"organization": _org_payload(organization), "changed": changed},
            actor,
        )
    return organization


# --- Members ---------------------------------------------------------------------------------


@transaction.atomic
def member_change_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Change a member's role. Owners change only through ownership transfer."""
    actor_membership = require_permission(membership.organization, actor, "member.manage")
    if role not in Role.values:
        raise ValidationError("Unknown role.", fields={"role": [f"Choose one of {Role.values}."]})
    if membership.role == Role.OWNER:
        raise PermissionDenied("The owner's role changes only by transferring ownership.")
    if role not in assignable_roles(actor_membership.role):
        raise PermissionDenied(f"You cannot grant the {role} role.")
    if membership.role == role:
        return membership
    from_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action="member.role_changed",
        actor=actor,
        organization=membership.organization,
        target=membership.user,
        metadata={"from": from_role, "to": role},
    )
    emit(
        membership.organization,
        "member.role_changed",
        {"member": _member_payload(membership), "from_role": from_role, "to_role": role},
        actor,
    )
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, actor: User) -> None:
    """Remove someone else (admins/owner) or yourself (leave). The owner cannot leave."""
    organization = membership.organization
    if membership.user_id != actor.pk:
        actor_membership = require_permission(organization, actor, "member.manage")
        if membership.role == Role.OWNER:
            raise PermissionDenied("The owner cannot be removed.")
        if membership.role == Role.ADMIN and actor_membership.role != Role.OWNER:
            raise PermissionDenied("Only the owner can remove an admin.")
        action = "member.removed"
    else:
        if membership.role == Role.OWNER:
            raise Conflict("Transfer ownership to another member before leaving.")
        action = "member.left"
    payload = _member_payload(membership)
    membership.delete()
    audit_record(action=action, actor=actor, organization=organization, target=membership.user)
    emit(organization, "member.removed", {"member": payload}, actor)


@transaction.atomic
def organization_transfer_ownership(
    *, organization: Organization, to_user: User, actor: User
) -> Membership:
    """Make another member the owner; the previous owner becomes an admin."""
    current = require_permission(organization, actor, "organization.transfer")
    target = (
        Membership.objects.select_for_update()
        .filter(organization=organization, user=to_user)
        .first()
    )
    if target is None:
        raise ValidationError(
            "The new owner must already be a member.", fields={"user": ["Not a member."]}
        )
    if target.pk == current.pk:
        raise ValidationError("You already own this organization.", fields={"user": ["Is you."]})
    current.role = Role.ADMIN
    current.save(update_fields=["role"])
    target.role = Role.OWNER
    target.save(update_fields=["role"])
    audit_record(
        action="organization.ownership_transferred",
        actor=actor,
        organization=organization,
        target=to_user,
    )
    emit(
        organization,
        "organization.ownership_transferred",
        {"from_user": actor.pk, "to_user": to_user.pk},
        actor,
    )
    return target


# --- Invitations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str

    @property
    def path(self) -> str:
        return reverse("invitation_accept", kwargs={"token": self.token})


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, actor: User
) -> IssuedInvitation:
    """Invite ``email`` with ``role`` and email them a single-use link valid for 7 days."""
    actor_membership = require_permission(organization, actor, "invitation.manage")
    email = email.strip().lower()
    if role not in assignable_roles(actor_membership.role):
        raise ValidationError(
            "You cannot invite with this role.", fields={"role": ["Not allowed."]}
        )
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError(
            "This person is already a member.", fields={"email": ["Already a member."]}
        )
    now = timezone.now()
    Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=hash_secret(token),
        invited_by=actor,
        expires_at=now + INVITATION_TTL,
    )
    issued = IssuedInvitation(invitation=invitation, token=token)
    context = {
        "invitation": invitation,
        "organization": organization,
        "inviter": actor,
        "url": settings.SITE_URL.rstrip("/") + issued.path,
    }
    transaction.on_commit(
        lambda: send_mail(
            subject=f"{actor.display_name} invited you to {organization.name} on BiDi",
            message=render_to_string("accounts/email/invitation.txt", context),
            html_message=render_to_string("accounts/email/invitation.html", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    audit_record(
        action="invitation.created",
        actor=actor,
        organization=organization,
        target=invitation,
        metadata={"email": email, "role": role},
    )
    emit(organization, "invitation.created", {"invitation": _invitation_payload(invitation)}, actor)
    return issued


def _invitation_payload(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "role": invitation.role,
        "expires_at": invitation.expires_at.isoformat(),
    }


_INVITATION_UNUSABLE = {
    "accepted": "This invitation has already been used.",
    "revoked": "This invitation was revoked. Ask for a new one.",
    "expired": "This invitation has expired. Ask for a new one.",
}


def invitation_by_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    if invitation is None:
        raise NotFound("This invitation link is not valid.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the organization of a pending invitation. The link works once, until it expires."""
    invitation = invitation_by_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "pending":
        raise Conflict(_INVITATION_UNUSABLE[invitation.status])
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied(
            f"This invitation was sent to {invitation.email}. "
            "Sign in with that address to accept it."
        )
    membership, created = Membership.objects.get_or_create(
        organization=invitation.organization, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action="invitation.accepted",
        actor=user,
        organization=invitation.organization,
        target=invitation,
    )
    emit(
        invitation.organization,
        "invitation.accepted",
        {"invitation": _invitation_payload(invitation)},
        user,
    )
    if created:
        emit(
            invitation.organization,
            "member.joined",
            {"member": _member_payload(membership), "via": "invitation"},
            user,
        )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    require_permission(invitation.organization, actor, "invitation.manage")
    if invitation.status != "pending":
        raise Conflict(f"This invitation has already {invitation.status}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        action="invitation.revoked",
        actor=actor,
        organization=invitation.organization,
        target=invitation,
    )
    emit(
        invitation.organization,
        "invitation.revoked",
        {"invitation": _invitation_payload(invitation)},
        actor,
    )
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> IssuedInvitation:
    """Email a fresh link for an unused invitation; the old link stops working.

    Only a hash of the token is stored, so the original link cannot be shown or sent again.
    """
    if invitation.status not in ("pending", "expired"):
        raise Conflict(f"This invitation was {invitation.status}; send a new one instead.")
    if invitation.status == "pending":
        invitation_revoke(invitation=invitation, actor=actor)
    return invitation_create(
        organization=invitation.organization,
        email=invitation.email,
        role=invitation.role,
        actor=actor,
    )


# --- API keys --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    secret: str  # shown to the user once, never stored


@transaction.atomic
def api_key_create(
    *, organization: Organization, name: str, scopes: list[str], actor: User
) -> IssuedApiKey:
    require_permission(organization, actor, "apikey.manage")
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Required."]
    if not scopes or any(s not in ApiKey.Scope.values for s in scopes):
        errors["scopes"] = [f"Choose from {ApiKey.Scope.values}."]
    if errors:
        raise ValidationError("Check the highlighted fields.", fields=errors)
    prefix = secrets.token_hex(4)
    secret = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        organization=organization,
        name=name[:100],
        prefix=prefix,
        key_hash=hash_secret(secret),
        scopes=sorted(set(scopes)),
        created_by=actor,
    )
    audit_record(
        action="apikey.created",
        actor=actor,
        organization=organization,
        target=api_key,
        metadata={"scopes": api_key.scopes},
    )
    emit(organization, "apikey.created", {"api_key": _api_key_payload(api_key)}, actor)
    return IssuedApiKey(api_key=api_key, secret=secret)


def _api_key_payload(api_key: ApiKey) -> dict:
    return {
        "id": api_key.pk,
        "name": api_key.name,
        "prefix": api_key.prefix,
        "scopes": api_key.scopes,
    }


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: User) -> ApiKey:
    require_permission(api_key.organization, actor, "apikey.manage")
    if api_key.revoked_at is not None:
        return api_key
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    audit_record(
        action="apikey.revoked", actor=actor, organization=api_key.organization, target=api_key
    )
    emit(api_key.organization, "apikey.revoked", {"api_key": _api_key_payload(api_key)}, actor)
    return api_key


def api_key_authenticate(raw: str) -> ApiKey | None:
    """Find the active key for a presented secret and note its use (at most once a minute)."""
    if not raw.startswith(API_KEY_PREFIX):
        return None
    api_key = (
        ApiKey.objects.select_related("organization", "created_by")
        .filter(key_hash=hash_secret(raw), revoked_at__isnull=True)
        .first()
    )
    if api_key is None:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


# --- Profile ---------------------------------------------------------------------------------


@transaction.atomic
def user_update_profile(*, user: User, data: dict) -> User:
    if "time_zone" in data and data["time_zone"] not in zoneinfo.available_timezones():
        raise ValidationError("Unknown time zone.", fields={"time_zone": ["Choose a time zone."]})
    user, changed = model_update(instance=user, fields=["full_name", "time_zone"], data=data)
    if changed:
        audit_record(
            action="user.profile_updated", actor=user, target=user, metadata={"changed": changed}
        )
    return user
