"""Imported contacts are enriched like contacts saved by hand: a work email links them to their
company (created when new), in bulk, without one query per row."""

import pytest

from crm.models import Company, Contact, ContactCompany
from crm.tests.factories import CompanyFactory, ContactCompanyFactory, ContactFactory
from crm.tests.import_files import import_through

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def company_of(email):
    contact = Contact.objects.get(emails__contains=[email])
    return list(contact.company_links.values_list("company__name", "company__domain"))


def test_a_work_email_links_the_imported_contact_to_a_new_company(owner):
    import_through(
        owner,
        "Full name,Email\nAnn Lee,ann@mail.acme-labs.io\nBob Marsh,bob@acme-labs.io\n",
    )

    assert company_of("ann@mail.acme-labs.io") == [("Acme Labs", "acme-labs.io")]
    assert company_of("bob@acme-labs.io") == [("Acme Labs", "acme-labs.io")]
    assert Company.objects.filter(organization=owner.organization).count() == 1


def test_an_existing_company_with_that_domain_is_linked(owner):
    acme = CompanyFactory(organization=owner.organization, name="ACME Inc.", domain="acme.io")

    import_through(owner, "Email\nann@acme.io\n")

    assert company_of("ann@acme.io") == [("ACME Inc.", "acme.io")]
    assert Company.objects.filter(organization=owner.organization).get() == acme


def test_free_mail_addresses_link_no_company(owner):
    import_through(owner, "Email\nann@gmail.com\n")

    assert company_of("ann@gmail.com") == []
    assert not Company.objects.exists()


def test_a_company_column_wins_over_the_email_domain(owner):
    import_through(owner, "Email,Company\nann@acme.io,Globex\n")

    assert company_of("ann@acme.io") == [("Globex", "")]


def test_an_existing_contact_with_a_company_keeps_just_that_one(owner):
    contact = ContactFactory(organization=owner.organization, emails=["ann@acme.io"])
    globex = CompanyFactory(organization=owner.organization, name="Globex", domain="")
    ContactCompanyFactory(organization=owner.organization, contact=contact, company=globex)

    import_through(owner, "Email,Title\nann@acme.io,CTO\n")

    assert company_of("ann@acme.io") == [("Globex", "")]


def test_an_updated_contact_without_a_company_is_linked(owner):
    ContactFactory(organization=owner.organization, emails=["ann@acme.io"], title="")

    import_through(owner, "Email,Title\nann@acme.io,CTO\n")

    assert company_of("ann@acme.io") == [("Acme", "acme.io")]
    assert ContactCompany.objects.count() == 1
