"""Roles and what each may do — the single table the API, the web views and the admin consult.

Add a permission here when a feature lands; name it ``<resource>.<verb>``. ``view`` is any read,
``edit`` is day-to-day writes a business developer makes, ``manage`` is configuration only
owners and admins touch.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    BIDI = "bidi", "Business developer"
    VIEWER = "viewer", "Viewer"


_ALL = frozenset(Role)
_WRITERS = frozenset({Role.OWNER, Role.ADMIN, Role.BIDI})
_MANAGERS = frozenset({Role.OWNER, Role.ADMIN})
_OWNER = frozenset({Role.OWNER})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "organization.view": _ALL,
    "organization.manage": _MANAGERS,
    "organization.transfer": _OWNER,
    "organization.delete": _OWNER,
    "member.view": _ALL,
    "member.manage": _MANAGERS,
    "invitation.view": _MANAGERS,
    "invitation.manage": _MANAGERS,
    "apikey.view": _MANAGERS,
    "apikey.manage": _MANAGERS,
    "audit.view": _MANAGERS,
    "event.view": _MANAGERS,
    # crm: contacts, companies, notes, tags, saved views, imports
    "crm.view": _ALL,
    "crm.edit": _WRITERS,
    "crm.delete": _MANAGERS,
    "crm.import": _WRITERS,
    "crm.export": _WRITERS,
    "crm.configure": _MANAGERS,
    # pipelines: pipelines, stages, deals
    "deal.view": _ALL,
    "deal.edit": _WRITERS,
    "deal.delete": _MANAGERS,
    "pipeline.manage": _MANAGERS,
    # messaging: Telegram bots, chats, messages, history imports
    "message.view": _ALL,
    "message.send": _WRITERS,
    "chat.assign": _WRITERS,  # inbox: give a conversation to a member (or to nobody)
    "chat.manage": _WRITERS,  # inbox: mark done, reopen, snooze
    "bot.manage": _MANAGERS,
    "history.import": _MANAGERS,
    # canned responses: every member reads them; those who write to prospects maintain them
    "template.view": _ALL,
    "template.manage": _WRITERS,
    # agents: AI reply drafts and stage suggestions (reading them is message.view / deal.view)
    "ai.draft": _WRITERS,  # request, edit, approve (send), reject, regenerate drafts
    "ai.manage": _MANAGERS,  # provider and key, tone rules, guardrails, auto-send, usage
    # automation: triggers and their run logs; outgoing webhooks (their secrets sign payloads)
    "automation.view": _ALL,
    "automation.manage": _MANAGERS,
    "webhook.manage": _MANAGERS,
    # campaigns: outreach sequences; those who write to prospects build, launch and stop them
    "campaign.view": _ALL,
    "campaign.edit": _WRITERS,
    # notifications: everyone reads and sets up their own; admins set the organization's defaults
    "notification.view": _ALL,
    "notification.configure": _MANAGERS,
}

# API keys act with the rights of a role chosen by their scope, never more than "bidi".
API_KEY_SCOPE_ROLE: dict[str, Role] = {"read": Role.VIEWER, "write": Role.BIDI}


def role_has_perm(role: str | None, perm: str) -> bool:
    """True when ``role`` may do ``perm``. Unknown permissions are a programming error."""
    if perm not in PERMISSIONS:
        raise KeyError(f"Unknown permission {perm!r}: add it to accounts/permissions.py")
    return role is not None and role in PERMISSIONS[perm]


def perms_for_role(role: str) -> set[str]:
    return {perm for perm, roles in PERMISSIONS.items() if role in roles}


def assignable_roles(actor_role: str) -> list[Role]:
    """Roles an actor may hand out: only an owner creates owners (through transfer)."""
    if actor_role == Role.OWNER:
        return [Role.ADMIN, Role.BIDI, Role.VIEWER]
    if actor_role == Role.ADMIN:
        return [Role.ADMIN, Role.BIDI, Role.VIEWER]
    return []
