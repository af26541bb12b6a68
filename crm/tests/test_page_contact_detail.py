import pytest

from crm.tests.factories import (
    ContactCompanyFactory,
    ContactFactory,
    CustomFieldDefinitionFactory,
    NoteFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def _signed_in(client, make_member, role="owner"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_contact_page_shows_fields_companies_and_timeline(make_member, client):
    member = _signed_in(client, make_member)
    link = ContactCompanyFactory(
        organization=member.organization,
        contact__first_name="Anna",
        contact__emails=["anna@acme.io"],
        company__name="Acme GmbH",
        role="CTO",
    )
    NoteFactory(organization=member.organization, contact=link.contact, body="Met in Berlin")

    html = client.get(f"/contacts/{link.contact_id}/").content.decode()

    assert "anna@acme.io" in html
    assert "Acme GmbH" in html
    assert "CTO" in html
    assert "Met in Berlin" in html


def test_another_organizations_contact_is_not_found(make_member, client):
    _signed_in(client, make_member)
    foreign = ContactFactory()

    assert client.get(f"/contacts/{foreign.pk}/").status_code == 404
    assert client.get(f"/contacts/{foreign.pk}/field/?field=title").status_code == 404


def test_viewer_sees_the_contact_without_edit_controls(make_member, client):
    member = _signed_in(client, make_member, "viewer")
    contact = ContactFactory(organization=member.organization)

    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert contact.emails[0] in html
    assert "/field/?field=" not in html
    assert 'name="body"' not in html
    assert "/delete/" not in html
    assert "/companies/add/" not in html


def test_business_developer_is_not_offered_delete(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    contact = ContactFactory(organization=member.organization)

    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert "/field/?field=title" in html
    assert f"/contacts/{contact.pk}/delete/" not in html


def test_contact_page_renders_in_a_bounded_number_of_queries(
    make_member, client, django_assert_max_num_queries
):
    member = _signed_in(client, make_member)
    organization = member.organization
    contact = ContactFactory(organization=organization)
    contact.tags.add(*TagFactory.create_batch(3, organization=organization))
    for _ in range(4):
        ContactCompanyFactory(organization=organization, contact=contact)
    NoteFactory.create_batch(5, organization=organization, contact=contact, author=member.user)
    CustomFieldDefinitionFactory.create_batch(3, organization=organization)

    with django_assert_max_num_queries(20):
        response = client.get(f"/contacts/{contact.pk}/")

    assert response.status_code == 200


def test_admin_deletes_a_contact_after_confirming(make_member, client):
    member = _signed_in(client, make_member, "admin")
    contact = ContactFactory(organization=member.organization, first_name="Gone")

    confirm = client.get(f"/contacts/{contact.pk}/delete/")
    response = client.post(f"/contacts/{contact.pk}/delete/")

    assert "Delete Gone" in confirm.content.decode()
    assert response["Location"] == "/contacts/"
    assert not type(contact).objects.filter(pk=contact.pk).exists()
