import pytest

from crm.tests.factories import CompanyFactory, ContactCompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _signed_in(client, make_member, role="bidi"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_linking_a_company_by_name_adds_it_with_the_role(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization)
    company = CompanyFactory(organization=member.organization, name="Acme GmbH")

    response = client.post(
        f"/contacts/{contact.pk}/companies/add/",
        {"company": "Acme GmbH", "role": "Advisor"},
        **HTMX,
    )

    link = contact.company_links.get()
    assert (link.company, link.role) == (company, "Advisor")
    assert "Advisor" in response.content.decode()


def test_linking_an_unknown_company_says_so_next_to_the_field(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization)

    html = client.post(
        f"/contacts/{contact.pk}/companies/add/", {"company": "Nowhere Inc"}, **HTMX
    ).content.decode()

    assert "No company has this name. Create it first." in html
    assert not contact.company_links.exists()


def test_another_organizations_company_cannot_be_linked(make_member, client):
    member = _signed_in(client, make_member)
    contact = ContactFactory(organization=member.organization)
    CompanyFactory(name="Foreign Corp")

    client.post(f"/contacts/{contact.pk}/companies/add/", {"company": "Foreign Corp"}, **HTMX)

    assert not contact.company_links.exists()


def test_removing_a_company_link(make_member, client):
    member = _signed_in(client, make_member)
    link = ContactCompanyFactory(organization=member.organization)

    response = client.post(
        f"/contacts/{link.contact_id}/companies/{link.company_id}/remove/", **HTMX
    )

    assert response.status_code == 200
    assert not link.contact.company_links.exists()


def test_viewer_cannot_change_company_links(make_member, client):
    member = _signed_in(client, make_member, "viewer")
    link = ContactCompanyFactory(organization=member.organization)

    response = client.post(f"/contacts/{link.contact_id}/companies/{link.company_id}/remove/")

    assert response.status_code == 403
    assert link.contact.company_links.exists()
