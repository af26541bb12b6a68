"""The variables a campaign message may use, and their values for a batch of contacts.

Values come only from the resolvers built here (a fixed table of names, plus the organization's
custom fields), so a template can never reach an attribute we did not choose to expose: anything
else, ``{{ contact.__class__ }}`` or ``{{ sender.password }}`` included, is an unknown name.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from accounts.models import Organization, User
from campaigns.models import Campaign
from crm.models import Company, Contact, ContactCompany, CustomFieldDefinition, Entity
from messaging import templating

BATCH = 2000  # contacts loaded at once when counting missing values


@dataclass(frozen=True)
class CampaignVariable:
    name: str
    label: str
    example: str


def _text(value: Any) -> str:
    """Custom-field values as a message shows them (lists joined, booleans as yes/no)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _sender_first_name(user: User | None) -> str:
    if user is None:
        return ""
    return (user.full_name or "").split(" ")[0] or user.display_name


def _sender_full_name(user: User | None) -> str:
    return (user.full_name or user.display_name) if user is not None else ""


_CONTACT: dict[str, tuple[str, str, Callable[[Contact], str]]] = {
    "contact.first_name": ("First name", "Ada", lambda c: c.first_name),
    "contact.last_name": ("Last name", "Lovelace", lambda c: c.last_name),
    "contact.full_name": (
        "Full name",
        "Ada Lovelace",
        lambda c: " ".join(filter(None, [c.first_name, c.last_name])),
    ),
    "contact.title": ("Job title", "CTO", lambda c: c.title),
}
_COMPANY: dict[str, tuple[str, str, Callable[[Company], str]]] = {
    "contact.company": ("Company (main)", "Analytical Engines", lambda c: c.name),
    "company.name": ("Company name", "Analytical Engines", lambda c: c.name),
    "company.industry": ("Company industry", "Software", lambda c: c.industry),
    "company.website": ("Company website", "https://example.com", lambda c: c.website),
    "company.domain": ("Company domain", "example.com", lambda c: c.domain),
}
_SENDER: dict[str, tuple[str, str, Callable[[User | None], str]]] = {
    "sender.first_name": ("Your first name", "Sam", _sender_first_name),
    "sender.full_name": ("Your full name", "Sam Carter", _sender_full_name),
}


def _definitions(organization: Organization) -> tuple[list[CustomFieldDefinition], ...]:
    rows = CustomFieldDefinition.objects.filter(
        organization=organization, entity__in=[Entity.CONTACT, Entity.COMPANY]
    ).order_by("position", "id")
    contact = [d for d in rows if d.entity == Entity.CONTACT]
    company = [d for d in rows if d.entity == Entity.COMPANY]
    return contact, company


def _example(definition: CustomFieldDefinition) -> str:
    if definition.options:
        return definition.options[0]
    return {"number": "42", "date": datetime.date(2026, 1, 5).isoformat(), "bool": "yes"}.get(
        definition.field_type, definition.label
    )


def campaign_variables(organization: Organization) -> list[CampaignVariable]:
    """What the message editor offers and ``template_errors`` accepts, in display order."""
    contact_defs, company_defs = _definitions(organization)
    variables = [CampaignVariable(n, label, ex) for n, (label, ex, _) in _CONTACT.items()]
    variables += [
        CampaignVariable(f"contact.custom.{d.key}", d.label, _example(d)) for d in contact_defs
    ]
    variables += [CampaignVariable(n, label, ex) for n, (label, ex, _) in _COMPANY.items()]
    variables += [
        CampaignVariable(f"company.custom.{d.key}", f"Company: {d.label}", _example(d))
        for d in company_defs
    ]
    variables += [CampaignVariable(n, label, ex) for n, (label, ex, _) in _SENDER.items()]
    return variables


def template_errors(organization: Organization, body: str) -> list[str]:
    """Syntax errors, then one message per unknown variable name; empty when ``body`` is fine."""
    try:
        placeholders = templating.parse(body)
    except templating.TemplateSyntaxError as error:
        return list(error.errors)
    known = {v.name for v in campaign_variables(organization)}
    unknown = list(dict.fromkeys(p.name for p in placeholders if p.name not in known))
    return [f"Unknown variable “{name}”." for name in unknown]


def _main_companies(contact_ids: Sequence[int]) -> dict[int, Company]:
    """Each contact's main company (primary first, then the oldest link), in one query."""
    companies: dict[int, Company] = {}
    links = (
        ContactCompany.objects.filter(contact_id__in=list(contact_ids))
        .select_related("company")
        .order_by("contact_id", "-is_primary", "id")
    )
    for link in links:
        companies.setdefault(link.contact_id, link.company)
    return companies


def _resolver(
    contact: Contact,
    company: Company | None,
    sender: User | None,
    contact_keys: set[str],
    company_keys: set[str],
) -> Callable[[str], str]:
    def resolve(name: str) -> str:
        if name in _CONTACT:
            return _CONTACT[name][2](contact) or ""
        if name in _COMPANY:
            return (_COMPANY[name][2](company) or "") if company is not None else ""
        if name in _SENDER:
            return _SENDER[name][2](sender)
        prefix, _, key = name.partition(".custom.")
        if prefix == "contact" and key in contact_keys:
            return _text((contact.custom_fields or {}).get(key))
        if prefix == "company" and key in company_keys:
            return _text((company.custom_fields or {}).get(key)) if company is not None else ""
        raise KeyError(name)  # not a variable: templating.render leaves it as written

    return resolve


def values_for(campaign: Campaign, contacts: Sequence[Contact]) -> dict[int, Callable[[str], str]]:
    """Contact id -> resolver for its values, loading everything in a fixed number of queries
    (definitions, main companies, the sender) whatever the number of contacts."""
    contact_defs, company_defs = _definitions(campaign.organization)
    contact_keys = {d.key for d in contact_defs}
    company_keys = {d.key for d in company_defs}
    companies = _main_companies([c.pk for c in contacts])
    sender = campaign.sender
    return {
        c.pk: _resolver(c, companies.get(c.pk), sender, contact_keys, company_keys)
        for c in contacts
    }


def render_for(campaign: Campaign, body: str, contact: Contact) -> str:
    """One message as ``contact`` would receive it (previews, one-off sends)."""
    return templating.render(body, values_for(campaign, [contact])[contact.pk])


@dataclass(frozen=True)
class MissingVariable:
    step_position: int
    variant_label: str
    name: str
    contacts: int  # how many of the given contacts have no value for it


def missing_variables(
    campaign: Campaign, contact_ids: QuerySet | Sequence[int]
) -> list[MissingVariable]:
    """Placeholders without a default that would come out empty for some of the contacts, per
    step and variant, so the author can add a default before prospects see "Hi ,"."""
    wanted: list[tuple[int, str, str]] = []
    for step in campaign.steps.prefetch_related("variants").order_by("position"):
        for variant in step.variants.all():
            try:
                placeholders = templating.parse(variant.body)
            except templating.TemplateSyntaxError:
                continue  # reported by the launch checks as a syntax error
            for name in dict.fromkeys(p.name for p in placeholders if p.default is None):
                wanted.append((step.position, variant.label, name))
    if not wanted:
        return []
    names = {name for _, _, name in wanted}
    empty = dict.fromkeys(names, 0)
    ids = list(
        Contact.objects.filter(organization_id=campaign.organization_id, pk__in=contact_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        contacts = list(Contact.objects.filter(pk__in=ids[start : start + BATCH]))
        for resolve in values_for(campaign, contacts).values():
            for name in names:
                try:
                    if not resolve(name).strip():
                        empty[name] += 1
                except KeyError:
                    continue  # unknown names are a launch problem of their own
    return [
        MissingVariable(
            step_position=position, variant_label=label, name=name, contacts=empty[name]
        )
        for position, label, name in wanted
        if empty[name]
    ]
