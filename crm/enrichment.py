"""Enrichment: filling in what a contact's own data implies, through pluggable providers.

A provider is a function registered with ``@enrichment_provider("name")``. It receives the
contact (its organization is ``contact.organization``), reads whatever it needs, and returns
the changes it proposes as a ``contact_update`` data dict — or an empty dict. It never writes:
``contact_enrich`` applies every proposal through the contact services, so validation, audit and
``contact.updated`` events happen exactly as for an edit by hand. A value may be a
``CompanyGuess``, which ``contact_enrich`` turns into a company (found by domain, else created).

Built in: ``email_domain`` links a contact without a company to the company of their work email
domain (free-mail domains are ignored, see ``crm.normalize``), creating it when the organization
has none with that domain, named after the domain ("acme-labs.io" → "Acme Labs").

Enrichment runs after a contact is created, and after their emails change, from an automation
subscriber (so it never slows down or fails the request that saved the contact; a redispatch
runs it once per event, and providers propose nothing once their data is in place). CSV imports
write thousands of contacts a second without per-contact events, so they apply the
``email_domain`` rule (``company_guess_from_emails``) to each chunk themselves
(``crm.import_writers``); other providers run for imported contacts when they are next edited.

Adding a provider, e.g. Telegram once messaging lands (username, names, bio, photo)::

    # messaging/telegram/enrichment.py, imported from messaging's AppConfig.ready()
    @enrichment_provider("telegram_profile")
    def telegram_profile(contact: Contact) -> dict[str, Any]:
        if contact.telegram_user_id is None:
            return {}
        profile = telegram_profile_get(contact)  # the transport's cached getChat result
        return {
            key: value
            for key, value in {"first_name": profile.first_name, "telegram_bio": profile.bio}
            .items()
            if value and not getattr(contact, key)
        }

and let it run when a chat with the contact starts (an event subscriber calling
``contact_enrich(contact=..., providers=["telegram_profile"])``). Callers never change.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from accounts.errors import DomainError
from accounts.models import User
from automation.events import subscriber
from automation.models import Event
from crm.models import Company, Contact
from crm.normalize import email_company_domain

logger = logging.getLogger(__name__)

Provider = Callable[[Contact], dict[str, Any]]
_providers: dict[str, Provider] = {}

# Second-level labels under which companies register (acme.co.uk, acme.com.au).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc"})


@dataclass(frozen=True)
class CompanyGuess:
    """A company a provider believes the contact works at, known by its domain."""

    domain: str
    name: str


def enrichment_provider(name: str) -> Callable[[Provider], Provider]:
    """Register ``func`` as the provider ``name`` (replacing one of the same name)."""

    def register(func: Provider) -> Provider:
        _providers[name] = func
        return func

    return register


def enrichment_provider_remove(name: str) -> None:
    """Unregister a provider (a plugin being unloaded, a test cleaning up)."""
    _providers.pop(name, None)


def registered_providers() -> dict[str, Provider]:
    return dict(_providers)


@transaction.atomic
def contact_enrich(
    *, contact: Contact, actor: User | None = None, providers: Iterable[str] | None = None
) -> list[str]:
    """Run ``providers`` (default: all) on ``contact`` and apply what they propose.

    The changes are made as ``actor`` through the contact and company services, which need a
    member with ``crm.edit`` (without one they raise like any edit would). Earlier providers
    win when two propose the same field. Returns the names of the providers that proposed
    something. Unknown provider names raise ``KeyError``.
    """
    from crm.services import contacts as contact_services

    names = list(providers) if providers is not None else list(_providers)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    data: dict[str, Any] = {}
    applied: list[str] = []
    for name in names:
        proposal = {k: v for k, v in _providers[name](contact).items() if k not in data}
        if proposal:
            data.update(proposal)
            applied.append(name)
    if not data:
        return []
    for key, value in data.items():
        if isinstance(value, CompanyGuess):
            data[key] = _company_for(contact, value, actor)
    contact_services.contact_update(contact=contact, actor=actor, data=data)
    return applied


def _company_for(contact: Contact, guess: CompanyGuess, actor: User | None) -> Company:
    """The organization's company with ``guess.domain``, created when there is none.

    An advisory lock on (organization, domain) keeps two contacts of a new domain, enriched at
    the same moment, from creating the company twice.
    """
    from crm.services import companies as company_services

    organization = contact.organization
    key = int.from_bytes(hashlib.blake2b(guess.domain.encode(), digest_size=4).digest(), "big")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [organization.pk, key - 2**31])
    found = (
        Company.objects.filter(organization=organization, domain=guess.domain)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    return company_services.company_create(
        organization=organization,
        actor=actor,
        data={"name": guess.name, "domain": guess.domain, "website": f"https://{guess.domain}"},
    )


def company_domain(domain: str) -> str:
    """The domain a company registers: ``mail.eu.acme.co.uk`` → ``acme.co.uk``."""
    labels = domain.lower().strip(".").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def company_name_from_domain(domain: str) -> str:
    """A readable name guess: ``acme-labs.io`` → ``Acme Labs``."""
    label = company_domain(domain).split(".")[0]
    words = label.replace("_", "-").split("-")
    return " ".join(word.capitalize() for word in words if word) or domain


def company_guess_from_emails(emails: Iterable[str]) -> CompanyGuess | None:
    """The company of the first work email (free-mail domains say nothing about an employer).
    The rule of the ``email_domain`` provider; CSV imports apply it to whole chunks at once."""
    for email in emails:
        domain = email_company_domain(email)
        if domain is not None:
            registered = company_domain(domain)
            return CompanyGuess(registered, company_name_from_domain(registered))
    return None


@enrichment_provider("email_domain")
def email_domain(contact: Contact) -> dict[str, Any]:
    """Link a contact without a company to the company of their first work email."""
    if not contact.emails or contact.company_links.exists():
        return {}
    guess = company_guess_from_emails(contact.emails)
    return {"company": guess} if guess else {}


@subscriber("crm.enrichment", events=["contact.created", "contact.updated"])
def enrich_on_contact_change(event: Event) -> None:
    """Enrich new contacts, and contacts whose emails changed, as whoever changed them."""
    payload = event.payload
    if event.name == "contact.updated" and "emails" not in (payload.get("changed") or []):
        return
    contact_id = (payload.get("contact") or {}).get("id")
    contact = (
        Contact.objects.filter(organization_id=event.organization_id, pk=contact_id)
        .select_related("organization")
        .first()
    )
    if contact is None:
        return  # deleted (or merged away) before the event was dispatched
    if event.actor is None:
        return  # the services act for a member; system-made contacts are enriched on request
    try:
        contact_enrich(contact=contact, actor=event.actor)
    except DomainError as error:
        # The actor lost the right to edit, or the organization requires company fields the
        # guess cannot fill: nothing a retry would fix.
        logger.info("Enrichment of contact %s skipped: %s", contact.pk, error.message)
