"""Canned responses: create, edit and delete templates (``template.manage``) and render one
for a chat (``template.view``).

Bodies hold variables such as ``{{ contact.first_name }}`` with an optional default,
``{{ contact.first_name | default:"there" }}`` (or the older ``{{ contact.first_name | there }}``).
They are parsed and rendered by the sandbox language of ``messaging.templating`` (never the
Django template engine): rendering substitutes the fixed names in ``VARIABLES`` only, and saving
refuses a body with a syntax error or any other name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.audit import audit_record
from accounts.errors import NotFound, ValidationError
from accounts.model_update import model_update
from accounts.models import Organization, User
from accounts.services import require_permission
from messaging import templating
from messaging.models import Chat, ResponseTemplate

MAX_BODY = 4096  # one Telegram message
MAX_NAME = 120
_SHORTCUT = re.compile(r"^/[a-z0-9][a-z0-9_-]{0,30}$")


@dataclass(frozen=True)
class RenderContext:
    """What a template is rendered with: the chat's contact, its open deal and the sender."""

    chat: Chat
    user: User
    contact: Any  # crm.Contact | None
    deal: Any  # pipelines.Deal | None (reached through the contact, not imported)


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    value: Callable[[RenderContext], str]


def _contact_field(field: str) -> Callable[[RenderContext], str]:
    return lambda c: getattr(c.contact, field) if c.contact is not None else ""


def _contact_full_name(c: RenderContext) -> str:
    if c.contact is None:
        return ""
    return " ".join(filter(None, [c.contact.first_name, c.contact.last_name]))


def _contact_company(c: RenderContext) -> str:
    if c.contact is None:
        return ""
    link = (
        c.contact.company_links.select_related("company")
        .order_by("-is_primary", "created_at", "pk")
        .first()
    )
    return link.company.name if link else ""


def _my_first_name(c: RenderContext) -> str:
    return (c.user.full_name or "").split(" ")[0] or c.user.display_name


def _my_full_name(c: RenderContext) -> str:
    return c.user.full_name or c.user.display_name


def _deal_title(c: RenderContext) -> str:
    return c.deal.title if c.deal is not None else ""


def _deal_stage(c: RenderContext) -> str:
    return c.deal.stage.name if c.deal is not None else ""


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in [
        Variable("contact.first_name", "The contact's first name", _contact_field("first_name")),
        Variable("contact.last_name", "The contact's last name", _contact_field("last_name")),
        Variable("contact.full_name", "The contact's full name", _contact_full_name),
        Variable("contact.company", "The contact's (main) company", _contact_company),
        Variable("contact.title", "The contact's job title", _contact_field("title")),
        Variable("me.first_name", "Your first name", _my_first_name),
        Variable("me.full_name", "Your full name", _my_full_name),
        Variable("me.email", "Your email address", lambda c: c.user.email),
        Variable("deal.title", "The title of the contact's open deal", _deal_title),
        Variable("deal.stage", "The stage of the contact's open deal", _deal_stage),
        Variable("chat.title", "The chat's title", lambda c: str(c.chat)),
    ]
}


def template_variables() -> list[Variable]:
    """The variables a body may use, for help texts in the UI and the API docs."""
    return list(VARIABLES.values())


def template_payload(template: ResponseTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "name": template.name,
        "shortcut": template.shortcut,
    }


def _clean_body(body: str) -> str:
    body = str(body).strip()
    if not body:
        raise ValidationError("Write the response.", fields={"body": ["Write the response."]})
    if len(body) > MAX_BODY:
        message = f"Keep responses under {MAX_BODY} characters (one Telegram message)."
        raise ValidationError(message, fields={"body": [message]})
    try:
        placeholders = templating.parse(body)
    except templating.TemplateSyntaxError as error:
        raise ValidationError(error.errors[0], fields={"body": error.errors}) from error
    unknown = sorted({p.name for p in placeholders} - set(VARIABLES))
    if unknown:
        message = f"Unknown variable: {', '.join(unknown)}. Use one of {', '.join(VARIABLES)}."
        raise ValidationError(message, fields={"body": [message]})
    return body


def _taken(organization: Organization, field: str, value: str, exclude: int | None) -> bool:
    """Another template of the organization has ``value`` in ``field``, ignoring case (the
    unique constraints' own rule)."""
    return (
        ResponseTemplate.objects.filter(organization=organization)
        .annotate(lower=Lower(field))
        .filter(lower=value.lower())
        .exclude(pk=exclude)
        .exists()
    )


def _clean_name(organization: Organization, name: str, exclude: int | None) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise ValidationError("Name the template.", fields={"name": ["Name the template."]})
    if len(name) > MAX_NAME:
        message = f"Keep names under {MAX_NAME} characters."
        raise ValidationError(message, fields={"name": [message]})
    if _taken(organization, "name", name, exclude):
        raise ValidationError(
            "A template with this name exists.", fields={"name": ["Already exists."]}
        )
    return name


def _clean_shortcut(organization: Organization, shortcut: str, exclude: int | None) -> str:
    shortcut = str(shortcut or "").strip().lower()
    if not shortcut:
        return ""
    if not shortcut.startswith("/"):
        shortcut = "/" + shortcut
    if not _SHORTCUT.match(shortcut):
        message = "Use / then up to 31 letters, digits, - or _, e.g. /price."
        raise ValidationError(message, fields={"shortcut": [message]})
    if _taken(organization, "shortcut", shortcut, exclude):
        message = f"{shortcut} is used by another template."
        raise ValidationError(message, fields={"shortcut": [message]})
    return shortcut


@transaction.atomic
def response_template_create(
    *, organization: Organization, actor: User, name: str, body: str, shortcut: str = ""
) -> ResponseTemplate:
    require_permission(organization, actor, "template.manage")
    template = ResponseTemplate.objects.create(
        organization=organization,
        name=_clean_name(organization, name, None),
        shortcut=_clean_shortcut(organization, shortcut, None),
        body=_clean_body(body),
        created_by=actor,
    )
    audit_record(
        action="response_template.created",
        actor=actor,
        organization=organization,
        target=template,
        metadata=template_payload(template),
    )
    return template


@transaction.atomic
def response_template_update(
    *, template: ResponseTemplate, actor: User, data: dict[str, Any]
) -> ResponseTemplate:
    """Change any of ``name``, ``shortcut`` and ``body``; absent keys stay as they are."""
    organization = template.organization
    require_permission(organization, actor, "template.manage")
    cleaned: dict[str, Any] = {}
    if "name" in data:
        cleaned["name"] = _clean_name(organization, data["name"], template.pk)
    if "shortcut" in data:
        cleaned["shortcut"] = _clean_shortcut(organization, data["shortcut"], template.pk)
    if "body" in data:
        cleaned["body"] = _clean_body(data["body"])
    template, changed = model_update(
        instance=template, fields=["name", "shortcut", "body"], data=cleaned
    )
    if changed:
        ResponseTemplate.objects.filter(pk=template.pk).update(updated_at=timezone.now())
        audit_record(
            action="response_template.updated",
            actor=actor,
            organization=organization,
            target=template,
            metadata={**template_payload(template), "changed": changed},
        )
    return template


@transaction.atomic
def response_template_delete(*, template: ResponseTemplate, actor: User) -> None:
    require_permission(template.organization, actor, "template.manage")
    audit_record(
        action="response_template.deleted",
        actor=actor,
        organization=template.organization,
        target=template,
        metadata=template_payload(template),
    )
    template.delete()


def response_template_render(*, template: ResponseTemplate, chat: Chat, user: User) -> str:
    """The template's body for ``chat`` as ``user`` would send it.

    Variables without a value become their fallback (or nothing); the result is plain text for
    the composer, which the sender may still edit. Raises ``NotFound`` when the chat is not in
    the template's organization.
    """
    require_permission(template.organization, user, "template.view")
    if chat.organization_id != template.organization_id:
        raise NotFound("Chat not found.")
    contact = chat.contact
    deal = None
    if contact is not None:
        # The reverse side of pipelines' Deal.contacts: messaging does not import pipelines.
        deal = (
            contact.deals.filter(closed_at__isnull=True)
            .select_related("stage")
            .order_by("-updated_at", "-pk")
            .first()
        )
    context = RenderContext(chat=chat, user=user, contact=contact, deal=deal)
    values: dict[str, str] = {}

    def resolve(name: str) -> str:
        if name not in VARIABLES:
            raise KeyError(name)  # saved before a variable was retired: leave it visible
        if name not in values:
            values[name] = VARIABLES[name].value(context) or ""
        return values[name]

    return templating.render(template.body, resolve)
