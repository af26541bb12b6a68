"""Each branch of the search box and each list sort is answered by its index, not a scan.

Sequential scans are switched off for the EXPLAIN, so the plan shows an index exactly when the
query's expression matches the index's (a Python-side change to an expression that no longer
matches would silently scan a million rows). docs/architecture/crm.md lists the branches.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm import selectors
from crm.filters import ContactFilters
from crm.models import Company, Contact, Note, Tag
from crm.search import names_similar
from crm.tests.factories import CompanyFactory, NoteFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(make_member):
    organization = make_member("owner").organization
    Contact.objects.bulk_create(
        Contact(
            organization=organization,
            first_name=f"First{n}",
            last_name=f"Last{n}",
            emails=[f"person{n}@example.com"],
            phones=[f"+4930{1000000 + n}"],
            telegram_username=f"user_{n}",
            telegram_user_id=100000 + n,
        )
        for n in range(1500)
    )
    Company.objects.bulk_create(
        Company(organization=organization, name=f"Company{n}", domain=f"company{n}.example")
        for n in range(1000)
    )
    return organization


def plans_of(queries: list[tuple[str, tuple | None]]) -> str:
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE crm_contact, crm_company, crm_note, crm_tag")
        cursor.execute("SET enable_seqscan = off")
        try:
            for sql, params in queries:
                cursor.execute("EXPLAIN " + sql, params)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        finally:
            cursor.execute("RESET enable_seqscan")
    return "\n\n".join(plans)


def search_plans(org, q: str) -> str:
    with CaptureQueriesContext(connection) as captured:
        selectors.crm_search(org, q)
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    return plans_of([(sql, None) for sql in selects])  # not the SAVEPOINTs and SET LOCALs


@pytest.mark.parametrize(
    ("q", "index"),
    [
        ("person7@example.com", "contact_emails_gin"),
        ("+49 30 1000007", "contact_phones_gin"),
        ("@user_7", "contact_unique_telegram_username"),
        ("100007", "contact_unique_telegram_id"),
        ("First7 Last7", "contact_name_search"),
        ("First7 Last7", "company_name_search"),
        ("Frst7 Lsat7", "contact_name_search"),
    ],
)
def test_search_branch_uses_its_index(org, q, index):
    assert index in search_plans(org, q)


def test_note_text_uses_the_full_text_index(org):
    contact = Contact.objects.first()
    Note.objects.bulk_create(
        Note(organization=org, contact=contact, body=f"call number {n} about the pilot")
        for n in range(2000)
    )
    NoteFactory(organization=org, contact=contact, body="pilot in Lisbon")

    assert "note_body_search" in search_plans(org, "lisbon")


def test_tag_lookup_uses_the_case_insensitive_name_index(org):
    # Enough tags that the organization index alone is clearly worse than the name index, so
    # the planner's choice does not depend on leftover statistics of earlier tests.
    Tag.objects.bulk_create(Tag(organization=org, name=f"topic-{n}") for n in range(400))
    TagFactory(organization=org, name="Investor")

    assert "tag_unique_name_ci" in search_plans(org, "investor")


def test_trigram_fallback_can_use_the_trigram_index(org):
    # With a few thousand rows the planner rightly prefers the organization index for this
    # last-resort branch (at a million rows it takes the trigram one); without the organization
    # filter it shows the expression matches the index.
    similar = names_similar(Contact.objects.order_by(), "full_name", "yzzyq quux")

    assert "contact_name_trgm" in plans_of([similar.query.sql_with_params()])


def test_domain_uses_the_domain_index(org):
    CompanyFactory(organization=org, domain="acme.io")

    assert "crm_company_organiz" in search_plans(org, "acme.io")


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("name", "contact_name_sort"),
        ("-name", "contact_name_sort"),
        ("last_contacted", "contact_contacted_sort"),
    ],
)
def test_list_sort_reads_its_index_in_order(org, sort, index):
    contacts = selectors.contacts_list(org, ContactFilters(sort=sort))

    plan = plans_of([contacts[:50].query.sql_with_params()])

    assert index in plan
    assert "Sort" not in plan.replace("Incremental Sort", "")
