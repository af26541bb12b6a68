import pytest

from accounts.errors import ValidationError
from automation.models import Event
from crm.services import companies as company_services
from crm.tests.factories import CompanyFactory, CustomFieldDefinitionFactory


def test_changed_fields_are_listed_in_the_event(make_member):
    owner = make_member("owner")
    company = CompanyFactory(organization=owner.organization, industry="")

    company_services.company_update(
        company=company, actor=owner.user, data={"industry": "Fintech", "tags": ["hot"]}
    )

    event = Event.objects.get(name="company.updated")
    assert event.payload["changed"] == ["industry", "tags"]
    assert event.payload["company"]["industry"] == "Fintech"


def test_company_custom_fields_use_company_definitions(make_member):
    owner = make_member("owner")
    CustomFieldDefinitionFactory(organization=owner.organization, key="tier")  # contacts only
    company = CompanyFactory(organization=owner.organization)

    with pytest.raises(ValidationError) as excinfo:
        company_services.company_update(
            company=company, actor=owner.user, data={"custom_fields": {"tier": "gold"}}
        )

    assert excinfo.value.fields == {"custom_fields.tier": ["Unknown custom field."]}


def test_blanking_the_name_is_refused(make_member):
    owner = make_member("owner")
    company = CompanyFactory(organization=owner.organization, name="Acme")

    with pytest.raises(ValidationError):
        company_services.company_update(company=company, actor=owner.user, data={"name": " "})

    company.refresh_from_db()
    assert company.name == "Acme"
