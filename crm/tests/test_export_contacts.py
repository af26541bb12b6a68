"""Exporting the contact list as CSV: the rows the list shows, streamed, with the columns the
importer reads back."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from crm.models import CustomFieldDefinition
from crm.tests.factories import (
    CompanyFactory,
    ContactCompanyFactory,
    ContactFactory,
    CustomFieldDefinitionFactory,
    TagFactory,
)
from crm.tests.import_files import import_through

URL = reverse("crm:contacts_export")


@pytest.fixture
def member(make_member, client):
    member = make_member("bidi")
    client.force_login(member.user)
    return member


def rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_streams_the_filtered_contacts_with_their_details(member, client):
    organization = member.organization
    vip = TagFactory(organization=organization, name="vip")
    ann = ContactFactory(
        organization=organization,
        first_name="Ann",
        last_name="Lee",
        emails=["ann@example.com", "ann@home.example"],
        phones=["+49301234567"],
        telegram_username="ann_lee",
        title="CTO",
        owner=member.user,
        source="Conference",
    )
    ann.tags.add(vip)
    ContactCompanyFactory(
        organization=organization,
        contact=ann,
        company=CompanyFactory(organization=organization, name="Acme"),
        role="CTO",
        is_primary=True,
    )
    ContactFactory(organization=organization, first_name="Bob")

    response = client.get(URL, {"tag": "vip"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-')
    [row] = rows(response)
    assert row["ID"] == str(ann.pk)
    assert (row["First name"], row["Last name"], row["Job title"]) == ("Ann", "Lee", "CTO")
    assert row["Email"] == "ann@example.com;ann@home.example"
    assert (row["Phone"], row["Telegram"]) == ("+49301234567", "@ann_lee")
    assert (row["Company"], row["Role"]) == ("Acme", "CTO")
    assert (row["Owner"], row["Source"], row["Tags"]) == (member.user.email, "Conference", "vip")


def test_export_holds_only_the_organizations_contacts(member, client, make_member):
    ContactFactory(organization=member.organization, first_name="Mine")
    ContactFactory(organization=make_member("owner").organization, first_name="Theirs")

    assert [row["First name"] for row in rows(client.get(URL))] == ["Mine"]


def test_ticked_rows_narrow_the_export(member, client):
    first, second, _third = ContactFactory.create_batch(3, organization=member.organization)

    exported = rows(client.get(URL, {"ids": [first.pk, second.pk]}))

    assert sorted(int(row["ID"]) for row in exported) == sorted([first.pk, second.pk])


def test_custom_fields_are_columns_named_by_their_label(member, client):
    CustomFieldDefinitionFactory(
        organization=member.organization,
        key="stage",
        label="Stage",
        field_type=CustomFieldDefinition.FieldType.MULTI_SELECT,
        options=["Lead", "Client"],
    )
    ContactFactory(organization=member.organization, custom_fields={"stage": ["Client", "Lead"]})

    assert rows(client.get(URL))[0]["Stage"] == "Client;Lead"


def test_browser_downloads_start_with_a_bom_for_excel_unless_asked_not_to(member, client):
    ContactFactory(organization=member.organization)

    with_bom = b"".join(client.get(URL).streaming_content)
    without = b"".join(client.get(URL, {"bom": "0"}).streaming_content)

    assert with_bom.startswith(b"\xef\xbb\xbfID,")
    assert without.startswith(b"ID,")


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(member, client):
    ContactFactory(
        organization=member.organization,
        first_name="=HYPERLINK(1)",
        last_name="@SUM(1+1)",
        title="+cmd|x",
        source="-2+3",
    )

    [row] = rows(client.get(URL))

    assert (row["First name"], row["Last name"]) == ("'=HYPERLINK(1)", "'@SUM(1+1)")
    assert (row["Job title"], row["Source"]) == ("'+cmd|x", "'-2+3")


def test_an_exported_file_imports_back_onto_the_same_contacts(member, client):
    content = "Name,Email,Phone,Company,Tags\nAnn Lee,ann@example.com,+49 30 1234567,Acme,vip\n"
    import_through(member, content)

    exported = b"".join(client.get(URL).streaming_content)
    again = import_through(member, exported)

    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 1)
    assert again.failed_count == 0


def test_export_is_recorded_in_the_audit_log(member, client):
    b"".join(client.get(URL, {"source": "Web"}).streaming_content)

    entry = AuditEntry.objects.get(action="crm.exported")
    assert entry.metadata["filters"] == {"source": "Web"}
    assert entry.actor == member.user


def test_invalid_filters_send_back_to_the_list_with_the_reason(member, client):
    response = client.get(URL, {"created_after": "yesterday"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("crm:contact_list"))


def test_export_queries_do_not_grow_with_the_rows(member, client, django_assert_max_num_queries):
    for contact in ContactFactory.create_batch(30, organization=member.organization):
        contact.tags.add(TagFactory(organization=member.organization))

    with django_assert_max_num_queries(20):
        assert len(rows(client.get(URL))) == 30


def test_viewer_cannot_export(make_member, client):
    viewer = make_member("viewer")
    client.force_login(viewer.user)

    assert client.get(URL).status_code == 403
