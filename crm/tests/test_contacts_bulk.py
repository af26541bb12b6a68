import pytest

from accounts.errors import PermissionDenied, ValidationError
from accounts.tests.factories import UserFactory
from automation.models import Event
from crm.models import Contact
from crm.services import contacts as contact_services
from crm.tests.factories import ContactFactory, TagFactory


def test_tagging_many_contacts_creates_the_tag_and_counts_the_changed(make_member):
    owner = make_member("owner")
    a, b = ContactFactory.create_batch(2, organization=owner.organization)
    a.tags.add(TagFactory(organization=owner.organization, name="VIP"))

    count = contact_services.contacts_tag(
        organization=owner.organization,
        actor=owner.user,
        contact_ids=[a.pk, b.pk],
        tag_names=["vip"],
    )

    assert count == 1
    assert [tag.name for tag in b.tags.all()] == ["VIP"]
    assert Event.objects.filter(name="contact.updated").count() == 1


def test_untagging_removes_the_tag_from_those_that_had_it(make_member):
    owner = make_member("owner")
    tag = TagFactory(organization=owner.organization, name="cold")
    a, b = ContactFactory.create_batch(2, organization=owner.organization)
    a.tags.add(tag)

    count = contact_services.contacts_tag(
        organization=owner.organization,
        actor=owner.user,
        contact_ids=[a.pk, b.pk],
        tag_names=["Cold"],
        remove=True,
    )

    assert count == 1
    assert not a.tags.exists()


def test_assigning_an_owner_changes_only_those_with_another_owner(make_member):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    mine = ContactFactory(organization=owner.organization, owner=bidi.user)
    other = ContactFactory(organization=owner.organization)

    count = contact_services.contacts_assign_owner(
        organization=owner.organization,
        actor=owner.user,
        contact_ids=[mine.pk, other.pk],
        owner=bidi.user,
    )

    assert count == 1
    other.refresh_from_db()
    assert other.owner == bidi.user


def test_assigning_a_non_member_is_refused(make_member):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization)

    with pytest.raises(ValidationError) as excinfo:
        contact_services.contacts_assign_owner(
            organization=owner.organization,
            actor=owner.user,
            contact_ids=[contact.pk],
            owner=UserFactory(),
        )

    assert excinfo.value.fields == {"owner": ["Choose a member of this organization."]}


def test_ids_of_another_organization_are_reported_missing(make_member):
    owner = make_member("owner")
    mine = ContactFactory(organization=owner.organization)
    theirs = ContactFactory()

    with pytest.raises(ValidationError) as excinfo:
        contact_services.contacts_delete(
            organization=owner.organization, actor=owner.user, contact_ids=[mine.pk, theirs.pk]
        )

    assert excinfo.value.fields == {"ids": [f"These contacts do not exist: {theirs.pk}."]}
    assert Contact.objects.count() == 2


def test_bulk_delete_deletes_and_emits_one_event_each(make_member):
    owner = make_member("owner")
    contacts = ContactFactory.create_batch(3, organization=owner.organization)

    count = contact_services.contacts_delete(
        organization=owner.organization, actor=owner.user, contact_ids=[c.pk for c in contacts]
    )

    assert count == 3
    assert not Contact.objects.exists()
    assert Event.objects.filter(name="contact.deleted").count() == 3


def test_business_developer_cannot_bulk_delete(make_member):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    contact = ContactFactory(organization=owner.organization)

    with pytest.raises(PermissionDenied):
        contact_services.contacts_delete(
            organization=owner.organization, actor=bidi.user, contact_ids=[contact.pk]
        )


def test_more_than_a_thousand_ids_are_refused(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        contact_services.contacts_tag(
            organization=owner.organization,
            actor=owner.user,
            contact_ids=range(1, 1002),
            tag_names=["x"],
        )

    assert "at most 1,000" in excinfo.value.fields["ids"][0]
