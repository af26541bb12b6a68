"""Measure CSV import throughput: a 100,000-row contacts file with dedupe on (goal ≥ 5,000 rows/s).

Usage: BIDI_DATA_DIR=/tmp/bidi-bench .venv/bin/python benchmarks/crm_import.py [--rows N]

Generates a realistic file (Latin and Cyrillic names, work and free-mail emails, phones in
international notation (+7, +49, +1 styles), Telegram usernames, companies, titles, tags), into an
organization that already holds 20,000 contacts of which 10 % of the file's rows are updates,
plus 1 % of rows repeating an earlier row of the file. The import then runs exactly as in
production: ``import_upload`` (sniffing), ``import_start``, then ``crm.services.imports.
import_run`` — what the Celery task calls — in this process, so the figure is the import itself,
not queueing. A second run of the same file (every row now a match) is measured too.

Use a throwaway data directory: the benchmark organization (slug ``bench-import``) is deleted
and recreated on every run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SLUG = "bench-import"
EXISTING = 20_000
TAGS = ("vip", "partner", "lead", "investor", "conference-2025", "newsletter", "warm", "cold")
SOURCES = ("Website", "Conference", "Referral", "LinkedIn", "Telegram", "Cold outreach", "")
TITLES = ("CEO", "CTO", "Head of Sales", "Founder", "BD Manager", "Директор", "Менеджер", "")
RU_FIRST = ("Иван", "Анна", "Дмитрий", "Ольга", "Сергей", "Мария", "Алексей", "Екатерина")
RU_LAST = ("Иванов", "Смирнова", "Кузнецов", "Попова", "Васильев", "Петрова", "Соколов")
RU_LATIN = ("ivan", "anna", "dmitry", "olga", "sergey", "maria", "alexey", "ekaterina")
FREE_MAIL = ("gmail.com", "yandex.ru", "outlook.com", "mail.ru")


def phone(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        digits = f"{rng.randint(900, 999)}{rng.randint(0, 9_999_999):07d}"
        return f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    if kind < 0.7:
        return f"+49 30 {rng.randint(1_000_000, 99_999_999)}"
    return f"+1 ({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"


def people(count: int, seed: int) -> list[dict[str, str]]:
    import phonenumbers
    from faker import Faker

    fake = Faker(["en_US", "de_DE"])
    fake.seed_instance(seed)
    rng = random.Random(seed)
    companies = [(fake.company(), f"{fake.domain_word()}{i}.com") for i in range(3000)]
    rows = []
    for i in range(count):
        if rng.random() < 0.3:
            index = rng.randrange(len(RU_FIRST))
            first, last = RU_FIRST[index], rng.choice(RU_LAST)
            handle = f"{RU_LATIN[index]}.{i}"
        else:
            first, last = fake.first_name(), fake.last_name()
            handle = (
                re.sub(
                    r"[^a-z0-9.]", "", f"{first}.{last}".lower().encode("ascii", "ignore").decode()
                )
                + f".{i}"
            )
        company, domain = rng.choice(companies)
        email = f"{handle}@{domain if rng.random() < 0.7 else rng.choice(FREE_MAIL)}"
        number = phone(rng) if rng.random() < 0.6 else ""
        while number and not phonenumbers.is_valid_number(phonenumbers.parse(number)):
            number = phone(rng)
        rows.append(
            {
                "First name": first,
                "Last name": last,
                "E-mail": email if rng.random() < 0.92 else "",
                "Phone": number,
                "Telegram": f"@tg_{handle.replace('.', '_')[:12]}_{i}"
                if rng.random() < 0.3
                else "",
                "Company": company if rng.random() < 0.7 else "",
                "Job title": rng.choice(TITLES),
                "Source": rng.choice(SOURCES),
                "Tags": ";".join(rng.sample(TAGS, rng.randint(0, 2))),
            }
        )
        if not (rows[-1]["E-mail"] or rows[-1]["Phone"]):
            rows[-1]["E-mail"] = email
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def seed_organization(existing: list[dict[str, str]]):
    from django.db import connection

    from accounts.models import Membership, Organization, User
    from crm.models import Contact
    from crm.normalize import phone_normalize

    Organization.objects.filter(slug=SLUG).delete()
    organization = Organization.objects.create(name="Import benchmark", slug=SLUG)
    user, _ = User.objects.get_or_create(email="owner@bench-import.test")
    Membership.objects.create(organization=organization, user=user, role="owner")
    Contact.objects.bulk_create(
        [
            Contact(
                organization=organization,
                first_name=row["First name"],
                last_name=row["Last name"],
                emails=[row["E-mail"].lower()] if row["E-mail"] else [],
                phones=[phone_normalize(row["Phone"])] if row["Phone"] else [],
            )
            for row in existing
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:  # the previous run's rows are gone, not just deleted
        for table in ("crm_contact", "crm_company", "crm_contact_tags", "crm_contactcompany"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return organization, user


def run(path: Path, organization, user, label: str) -> float:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from crm.services import imports

    started = time.perf_counter()
    job = imports.import_upload(
        organization=organization,
        actor=user,
        entity="contact",
        file=SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv"),
    )
    sniffed = time.perf_counter() - started
    imports.import_configure(job=job, actor=user, dedupe_mode="update")
    # Queues the task too; without a worker it waits in Redis and finds the job done if one
    # ever picks it up. What the task would call runs here, in this process.
    imports.import_start(job=job, actor=user)
    started = time.perf_counter()
    job = imports.import_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    assert job.status == "completed", (job.status, job.error_message)
    rate = job.processed_rows / elapsed
    print(
        f"{label}: {job.processed_rows:,} rows in {elapsed:.1f} s = {rate:,.0f} rows/s "
        f"(created {job.created_count:,}, updated {job.updated_count:,}, "
        f"skipped {job.skipped_count:,}, failed {job.failed_count:,}); "
        f"upload + sniff {sniffed:.1f} s"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from crm.models import Contact

    call_command("migrate", verbosity=0)
    total = args.rows
    print(f"Generating {EXISTING:,} existing contacts and a {total:,}-row file…", flush=True)
    base = people(EXISTING + total, seed=42)
    existing, fresh = base[:EXISTING], base[EXISTING:]
    rng = random.Random(7)
    updates = rng.sample(existing, total // 10)
    in_file = int(total * 0.01)
    rows = fresh[: total - len(updates) - in_file] + updates
    rows += [
        dict(row, **{"Job title": "Head of Partnerships"}) for row in rng.sample(rows, in_file)
    ]
    rng.shuffle(rows)
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-import-{total}.csv"
    write_csv(path, rows)
    organization, user = seed_organization(existing)
    print(f"File: {path} ({path.stat().st_size / 1024 / 1024:.1f} MB)", flush=True)
    run(path, organization, user, "first run ")
    run(path, organization, user, "second run")
    count = Contact.objects.filter(organization=organization).count()
    print(f"Contacts in the organization: {count:,}")


if __name__ == "__main__":
    main()
