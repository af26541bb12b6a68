"""Template tags of the design system: navigation links, form widgets, avatars, role badges.

Load with ``{% load ui %}``. Navigation links hide themselves while the page they point to is
not built yet (an unknown URL name) or when the viewer's role lacks the permission, so adding
a section to the sidebar or the settings menu is one line in a template.
"""

from __future__ import annotations

import zlib
from typing import Any

from django import template
from django.forms.boundfield import BoundField
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

from accounts.permissions import Role

register = template.Library()

AVATAR_TONES = 8
_CHOICE_WIDGETS = {"radioselect", "checkboxselectmultiple"}
_SELECT_WIDGETS = {"select", "selectmultiple", "nullbooleanselect"}


@register.simple_tag
def url_or_none(name: str, *args: Any) -> str | None:
    """Reverse ``name``, or None when no such URL exists (a page still being built)."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return None


def _matches(url_name: str | None, patterns: list[str]) -> bool:
    if not url_name:
        return False
    for pattern in patterns:
        if pattern.endswith("*") and url_name.startswith(pattern[:-1]):
            return True
        if url_name == pattern:
            return True
    return False


@register.inclusion_tag("components/_nav_item.html", takes_context=True)
def nav_item(
    context: template.Context,
    url_name: str,
    label: str,
    icon: str,
    perm: str = "",
    also: str = "",
    exact: bool = False,
    badge: str = "",
) -> dict[str, Any]:
    """A navigation link, active on its own page, on pages under its path, and on the URL
    names listed in ``also`` (space separated, ``prefix*`` allowed). ``badge`` names a URL
    whose HTML (a count) htmx loads into the link after the page (no query on every page)."""
    url = url_or_none(url_name)
    visible = url is not None and (not perm or perm in context.get("org_perms", ()))
    active = False
    request = context.get("request")
    if visible and request is not None:
        match = getattr(request, "resolver_match", None)
        current = match.url_name if match else None
        active = _matches(current, [url_name, *also.split()]) or (
            not exact and url != "/" and request.path.startswith(url)
        )
    badge_url = url_or_none(badge) if badge and visible else None
    return {
        "visible": visible,
        "url": url,
        "label": label,
        "icon": icon,
        "active": active,
        "badge_url": badge_url,
        "badge_name": url_name.split(":")[-1],
    }


@register.filter
def widget(field: BoundField) -> SafeString:
    """Render a field's widget with Bootstrap's classes and its error state."""
    kind = field.widget_type
    if kind == "checkbox" or kind in _CHOICE_WIDGETS:
        css = "form-check-input"
    elif kind in _SELECT_WIDGETS:
        css = "form-select"
    else:
        css = "form-control"
    classes = [field.field.widget.attrs.get("class", ""), css]
    if field.errors:
        classes.append("is-invalid")
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})


@register.filter
def field_kind(field: BoundField) -> str:
    """How ``components/_field.html`` lays a field out: checkbox, choices or control."""
    kind = field.widget_type
    if kind == "checkbox":
        return "checkbox"
    if kind in _CHOICE_WIDGETS:
        return "choices"
    return "control"


@register.filter
def initials(value: object) -> str:
    parts = str(value or "").replace("@", " ").replace(".", " ").split()
    return "".join(part[0] for part in parts[:2]).upper() or "?"


@register.filter
def avatar_tone(value: object) -> int:
    """A stable colour (1..8) for a person or organization, so they are easy to tell apart."""
    return zlib.crc32(str(value or "").encode()) % AVATAR_TONES + 1


@register.filter
def role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return str(value)
