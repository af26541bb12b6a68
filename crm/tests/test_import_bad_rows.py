"""Rows that cannot be imported fail one by one, each with its line number and a reason a person
can act on, while the valid rows of the same file still import."""

import pytest

from accounts.errors import ValidationError
from crm.models import Contact, CustomFieldDefinition, ImportRowError
from crm.services import imports
from crm.tests.factories import CustomFieldDefinitionFactory
from crm.tests.import_files import csv_upload, import_through


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def failures(job) -> list[tuple[int, str]]:
    return list(job.row_errors.order_by("line").values_list("line", "reason"))


def test_invalid_email_fails_its_row_and_the_others_import(owner):
    content = "Name,Email\nAnn Lee,ann@example.com\nBad Row,not-an-email\nBob,bob@example.com\n"

    job = import_through(owner, content)

    assert (job.created_count, job.failed_count, job.processed_rows) == (2, 1, 3)
    assert failures(job) == [(3, "Email: “not-an-email” is not a valid email address.")]
    assert Contact.objects.count() == 2


def test_invalid_phone_fails_its_row_with_the_reason(owner):
    job = import_through(owner, "Name,Phone\nAnn,+49 30 1234567\nBob,12\n")

    [(line, reason)] = failures(job)
    assert line == 3
    assert reason.startswith("Phone: “12”: ")
    assert "country code" in reason


def test_row_with_malformed_quotes_fails_and_reading_goes_on(owner):
    content = (
        'Name,Email\nAnn,ann@example.com\n"Bob "the boss",bob@example.com\nCid,cid@example.com\n'
    )

    job = import_through(owner, content)

    assert failures(job) == [(3, "Malformed quotes: text follows a closing quote on this line.")]
    assert job.created_count == 2


def test_unclosed_quote_costs_one_row_not_the_rest_of_the_file(owner):
    content = 'Name,Email\n"Ann,ann@example.com\nBob,bob@example.com\nCid,cid@example.com\n'

    job = import_through(owner, content)

    assert failures(job) == [
        (2, "A quote is opened and never closed on this line (malformed quotes).")
    ]
    assert sorted(Contact.objects.values_list("first_name", flat=True)) == ["Bob", "Cid"]


def test_quoted_line_breaks_inside_a_cell_are_kept(owner):
    content = (
        'Name,Title,Email\n"Ann Lee","Head of\nSales",ann@example.com\nBob,CTO,bob@example.com\n'
    )

    job = import_through(owner, content)

    assert job.failed_count == 0
    assert Contact.objects.get(first_name="Ann").title == "Head of\nSales"


def test_row_without_name_email_phone_or_telegram_fails(owner):
    job = import_through(owner, "Name,Email,Title\n,,Lonely title\nAnn,,\n")

    assert failures(job) == [(2, "This row has no name, email, phone or Telegram username.")]


def test_owner_email_must_belong_to_a_member(owner):
    content = (
        f"Email,Owner\nann@example.com,{owner.user.email}\nbob@example.com,nobody@example.com\n"
    )

    job = import_through(owner, content)

    assert Contact.objects.get(emails=["ann@example.com"]).owner == owner.user
    assert failures(job) == [
        (3, "Owner: No member of this organization has the email “nobody@example.com”.")
    ]


def test_custom_field_values_are_validated_like_every_other_write(owner):
    CustomFieldDefinitionFactory(
        organization=owner.organization,
        key="budget",
        label="Budget",
        field_type=CustomFieldDefinition.FieldType.NUMBER,
    )

    job = import_through(owner, 'Email,Budget\nann@example.com,"12000,50"\nbob@example.com,lots\n')

    assert failures(job) == [(3, "Budget: Enter a number.")]
    ann = Contact.objects.get()
    assert ann.custom_fields == {"budget": 12000.5}


def test_new_contact_without_a_required_custom_field_fails(owner):
    CustomFieldDefinitionFactory(
        organization=owner.organization, key="segment", label="Segment", required=True
    )

    job = import_through(owner, "Email,Segment\nann@example.com,Enterprise\nbob@example.com,\n")

    assert failures(job) == [(3, "Required custom fields are empty: Segment.")]


def test_failed_rows_keep_their_cells_for_the_report(owner):
    job = import_through(owner, "Name,Email\nBad Row,nope@\n")

    assert ImportRowError.objects.get(job=job).row == {"Name": "Bad Row", "Email": "nope@"}


def test_mapping_without_any_identifying_column_is_refused(owner):
    job = csv_upload(owner, "Job title,Notes\nCTO,x\n")

    with pytest.raises(ValidationError, match="a name, email, phone or Telegram"):
        imports.import_start(job=job, actor=owner.user)
    job.refresh_from_db()
    assert job.status == "uploaded"


def test_company_import_needs_a_name_column(owner):
    job = csv_upload(owner, "Website,Industry\nacme.com,Retail\n", entity="company")

    with pytest.raises(ValidationError, match="Map a column to Company name"):
        imports.import_configure(job=job, actor=owner.user, mapping={"Website": "website"})


def test_two_columns_cannot_feed_one_single_field(owner):
    job = csv_upload(owner, "Given,First,Email\nA,B,a@example.com\n")

    with pytest.raises(ValidationError, match="both go to First name") as exc:
        imports.import_configure(
            job=job, actor=owner.user, mapping={"Given": "first_name", "First": "first_name"}
        )
    assert exc.value.fields["mapping"]


def test_unknown_columns_and_fields_in_a_mapping_are_named(owner):
    job = csv_upload(owner, "Email\na@example.com\n")

    with pytest.raises(ValidationError) as exc:
        imports.import_configure(
            job=job, actor=owner.user, mapping={"Email": "email", "Emial": "email"}
        )
    assert exc.value.fields["mapping"] == ["There is no column “Emial” in the file."]
    with pytest.raises(ValidationError, match=r"“cf\.nope” is not a field"):
        imports.import_configure(job=job, actor=owner.user, mapping={"Email": "cf.nope"})
