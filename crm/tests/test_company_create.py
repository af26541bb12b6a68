import pytest

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from crm.services import companies as company_services


def create(member, **data):
    return company_services.company_create(
        organization=member.organization, actor=member.user, data=data
    )


def test_domain_is_taken_from_the_website_when_not_given(make_member):
    owner = make_member("owner")

    company = create(owner, name="Acme", website="www.Acme.com/about")

    assert company.website == "https://www.Acme.com/about"
    assert company.domain == "acme.com"


def test_domain_is_stored_bare_and_lower_case(make_member):
    owner = make_member("owner")

    company = create(owner, name="Acme", domain="https://WWW.ACME.io/")

    assert company.domain == "acme.io"


def test_a_name_is_required(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        create(owner, domain="acme.com")

    assert excinfo.value.fields == {"name": ["Give the company a name."]}


def test_bad_country_size_and_website_are_field_errors(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        create(owner, name="Acme", country="XX", size="huge", website="not a url")

    assert set(excinfo.value.fields) == {"country", "size", "website"}


def test_company_created_event_carries_the_company(make_member):
    owner = make_member("owner")

    company = create(owner, name="Acme", country="de", tags=["Partner"])

    payload = Event.objects.get(name="company.created").payload["company"]
    assert payload["id"] == company.pk
    assert (payload["name"], payload["country"], payload["tags"]) == ("Acme", "DE", ["Partner"])


def test_viewer_cannot_create_companies(make_member):
    viewer = make_member("viewer")

    with pytest.raises(PermissionDenied):
        create(viewer, name="Acme")
