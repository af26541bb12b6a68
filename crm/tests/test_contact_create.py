import pytest

from accounts.errors import NotFound, PermissionDenied, ValidationError
from accounts.tests.factories import OrganizationFactory, UserFactory
from automation.models import Event
from crm.models import Contact, Tag
from crm.services import contacts as contact_services
from crm.tests.factories import (
    CompanyFactory,
    ContactFactory,
    CustomFieldDefinitionFactory,
    TagFactory,
)


def create(member, **data):
    return contact_services.contact_create(
        organization=member.organization, actor=member.user, data=data
    )


def field_errors(excinfo) -> dict:
    return excinfo.value.fields


def test_identifiers_are_stored_in_canonical_form(make_member):
    owner = make_member("owner")

    contact = create(
        owner,
        first_name=" Ada ",
        last_name="Lovelace",
        emails=["Ada@Example.COM", "ada@example.com"],
        phones=["+49 30 1234 5678"],
        telegram_username="@Ada_L",
    )

    assert contact.full_name == "Ada Lovelace"
    assert contact.emails == ["ada@example.com"]
    assert contact.phones == ["+493012345678"]
    assert contact.telegram_username == "ada_l"


def test_emails_may_come_as_one_comma_separated_string(make_member):
    owner = make_member("owner")

    contact = create(owner, emails="a@example.com, b@example.com")

    assert contact.emails == ["a@example.com", "b@example.com"]


def test_invalid_email_is_a_field_error_naming_the_value(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        create(owner, first_name="Ada", emails=["not-an-email"])

    assert field_errors(excinfo) == {"emails": ["“not-an-email” is not a valid email address."]}


def test_phone_without_country_code_is_refused_with_a_hint(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        create(owner, first_name="Ada", phones=["030 1234567"])

    assert "country code" in field_errors(excinfo)["phones"][0]


def test_bad_telegram_username_is_a_field_error(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        create(owner, first_name="Ada", telegram_username="1nope")

    assert list(field_errors(excinfo)) == ["telegram_username"]


def test_a_contact_needs_a_name_or_an_identifier(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        create(owner, title="CTO")

    assert field_errors(excinfo) == {"non_field_errors": [contact_services.NO_IDENTITY]}


def test_duplicate_telegram_username_in_the_organization_is_refused(make_member):
    owner = make_member("owner")
    ContactFactory(
        organization=owner.organization, first_name="Ada", last_name="", telegram_username="ada_l"
    )

    with pytest.raises(ValidationError) as excinfo:
        create(owner, first_name="Other", telegram_username="@ADA_L")

    assert field_errors(excinfo) == {"telegram_username": ["@ada_l is already the contact “Ada”."]}


def test_duplicate_telegram_id_in_the_organization_is_refused(make_member):
    owner = make_member("owner")
    ContactFactory(organization=owner.organization, telegram_user_id=4242)

    with pytest.raises(ValidationError) as excinfo:
        create(owner, first_name="Other", telegram_user_id=4242)

    assert list(field_errors(excinfo)) == ["telegram_user_id"]


def test_the_same_telegram_username_is_fine_in_another_organization(make_member):
    owner = make_member("owner")
    ContactFactory(organization=OrganizationFactory(), telegram_username="ada_l")

    contact = create(owner, telegram_username="ada_l")

    assert contact.telegram_username == "ada_l"


def test_tags_are_found_by_name_ignoring_case_or_created(make_member):
    owner = make_member("owner")
    investor = TagFactory(organization=owner.organization, name="Investor")

    contact = create(owner, first_name="Ada", tags=["investor", "Warm lead"])

    assert {tag.name for tag in contact.tags.all()} == {"Investor", "Warm lead"}
    assert Tag.objects.filter(organization=owner.organization).count() == 2
    assert investor in contact.tags.all()


def test_owner_must_be_a_member_of_the_organization(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        create(owner, first_name="Ada", owner=UserFactory())

    assert field_errors(excinfo) == {"owner": ["Choose a member of this organization."]}


def test_owner_can_be_a_member(make_member):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)

    contact = create(owner, first_name="Ada", owner=bidi.user)

    assert contact.owner == bidi.user


def test_company_of_another_organization_cannot_be_linked(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError) as excinfo:
        create(owner, first_name="Ada", company=CompanyFactory())

    assert field_errors(excinfo) == {"companies": ["No such company."]}


def test_company_and_role_link_the_contact_as_primary(make_member):
    owner = make_member("owner")
    acme = CompanyFactory(organization=owner.organization, name="Acme")

    contact = create(owner, first_name="Ada", company=acme, company_role="CTO")

    link = contact.company_links.get()
    assert (link.company, link.role, link.is_primary) == (acme, "CTO", True)


def test_custom_fields_are_validated_against_the_definitions(make_member):
    owner = make_member("owner")
    CustomFieldDefinitionFactory(
        organization=owner.organization, key="deal_size", field_type="number"
    )

    with pytest.raises(ValidationError) as excinfo:
        create(owner, first_name="Ada", custom_fields={"deal_size": "lots", "typo": 1})

    assert field_errors(excinfo) == {
        "custom_fields.deal_size": ["Enter a number."],
        "custom_fields.typo": ["Unknown custom field."],
    }


def test_custom_field_values_are_stored_typed(make_member):
    owner = make_member("owner")
    CustomFieldDefinitionFactory(
        organization=owner.organization, key="deal_size", field_type="number"
    )

    contact = create(owner, first_name="Ada", custom_fields={"deal_size": "1500"})

    assert contact.custom_fields == {"deal_size": 1500}


def test_required_custom_field_must_be_given(make_member):
    owner = make_member("owner")
    CustomFieldDefinitionFactory(organization=owner.organization, key="tier", required=True)

    with pytest.raises(ValidationError) as excinfo:
        create(owner, first_name="Ada")

    assert field_errors(excinfo) == {"custom_fields.tier": ["This field is required."]}


def test_contact_created_event_carries_the_contact(make_member):
    owner = make_member("owner")

    contact = create(owner, first_name="Ada", emails=["ada@example.com"], tags=["vip"])

    event = Event.objects.get(name="contact.created")
    assert event.actor == owner.user
    assert event.payload["contact"]["id"] == contact.pk
    assert event.payload["contact"]["name"] == "Ada"
    assert event.payload["contact"]["emails"] == ["ada@example.com"]
    assert event.payload["contact"]["tags"] == ["vip"]


def test_nothing_is_written_when_validation_fails(make_member):
    owner = make_member("owner")

    with pytest.raises(ValidationError):
        create(owner, first_name="Ada", tags=["new"], emails=["bad"])

    assert not Contact.objects.exists()
    assert not Tag.objects.exists()
    assert not Event.objects.filter(name="contact.created").exists()


@pytest.mark.parametrize("role", ["owner", "admin", "bidi"])
def test_writers_can_create_contacts(make_member, role):
    member = make_member(role)

    assert create(member, first_name="Ada").pk


def test_viewer_cannot_create_contacts(make_member):
    viewer = make_member("viewer")

    with pytest.raises(PermissionDenied):
        create(viewer, first_name="Ada")


def test_non_member_cannot_create_contacts(make_member):
    owner = make_member("owner")
    stranger = make_member("owner")

    with pytest.raises(NotFound):
        contact_services.contact_create(
            organization=owner.organization, actor=stranger.user, data={"first_name": "Ada"}
        )
