import pytest

from accounts.errors import PermissionDenied, ValidationError
from accounts.models import AuditEntry
from crm.models import Tag
from crm.services import tags as tag_services
from crm.tests.factories import ContactFactory, TagFactory


def test_admin_creates_a_tag_with_a_colour(make_member):
    admin = make_member("admin")

    tag = tag_services.tag_create(
        organization=admin.organization, actor=admin.user, name=" Hot  lead ", color="#FF0000"
    )

    assert (tag.name, tag.color) == ("Hot lead", "#ff0000")
    assert AuditEntry.objects.filter(action="tag.created").exists()


def test_a_tag_without_colour_gets_one_from_the_palette(make_member):
    admin = make_member("admin")

    tag = tag_services.tag_create(organization=admin.organization, actor=admin.user, name="x")

    assert tag.color in tag_services.PALETTE


def test_names_are_unique_ignoring_case(make_member):
    admin = make_member("admin")
    TagFactory(organization=admin.organization, name="VIP")

    with pytest.raises(ValidationError) as excinfo:
        tag_services.tag_create(organization=admin.organization, actor=admin.user, name="vip")

    assert excinfo.value.fields == {"name": ["Already exists."]}


def test_bad_colour_is_a_field_error(make_member):
    admin = make_member("admin")

    with pytest.raises(ValidationError) as excinfo:
        tag_services.tag_create(
            organization=admin.organization, actor=admin.user, name="x", color="red"
        )

    assert list(excinfo.value.fields) == ["color"]


def test_renaming_keeps_the_tag_on_its_contacts(make_member):
    admin = make_member("admin")
    tag = TagFactory(organization=admin.organization, name="old")
    contact = ContactFactory(organization=admin.organization)
    contact.tags.add(tag)

    tag_services.tag_update(tag=tag, actor=admin.user, data={"name": "new"})

    assert [t.name for t in contact.tags.all()] == ["new"]


def test_deleting_a_tag_untags_everything(make_member):
    admin = make_member("admin")
    tag = TagFactory(organization=admin.organization)
    contact = ContactFactory(organization=admin.organization)
    contact.tags.add(tag)

    tag_services.tag_delete(tag=tag, actor=admin.user)

    assert not Tag.objects.exists()
    assert not contact.tags.exists()


def test_business_developer_cannot_configure_tags(make_member):
    bidi = make_member("bidi")

    with pytest.raises(PermissionDenied):
        tag_services.tag_create(organization=bidi.organization, actor=bidi.user, name="x")
