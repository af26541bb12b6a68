"""Enrichment from the email domain: a contact without a company gets the company of their
work email, found by domain or created with a name guessed from it — automatically, once."""

import pytest

from automation.events import dispatch
from automation.models import Event
from crm.enrichment import company_domain, company_name_from_domain
from crm.models import Company, Contact, ContactCompany
from crm.services import contacts as contact_services
from crm.tests.factories import CompanyFactory


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def create(owner, django_capture_on_commit_callbacks):
    """Create a contact through the service and let its events dispatch, as after a commit."""

    def make(**data) -> Contact:
        with django_capture_on_commit_callbacks(execute=True):
            contact = contact_services.contact_create(
                organization=owner.organization, actor=owner.user, data=data
            )
        contact.refresh_from_db()
        return contact

    return make


def companies_of(contact: Contact) -> list[Company]:
    return [link.company for link in ContactCompany.objects.filter(contact=contact)]


def test_a_work_email_creates_the_company_named_after_its_domain(create):
    contact = create(first_name="Ann", emails=["ann@acme-labs.io"])

    [company] = companies_of(contact)
    assert (company.name, company.domain) == ("Acme Labs", "acme-labs.io")
    assert company.organization == contact.organization


def test_an_existing_company_with_that_domain_is_linked_not_created(owner, create):
    acme = CompanyFactory(organization=owner.organization, name="ACME Corp", domain="acme.io")

    contact = create(first_name="Ann", emails=["ann@acme.io"])

    assert companies_of(contact) == [acme]
    assert Company.objects.filter(organization=owner.organization).count() == 1


def test_a_company_of_another_organization_is_never_linked(owner, create):
    stranger = CompanyFactory(domain="acme.io")

    contact = create(first_name="Ann", emails=["ann@acme.io"])

    [company] = companies_of(contact)
    assert company != stranger
    assert company.organization == owner.organization


def test_free_mail_addresses_are_ignored(create):
    contact = create(first_name="Ann", emails=["ann@gmail.com", "ann@mail.ru"])

    assert companies_of(contact) == []
    assert not Company.objects.exists()


def test_the_first_work_address_wins_over_free_mail(create):
    contact = create(first_name="Ann", emails=["ann@gmail.com", "ann@globex.com"])

    assert [c.domain for c in companies_of(contact)] == ["globex.com"]


def test_a_contact_who_has_a_company_is_left_alone(owner, create):
    own = CompanyFactory(organization=owner.organization)

    contact = create(first_name="Ann", emails=["ann@acme.io"], company=own)

    assert companies_of(contact) == [own]
    assert not Company.objects.filter(domain="acme.io").exists()


def test_mail_subdomains_point_to_the_company_domain(create):
    contact = create(first_name="Ann", emails=["ann@eu.mail.acme.co.uk"])

    [company] = companies_of(contact)
    assert (company.name, company.domain) == ("Acme", "acme.co.uk")


def test_an_email_added_later_links_the_company(owner, create, django_capture_on_commit_callbacks):
    contact = create(first_name="Ann")

    with django_capture_on_commit_callbacks(execute=True):
        contact_services.contact_update(
            contact=contact, actor=owner.user, data={"emails": ["ann@initech.com"]}
        )

    assert [c.domain for c in companies_of(contact)] == ["initech.com"]


def test_it_runs_once_however_often_the_event_is_dispatched(owner, create):
    contact = create(first_name="Ann", emails=["ann@acme.io"])
    ContactCompany.objects.filter(contact=contact).delete()  # as if someone unlinked it since
    event = Event.objects.get(name="contact.created", payload__contact__id=contact.pk)

    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    dispatch(event.pk)

    assert companies_of(contact) == []
    assert Company.objects.filter(domain="acme.io").count() == 1


def test_two_contacts_of_a_new_domain_share_one_company(create):
    ann = create(first_name="Ann", emails=["ann@acme.io"])
    bob = create(first_name="Bob", emails=["bob@acme.io"])

    assert companies_of(ann) == companies_of(bob)
    assert Company.objects.filter(domain="acme.io").count() == 1


def test_the_link_is_an_ordinary_contact_update_with_its_event(create):
    contact = create(first_name="Ann", emails=["ann@acme.io"])

    assert Event.objects.filter(name="company.created").count() == 1
    assert Event.objects.filter(name="contact.updated", payload__contact__id=contact.pk).exists()


@pytest.mark.parametrize(
    ("domain", "name"),
    [
        ("acme-labs.io", "Acme Labs"),
        ("www.globex.com", "Globex"),
        ("initech.co.uk", "Initech"),
        ("my_startup.dev", "My Startup"),
    ],
)
def test_company_names_are_guessed_from_domains(domain, name):
    assert company_name_from_domain(domain) == name


def test_company_domains_drop_mail_subdomains():
    assert company_domain("mail.eu.acme.com.au") == "acme.com.au"
    assert company_domain("acme.io") == "acme.io"
