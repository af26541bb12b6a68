import pytest

from accounts.errors import PermissionDenied, ValidationError
from crm.services import custom_fields as custom_field_services
from crm.tests.factories import CompanyFactory, ContactFactory, CustomFieldDefinitionFactory


def create(member, **data):
    return custom_field_services.custom_field_create(
        organization=member.organization, actor=member.user, data=data
    )


def test_admin_defines_a_select_field(make_member):
    admin = make_member("admin")

    definition = create(
        admin,
        entity="contact",
        key="tier",
        label="Tier",
        field_type="select",
        options=["Gold", "Silver"],
    )

    assert (definition.key, definition.options, definition.position) == (
        "tier",
        ["Gold", "Silver"],
        0,
    )


def test_new_fields_go_after_the_existing_ones(make_member):
    admin = make_member("admin")
    CustomFieldDefinitionFactory(organization=admin.organization, position=4)

    definition = create(admin, entity="contact", key="x", label="X", field_type="text")

    assert definition.position == 5


def test_select_field_needs_options(make_member):
    admin = make_member("admin")

    with pytest.raises(ValidationError) as excinfo:
        create(admin, entity="contact", key="tier", label="Tier", field_type="select")

    assert excinfo.value.fields == {"options": ["List the options to choose from."]}


def test_keys_are_unique_per_entity(make_member):
    admin = make_member("admin")
    CustomFieldDefinitionFactory(organization=admin.organization, key="tier", entity="contact")

    with pytest.raises(ValidationError) as excinfo:
        create(admin, entity="contact", key="tier", label="Tier", field_type="text")

    assert excinfo.value.fields == {"key": ["A field with this key exists."]}
    assert create(admin, entity="company", key="tier", label="Tier", field_type="text").pk


def test_bad_key_label_and_type_are_each_reported(make_member):
    admin = make_member("admin")

    with pytest.raises(ValidationError) as excinfo:
        create(admin, entity="deal", key="Has Space", label="", field_type="colour")

    assert set(excinfo.value.fields) == {"entity", "key", "label", "field_type"}


def test_type_cannot_change_once_defined(make_member):
    admin = make_member("admin")
    definition = CustomFieldDefinitionFactory(organization=admin.organization)

    with pytest.raises(ValidationError) as excinfo:
        custom_field_services.custom_field_update(
            definition=definition, actor=admin.user, data={"field_type": "number"}
        )

    assert excinfo.value.fields == {"field_type": ["This cannot change once the field exists."]}


def test_deleting_a_definition_removes_its_values(make_member):
    admin = make_member("admin")
    definition = CustomFieldDefinitionFactory(organization=admin.organization, key="tier")
    contact = ContactFactory(
        organization=admin.organization, custom_fields={"tier": "gold", "keep": 1}
    )
    company = CompanyFactory(organization=admin.organization, custom_fields={"tier": "x"})

    custom_field_services.custom_field_delete(definition=definition, actor=admin.user)

    contact.refresh_from_db()
    company.refresh_from_db()
    assert contact.custom_fields == {"keep": 1}
    assert company.custom_fields == {"tier": "x"}


def test_business_developer_cannot_define_fields(make_member):
    bidi = make_member("bidi")

    with pytest.raises(PermissionDenied):
        create(bidi, entity="contact", key="x", label="X", field_type="text")
