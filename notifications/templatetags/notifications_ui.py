"""Template tags of the notification center: the top bar's bell, a notice's icon and age.

Load with ``{% load notifications_ui %}``. The bell counts unread notices in one COUNT query,
only where it is drawn (signed in, with an active organization), not on every template.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from notifications.registry import notification_type
from notifications.selectors import unread_count

register = template.Library()

GROUP_ICONS = {
    "Inbox": ("chat-dots", "primary"),
    "Notes": ("at", "info"),
    "Pipeline": ("kanban", "primary"),
    "AI drafts": ("stars", "violet"),
    "Campaigns": ("megaphone", "info"),
    "Imports": ("cloud-arrow-up", "info"),
    "Organization": ("building", "neutral"),
    "Security": ("shield-lock", "warning"),
    "Automations": ("lightning-charge", "warning"),
}
TYPE_ICONS = {
    "chat.assigned": ("person-check", "primary"),
    "deal.won": ("trophy", "success"),
    "deal.lost": ("x-circle", "danger"),
    "campaign.completed": ("flag", "success"),
    "campaign.failing": ("exclamation-triangle", "danger"),
    "webhook.disabled": ("exclamation-octagon", "danger"),
    "invitation.accepted": ("person-plus", "success"),
}
DEFAULT_ICON = ("bell", "neutral")


@register.inclusion_tag("components/_notification_bell.html", takes_context=True)
def notification_bell(context: template.Context) -> dict[str, Any]:
    """The bell with its unread badge; nothing for visitors or members without organization."""
    user = context.get("user")
    organization = context.get("org")
    if user is None or not user.is_authenticated or organization is None:
        return {"show": False}
    return {
        "show": True,
        "org": organization,
        "unread_count": unread_count(user, organization),
    }


def _icon(type_key: str) -> tuple[str, str]:
    if type_key in TYPE_ICONS:
        return TYPE_ICONS[type_key]
    found = notification_type(type_key)
    return GROUP_ICONS.get(found.group, DEFAULT_ICON) if found else DEFAULT_ICON


@register.filter
def notice_icon(type_key: str) -> str:
    """The Bootstrap icon name of a notification type (by type, else by its group)."""
    return _icon(type_key)[0]


@register.filter
def notice_tone(type_key: str) -> str:
    """The colour of a type's icon: primary, success, danger, warning, info, violet, neutral."""
    return _icon(type_key)[1]


@register.filter
def notice_type_label(type_key: str) -> str:
    found = notification_type(type_key)
    return found.label if found else type_key


@register.filter
def notice_age(moment: datetime) -> str:
    """ "just now", "5 min ago", "3 h ago", "2 d ago", then the date."""
    seconds = max(0, int((timezone.now() - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    if seconds < 7 * 86400:
        return f"{seconds // 86400} d ago"
    return date_format(timezone.localtime(moment), "j M Y")
