import pytest

from crm.models import Company, Contact
from crm.tests.factories import CompanyFactory, CustomFieldDefinitionFactory

pytestmark = pytest.mark.django_db
URL = "/contacts/new/"


def _signed_in(client, make_member, role="bidi"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_creating_a_contact_normalises_and_opens_it(make_member, client):
    member = _signed_in(client, make_member)

    response = client.post(
        URL,
        {
            "first_name": "Anna",
            "last_name": "Schmidt",
            "emails": "Anna@Acme.io\nanna@example.com",
            "phones": "+49 30 1234567",
            "telegram_username": "@Anna_Schmidt",
            "tags": "investor, warm",
        },
    )

    contact = Contact.objects.get(organization=member.organization)
    assert response["Location"] == f"/contacts/{contact.pk}/"
    assert contact.emails == ["anna@acme.io", "anna@example.com"]
    assert contact.phones == ["+49301234567"]
    assert contact.telegram_username == "anna_schmidt"
    assert sorted(contact.tags.values_list("name", flat=True)) == ["investor", "warm"]


def test_each_invalid_field_gets_its_message_next_to_it(make_member, client):
    _signed_in(client, make_member)

    html = client.post(
        URL, {"first_name": "Anna", "emails": "not-an-email", "phones": "12"}
    ).content.decode()

    assert 'id="id_emails_error"' in html
    assert "“not-an-email” is not a valid email address." in html
    assert 'id="id_phones_error"' in html
    assert "e.g. +49 30 123456" in html
    assert not Contact.objects.exists()


def test_a_contact_needs_a_name_or_a_way_to_reach_them(make_member, client):
    _signed_in(client, make_member)

    html = client.post(URL, {"title": "CEO"}).content.decode()

    assert "Give the contact a name, an email, a phone or @username." in html
    assert not Contact.objects.exists()


def test_a_new_company_name_creates_the_company_and_links_it(make_member, client):
    member = _signed_in(client, make_member)

    client.post(URL, {"first_name": "Anna", "company": "Acme GmbH", "company_role": "CTO"})

    contact = Contact.objects.get(organization=member.organization)
    link = contact.company_links.get()
    assert link.company.name == "Acme GmbH"
    assert link.company.organization == member.organization
    assert link.role == "CTO"


def test_an_existing_company_name_links_that_company(make_member, client):
    member = _signed_in(client, make_member)
    company = CompanyFactory(organization=member.organization, name="Acme GmbH")

    client.post(URL, {"first_name": "Anna", "company": "acme gmbh"})

    assert Company.objects.filter(organization=member.organization).count() == 1
    assert Contact.objects.get().company_links.get().company == company


def test_a_required_custom_field_must_be_filled(make_member, client):
    member = _signed_in(client, make_member)
    CustomFieldDefinitionFactory(
        organization=member.organization, key="source_event", label="Event", required=True
    )

    html = client.post(URL, {"first_name": "Anna"}).content.decode()

    assert 'id="id_cf_source_event_error"' in html
    assert not Contact.objects.exists()


def test_viewer_cannot_open_or_post_the_form(make_member, client):
    _signed_in(client, make_member, "viewer")

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"first_name": "Anna"}).status_code == 403
    assert not Contact.objects.exists()
