import pytest

from crm.tests.factories import CompanyFactory, ContactCompanyFactory, TagFactory

pytestmark = pytest.mark.django_db
URL = "/companies/"


def _signed_in(client, make_member, role="owner"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_company_list_shows_only_the_organizations_companies(make_member, client):
    member = _signed_in(client, make_member)
    CompanyFactory(organization=member.organization, name="Acme GmbH")
    CompanyFactory(name="Foreign Corp")

    html = client.get(URL).content.decode()

    assert "Acme GmbH" in html
    assert "Foreign Corp" not in html


def test_search_finds_a_company_by_name(make_member, client):
    member = _signed_in(client, make_member)
    CompanyFactory(organization=member.organization, name="Northwind Capital")
    CompanyFactory(organization=member.organization, name="Helix Robotics")

    html = client.get(URL, {"q": "northwind"}).content.decode()

    assert "Northwind Capital" in html
    assert "Helix Robotics" not in html


def test_owner_filter_keeps_unassigned_companies(make_member, client):
    member = _signed_in(client, make_member)
    CompanyFactory(organization=member.organization, name="Unowned")
    CompanyFactory(organization=member.organization, name="Owned", owner=member.user)

    html = client.get(URL, {"owner": "none"}).content.decode()

    assert "Unowned" in html
    assert ">Owned<" not in html


def test_bulk_tag_on_companies(make_member, client):
    member = _signed_in(client, make_member, "bidi")
    company = CompanyFactory(organization=member.organization)

    client.post("/companies/bulk/", {"action": "tag", "tag": "partner", "ids": [company.pk]})

    assert list(company.tags.values_list("name", flat=True)) == ["partner"]


def test_company_list_renders_in_a_bounded_number_of_queries(
    make_member, client, django_assert_max_num_queries
):
    member = _signed_in(client, make_member)
    tags = TagFactory.create_batch(2, organization=member.organization)
    for company in CompanyFactory.create_batch(20, organization=member.organization):
        company.tags.add(*tags)
        ContactCompanyFactory(organization=member.organization, company=company)

    with django_assert_max_num_queries(20):
        response = client.get(URL)

    assert response.content.decode().count('name="ids"') == 20
