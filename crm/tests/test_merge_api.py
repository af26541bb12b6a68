"""``POST /api/v1/merges/``: merge two contacts or two companies."""

import pytest

from crm.models import Company, Contact
from crm.tests.factories import CompanyFactory, ContactFactory


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def test_two_contacts_are_merged(owner, jwt_client):
    primary = ContactFactory(organization=owner.organization)
    duplicate = ContactFactory(organization=owner.organization)

    response = jwt_client(owner.user).post(
        "/api/v1/merges/",
        {"entity": "contact", "primary": primary.pk, "duplicate": duplicate.pk},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {"entity": "contact", "id": primary.pk, "merged_id": duplicate.pk}
    assert not Contact.objects.filter(pk=duplicate.pk).exists()


def test_two_companies_are_merged(owner, jwt_client):
    primary = CompanyFactory(organization=owner.organization)
    duplicate = CompanyFactory(organization=owner.organization)

    response = jwt_client(owner.user).post(
        "/api/v1/merges/",
        {"entity": "company", "primary": primary.pk, "duplicate": duplicate.pk},
        format="json",
    )

    assert response.status_code == 200
    assert not Company.objects.filter(pk=duplicate.pk).exists()


def test_missing_fields_are_a_400_with_field_errors(owner, jwt_client):
    response = jwt_client(owner.user).post("/api/v1/merges/", {"entity": "deal"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"entity", "primary", "duplicate"}


def test_merging_a_record_with_itself_is_a_400(owner, jwt_client):
    contact = ContactFactory(organization=owner.organization)

    response = jwt_client(owner.user).post(
        "/api/v1/merges/",
        {"entity": "contact", "primary": contact.pk, "duplicate": contact.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "duplicate" in response.json()["error"]["fields"]


def test_a_viewer_gets_403(make_member, owner, jwt_client):
    viewer = make_member("viewer", organization=owner.organization)
    primary, duplicate = ContactFactory.create_batch(2, organization=owner.organization)

    response = jwt_client(viewer.user).post(
        "/api/v1/merges/",
        {"entity": "contact", "primary": primary.pk, "duplicate": duplicate.pk},
        format="json",
    )

    assert response.status_code == 403
    assert Contact.objects.filter(pk=duplicate.pk).exists()


def test_a_read_only_api_key_gets_403(owner, api_key_client):
    primary, duplicate = ContactFactory.create_batch(2, organization=owner.organization)

    response = api_key_client(owner, scopes=("read",)).post(
        "/api/v1/merges/",
        {"entity": "contact", "primary": primary.pk, "duplicate": duplicate.pk},
        format="json",
    )

    assert response.status_code == 403


def test_a_contact_of_another_organization_is_a_404(owner, jwt_client):
    primary = ContactFactory(organization=owner.organization)
    stranger = ContactFactory()

    response = jwt_client(owner.user).post(
        "/api/v1/merges/",
        {"entity": "contact", "primary": primary.pk, "duplicate": stranger.pk},
        format="json",
    )

    assert response.status_code == 404
    assert Contact.objects.filter(pk=stranger.pk).exists()
