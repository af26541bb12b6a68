import pytest

from crm.models import Company, Note
from crm.tests.factories import CompanyFactory, ContactCompanyFactory, NoteFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _signed_in(client, make_member, role="owner"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_company_page_shows_its_people_with_roles_and_its_website(make_member, client):
    member = _signed_in(client, make_member)
    link = ContactCompanyFactory(
        organization=member.organization,
        company__name="Acme GmbH",
        company__domain="acme.io",
        contact__first_name="Anna",
        role="Founder",
    )
    NoteFactory(organization=member.organization, contact=None, company=link.company, body="Big")

    html = client.get(f"/companies/{link.company_id}/").content.decode()

    assert "Anna" in html
    assert "Founder" in html
    assert 'href="https://acme.io"' in html
    assert "Big" in html


def test_another_organizations_company_is_not_found(make_member, client):
    _signed_in(client, make_member)
    foreign = CompanyFactory()

    assert client.get(f"/companies/{foreign.pk}/").status_code == 404


def test_inline_edit_of_the_domain_normalises_it(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    company = CompanyFactory(organization=member.organization)

    client.post(
        f"/companies/{company.pk}/field/?field=domain",
        {"domain": "https://www.Acme.io/about"},
        **HTMX,
    )

    company.refresh_from_db()
    assert company.domain == "acme.io"


def test_inline_edit_shows_an_invalid_website_next_to_the_field(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    company = CompanyFactory(organization=member.organization)

    html = client.post(
        f"/companies/{company.pk}/field/?field=website", {"website": "not a url"}, **HTMX
    ).content.decode()

    assert 'id="id_website_error"' in html


def test_adding_a_note_to_a_company(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    company = CompanyFactory(organization=member.organization)

    html = client.post(
        f"/companies/{company.pk}/notes/", {"body": "Signed the *NDA*"}, **HTMX
    ).content.decode()

    assert "Signed the <em>NDA</em>" in html
    assert Note.objects.get().company == company


def test_viewer_sees_no_edit_controls_and_cannot_post(make_member, client):
    member = _signed_in(client, make_member, "viewer")
    company = CompanyFactory(organization=member.organization, name="Acme GmbH")

    html = client.get(f"/companies/{company.pk}/").content.decode()
    save = client.post(f"/companies/{company.pk}/field/?field=name", {"name": "Renamed"})

    assert "/field/?field=" not in html
    assert save.status_code == 403
    company.refresh_from_db()
    assert company.name == "Acme GmbH"


def test_admin_deletes_a_company(make_member, client):
    member = _signed_in(client, make_member, "admin")
    company = CompanyFactory(organization=member.organization)

    response = client.post(f"/companies/{company.pk}/delete/")

    assert response["Location"] == "/companies/"
    assert not Company.objects.filter(pk=company.pk).exists()


def test_company_page_renders_in_a_bounded_number_of_queries(
    make_member, client, django_assert_max_num_queries
):
    member = _signed_in(client, make_member)
    company = CompanyFactory(organization=member.organization)
    for _ in range(10):
        ContactCompanyFactory(organization=member.organization, company=company)
    NoteFactory.create_batch(3, organization=member.organization, contact=None, company=company)

    # 20: one is the "Deals" section pipelines registers (crm.detail_sections), one the top
    # bar's unread notification count.
    with django_assert_max_num_queries(20):
        response = client.get(f"/companies/{company.pk}/")

    assert response.status_code == 200
