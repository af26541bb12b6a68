"""Sections other apps add to the contact and company pages.

crm may not import the apps that stand on it (pipelines, messaging…), yet their records belong
on a contact's or a company's page. So they register a section here from their
``AppConfig.ready()``: a callable that gets the request and the contact or company and returns
``(template name, context)`` — or None to show nothing (no permission, nothing to say). The
record page renders every registered section, in registration order, in its side column::

    detail_sections.register(Entity.CONTACT, contact_deals_section)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from crm.models import Company, Contact, Entity

SectionResult = tuple[str, dict[str, Any]] | None
Section = Callable[[HttpRequest, Any], SectionResult]

_sections: dict[str, list[Section]] = {Entity.CONTACT: [], Entity.COMPANY: []}


def register(entity: str, section: Section) -> Section:
    """Show ``section`` on every ``entity`` page ("contact" or "company"). Registering the same
    callable twice (a reloaded ``ready()``) shows it once."""
    if entity not in _sections:
        raise ValueError(f"Unknown entity {entity!r}")  # programming error
    if section not in _sections[entity]:
        _sections[entity].append(section)
    return section


def sections_render(request: HttpRequest, subject: Contact | Company) -> list[SafeString]:
    """The registered sections of ``subject``'s page, rendered."""
    entity = Entity.CONTACT if isinstance(subject, Contact) else Entity.COMPANY
    rendered = []
    for section in _sections[entity]:
        result = section(request, subject)
        if result is None:
            continue
        template, context = result
        html = render_to_string(template, context, request=request)
        rendered.append(mark_safe(html))  # noqa: S308  (a template's own output)
    return rendered
