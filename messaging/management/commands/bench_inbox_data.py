"""``manage.py bench_inbox_data``: an inbox large enough to measure (``benchmarks/inbox_list.py``).

One organization (slug ``bench-inbox``) with three bots, 50,000 private chats (each with its
contact) and 2,000,000 messages spread unevenly over them (a few chats hold thousands, most a
handful), both directions, over the last year. The chats' denormalised inbox state (preview,
``inbound_count``) is written consistently with the messages; chats are assigned to five
members, some done or snoozed; the owner keeps up (97 % of chats opened, ~8 % with something
unread: the sparse case for "unread only"), the other members never opened any; 20 % of contacts
carry a tag.

Rows go in with PostgreSQL ``COPY`` with the loaded tables' secondary indexes dropped during the
load and rebuilt after (the definitions are kept in ``<BIDI_DATA_DIR>/bench_inbox_indexes.json``
until rebuilt, so an interrupted run repairs itself next time), foreign keys unchecked
(``session_replication_role = replica``; the generator writes consistent ids), then ``ANALYZE``.

For a benchmark database only (``BIDI_DATA_DIR=/tmp/bidi-bench``). Running it again does
nothing; ``--reset`` deletes the benchmark organization and loads it again.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from psycopg import sql

from accounts.models import Membership, Organization, User
from accounts.permissions import Role
from crm.models import Tag
from messaging.models import TelegramBot

SLUG = "bench-inbox"
OWNER_EMAIL = "owner@bench-inbox.test"
BENCH_PASSWORD = "bench-inbox-password"  # a throwaway database's throwaway users
TABLES = (
    "crm_contact",
    "crm_contact_tags",
    "messaging_chat",
    "messaging_message",
    "messaging_chatreadstate",
)
BATCH = 20_000
TAGS = ("vip", "partner", "lead", "investor", "warm", "cold", "conference", "newsletter")
FIRST = (
    "Anna", "Boris", "Chen", "Dmitry", "Elena", "Felix", "Greta", "Hiro", "Ivan", "Julia",
    "Karim", "Lena", "Marco", "Nadia", "Oleg", "Priya", "Quentin", "Rosa", "Sergey", "Tanya",
    "Иван", "Мария", "Алексей", "Ольга", "Дмитрий", "Екатерина",
)  # fmt: skip
LAST = (
    "Smith", "Müller", "Ivanov", "Kowalski", "Rossi", "Tanaka", "Silva", "Novak", "Petrov",
    "Garcia", "Nguyen", "Schmidt", "Смирнов", "Кузнецова", "Попов", "Соколова",
)  # fmt: skip
WORDS = (
    "hello", "price", "pricing", "offer", "contract", "invoice", "meeting", "tomorrow", "call",
    "thanks", "deal", "discount", "shipment", "delivery", "payment", "signed", "proposal", "demo",
    "budget", "team", "partner", "integration", "question", "update", "schedule", "week",
    "monday", "friday", "sample", "volume", "license", "renewal", "support", "quote", "terms",
    "привет", "цена", "договор", "встреча", "счёт", "спасибо", "скидка", "оплата", "завтра",
    "could", "you", "send", "the", "please", "we", "are", "ready", "to", "start", "next", "is",
)  # fmt: skip
SPAN = dt.timedelta(days=365)
NULL = "\\N"  # COPY's NULL


def _text(value: str) -> str:
    """A value for COPY's text format."""
    return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")


class Command(BaseCommand):
    help = "Load an inbox benchmark data set (50,000 chats, 2,000,000 messages) with COPY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chats", type=int, default=50_000)
        parser.add_argument("--messages", type=int, default=2_000_000)
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--reset", action="store_true", help="delete and load again")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("Refusing to load benchmark data with DJANGO_ENV=production.")
        started = time.monotonic()
        self.index_file = Path(settings.DATA_DIR) / "bench_inbox_indexes.json"
        self._restore_indexes()  # an interrupted earlier run
        if options["reset"]:
            self._delete()
        elif Organization.objects.filter(slug=SLUG).exists():
            self.stdout.write("Benchmark data already present; pass --reset to load it again.")
            return
        self.rng = random.Random(options["seed"])  # noqa: S311 — reproducible, not secret
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        org, users, bots, tags = self._organization()
        self._drop_indexes()
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")
        try:
            self._load(org, users, bots, tags, chats=options["chats"], total=options["messages"])
            self.stdout.write(f"  loaded in {time.monotonic() - started:.0f} s")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
            self._sync_sequences()
            rebuilding = time.monotonic()
            self._restore_indexes()
            self.stdout.write(f"  indexes rebuilt in {time.monotonic() - rebuilding:.0f} s")
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
        self.stdout.write(
            f"Loaded {options['chats']:,} chats and {options['messages']:,} messages into "
            f"{SLUG} in {time.monotonic() - started:.0f} s (owner: {OWNER_EMAIL})."
        )

    # --- organization, people, bots, tags ------------------------------------------------------

    @transaction.atomic
    def _organization(self) -> tuple[Organization, list[User], list[TelegramBot], list[Tag]]:
        from allauth.account.models import EmailAddress

        org = Organization.objects.create(name="Bench Inbox", slug=SLUG)
        users = []
        for k in range(5):
            email = OWNER_EMAIL if k == 0 else f"member{k}@bench-inbox.test"
            user = User.objects.create_user(email=email, password=BENCH_PASSWORD)
            Membership.objects.create(
                organization=org, user=user, role=Role.OWNER if k == 0 else Role.BIDI
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            users.append(user)
        bots = [
            TelegramBot.objects.create(
                organization=org,
                name=f"Bench bot {n}",
                username=f"bench_inbox_{n}_bot",
                telegram_id=9_100_000_000 + n,
                token=f"{9_100_000_000 + n}:bench-token",
            )
            for n in range(3)
        ]
        tags = Tag.objects.bulk_create(Tag(organization=org, name=name) for name in TAGS)
        return org, users, bots, tags

    def _delete(self) -> None:
        org = Organization.objects.filter(slug=SLUG).first()
        if org is None:
            return
        self.stdout.write("Deleting the inbox benchmark data…")
        with transaction.atomic(), connection.cursor() as cursor:
            # Plain SQL: the ORM would load two million rows to cascade their deletion.
            for statement in (
                "DELETE FROM messaging_chatreadstate WHERE organization_id = %s",
                "DELETE FROM messaging_attachment WHERE organization_id = %s",
                "DELETE FROM messaging_message WHERE organization_id = %s",
                "DELETE FROM messaging_chat WHERE organization_id = %s",
                "DELETE FROM crm_contact_tags t USING crm_contact c "
                "WHERE t.contact_id = c.id AND c.organization_id = %s",
                "DELETE FROM crm_contact WHERE organization_id = %s",
            ):
                cursor.execute(statement, [org.pk])
            user_ids = list(
                User.objects.filter(memberships__organization=org).values_list("pk", flat=True)
            )
            org.delete()
            User.objects.filter(pk__in=user_ids).delete()

    # --- indexes -------------------------------------------------------------------------------

    def _drop_indexes(self) -> None:
        """Drop the loaded tables' secondary indexes (not primary keys or constraints)."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                """,
                [list(TABLES)],
            )
            indexes = cursor.fetchall()
            self.index_file.write_text(json.dumps([definition for _, definition in indexes]))
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    def _restore_indexes(self) -> None:
        if not self.index_file.exists():
            return
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for definition in json.loads(self.index_file.read_text()):
                cursor.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        self.index_file.unlink()

    def _sync_sequences(self) -> None:
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                        "COALESCE((SELECT max(id) FROM {}), 0) + 1, false)"
                    ).format(sql.Identifier(table)),
                    [table],
                )

    def _next_ids(self, table: str, count: int) -> int:
        """Reserve ``count`` ids of ``table``; returns the first."""
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("SELECT COALESCE(max(id), 0) + 1 FROM {}").format(sql.Identifier(table))
            )
            first = cursor.fetchone()[0]
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count]
            )
        return first

    def _copy(self, table: str, columns: tuple[str, ...], lines: Iterator[str]) -> int:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        written = 0
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            buffer = io.StringIO()
            for written, line in enumerate(lines, start=1):
                buffer.write(line)
                if written % BATCH == 0:
                    copy.write(buffer.getvalue().encode())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue().encode())
        return written

    # --- the load ------------------------------------------------------------------------------

    def _message_counts(self, chats: int, total: int) -> list[int]:
        """Messages per chat: heavy-tailed (Pareto), at least one each, summing to ``total``."""
        weights = [self.rng.paretovariate(1.2) for _ in range(chats)]
        scale = max(total - chats, 0) / sum(weights)
        counts = [1 + int(w * scale) for w in weights]
        counts[0] += total - sum(counts)  # the rounding rest goes to one busy chat
        if counts[0] < 1:
            counts = [max(1, c) for c in counts]
        return counts

    def _sentence(self) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(2, 18))
        return " ".join(words).capitalize() + self.rng.choice((".", "?", "!", ""))

    @transaction.atomic
    def _load(
        self,
        org: Organization,
        users: list[User],
        bots: list[TelegramBot],
        tags: list[Tag],
        *,
        chats: int,
        total: int,
    ) -> None:
        rng, now = self.rng, self.now
        first_contact = self._next_ids("crm_contact", chats)
        first_chat = self._next_ids("messaging_chat", chats)
        first_message = self._next_ids("messaging_message", total)
        stamp = now.isoformat()
        contacts = []
        tag_rows = []
        for i in range(chats):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            cid = first_contact + i
            contacts.append(
                f"{cid}\t{org.pk}\t{first}\t{last}\t{{}}\t{{}}\t{8_000_000_000 + i}\t"
                f"user{i}\t\t\t\t{{}}\t{NULL}\t{NULL}\t{stamp}\t{stamp}\t{NULL}\n"
            )
            if rng.random() < 0.2:
                tag_rows.append(f"{cid}\t{rng.choice(tags).pk}\n")
        self._copy(
            "crm_contact",
            (
                "id", "organization_id", "first_name", "last_name", "emails", "phones",
                "telegram_user_id", "telegram_username", "telegram_bio", "title", "source",
                "custom_fields", "last_contacted_at", "last_replied_at", "created_at",
                "updated_at", "owner_id",
            ),
            iter(contacts),
        )  # fmt: skip
        self._copy("crm_contact_tags", ("contact_id", "tag_id"), iter(tag_rows))
        self.stdout.write(f"  {chats:,} contacts")

        counts = self._message_counts(chats, total)
        chat_rows: list[str] = []
        read_rows: list[str] = []
        owner = users[0]

        def messages() -> Iterator[str]:
            mid = first_message
            for i, count in enumerate(counts):
                chat_id, contact_id = first_chat + i, first_contact + i
                # The chat's conversation: count messages ending at a random point of the year.
                end = now - dt.timedelta(seconds=rng.random() ** 3 * SPAN.total_seconds())
                step = dt.timedelta(seconds=rng.randint(30, 4 * 3600))
                sent = end - step * count
                inbound = 0
                last = ("", "", 0)
                for _ in range(count):
                    sent += step
                    incoming = rng.random() < 0.55
                    text = self._sentence()
                    direction = "in" if incoming else "out"
                    inbound += incoming
                    sender_contact = contact_id if incoming else NULL
                    sender_user = NULL if incoming else owner.pk
                    by_bot, status = ("f", "received") if incoming else ("t", "sent")
                    source = "telegram" if incoming else "manual"
                    yield (
                        f"{mid}\t{org.pk}\t{chat_id}\t{direction}\ttext\t{_text(text)}\t[]\t"
                        f"{mid}\t{sender_contact}\t{sender_user}\t{by_bot}\t{status}\t\t0\t"
                        f"{uuid.uuid4()}\t{source}\t\t{sent.isoformat()}\t{sent.isoformat()}\n"
                    )
                    last = (text, direction, mid)
                    mid += 1
                status, snoozed = "open", NULL
                roll = rng.random()
                if roll < 0.25:
                    status = "done"
                elif roll < 0.28:
                    status = "snoozed"
                    snoozed = (now + dt.timedelta(hours=rng.randint(1, 200))).isoformat()
                assignee = NULL if rng.random() < 0.3 else str(rng.choice(users).pk)
                text, direction, last_id = last
                chat_rows.append(
                    f"{chat_id}\t{org.pk}\t{rng.choice(bots).pk}\ttelegram\t{8_000_000_000 + i}\t"
                    f"private\t\tuser{i}\t{contact_id}\tf\t{sent.isoformat()}\t"
                    f"{(end - step * count).isoformat()}\t{assignee}\t{status}\t{snoozed}\t"
                    f"{last_id}\t{_text(' '.join(text.split())[:200])}\t{direction}\ttext\t"
                    f"{inbound}\n"
                )
                if rng.random() < 0.97:
                    read = inbound if rng.random() < 0.95 else max(inbound - rng.randint(1, 5), 0)
                    read_rows.append(
                        f"{org.pk}\t{chat_id}\t{owner.pk}\t{last_id}\t{stamp}\t{read}\tf\n"
                    )

        written = self._copy(
            "messaging_message",
            (
                "id", "organization_id", "chat_id", "direction", "kind", "text", "entities",
                "telegram_message_id", "sender_contact_id", "sender_user_id", "sent_by_bot",
                "status", "failure_reason", "attempts", "idempotency_key", "source",
                "service_action", "sent_at", "created_at",
            ),
            messages(),
        )  # fmt: skip
        self.stdout.write(f"  {written:,} messages")
        self._copy(
            "messaging_chat",
            (
                "id", "organization_id", "bot_id", "channel", "telegram_chat_id", "kind", "title",
                "username", "contact_id", "is_blocked", "last_message_at", "created_at",
                "assigned_to_id", "status", "snoozed_until", "last_message_id",
                "last_message_text", "last_message_direction", "last_message_kind",
                "inbound_count",
            ),
            iter(chat_rows),
        )  # fmt: skip
        self._copy(
            "messaging_chatreadstate",
            (
                "organization_id", "chat_id", "user_id", "last_read_message_id", "last_read_at",
                "read_inbound_count", "manual_unread",
            ),
            iter(read_rows),
        )  # fmt: skip
        self.stdout.write(f"  {len(chat_rows):,} chats, {len(read_rows):,} read markers")
