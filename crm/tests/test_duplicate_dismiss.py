"""'Not a duplicate': a pair someone says are different records leaves the duplicates list,
on the page and in the API, and can be brought back."""

import pytest

from crm.models import DuplicateDismissal
from crm.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def pair(owner):
    org = owner.organization
    older = ContactFactory(
        organization=org, first_name="Ann", last_name="Lee", emails=["a@acme.io"]
    )
    newer = ContactFactory(organization=org, first_name="Ann", last_name="Li", emails=["a@acme.io"])
    return older, newer


def test_dismissing_on_the_page_removes_the_row_and_the_pair(owner, client, pair):
    older, newer = pair
    client.force_login(owner.user)
    url = f"/crm/duplicates/contact/{older.pk}/{newer.pk}/dismiss/"
    assert url in client.get("/crm/duplicates/").content.decode()

    response = client.post(url, HTTP_HX_REQUEST="true")

    assert (response.status_code, response.content) == (200, b"")
    page = client.get("/crm/duplicates/").content.decode()
    assert url not in page
    assert "No duplicates here" in page


def test_without_javascript_the_list_reloads_with_a_message(owner, client, pair):
    older, newer = pair
    client.force_login(owner.user)

    response = client.post(f"/crm/duplicates/contact/{newer.pk}/{older.pk}/dismiss/", follow=True)

    assert "will not be paired again" in response.content.decode()
    assert DuplicateDismissal.objects.get().low_id == older.pk


def test_a_viewer_cannot_dismiss(make_member, owner, client, pair):
    older, newer = pair
    viewer = make_member("viewer", organization=owner.organization)
    client.force_login(viewer.user)

    response = client.post(f"/crm/duplicates/contact/{older.pk}/{newer.pk}/dismiss/")

    assert response.status_code == 403
    assert not DuplicateDismissal.objects.exists()


def test_a_record_of_another_organization_is_not_found(owner, make_member, client, pair):
    older, _ = pair
    stranger = ContactFactory(organization=make_member("owner").organization)
    client.force_login(owner.user)

    response = client.post(f"/crm/duplicates/contact/{older.pk}/{stranger.pk}/dismiss/")

    assert response.status_code == 404
    assert not DuplicateDismissal.objects.exists()


def test_the_api_dismisses_lists_and_brings_a_pair_back(owner, jwt_client, pair):
    older, newer = pair
    api = jwt_client(owner.user, owner.organization)

    created = api.post(
        "/api/v1/duplicates/dismissals/",
        {"entity": "contact", "first": newer.pk, "second": older.pk},
        format="json",
    )
    hidden = api.get("/api/v1/duplicates/contacts/").json()["results"]
    listed = api.get("/api/v1/duplicates/dismissals/").json()["results"]
    api.delete(f"/api/v1/duplicates/dismissals/{created.json()['id']}/")
    back = api.get("/api/v1/duplicates/contacts/").json()["results"]

    assert created.status_code == 201
    assert (created.json()["low_id"], created.json()["high_id"]) == (older.pk, newer.pk)
    assert hidden == []
    assert [d["id"] for d in listed] == [created.json()["id"]]
    assert [(p["older"]["id"], p["newer"]["id"]) for p in back] == [(older.pk, newer.pk)]


def test_the_same_record_twice_is_a_field_error(owner, jwt_client, pair):
    older, _ = pair
    api = jwt_client(owner.user, owner.organization)

    response = api.post(
        "/api/v1/duplicates/dismissals/",
        {"entity": "contact", "first": older.pk, "second": older.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "second" in response.json()["error"]["fields"]


def test_company_pairs_are_dismissed_too(owner, jwt_client):
    org = owner.organization
    first = CompanyFactory(organization=org, name="Acme", domain="acme.io")
    second = CompanyFactory(organization=org, name="Acme GmbH", domain="acme.io")
    api = jwt_client(owner.user, owner.organization)
    assert len(api.get("/api/v1/duplicates/companies/").json()["results"]) == 1

    api.post(
        "/api/v1/duplicates/dismissals/",
        {"entity": "company", "first": first.pk, "second": second.pk},
        format="json",
    )

    assert api.get("/api/v1/duplicates/companies/").json()["results"] == []
