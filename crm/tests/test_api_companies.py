import pytest

from crm.models import Company
from crm.tests.factories import CompanyFactory, TagFactory

COMPANIES = "/api/v1/companies/"


@pytest.mark.parametrize("rows", [3, 30])
def test_listing_takes_the_same_queries_however_many_companies(
    make_member, jwt_client, django_assert_max_num_queries, rows
):
    owner = make_member("owner")
    tag = TagFactory(organization=owner.organization)
    for company in CompanyFactory.create_batch(rows, organization=owner.organization):
        company.tags.add(tag)
    client = jwt_client(owner.user)

    with django_assert_max_num_queries(5):
        response = client.get(COMPANIES)

    assert len(response.json()["results"]) == rows


def test_create_derives_the_domain(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).post(
        COMPANIES, {"name": "Acme", "website": "https://www.acme.io/"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["domain"] == "acme.io"


def test_create_without_name_is_a_400(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).post(COMPANIES, {"domain": "acme.io"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]


def test_list_sorted_by_name_with_tag_filter(make_member, jwt_client):
    owner = make_member("owner")
    tag = TagFactory(organization=owner.organization, name="Partner")
    for name in ("beta", "Alpha", "Gamma"):
        company = CompanyFactory(organization=owner.organization, name=name)
        if name != "Gamma":
            company.tags.add(tag)

    response = jwt_client(owner.user).get(COMPANIES, {"sort": "name", "tag": "partner"})

    assert [row["name"] for row in response.json()["results"]] == ["Alpha", "beta"]


def test_patch_and_delete(make_member, jwt_client):
    admin = make_member("admin")
    company = CompanyFactory(organization=admin.organization)
    client = jwt_client(admin.user)

    patched = client.patch(f"{COMPANIES}{company.pk}/", {"industry": "Fintech"}, format="json")
    deleted = client.delete(f"{COMPANIES}{company.pk}/")

    assert patched.json()["industry"] == "Fintech"
    assert deleted.status_code == 204
    assert not Company.objects.exists()


def test_company_of_another_organization_is_404(make_member, jwt_client):
    owner = make_member("owner")

    assert jwt_client(owner.user).get(f"{COMPANIES}{CompanyFactory().pk}/").status_code == 404
