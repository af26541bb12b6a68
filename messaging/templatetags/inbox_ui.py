"""Template filters of the inbox (``{% load inbox_ui %}``)."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

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
