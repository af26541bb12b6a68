"""``manage.py bench_draft_data``: one chat of 10,000 messages with its CRM context, for
``benchmarks/ai_drafts.py`` (issue 7: draft generation overhead p95 < 50 ms).

One organization (slug ``bench-drafts``) with an owner, a bot, a private chat whose contact
works at a company and has an open deal in the middle of a five-stage pipeline, twelve notes,
and 10,000 messages in both directions over the last 90 days (some service messages, some
deleted, some media with captions, as a real chat has). AI settings: the offline provider, and
no per-minute limits (the benchmark asks 200 times a minute; the limiter is one Redis call).

For a benchmark database only (``BIDI_DATA_DIR=/tmp/bidi-bench``). Running it again does
nothing; ``--reset`` deletes the organization and loads it again.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from accounts.models import Membership, Organization, User
from accounts.permissions import Role
from agents.models import AISettings
from crm.models import Company, Contact, ContactCompany, Note
from messaging.models import Chat, Message, TelegramBot
from pipelines.models import Deal, Pipeline, Stage, StageKind

SLUG = "bench-drafts"
OWNER_EMAIL = "owner@bench-drafts.test"
BENCH_PASSWORD = "bench-drafts-password"  # a throwaway database's throwaway user
PROSPECT = (
    "Hi, could you send the pricing for 20 seats?",
    "We are comparing three vendors this month.",
    "Can the integration work with our CRM?",
    "Is there a discount for a yearly contract?",
    "Thanks, that helps. Who else uses it in logistics?",
    "Let's talk next week, Tuesday works for me.",
    "Our legal team will need the terms.",
)
TEAM = (
    "Happy to help! The price list is attached.",
    "Yes, we integrate with most CRMs through the API.",
    "A yearly contract comes with two months free.",
    "Tuesday 11:00 works, I'll send an invite.",
    "Here are two case studies from logistics companies.",
)


class Command(BaseCommand):
    help = "Load the AI drafts benchmark data (one chat with 10,000 messages and its CRM context)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--messages", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--reset", action="store_true", help="delete and load again")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("Refusing to load benchmark data with DJANGO_ENV=production.")
        started = time.monotonic()
        existing = Organization.objects.filter(slug=SLUG).first()
        if existing is not None and not options["reset"]:
            self.stdout.write("Benchmark data already present; pass --reset to load it again.")
            return
        if existing is not None:
            self._delete(existing)
        rng = random.Random(options["seed"])  # noqa: S311 — reproducible, not secret
        chat = self._load(rng, options["messages"])
        with connection.cursor() as cursor:
            for table in ("messaging_message", "agents_draft", "crm_note", "pipelines_deal"):
                cursor.execute(f"ANALYZE {table}")
        self.stdout.write(
            f"Loaded chat {chat.pk} with {options['messages']:,} messages into {SLUG} in "
            f"{time.monotonic() - started:.0f} s (owner: {OWNER_EMAIL})."
        )

    def _delete(self, organization: Organization) -> None:
        user_ids = list(
            User.objects.filter(memberships__organization=organization).values_list("pk", flat=True)
        )
        with transaction.atomic(), connection.cursor() as cursor:
            # Plain SQL for the big tables: the ORM would load every row to cascade.
            for table in ("agents_usage", "agents_draft", "messaging_message"):
                statement = sql.SQL("DELETE FROM {} WHERE organization_id = %s")
                cursor.execute(statement.format(sql.Identifier(table)), [organization.pk])
            Deal.objects.filter(organization=organization).delete()  # PROTECTs its pipeline
            organization.delete()
            User.objects.filter(pk__in=user_ids).delete()

    @transaction.atomic
    def _load(self, rng: random.Random, count: int) -> Chat:
        org = Organization.objects.create(name="Bench Drafts", slug=SLUG)
        owner = User.objects.create_user(
            email=OWNER_EMAIL, password=BENCH_PASSWORD, full_name="Max Weber"
        )
        Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
        AISettings.objects.create(
            organization=org,
            org_drafts_per_minute=0,
            user_drafts_per_minute=0,
            tone_instructions="Be concise and concrete.",
            forbidden_phrases=["cheap", "guarantee"],
            required_disclaimer="Prices exclude VAT.",
        )
        bot = TelegramBot.objects.create(
            organization=org,
            name="Bench drafts bot",
            username="bench_drafts_bot",
            telegram_id=9_200_000_001,
            token="9200000001:bench-token",
        )
        contact = Contact.objects.create(
            organization=org,
            first_name="Anna",
            last_name="Petrova",
            title="Head of Logistics",
            telegram_user_id=9_300_000_001,
        )
        company = Company.objects.create(organization=org, name="Globex Logistics")
        ContactCompany.objects.create(
            organization=org, contact=contact, company=company, is_primary=True
        )
        pipeline = Pipeline.objects.create(organization=org, name="Sales", is_default=True)
        stages = [
            Stage.objects.create(
                organization=org, pipeline=pipeline, name=name, position=n, kind=kind
            )
            for n, (name, kind) in enumerate(
                [
                    ("Lead", StageKind.OPEN),
                    ("Qualified", StageKind.OPEN),
                    ("Demo", StageKind.OPEN),
                    ("Proposal", StageKind.OPEN),
                    ("Won", StageKind.WON),
                ]
            )
        ]
        deal = Deal.objects.create(
            organization=org,
            title="Globex — 20 seats",
            value=24_000,
            currency="EUR",
            pipeline=pipeline,
            stage=stages[2],
            company=company,
            rank="V00000001V",
        )
        deal.contacts.add(contact)
        now = timezone.now()
        for n in range(12):
            Note.objects.create(
                organization=org,
                author=owner,
                contact=contact if n % 2 else None,
                deal=deal if not n % 2 else None,
                body=f"Call {n}: they need the terms before the budget meeting.",
                created_at=now - dt.timedelta(days=12 - n),
            )
        chat = Chat.objects.create(
            organization=org,
            bot=bot,
            telegram_chat_id=contact.telegram_user_id,
            kind=Chat.Kind.PRIVATE,
            contact=contact,
            last_message_at=now,
        )
        start = now - dt.timedelta(days=90)
        step = dt.timedelta(days=90) / count
        messages = []
        for n in range(count):
            inbound = rng.random() < 0.55
            kind = Message.Kind.TEXT
            if rng.random() < 0.02:
                kind = Message.Kind.SERVICE
            elif rng.random() < 0.05:
                kind = Message.Kind.PHOTO
            messages.append(
                Message(
                    organization=org,
                    chat=chat,
                    direction=Message.Direction.IN if inbound else Message.Direction.OUT,
                    kind=kind,
                    text=rng.choice(PROSPECT if inbound else TEAM),
                    telegram_message_id=n + 1,
                    sender_contact=contact if inbound else None,
                    sender_user=None if inbound else owner,
                    status=Message.Status.RECEIVED if inbound else Message.Status.SENT,
                    source=Message.Source.TELEGRAM if inbound else Message.Source.MANUAL,
                    sent_at=start + step * n,
                    deleted_at=now if rng.random() < 0.01 else None,
                )
            )
        Message.objects.bulk_create(messages, batch_size=2000)
        # The inbox's denormalised last message, as messaging.services.inbox keeps it.
        last = Message.objects.filter(chat=chat).order_by("-sent_at", "-pk").first()
        last.direction, last.kind = Message.Direction.IN, Message.Kind.TEXT
        last.save(update_fields=["direction", "kind"])
        Chat.objects.filter(pk=chat.pk).update(
            last_message_id=last.pk,
            last_message_text=last.text[:200],
            last_message_direction=last.direction,
            last_message_kind=last.kind,
        )
        return chat
