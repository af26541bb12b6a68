"""Importing contacts onto existing ones: match by email, phone or Telegram, then update or
skip — and never create a duplicate, whether the file is re-run or repeats itself."""

import pytest

from crm.models import Contact, ContactCompany, Tag
from crm.tests.factories import ContactFactory, TagFactory
from crm.tests.import_files import import_through

PEOPLE = (
    "First name,Last name,Email,Phone,Telegram,Title,Tags\n"
    "Ann,Lee,ann@example.com,+49 30 1234567,@ann_lee,CTO,vip;berlin\n"
    "Bob,Marsh,bob@example.com,,,Founder,\n"
)


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def test_new_rows_create_contacts_with_normalised_values(owner):
    job = import_through(owner, PEOPLE)

    assert (job.status, job.created_count, job.failed_count) == ("completed", 2, 0)
    ann = Contact.objects.get(emails__contains=["ann@example.com"])
    assert (ann.first_name, ann.last_name, ann.title) == ("Ann", "Lee", "CTO")
    assert ann.phones == ["+49301234567"]
    assert ann.telegram_username == "ann_lee"
    assert sorted(ann.tags.values_list("name", flat=True)) == ["berlin", "vip"]
    assert ann.organization == owner.organization


def test_rerunning_the_same_file_creates_no_duplicates(owner):
    import_through(owner, PEOPLE)

    again = import_through(owner, PEOPLE)

    assert Contact.objects.count() == 2
    assert Tag.objects.count() == 2
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)


def test_update_mode_fills_fields_merges_lists_and_adds_tags(owner):
    existing = ContactFactory(
        organization=owner.organization,
        first_name="Annie",
        last_name="",
        emails=["old@example.com", "ann@example.com"],
        phones=[],
        title="",
    )
    existing.tags.add(TagFactory(organization=owner.organization, name="VIP"))

    job = import_through(owner, PEOPLE, dedupe_mode="update")

    existing.refresh_from_db()
    assert (job.created_count, job.updated_count) == (1, 1)
    assert (existing.first_name, existing.last_name, existing.title) == ("Ann", "Lee", "CTO")
    assert existing.emails == ["old@example.com", "ann@example.com"]
    assert existing.phones == ["+49301234567"]
    assert sorted(existing.tags.values_list("name", flat=True)) == ["VIP", "berlin"]


def test_skip_mode_leaves_matching_contacts_untouched(owner):
    existing = ContactFactory(
        organization=owner.organization, first_name="Annie", emails=["ann@example.com"]
    )

    job = import_through(owner, PEOPLE, dedupe_mode="skip")

    existing.refresh_from_db()
    assert (job.created_count, job.updated_count, job.skipped_count) == (1, 0, 1)
    assert existing.first_name == "Annie"
    assert not existing.tags.exists()


def test_rows_match_by_phone_in_any_notation(owner):
    existing = ContactFactory(organization=owner.organization, emails=[], phones=["+79161234567"])

    job = import_through(owner, "Name,Phone\nIvan Petrov,+7 (916) 123-45-67\n")

    assert (job.created_count, job.updated_count) == (0, 1)
    existing.refresh_from_db()
    assert (existing.first_name, existing.last_name) == ("Ivan", "Petrov")


@pytest.mark.parametrize("cell", ["@Ann_Lee", "https://t.me/ann_lee", "ANN_LEE"])
def test_rows_match_by_telegram_username(owner, cell):
    ContactFactory(organization=owner.organization, emails=[], telegram_username="ann_lee")

    job = import_through(owner, f"Telegram,Title\n{cell},CTO\n")

    assert (job.created_count, job.updated_count) == (0, 1)
    assert Contact.objects.get().title == "CTO"


def test_rows_match_by_telegram_user_id(owner):
    ContactFactory(organization=owner.organization, emails=[], telegram_user_id=777000111)

    job = import_through(owner, "Telegram ID,Email\n777000111,new@example.com\n")

    assert (job.created_count, job.updated_count) == (0, 1)
    assert Contact.objects.get().emails == ["new@example.com"]


def test_contacts_of_another_organization_are_never_matched(owner, make_member):
    other = make_member("owner")
    ContactFactory(organization=other.organization, emails=["ann@example.com"])

    job = import_through(owner, PEOPLE)

    assert job.created_count == 2
    assert Contact.objects.filter(organization=other.organization).count() == 1


def test_duplicates_within_the_file_are_merged_into_one_contact(owner):
    content = (
        "Email,Phone,Tags,Title\n"
        "ann@example.com,,a,\n"
        "bob@example.com,,,\n"
        "ANN@example.com,+49 30 1234567,b,CTO\n"
    )

    job = import_through(owner, content)

    assert (job.created_count, job.updated_count) == (2, 1)
    ann = Contact.objects.get(emails__contains=["ann@example.com"])
    assert ann.phones == ["+49301234567"]
    assert ann.title == "CTO"
    assert sorted(ann.tags.values_list("name", flat=True)) == ["a", "b"]


def test_in_file_duplicates_merge_across_chunks_the_same_way(owner):
    rows = "".join(f"person{i}@example.com,Title {i}\n" for i in range(7))
    content = "Email,Title\n" + rows + "person1@example.com,Boss\n"

    job = import_through(owner, content, chunk_size=3)

    assert (job.created_count, job.updated_count, job.processed_rows) == (7, 1, 8)
    assert Contact.objects.count() == 7
    assert Contact.objects.get(emails__contains=["person1@example.com"]).title == "Boss"


def test_in_file_duplicates_in_skip_mode_keep_the_first_row(owner):
    content = "Email,Title\nann@example.com,First\nann@example.com,Second\n"

    job = import_through(owner, content, dedupe_mode="skip")

    assert (job.created_count, job.skipped_count) == (1, 1)
    assert Contact.objects.get().title == "First"


def test_company_column_links_the_company_creating_it_once(owner):
    content = "Email,Company,Role\nann@example.com,Acme GmbH,CTO\nbob@example.com,ACME GMBH,Sales\n"

    import_through(owner, content)
    import_through(owner, content)

    links = ContactCompany.objects.select_related("company", "contact").order_by("role")
    assert [(link.company.name, link.role) for link in links] == [
        ("Acme GmbH", "CTO"),
        ("Acme GmbH", "Sales"),
    ]
    assert all(link.is_primary for link in links)


def test_telegram_username_held_by_another_contact_is_not_stolen(owner):
    by_id = ContactFactory(organization=owner.organization, emails=[], telegram_user_id=42)
    by_name = ContactFactory(
        organization=owner.organization, emails=[], telegram_username="ann_lee"
    )

    job = import_through(owner, "Telegram ID,Telegram,Title\n42,ann_lee,CTO\n")

    by_id.refresh_from_db()
    by_name.refresh_from_db()
    assert (job.updated_count, job.failed_count) == (1, 0)
    assert (by_id.title, by_id.telegram_username) == ("CTO", "")
    assert by_name.telegram_username == "ann_lee"
