"""The dictionary of name words the search box corrects typos against stays complete, whichever
way names are written: services, imports (COPY), renames, companies."""

import pytest

from crm.models import NameWord
from crm.services import companies as company_services
from crm.services import contacts as contact_services
from crm.tests.factories import ContactFactory
from crm.tests.import_files import import_through

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def words(organization):
    return set(NameWord.objects.filter(organization=organization).values_list("word", flat=True))


def test_a_new_contacts_name_words_are_known(owner):
    contact_services.contact_create(
        organization=owner.organization,
        actor=owner.user,
        data={"first_name": "Jean-Luc", "last_name": "Picard"},
    )

    assert {"jean-luc", "jean", "luc", "picard"} <= words(owner.organization)


def test_a_renamed_contacts_new_words_are_known(owner):
    contact = ContactFactory(organization=owner.organization, first_name="Ann", last_name="Lee")

    contact_services.contact_update(
        contact=contact, actor=owner.user, data={"last_name": "Лебедева"}
    )

    assert "лебедева" in words(owner.organization)


def test_imported_names_are_known(owner):
    import_through(owner, "First name,Last name,Email\nBartholomew,Quigley,bq@example.com\n")

    assert {"bartholomew", "quigley"} <= words(owner.organization)


def test_company_names_are_known(owner):
    company_services.company_create(
        organization=owner.organization, actor=owner.user, data={"name": "Northwind Capital"}
    )

    assert {"northwind", "capital"} <= words(owner.organization)


def test_words_belong_to_their_own_organization(owner, make_member):
    other = make_member("owner")
    ContactFactory(organization=other.organization, first_name="Zebulon", last_name="Quux")

    assert "zebulon" not in words(owner.organization)
    assert "zebulon" in words(other.organization)
