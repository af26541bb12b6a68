"""``/api/v1/exports/contacts.csv`` and ``companies.csv``: the list endpoints' filters, as CSV."""

import csv
import io

import pytest

from crm.tests.factories import CompanyFactory, ContactFactory, TagFactory


@pytest.fixture
def member(make_member):
    return make_member("bidi")


def rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_contacts_export_applies_the_list_filters(member, jwt_client):
    api = jwt_client(member.user, member.organization)
    ContactFactory(organization=member.organization, first_name="Ann", source="Web")
    ContactFactory(organization=member.organization, first_name="Bob", source="Referral")

    response = api.get("/api/v1/exports/contacts.csv", {"source": "web"})

    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:3] != b"\xef\xbb\xbf"  # no BOM unless asked
    assert [row["First name"] for row in rows(api.get("/api/v1/exports/contacts.csv"))] == [
        "Bob",
        "Ann",
    ]
    assert [r["First name"] for r in rows(api.get("/api/v1/exports/contacts.csv?source=web"))] == [
        "Ann"
    ]


def test_companies_export_has_the_company_columns(member, jwt_client):
    api = jwt_client(member.user, member.organization)
    acme = CompanyFactory(
        organization=member.organization, name="Acme", domain="acme.com", country="DE"
    )
    acme.tags.add(TagFactory(organization=member.organization, name="partner"))
    CompanyFactory(organization=member.organization, name="Other")

    exported = rows(api.get("/api/v1/exports/companies.csv", {"tag": "partner", "bom": "1"}))

    assert [(r["Name"], r["Domain"], r["Country"], r["Tags"]) for r in exported] == [
        ("Acme", "acme.com", "DE", "partner")
    ]


def test_bad_filters_are_a_400_with_field_errors(member, jwt_client):
    api = jwt_client(member.user, member.organization)

    response = api.get("/api/v1/exports/contacts.csv", {"sort": "sideways"})

    assert response.status_code == 400
    assert "sort" in response.json()["error"]["fields"]


def test_export_never_includes_another_organization(member, jwt_client, make_member):
    api = jwt_client(member.user, member.organization)
    ContactFactory(organization=make_member("owner").organization)

    assert rows(api.get("/api/v1/exports/contacts.csv")) == []


def test_read_only_api_key_cannot_export(make_member, api_key_client):
    owner = make_member("owner")

    response = api_key_client(owner, scopes=("read",)).get("/api/v1/exports/contacts.csv")

    assert response.status_code == 403


def test_viewer_cannot_export(make_member, jwt_client):
    viewer = make_member("viewer")

    response = jwt_client(viewer.user, viewer.organization).get("/api/v1/exports/companies.csv")

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "crm.export"
