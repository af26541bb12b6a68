import pytest

from accounts.errors import PermissionDenied
from automation.models import Event
from crm.models import Company, Contact
from crm.services import companies as company_services
from crm.tests.factories import CompanyFactory, ContactCompanyFactory


def test_deleting_a_company_keeps_its_contacts(make_member):
    owner = make_member("owner")
    link = ContactCompanyFactory(organization=owner.organization)

    company_services.company_delete(company=link.company, actor=owner.user)

    assert not Company.objects.exists()
    assert Contact.objects.filter(pk=link.contact_id).exists()
    assert Event.objects.filter(name="company.deleted").count() == 1


def test_business_developer_cannot_delete_a_company(make_member):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    company = CompanyFactory(organization=owner.organization)

    with pytest.raises(PermissionDenied):
        company_services.company_delete(company=company, actor=bidi.user)
