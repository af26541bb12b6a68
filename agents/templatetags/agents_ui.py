"""Template filters of the AI drafts pages (``{% load agents_ui %}``)."""

from __future__ import annotations

from django import template

register = template.Library()

STATUS_TONES = {
    "pending": "info",
    "ready": "primary",
    "sent": "success",
    "rejected": "danger",
    "failed": "warning",
    "superseded": "soft",
}


@register.filter
def draft_tone(status: str) -> str:
    """The badge tone (``badge-<tone>``) of a draft status."""
    return STATUS_TONES.get(status, "soft")


@register.filter
def person(user: object) -> str:
    """A member's name for a history line; "Automatic" when nobody (auto-draft, auto-send)."""
    if user is None:
        return "Automatic"
    return getattr(user, "full_name", "") or getattr(user, "email", "") or str(user)
