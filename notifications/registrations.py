"""Types of the events no domain app owns (accounts, automation) and the account-level
security notices; the "Notify a member" automation action.

accounts and automation import no app, so their notices are declared here: a webhook endpoint
disabled, an invitation accepted (event-driven, through ``notifications.subscriber``), and the
security notices accounts announces with its ``security_notice`` signal, which belong to no
organization and cannot be turned off by an organization's defaults.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from accounts.models import Invitation, Membership, User
from accounts.permissions import Role
from accounts.signals import security_notice
from notifications.preferences import user_zone
from notifications.registry import EMAIL, IN_APP, Content, NotificationType, register_type
from notifications.services import notify

if TYPE_CHECKING:
    from automation.models import Event

WEBHOOK_DISABLED = "webhook.disabled"
INVITATION_ACCEPTED = "invitation.accepted"
SECURITY_LOGIN = "security.login"
SECURITY_MFA_CHANGED = "security.mfa_changed"
AUTOMATION_NOTIFY = "automation.notify"

# --- webhook endpoint disabled --------------------------------------------------------------


def _organization_members(event: Event) -> list[int]:
    # The engine keeps those whose role grants the type's perm (owners and admins here).
    return list(
        Membership.objects.filter(organization_id=event.organization_id).values_list(
            "user_id", flat=True
        )
    )


def _webhook_disabled_render(event: Event, user: User) -> Content:
    endpoint = event.payload["endpoint"]
    name = endpoint.get("description") or endpoint["url"]
    reason = event.payload.get("reason") or endpoint.get("disabled_reason", "")
    return Content(
        title=f"Webhook endpoint disabled: {name}",
        body=f"{reason} No more events are sent to {endpoint['url']}.".strip(),
        url=reverse("automation:webhook_detail", args=[endpoint["id"]]),
        object_type="webhook_endpoint",
        object_id=endpoint["id"],
    )


# --- invitation accepted --------------------------------------------------------------------


def _inviter(event: Event) -> list[int]:
    invited_by = (
        Invitation.objects.filter(
            pk=event.payload["invitation"]["id"], organization_id=event.organization_id
        )
        .values_list("invited_by_id", flat=True)
        .first()
    )
    return [invited_by] if invited_by is not None else []


def _invitation_accepted_render(event: Event, user: User) -> Content:
    invitation = event.payload["invitation"]
    who = str(event.actor) if event.actor is not None else invitation["email"]
    role = Role(invitation["role"]).label if invitation["role"] in Role.values else "member"
    return Content(
        title=f"{who} accepted your invitation",
        body=f"{invitation['email']} joined {event.organization.name} as {role}.",
        url=reverse("settings_members"),
        object_type="invitation",
        object_id=invitation["id"],
    )


# --- security notices -----------------------------------------------------------------------

_MFA_TITLES = {
    "mfa_enabled": "Two-factor authentication turned on",
    "mfa_disabled": "Two-factor authentication turned off",
    "backup_codes_regenerated": "New two-factor backup codes",
}
_MFA_BODIES = {
    "mfa_enabled": "Two-factor authentication was turned on for your account",
    "mfa_disabled": "Two-factor authentication was turned off for your account",
    "backup_codes_regenerated": (
        "New backup codes were generated for your account; the old ones no longer work"
    ),
}
_NOT_YOU = (
    "If this was not you, change your password and sign out your other sessions from the "
    "Security settings."
)


def _local_time(user: User, iso: str) -> str:
    """``iso`` as the user reads it on their clock: "3 Mar 2026, 14:05 (Europe/Berlin)"."""
    if not iso:
        return ""
    zone = user_zone(user)
    moment = datetime.fromisoformat(iso).astimezone(zone)
    return f"{moment.day} {moment:%b %Y, %H:%M} ({zone.key})"


def security_content(user: User, kind: str, details: dict[str, Any]) -> tuple[str, Content]:
    """The type key and content of the security notice ``kind`` (see ``security_notice``)."""
    when = _local_time(user, str(details.get("at") or ""))
    url = reverse("settings_security")
    if kind == "login":
        device = details.get("device") or "an unknown device"
        ip = details.get("ip") or "an unknown address"
        return SECURITY_LOGIN, Content(
            title="New sign-in to your account",
            body=f"Signed in from {device} at IP address {ip}"
            + (f" on {when}" if when else "")
            + f". {_NOT_YOU}",
            url=url,
            object_type="security",
            data={"device": device, "ip": ip, "at": details.get("at") or ""},
        )
    return SECURITY_MFA_CHANGED, Content(
        title=_MFA_TITLES[kind],
        body=_MFA_BODIES[kind] + (f" on {when}" if when else "") + f". {_NOT_YOU}",
        url=url,
        object_type="security",
        data={"kind": kind},
    )


def security_notice_received(
    sender: Any, *, user: User, kind: str, source: str, details: dict[str, Any], **kwargs: Any
) -> None:
    """accounts' ``security_notice`` → an account-level notice (no organization)."""
    type_key, content = security_content(user, kind, details)
    notify(user=user, type_key=type_key, content=content, source=source, organization=None)


# --- registration ---------------------------------------------------------------------------

TYPES = (
    NotificationType(
        key=WEBHOOK_DISABLED,
        label="A webhook endpoint was disabled after failing",
        group="Organization",
        events=("webhook_endpoint.disabled",),
        recipients=_organization_members,
        render=_webhook_disabled_render,
        perm="webhook.manage",
        default_channels=frozenset({IN_APP, EMAIL}),
        description="An outgoing webhook endpoint kept failing and no longer receives events.",
    ),
    NotificationType(
        key=INVITATION_ACCEPTED,
        label="Someone accepted my invitation",
        group="Organization",
        events=("invitation.accepted",),
        recipients=_inviter,
        render=_invitation_accepted_render,
        perm="member.view",
        default_channels=frozenset({IN_APP}),
        description="A person you invited joined the organization.",
    ),
    NotificationType(
        key=SECURITY_LOGIN,
        label="New sign-in to my account",
        group="Security",
        events=(),
        recipients=None,
        render=None,
        default_channels=frozenset({IN_APP, EMAIL}),
        description="A sign-in from a browser and IP address not used in the last 90 days.",
        urgent=True,
        mandatory=True,
    ),
    NotificationType(
        key=SECURITY_MFA_CHANGED,
        label="Two-factor authentication changed",
        group="Security",
        events=(),
        recipients=None,
        render=None,
        default_channels=frozenset({IN_APP, EMAIL}),
        description="Two-factor authentication turned on or off, or new backup codes.",
        urgent=True,
        mandatory=True,
    ),
    NotificationType(
        key=AUTOMATION_NOTIFY,
        label="An automation notifies me",
        group="Automations",
        events=(),
        recipients=None,
        render=None,
        default_channels=frozenset({IN_APP, EMAIL}),
        description='A trigger\'s "Notify a member" action names you.',
    ),
)


def register() -> None:
    """Called from ``NotificationsConfig.ready()``."""
    from automation.registry import register_action
    from notifications import telegram_link  # noqa: F401  (the bot's /start link_<code>)
    from notifications.automation_action import NOTIFY_MEMBER

    for notification_type in TYPES:
        register_type(notification_type)
    security_notice.connect(
        security_notice_received, sender=User, dispatch_uid="notifications.security_notice"
    )
    register_action(NOTIFY_MEMBER)
