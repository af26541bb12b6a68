import pytest

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from crm.services import contacts as contact_services
from crm.tests.factories import (
    CompanyFactory,
    ContactCompanyFactory,
    ContactFactory,
    CustomFieldDefinitionFactory,
    TagFactory,
)


def update(member, contact, **data):
    return contact_services.contact_update(contact=contact, actor=member.user, data=data)


def last_update_event() -> Event:
    return Event.objects.filter(name="contact.updated").latest("id")


def test_changed_fields_are_listed_in_the_event(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization, first_name="Ada", title="")

    update(owner, contact, first_name="Ada", title="CTO", emails=["ADA@example.com"])

    event = last_update_event()
    assert event.payload["changed"] == ["emails", "title"]
    assert event.payload["contact"]["emails"] == ["ada@example.com"]


def test_an_update_that_changes_nothing_emits_nothing(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization, first_name="Ada")

    update(owner, contact, first_name="Ada")

    assert not Event.objects.filter(name="contact.updated").exists()


def test_tags_are_replaced_and_reported(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization)
    contact.tags.add(TagFactory(organization=owner.organization, name="old"))

    contact = update(owner, contact, tags=["New"])

    assert [tag.name for tag in contact.tags.all()] == ["New"]
    assert last_update_event().payload["changed"] == ["tags"]


def test_custom_fields_merge_and_null_removes_a_value(make_member):
    owner = make_member("owner")
    CustomFieldDefinitionFactory(organization=owner.organization, key="tier")
    CustomFieldDefinitionFactory(organization=owner.organization, key="region")
    contact = ContactFactory(
        organization=owner.organization, custom_fields={"tier": "gold", "region": "EU"}
    )

    contact = update(owner, contact, custom_fields={"tier": None, "region": "US"})

    assert contact.custom_fields == {"region": "US"}


def test_taking_another_contacts_telegram_username_is_refused(make_member):
    owner = make_member("owner")
    ContactFactory(organization=owner.organization, telegram_username="taken_name")
    contact = ContactFactory(organization=owner.organization)

    with pytest.raises(ValidationError) as excinfo:
        update(owner, contact, telegram_username="Taken_Name")

    assert list(excinfo.value.fields) == ["telegram_username"]


def test_keeping_its_own_telegram_username_is_fine(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization, telegram_username="mine_here")

    contact = update(owner, contact, telegram_username="@mine_here", title="CEO")

    assert contact.title == "CEO"


def test_clearing_every_identifier_is_refused(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization, emails=[], phones=[])

    with pytest.raises(ValidationError):
        update(owner, contact, first_name="", last_name="")

    contact.refresh_from_db()
    assert contact.first_name


def test_companies_list_replaces_the_links(make_member):
    owner = make_member("owner")
    old = ContactCompanyFactory(organization=owner.organization)
    contact = old.contact
    new = CompanyFactory(organization=owner.organization)

    contact = update(owner, contact, companies=[{"company": new, "role": "Advisor"}])

    assert [(link.company, link.role, link.is_primary) for link in contact.company_links.all()] == [
        (new, "Advisor", True)
    ]
    assert last_update_event().payload["changed"] == ["companies"]


def test_two_primary_companies_are_refused(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization)
    a, b = CompanyFactory.create_batch(2, organization=owner.organization)

    with pytest.raises(ValidationError) as excinfo:
        update(
            owner,
            contact,
            companies=[{"company": a, "is_primary": True}, {"company": b, "is_primary": True}],
        )

    assert excinfo.value.fields == {"companies": ["Only one company can be the primary one."]}


def test_viewer_cannot_update(make_member):
    owner = make_member("owner")
    viewer = make_member("viewer", organization=owner.organization)
    contact = ContactFactory(organization=owner.organization)

    with pytest.raises(PermissionDenied):
        update(viewer, contact, title="CTO")
