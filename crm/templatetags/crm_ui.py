"""Template helpers of the CRM pages: tag colours, phone numbers, dates and custom values.

Load with ``{% load crm_ui %}``.
"""

from __future__ import annotations

import datetime
from typing import Any

import phonenumbers
from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone

from crm.forms import TAG_COLORS
from crm.models import CustomFieldDefinition

register = template.Library()

FieldType = CustomFieldDefinition.FieldType


def _rgb(color: str) -> tuple[int, int, int] | None:
    value = (color or "").lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return None


_PALETTE = [_rgb(hex_) for hex_, _ in TAG_COLORS]


@register.filter
def tag_tone(color: str) -> int:
    """The palette tone (0..8) nearest to a tag's stored colour, so a colour set through the
    API or an import still renders with the design system's chip styles (no inline styles)."""
    rgb = _rgb(color)
    if rgb is None:
        return len(_PALETTE) - 1
    distances = [sum((a - b) ** 2 for a, b in zip(rgb, tone, strict=True)) for tone in _PALETTE]
    return distances.index(min(distances))


@register.filter
def phone_display(value: str) -> str:
    """``+4930123456`` → ``+49 30 123456``."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.filter
def custom_value(value: Any, definition: CustomFieldDefinition) -> str:
    """A stored custom value as people read it."""
    if value is None or value == "" or value == []:
        return ""
    if definition.field_type == FieldType.BOOL:
        return "Yes" if value else "No"
    if definition.field_type == FieldType.NUMBER and isinstance(value, int | float):
        return intcomma(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@register.filter
def short_date(value: datetime.datetime | None) -> str:
    """ "Today", "Yesterday", "14 Aug", or "14 Aug 2024" for another year (local time)."""
    if value is None:
        return ""
    day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    today = timezone.localdate()
    if day == today:
        return "Today"
    if day == today - datetime.timedelta(days=1):
        return "Yesterday"
    if day.year == today.year:
        return f"{day.day} {day:%b}"
    return f"{day.day} {day:%b %Y}"


@register.filter
def lookup(mapping: Any, key: str) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def markdown(text: str) -> str:
    """A note's markdown as sanitised HTML (``crm.markdown.markdown_render``)."""
    from crm.markdown import markdown_render

    return markdown_render(text or "")
