import pytest

from crm.models import Company

pytestmark = pytest.mark.django_db
URL = "/companies/new/"


def _signed_in(client, make_member, role="bidi"):
    member = make_member(role)
    client.force_login(member.user)
    return member


def test_creating_a_company_opens_it(make_member, client):
    member = _signed_in(client, make_member)

    response = client.post(
        URL, {"name": "Acme GmbH", "domain": "www.acme.io", "country": "de", "tags": "partner"}
    )

    company = Company.objects.get(organization=member.organization)
    assert response["Location"] == f"/companies/{company.pk}/"
    assert (company.domain, company.country) == ("acme.io", "DE")
    assert list(company.tags.values_list("name", flat=True)) == ["partner"]


def test_a_company_needs_a_name(make_member, client):
    _signed_in(client, make_member)

    html = client.post(URL, {"name": "", "country": "Germany"}).content.decode()

    assert 'id="id_name_error"' in html
    assert "Use the two-letter country code, e.g. DE or US." in html
    assert not Company.objects.exists()


def test_viewer_cannot_create_a_company(make_member, client):
    _signed_in(client, make_member, "viewer")

    assert client.post(URL, {"name": "Acme"}).status_code == 403
    assert not Company.objects.exists()
