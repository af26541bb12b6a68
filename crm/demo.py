"""Demo data of the CRM for ``manage.py seed_demo``: companies, people at them, tags, notes and
two custom fields per record type in the demo organization, made through the services as a
person would (so the timeline shows who created what)."""

from __future__ import annotations

import datetime
import random

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone

from accounts.demo import DemoContext, demo_step
from accounts.permissions import Role
from crm.models import Contact, Entity
from crm.normalize import phone_normalize
from crm.services import companies as company_services
from crm.services import contacts as contact_services
from crm.services import custom_fields as custom_field_services
from crm.services import notes as note_services
from crm.services import tags as tag_services

# name, domain, industry, size, country, funding stage, tags
COMPANIES = (
    ("Northwind Capital", "northwind.example", "Venture capital", "11-50", "GB", "", "investor"),
    ("Lumen Labs", "lumenlabs.example", "Developer tools", "11-50", "DE", "Seed", "warm"),
    ("Tonpay", "tonpay.example", "Payments", "51-200", "AE", "Series A", "partner"),
    ("Arcadia Ventures", "arcadia.example", "Venture capital", "1-10", "US", "", "investor"),
    ("Helix Robotics", "helixrobotics.example", "Robotics", "201-1000", "DE", "Series B", ""),
    ("Blue Harbor", "blueharbor.example", "Logistics", "1001-5000", "NL", "Growth", "cold"),
    ("Kestrel AI", "kestrel.example", "Artificial intelligence", "11-50", "FR", "Seed", "warm"),
    ("Polaris Bank", "polarisbank.example", "Banking", "5001+", "CH", "Growth", "partner"),
    ("Mosaic Games", "mosaicgames.example", "Gaming", "51-200", "PL", "Series A", ""),
    ("Verdant Energy", "verdant.example", "Clean energy", "201-1000", "ES", "Series B", "cold"),
    ("Quanta Health", "quantahealth.example", "Healthcare", "51-200", "US", "Series A", "vip"),
    ("Orbit Protocol", "orbitprotocol.example", "Web3", "11-50", "SG", "Pre-seed", "telegram"),
)  # fmt: skip

FIRST_NAMES = (
    "Anna", "Maxim", "Sofia", "Lukas", "Elena", "Jonas", "Mia", "Dmitry", "Clara", "Noah",
    "Olga", "Felix", "Lea", "Ivan", "Emma", "Paul", "Nina", "Arjun", "Hannah", "Mateo",
    "Yuki", "Leon", "Zara", "Omar", "Greta", "Viktor", "Amelie", "Samuel", "Irina", "Ben",
    "Chloe", "Pavel", "Laura", "Tariq", "Marta", "Jakob", "Alina", "Hugo", "Eva", "Kenji",
)  # fmt: skip
LAST_NAMES = (
    "Schmidt", "Ivanov", "Rossi", "Weber", "Petrova", "Fischer", "Novak", "Sokolov", "Meyer",
    "Hughes", "Volkova", "Wagner", "Dubois", "Kuznetsov", "Clarke", "Becker", "Morozova",
    "Sharma", "Hoffmann", "Garcia", "Tanaka", "Keller", "Ahmed", "Haddad", "Lindqvist", "Orlov",
    "Laurent", "Cohen", "Smirnova", "Walsh", "Martin", "Popov", "Bauer", "Rahman", "Kowalska",
    "Richter", "Pavlova", "Moreau", "Berg", "Sato",
)  # fmt: skip
TITLES = (
    "Founder & CEO", "Partner", "Head of Partnerships", "CTO", "Business Development Lead",
    "Principal", "VP Sales", "Investment Manager", "Head of Growth", "COO", "Analyst",
    "Chief Product Officer", "Community Manager", "General Counsel",
)  # fmt: skip
SOURCES = ("Conference", "Referral", "Telegram", "Website", "Cold outreach", "LinkedIn")
EXTRA_TAGS = ("conference-2025", "follow-up")
NOTES = (
    "Met at **Web Summit**. Interested in a pilot next quarter.\n\n- wants pricing for 50 seats"
    "\n- intro to their CTO promised",
    "Call went well: they are raising a Series A in spring and asked for our deck.",
    "Sent the proposal. Follow up on *Thursday* if no reply.",
    "Prefers Telegram over email. Best time to reach: mornings CET.",
    "Warm intro via Northwind. Decision maker for partnerships in the DACH region.",
    "Asked about an integration with their payment stack — see [docs](https://example.com).",
)


def _phone(rng: random.Random) -> str | None:
    """A plausible, valid number in London, Berlin or Moscow; None if one fails validation."""
    raw = rng.choice(
        (
            f"+44 20 7946 0{rng.randint(100, 999)}",
            f"+49 30 {rng.randint(2000000, 8999999)}",
            f"+7 495 {rng.randint(2000000, 9999999)}",
        )
    )
    try:
        return phone_normalize(raw)
    except DjangoValidationError:
        return None


@demo_step("crm.contacts")
def seed_crm(ctx: DemoContext) -> bool:
    """About 12 companies and 40 contacts with tags, owners, notes and custom fields."""
    organization = ctx.organization
    if organization is None or Contact.objects.filter(organization=organization).exists():
        return False
    owner = ctx.owner
    writers = [ctx.users[role] for role in (Role.OWNER, Role.ADMIN, Role.BIDI) if role in ctx.users]
    rng = random.Random(42)  # noqa: S311 - repeatable demo data, not a secret

    for entity, key, label, field_type, options in (
        (Entity.CONTACT, "investor_type", "Investor type", "select",
         ["Angel", "VC", "Corporate", "Family office"]),
        (Entity.CONTACT, "ticket_size", "Ticket size (USD)", "number", []),
        (Entity.COMPANY, "funding_stage", "Funding stage", "select",
         ["Pre-seed", "Seed", "Series A", "Series B", "Growth"]),
        (Entity.COMPANY, "nda_signed", "NDA signed", "bool", []),
    ):  # fmt: skip
        custom_field_services.custom_field_create(
            organization=organization,
            actor=owner,
            data={
                "entity": entity,
                "key": key,
                "label": label,
                "field_type": field_type,
                "options": options,
            },
        )
    for name, color in (
        ("investor", "#5b5bd6"),
        ("partner", "#0e9f9a"),
        ("warm", "#e0702b"),
        ("cold", "#2f80ed"),
        ("vip", "#d9488f"),
        ("telegram", "#7a5af8"),
        ("conference-2025", "#16a34a"),
        ("follow-up", "#b7791f"),
    ):
        tag_services.tag_create(organization=organization, actor=owner, name=name, color=color)

    companies = []
    for name, domain, industry, size, country, stage, tag in COMPANIES:
        custom = {"funding_stage": stage} if stage else {}
        if rng.random() < 0.5:
            custom["nda_signed"] = rng.random() < 0.6
        companies.append(
            company_services.company_create(
                organization=organization,
                actor=rng.choice(writers),
                data={
                    "name": name,
                    "domain": domain,
                    "website": f"https://{domain}",
                    "industry": industry,
                    "size": size,
                    "country": country,
                    "owner": rng.choice(writers),
                    "tags": [tag] if tag else [],
                    "custom_fields": custom,
                },
            )
        )

    now = timezone.now()
    for index, (first, last) in enumerate(zip(FIRST_NAMES, LAST_NAMES, strict=True)):
        company = companies[index % len(companies)]
        actor = rng.choice(writers)
        tags = set(rng.sample(("investor", "partner", "warm", "cold", "vip"), rng.randint(0, 2)))
        if rng.random() < 0.25:
            tags.add(rng.choice(EXTRA_TAGS))
        phone = _phone(rng) if rng.random() < 0.7 else None
        custom: dict = {}
        if "investor" in tags:
            custom["investor_type"] = rng.choice(["Angel", "VC", "Corporate", "Family office"])
            custom["ticket_size"] = rng.choice([25_000, 50_000, 100_000, 250_000, 1_000_000])
        contacted = (
            now - datetime.timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 23))
            if rng.random() < 0.7
            else None
        )
        contact = contact_services.contact_create(
            organization=organization,
            actor=actor,
            data={
                "first_name": first,
                "last_name": last,
                "title": rng.choice(TITLES),
                "emails": [f"{first.lower()}.{last.lower()}@{company.domain}"],
                "phones": [phone] if phone else [],
                "telegram_username": f"{first.lower()}_{last.lower()}"[:32]
                if rng.random() < 0.5
                else "",
                "owner": rng.choice([*writers, None]),
                "source": rng.choice(SOURCES),
                "tags": sorted(tags),
                "custom_fields": custom,
                "company": company,
                "company_role": rng.choice(TITLES),
                "last_contacted_at": contacted,
            },
        )
        for body in rng.sample(NOTES, rng.choice((0, 0, 1, 1, 2))):
            note_services.note_add(
                organization=organization, actor=rng.choice(writers), body=body, contact=contact
            )
    for company in companies[:4]:
        note_services.note_add(
            organization=organization,
            actor=owner,
            body=rng.choice(NOTES),
            company=company,
        )
    ctx.notes.append(f"CRM: {len(companies)} companies and {len(FIRST_NAMES)} contacts.")
    return True
