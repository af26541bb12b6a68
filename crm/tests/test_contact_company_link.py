import pytest

from accounts.errors import ValidationError
from automation.models import Event
from crm.services import contacts as contact_services
from crm.tests.factories import CompanyFactory, ContactCompanyFactory, ContactFactory


def test_first_link_becomes_the_primary_one(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization)
    acme = CompanyFactory(organization=owner.organization)

    link = contact_services.contact_link_company(
        contact=contact, company=acme, actor=owner.user, role="CTO"
    )

    assert (link.role, link.is_primary) == ("CTO", True)
    assert Event.objects.get(name="contact.updated").payload["changed"] == ["companies"]


def test_a_new_primary_link_demotes_the_old_one(make_member):
    owner = make_member("owner")
    old = ContactCompanyFactory(organization=owner.organization, is_primary=True)
    new_company = CompanyFactory(organization=owner.organization)

    contact_services.contact_link_company(
        contact=old.contact, company=new_company, actor=owner.user, is_primary=True
    )

    old.refresh_from_db()
    assert not old.is_primary
    assert old.contact.company_links.get(is_primary=True).company == new_company


def test_company_of_another_organization_cannot_be_linked(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization)

    with pytest.raises(ValidationError):
        contact_services.contact_link_company(
            contact=contact, company=CompanyFactory(), actor=owner.user
        )

    assert not contact.company_links.exists()


def test_unlinking_the_primary_company_promotes_the_next_link(make_member):
    owner = make_member("owner")
    first = ContactCompanyFactory(organization=owner.organization, is_primary=True)
    second = ContactCompanyFactory(organization=owner.organization, contact=first.contact)

    contact_services.contact_unlink_company(
        contact=first.contact, company=first.company, actor=owner.user
    )

    second.refresh_from_db()
    assert second.is_primary
    assert list(first.contact.company_links.all()) == [second]
