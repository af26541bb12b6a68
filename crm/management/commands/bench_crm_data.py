"""``manage.py bench_crm_data``: fill a dedicated database with a CRM large enough to measure
search and list speed (``benchmarks/crm_search.py``, figures in ``docs/benchmarks.md``).

One organization gets 1,000,000 contacts and 100,000 companies; nine more get noise (20,000
contacts each) so every query must filter by organization. Names mix Latin and Cyrillic, emails
use company domains or free-mail, contacts have phones, Telegram usernames/ids, tags, company
links and notes, and ~0.4 % are planted near-duplicates (shared email or phone, a misspelled
name at the same company) so the duplicates page has work to do.

Rows go in with PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``) in batches, with the tables'
secondary indexes dropped during the load and rebuilt after (several times faster than
maintaining GIN indexes row by row; the dropped definitions are kept in
``<BIDI_DATA_DIR>/bench_crm_indexes.json`` until rebuilt, so an interrupted run repairs itself on
the next start), then ``ANALYZE``. Foreign keys are not checked row by row during the load
(``session_replication_role = replica``): the generator writes consistent ids itself.

Meant for a benchmark database (``BIDI_DATA_DIR=/tmp/bidi-bench``), never a production one: the
load takes table locks. Running it again does nothing; ``--reset`` deletes the benchmark
organizations (slugs ``bench-crm-*``) and loads them again.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
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

SLUG_PREFIX = "bench-crm-"
MAIN_SLUG = f"{SLUG_PREFIX}main"
BENCH_PASSWORD = "bench-crm-password"  # a throwaway database's throwaway users
OWNER_EMAIL = "owner@bench-crm.test"
TABLES = (
    "crm_company",
    "crm_company_tags",
    "crm_contact",
    "crm_contact_tags",
    "crm_contactcompany",
    "crm_note",
)
BATCH = 20_000

LATIN_FIRST = (
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
    "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Paul", "Steven", "Andrew", "Kevin",
    "Brian", "George", "Edward", "Ronald", "Timothy", "Jason", "Jeffrey", "Ryan", "Jacob",
    "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon",
    "Benjamin", "Samuel", "Lukas", "Felix", "Jonas", "Leon", "Finn", "Noah", "Elias", "Paul",
    "Mateo", "Hugo", "Lucas", "Marco", "Luca", "Pierre", "Jan", "Piotr", "Ahmed", "Mary",
    "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Nancy", "Lisa", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily",
    "Donna", "Michelle", "Dorothy", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie",
    "Rebecca", "Laura", "Sharon", "Cynthia", "Kathleen", "Amy", "Shirley", "Angela", "Helen",
    "Anna", "Emma", "Olivia", "Sophia", "Mia", "Lena", "Clara", "Julia", "Marie", "Camille",
    "Chloe", "Giulia", "Sofia", "Elena", "Zofia", "Fatima", "Aisha"
)  # fmt: skip
LATIN_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Mueller", "Schmidt", "Schneider",
    "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter",
    "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krueger", "Hofmann",
    "Hartmann", "Lange", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon",
    "Michel", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
    "Kowalski", "Nowak", "Wisniewski", "Jansen", "DeVries", "Bakker", "Visser", "Smit",
    "Meijer", "Larsen", "Hansen", "Nielsen", "Berg", "Lindqvist"
)  # fmt: skip
CYRILLIC_FIRST_M = (
    "Александр", "Алексей", "Андрей", "Антон", "Артём", "Борис", "Вадим", "Валерий", "Василий",
    "Виктор", "Виталий", "Владимир", "Владислав", "Геннадий", "Георгий", "Григорий", "Денис",
    "Дмитрий", "Евгений", "Егор", "Иван", "Игорь", "Илья", "Кирилл", "Константин", "Леонид",
    "Максим", "Михаил", "Никита", "Николай", "Олег", "Павел", "Пётр", "Роман", "Руслан",
    "Сергей", "Станислав", "Степан", "Тимур", "Фёдор", "Юрий", "Ярослав"
)  # fmt: skip
CYRILLIC_FIRST_F = (
    "Александра", "Алина", "Алиса", "Анастасия", "Анна", "Валентина", "Валерия", "Вера",
    "Виктория", "Галина", "Дарья", "Диана", "Евгения", "Екатерина", "Елена", "Елизавета",
    "Жанна", "Зоя", "Ирина", "Кристина", "Ксения", "Лариса", "Любовь", "Людмила", "Маргарита",
    "Марина", "Мария", "Надежда", "Наталья", "Нина", "Оксана", "Ольга", "Полина", "Светлана",
    "София", "Татьяна", "Ульяна", "Юлия", "Яна"
)  # fmt: skip
CYRILLIC_LAST = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
    "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
    "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
    "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
    "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов",
    "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
    "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
    "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв",
    "Быков", "Маслов", "Родионов"
)  # fmt: skip
TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
})  # fmt: skip
COMPANY_ADJ = (
    "Blue", "Bright", "North", "South", "East", "West", "Silver", "Golden", "Green", "Red",
    "Rapid", "Smart", "Open", "Clear", "Prime", "Nova", "Quantum", "Digital", "Global",
    "United", "First", "Next", "Urban", "Alpine", "Pacific", "Atlantic", "Solar", "Lunar",
    "Stellar", "Iron", "Stone", "Crystal", "Swift", "Bold", "Deep", "High", "True", "Vertical",
    "Horizon", "Summit", "Apex", "Core", "Pure", "Wise"
)  # fmt: skip
COMPANY_NOUN = (
    "Labs", "Systems", "Ventures", "Capital", "Partners", "Dynamics", "Networks", "Solutions",
    "Logistics", "Robotics", "Data", "Analytics", "Media", "Studio", "Works", "Foods",
    "Energy", "Health", "Bio", "Pharma", "Finance", "Payments", "Security", "Cloud",
    "Software", "Devices", "Motors", "Retail", "Travel", "Games", "Education", "Consulting",
    "Design", "Markets", "Trade", "Mining", "Chain", "Protocol", "Exchange", "Wallet",
    "Bridge", "Ledger", "Token", "Vault", "Signal", "Pixel", "Forge", "Harbor", "River"
)  # fmt: skip
COMPANY_SUFFIX = ("", "", "", " Inc", " Ltd", " GmbH", " LLC", " AG", " Group", " Holding")
RUSSIAN_COMPANY = (
    "Вектор", "Альфа", "Гранит", "Меридиан", "Сфера", "Радуга", "Прогресс", "Импульс",
    "Ресурс", "Фортуна", "Горизонт", "Атлант", "Север", "Восток", "Технологии", "Решения",
    "Системы", "Капитал", "Инвест", "Логистик", "Медиа", "Софт", "Телеком", "Энерго"
)  # fmt: skip
TLDS = ("com", "com", "com", "io", "io", "co", "ru", "ru", "de", "net", "ai", "dev", "org")
FREE_MAIL = ("gmail.com", "gmail.com", "outlook.com", "yahoo.com", "mail.ru", "yandex.ru")
TITLES = (
    "CEO", "CTO", "COO", "CFO", "Founder", "Co-founder", "Head of BD", "Head of Sales",
    "Partnerships Manager", "Product Manager", "Engineer", "Investor", "Analyst",
    "Marketing Lead", "Community Manager", "Advisor"
)  # fmt: skip
# Mobile prefixes, how many digits follow and the lowest such number that is valid (Russia,
# Germany, US — an exchange cannot start with 0 or 1 —, UAE, Lithuania).
PHONE_PREFIXES = {
    "+79": (9, 0),
    "+49151": (8, 0),
    "+1415": (7, 2_000_000),
    "+97150": (7, 0),
    "+3706": (7, 0),
}
PHONE_CHOICES = tuple(PHONE_PREFIXES)
SOURCES = ("import", "telegram", "web form", "conference", "referral", "manual", "")
INDUSTRIES = ("Fintech", "Crypto", "SaaS", "E-commerce", "Logistics", "Media", "Gaming", "Health")
SIZES = ("1-10", "11-50", "51-200", "201-1000", "1001-5000", "5001+", "")
COUNTRIES = ("US", "DE", "GB", "RU", "AE", "SG", "NL", "FR", "CY", "RS", "GE", "KZ", "")
TAGS = (
    "lead", "customer", "partner", "investor", "vip", "cold", "warm", "hot", "newsletter",
    "conference-2025", "token2049", "devcon", "telegram-inbound", "referral", "churned",
    "trial", "enterprise", "smb", "agency", "exchange", "market-maker", "launchpad", "kol",
    "media", "advisor"
)  # fmt: skip
NOTE_SENTENCES = (
    "Met at the conference, interested in a pilot next quarter.",
    "Asked for the pricing deck and a reference customer in fintech.",
    "Follow up after their board meeting; budget approved in principle.",
    "Prefers Telegram over email, replies in the evenings.",
    "Introduced by a mutual investor; warm lead.",
    "Wants an integration with their exchange before signing.",
    "Legal review of the MSA is in progress.",
    "Churned last year because of missing reporting; revisit now.",
    "Встретились на конференции, интересуется пилотом.",
    "Попросил коммерческое предложение и кейсы клиентов.",
    "Договорились созвониться после праздников.",
    "Отвечает быстро в Telegram, почту почти не читает.",
)


class Command(BaseCommand):
    help = "Fill the database with benchmark CRM data (1M contacts, 100k companies, noise orgs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contacts", type=int, default=1_000_000)
        parser.add_argument("--companies", type=int, default=100_000)
        parser.add_argument("--noise-orgs", type=int, default=9)
        parser.add_argument("--noise-contacts", type=int, default=20_000)
        parser.add_argument("--noise-companies", type=int, default=2_000)
        parser.add_argument("--notes", type=int, default=200_000, help="in the main org")
        parser.add_argument("--seed", type=int, default=20260101)
        parser.add_argument("--reset", action="store_true", help="delete and load again")
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="maintain indexes during the load instead of rebuilding them after (slower)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("Refusing to load benchmark data with DJANGO_ENV=production.")
        started = time.monotonic()
        self.index_file = Path(settings.DATA_DIR) / "bench_crm_indexes.json"
        self._restore_indexes()  # an interrupted earlier run
        if options["reset"]:
            self._delete_bench_data()
        elif Organization.objects.filter(slug=MAIN_SLUG).exists():
            self.stdout.write("Benchmark data already present; pass --reset to load it again.")
            return
        self.rng = random.Random(options["seed"])  # noqa: S311 — reproducible, not secret
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)
        orgs = self._organizations(options["noise_orgs"])
        dropped = [] if options["keep_indexes"] else self._drop_indexes()
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")
        try:
            for n, (org, users, tags) in enumerate(orgs):
                main = n == 0
                self._load_org(
                    org,
                    users,
                    tags,
                    contacts=options["contacts"] if main else options["noise_contacts"],
                    companies=options["companies"] if main else options["noise_companies"],
                    notes=options["notes"] if main else options["noise_contacts"] // 10,
                )
                self.stdout.write(f"  {org.slug}: loaded ({time.monotonic() - started:.0f} s)")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
            self._sync_sequences()
            loaded = time.monotonic()
            if dropped:
                self._restore_indexes()
                self.stdout.write(f"  indexes rebuilt in {time.monotonic() - loaded:.0f} s")
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")
        rows = ", ".join(f"{table} {count:,}" for table, count in self.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Loaded in {time.monotonic() - started:.0f} s: {rows}.")
        )
        self.stdout.write(
            f"Main organization: {MAIN_SLUG} (id {orgs[0][0].pk}); "
            f"owner {OWNER_EMAIL} / {BENCH_PASSWORD}"
        )

    # --- organizations, people, tags -----------------------------------------------------------

    @transaction.atomic
    def _organizations(self, noise: int) -> list[tuple[Organization, list[User], list[Tag]]]:
        result = []
        for n in range(noise + 1):
            slug = MAIN_SLUG if n == 0 else f"{SLUG_PREFIX}noise-{n}"
            org = Organization.objects.create(
                name="Bench CRM" if n == 0 else f"Bench noise {n}", slug=slug
            )
            users = []
            for k in range(5 if n == 0 else 1):
                email = OWNER_EMAIL if n == k == 0 else f"member{k}.{slug}@bench-crm.test"
                user = User.objects.create_user(email=email, password=BENCH_PASSWORD)
                role = Role.OWNER if k == 0 else Role.BIDI
                Membership.objects.create(organization=org, user=user, role=role)
                users.append(user)
            tags = Tag.objects.bulk_create(Tag(organization=org, name=name) for name in TAGS)
            result.append((org, users, tags))
        self._verify_emails([u for _, users, _ in result for u in users])
        return result

    def _verify_emails(self, users: list[User]) -> None:
        """Mark the addresses verified, so the bench users can sign in like real ones."""
        from allauth.account.models import EmailAddress

        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
        )

    def _delete_bench_data(self) -> None:
        org_ids = list(
            Organization.objects.filter(slug__startswith=SLUG_PREFIX).values_list("pk", flat=True)
        )
        if not org_ids:
            return
        self.stdout.write(f"Deleting the benchmark data of {len(org_ids)} organizations…")
        with transaction.atomic(), connection.cursor() as cursor:
            # Plain SQL: the ORM would load a million rows to cascade their deletion.
            for sql in (
                "DELETE FROM crm_contact_tags t USING crm_contact c "
                "WHERE t.contact_id = c.id AND c.organization_id = ANY(%s)",
                "DELETE FROM crm_company_tags t USING crm_company c "
                "WHERE t.company_id = c.id AND c.organization_id = ANY(%s)",
                "DELETE FROM crm_note WHERE organization_id = ANY(%s)",
                "DELETE FROM crm_contactcompany WHERE organization_id = ANY(%s)",
                "DELETE FROM crm_contact WHERE organization_id = ANY(%s)",
                "DELETE FROM crm_company WHERE organization_id = ANY(%s)",
            ):
                cursor.execute(sql, [org_ids])
            users = User.objects.filter(memberships__organization_id__in=org_ids)
            user_ids = list(users.values_list("pk", flat=True))
            Organization.objects.filter(pk__in=org_ids).delete()
            User.objects.filter(pk__in=user_ids).delete()
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")

    # --- indexes -------------------------------------------------------------------------------

    def _drop_indexes(self) -> list[str]:
        """Drop the secondary indexes (not primary keys or constraints) of the loaded tables."""
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
        return [definition for _, definition in indexes]

    def _restore_indexes(self) -> None:
        if not self.index_file.exists():
            return
        definitions = json.loads(self.index_file.read_text())
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SET max_parallel_maintenance_workers = 2")
            for definition in definitions:
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
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [first + count]
            )
        return first

    def _copy(self, table: str, columns: tuple[str, ...], lines: Iterator[str]) -> None:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            buffer = io.StringIO()
            for n, line in enumerate(lines, start=1):
                buffer.write(line)
                if n % BATCH == 0:
                    copy.write(buffer.getvalue().encode())
                    buffer = io.StringIO()
                self.counts[table] += 1
            copy.write(buffer.getvalue().encode())

    # --- one organization ----------------------------------------------------------------------

    def _load_org(
        self,
        org: Organization,
        users: list[User],
        tags: list[Tag],
        *,
        contacts: int,
        companies: int,
        notes: int,
    ) -> None:
        first_company = self._next_ids("crm_company", companies)
        domains = self._load_companies(org, users, tags, first_company, companies)
        first_contact = self._next_ids("crm_contact", contacts)
        links: list[tuple[int, int, str, bool]] = []
        tag_rows: list[tuple[int, int]] = []
        with transaction.atomic():
            self._copy(
                "crm_contact",
                (
                    "id",
                    "organization_id",
                    "first_name",
                    "last_name",
                    "emails",
                    "phones",
                    "telegram_user_id",
                    "telegram_username",
                    "telegram_bio",
                    "title",
                    "source",
                    "custom_fields",
                    "last_contacted_at",
                    "last_replied_at",
                    "created_at",
                    "updated_at",
                    "owner_id",
                ),
                self._contact_lines(
                    org, users, tags, first_contact, contacts, first_company, domains, links,
                    tag_rows,
                ),
            )  # fmt: skip
            self._copy(
                "crm_contactcompany",
                ("organization_id", "contact_id", "company_id", "role", "is_primary", "created_at"),
                (
                    f"{org.pk}\t{contact}\t{company}\t{role}\t{'t' if primary else 'f'}\t"
                    f"{self.now.isoformat()}\n"
                    for contact, company, role, primary in links
                ),
            )
            self._copy(
                "crm_contact_tags",
                ("contact_id", "tag_id"),
                (f"{contact}\t{tag}\n" for contact, tag in tag_rows),
            )
            self._copy(
                "crm_note",
                ("organization_id", "author_id", "body", "contact_id", "created_at", "updated_at"),
                self._note_lines(org, users, first_contact, contacts, notes),
            )

    def _load_companies(
        self, org: Organization, users: list[User], tags: list[Tag], first_id: int, count: int
    ) -> list[str]:
        rng = self.rng
        domains: list[str] = []
        seen: set[str] = set()
        tag_rows: list[tuple[int, int]] = []

        def lines() -> Iterator[str]:
            for n in range(count):
                pk = first_id + n
                if rng.random() < 0.2:
                    word = rng.choice(RUSSIAN_COMPANY)
                    name = rng.choice((f"ООО «{word}»", f"{word} {rng.choice(RUSSIAN_COMPANY)}"))
                    slug = _translit(word.lower())
                else:
                    adj, noun = rng.choice(COMPANY_ADJ), rng.choice(COMPANY_NOUN)
                    name = f"{adj} {noun}{rng.choice(COMPANY_SUFFIX)}"
                    slug = f"{adj}{rng.choice(('', '-'))}{noun}".lower()
                domain = f"{slug}.{rng.choice(TLDS)}"
                if domain in seen:
                    domain = f"{slug}{_base36(n)}.{rng.choice(TLDS)}"
                seen.add(domain)
                domains.append(domain)
                created = self._created_at(n, count)
                owner = rng.choice(users).pk if rng.random() < 0.8 else r"\N"
                for tag in rng.sample(tags, rng.choice((0, 0, 1, 1, 2))):
                    tag_rows.append((pk, tag.pk))
                yield (
                    f"{pk}\t{org.pk}\t{name}\t{domain}\thttps://{domain}\t"
                    f"{rng.choice(INDUSTRIES)}\t{rng.choice(SIZES)}\t{rng.choice(COUNTRIES)}\t\t"
                    f"{owner}\t{{}}\t{created}\t{created}\n"
                )

        with transaction.atomic():
            self._copy(
                "crm_company",
                (
                    "id",
                    "organization_id",
                    "name",
                    "domain",
                    "website",
                    "industry",
                    "size",
                    "country",
                    "description",
                    "owner_id",
                    "custom_fields",
                    "created_at",
                    "updated_at",
                ),
                lines(),
            )
            self._copy(
                "crm_company_tags",
                ("company_id", "tag_id"),
                (f"{company}\t{tag}\n" for company, tag in tag_rows),
            )
        return domains

    def _contact_lines(
        self,
        org: Organization,
        users: list[User],
        tags: list[Tag],
        first_id: int,
        count: int,
        first_company: int,
        domains: list[str],
        links: list[tuple[int, int, str, bool]],
        tag_rows: list[tuple[int, int]],
    ) -> Iterator[str]:
        rng = self.rng
        random_ = rng.random
        choice = rng.choice
        # Popular tags first: "lead" on ~30 % of contacts, the tail on well under 1 %.
        tag_weights = [1 / (rank + 1) for rank in range(len(tags))]
        recent: list[tuple[str, str, list[str], list[str], int | None]] = []
        for n in range(count):
            pk = first_id + n
            company_n = rng.randrange(len(domains)) if random_() < 0.8 else None
            if random_() < 0.4:
                female = random_() < 0.5
                first = choice(CYRILLIC_FIRST_F if female else CYRILLIC_FIRST_M)
                last = choice(CYRILLIC_LAST) + ("а" if female else "")
            else:
                first, last = choice(LATIN_FIRST), choice(LATIN_LAST)
            latin_first, latin_last = _translit(first.lower()), _translit(last.lower())
            emails: list[str] = []
            if random_() < 0.9:
                local = choice(
                    (
                        f"{latin_first}.{latin_last}",
                        f"{latin_first[0]}{latin_last}",
                        f"{latin_first}_{latin_last}",
                        f"{latin_first}",
                    )
                )
                if company_n is not None and random_() < 0.6:
                    emails.append(f"{local}@{domains[company_n]}")
                else:
                    emails.append(f"{local}.{_base36(pk)}@{choice(FREE_MAIL)}")
                if random_() < 0.15:
                    emails.append(f"{latin_last}.{_base36(pk)}@{choice(FREE_MAIL)}")
            phones: list[str] = []
            if random_() < 0.65:
                phones.append(_phone(pk, choice(PHONE_CHOICES)))
            username = ""
            if random_() < 0.45:
                username = f"{latin_first}_{latin_last}_{_base36(pk)}"[:32]
            telegram_id = str(100_000_000 + pk * 7) if random_() < 0.35 else r"\N"
            # Plant a near-duplicate of a recent contact now and then.
            if recent and n % 250 == 249:
                first, last, other_emails, other_phones, other_company = choice(recent)
                kind = n // 250 % 3
                if kind == 0 and other_emails:
                    emails = [other_emails[0]]
                elif kind == 1 and other_phones:
                    phones = [other_phones[0]]
                elif other_company is not None:
                    last = _misspell(last, rng)
                    company_n = other_company
            recent.append((first, last, emails, phones, company_n))
            if len(recent) > 2000:
                recent = recent[1000:]
            title = choice(TITLES) if random_() < 0.7 else ""
            if company_n is not None:
                links.append((pk, first_company + company_n, title, True))
                if random_() < 0.05:
                    other = rng.randrange(len(domains))
                    if other != company_n:
                        links.append((pk, first_company + other, "Advisor", False))
            k = choice((0, 0, 0, 0, 1, 1, 1, 2, 2, 3))
            if k:
                for tag in {t.pk for t in rng.choices(tags, weights=tag_weights, k=k)}:
                    tag_rows.append((pk, tag))
            created = self._created_at(n, count)
            contacted = (
                (self.now - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 365))).isoformat()
                if random_() < 0.6
                else r"\N"
            )
            owner = choice(users).pk if random_() < 0.85 else r"\N"
            custom = '{"segment": "A"}' if random_() < 0.1 else "{}"
            yield (
                f"{pk}\t{org.pk}\t{first}\t{last}\t{{{','.join(emails)}}}\t{{{','.join(phones)}}}\t"
                f"{telegram_id}\t{username}\t\t{title}\t{choice(SOURCES)}\t{custom}\t"
                f"{contacted}\t\\N\t{created}\t{created}\t{owner}\n"
            )

    def _note_lines(
        self, org: Organization, users: list[User], first_contact: int, contacts: int, notes: int
    ) -> Iterator[str]:
        rng = self.rng
        for n in range(notes):
            body = " ".join(rng.sample(NOTE_SENTENCES, rng.choice((1, 2, 3))))
            created = self._created_at(n, notes)
            yield (
                f"{org.pk}\t{rng.choice(users).pk}\t{body}\t"
                f"{first_contact + rng.randrange(contacts)}\t{created}\t{created}\n"
            )

    def _created_at(self, n: int, count: int) -> str:
        """Spread over three years, in id order like real sign-ups."""
        seconds = 3 * 365 * 24 * 3600
        return (self.now - dt.timedelta(seconds=seconds * (count - n) // count)).isoformat()


def _translit(text: str) -> str:
    return text.translate(TRANSLIT)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _phone(pk: int, prefix: str) -> str:
    """A valid mobile number, unique per contact id and prefix (7,919 is prime)."""
    digits, lowest = PHONE_PREFIXES[prefix]
    return f"{prefix}{lowest + (pk * 7_919) % (10**digits - lowest):0{digits}d}"


def _misspell(word: str, rng: random.Random) -> str:
    """Swap two neighbouring letters: a typical typo that trigram similarity still matches."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
