"""Template filters of the inbox (``{% load inbox_ui %}``)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from messaging import inbox_panels

register = template.Library()


@register.filter
def inbox_time(moment: datetime.datetime | None) -> str:
    """A row's or bubble's time as a messenger shows it: 14:05 today, Tue this week, 3 Mar."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    today = timezone.localdate()
    if local.date() == today:
        return date_format(local, "H:i")
    if today - local.date() < datetime.timedelta(days=7):
        return date_format(local, "D")
    if local.year == today.year:
        return date_format(local, "j M")
    return date_format(local, "j M Y")


@register.filter
def inbox_day(day: datetime.date) -> str:
    """A transcript's day divider: Today, Yesterday, or the date."""
    today = timezone.localdate()
    if day == today:
        return "Today"
    if day == today - datetime.timedelta(days=1):
        return "Yesterday"
    return date_format(day, "l, j F" if day.year == today.year else "j F Y")


@register.simple_tag(takes_context=True)
def composer_sections(context: dict[str, Any], chat: Any) -> SafeString:
    """Sections other apps registered above the composer (``register_composer_section``)."""
    return inbox_panels.composer_sections_render(context["request"], chat)


@register.simple_tag(takes_context=True)
def composer_tools(context: dict[str, Any], chat: Any) -> SafeString:
    """Buttons other apps registered in the composer's tool row."""
    return inbox_panels.composer_tools_render(context["request"], chat)
