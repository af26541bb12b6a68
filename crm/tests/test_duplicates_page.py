"""The Duplicates page and the merge screen."""

import pytest

from crm.models import Company, Contact
from crm.tests.factories import CompanyFactory, ContactFactory


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def client_of(client):
    def sign_in(member):
        client.force_login(member.user)
        return client

    return sign_in


@pytest.fixture
def pair(owner):
    org = owner.organization
    older = ContactFactory(organization=org, first_name="Ann", last_name="Lee", title="")
    newer = ContactFactory(organization=org, first_name="Anne", last_name="Lee", title="CTO")
    older.emails = newer.emails = ["ann@acme.io"]
    older.save()
    newer.save()
    return older, newer


def test_the_page_lists_pairs_with_their_reason_and_a_merge_link(owner, client_of, pair):
    older, newer = pair

    response = client_of(owner).get("/crm/duplicates/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Same email" in body and "ann@acme.io" in body
    assert f"/crm/duplicates/contacts/{older.pk}/{newer.pk}/" in body


def test_a_viewer_sees_the_pairs_but_no_merge_link(make_member, owner, client_of, pair):
    viewer = make_member("viewer", organization=owner.organization)

    body = client_of(viewer).get("/crm/duplicates/").content.decode()

    assert "Same email" in body
    assert "/crm/duplicates/contacts/" not in body


def test_the_companies_tab_lists_company_pairs(owner, client_of):
    for name in ("Acme", "Acme Holding"):
        CompanyFactory(organization=owner.organization, name=name, domain="acme.io")

    body = client_of(owner).get("/crm/duplicates/?entity=company").content.decode()

    assert "Same domain" in body and "Acme Holding" in body


def test_no_pairs_shows_an_empty_state(owner, client_of):
    body = client_of(owner).get("/crm/duplicates/").content.decode()

    assert "No duplicates here" in body


def test_the_merge_screen_shows_both_side_by_side_with_differences(owner, client_of, pair):
    older, newer = pair

    response = client_of(owner).get(f"/crm/duplicates/contacts/{older.pk}/{newer.pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Ann Lee" in body and "Anne Lee" in body
    assert 'class="is-different"' in body
    assert f'value="{older.pk}" checked' in body


def test_confirming_merges_into_the_chosen_contact(owner, client_of, pair):
    older, newer = pair

    response = client_of(owner).post(
        f"/crm/duplicates/contacts/{older.pk}/{newer.pk}/", {"primary": newer.pk}
    )

    assert response.status_code == 302
    assert not Contact.objects.filter(pk=older.pk).exists()
    assert Contact.objects.get(pk=newer.pk).first_name == "Anne"


def test_merging_without_choosing_shows_the_error_on_the_page(owner, client_of, pair):
    older, newer = pair

    response = client_of(owner).post(f"/crm/duplicates/contacts/{older.pk}/{newer.pk}/", {})

    assert response.status_code == 400
    assert "Choose the record to keep." in response.content.decode()
    assert Contact.objects.filter(pk__in=[older.pk, newer.pk]).count() == 2


def test_companies_are_merged_from_their_screen(owner, client_of):
    acme = CompanyFactory(organization=owner.organization, name="Acme", domain="acme.io")
    dup = CompanyFactory(organization=owner.organization, name="Acme Inc", domain="acme.io")

    response = client_of(owner).post(
        f"/crm/duplicates/companies/{acme.pk}/{dup.pk}/", {"primary": acme.pk}
    )

    assert response.status_code == 302
    assert list(Company.objects.filter(organization=owner.organization)) == [acme]


def test_a_viewer_cannot_open_the_merge_screen(make_member, owner, client_of, pair):
    viewer = make_member("viewer", organization=owner.organization)
    older, newer = pair

    response = client_of(viewer).get(f"/crm/duplicates/contacts/{older.pk}/{newer.pk}/")

    assert response.status_code == 403


def test_a_contact_of_another_organization_is_not_found(owner, client_of, pair):
    older, _ = pair
    stranger = ContactFactory(emails=["ann@acme.io"])

    response = client_of(owner).post(
        f"/crm/duplicates/contacts/{older.pk}/{stranger.pk}/", {"primary": older.pk}
    )

    assert response.status_code == 404
    assert Contact.objects.filter(pk=stranger.pk).exists()
