"""``GET /api/v1/duplicates/contacts/`` and ``/companies/``."""

import pytest

from crm.tests.factories import CompanyFactory, ContactFactory


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def test_contact_pairs_are_listed_with_reasons(owner, jwt_client):
    older = ContactFactory(organization=owner.organization, emails=["ann@acme.io"])
    newer = ContactFactory(organization=owner.organization, emails=["ann@acme.io"])

    response = jwt_client(owner.user).get("/api/v1/duplicates/contacts/")

    assert response.status_code == 200
    [pair] = response.json()["results"]
    assert (pair["older"]["id"], pair["newer"]["id"]) == (older.pk, newer.pk)
    assert pair["reasons"] == [{"code": "email", "label": "Same email", "value": "ann@acme.io"}]
    assert response.json()["next"] is None


def test_company_pairs_are_listed(owner, jwt_client):
    for name in ("Acme", "Globex"):
        CompanyFactory(organization=owner.organization, name=name, domain="acme.io")

    response = jwt_client(owner.user).get("/api/v1/duplicates/companies/")

    assert [r["code"] for r in response.json()["results"][0]["reasons"]] == ["domain"]


def test_a_viewer_may_list_duplicates(make_member, owner, jwt_client):
    viewer = make_member("viewer", organization=owner.organization)

    assert jwt_client(viewer.user).get("/api/v1/duplicates/contacts/").status_code == 200


def test_a_malformed_cursor_is_a_400(owner, jwt_client):
    response = jwt_client(owner.user).get("/api/v1/duplicates/contacts/?before=abc")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"before": ["Enter a record id."]}


def test_anonymous_callers_are_refused(client, db):
    assert client.get("/api/v1/duplicates/contacts/").status_code == 401
