"""Merging two companies: people, notes, tags and custom fields all end up on the primary."""

import pytest

from accounts.errors import NotFound, PermissionDenied, ValidationError
from automation.models import Event
from crm.models import Company, ContactCompany, CustomFieldDefinition, Entity, Note
from crm.services.merge import companies_merge
from crm.tests.factories import (
    CompanyFactory,
    ContactCompanyFactory,
    ContactFactory,
    CustomFieldDefinitionFactory,
    NoteFactory,
    TagFactory,
)


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def pair(owner):
    org = owner.organization
    primary = CompanyFactory(organization=org, name="Acme", domain="acme.io", industry="")
    duplicate = CompanyFactory(organization=org, name="ACME Inc", domain="", industry="Fintech")
    return primary, duplicate


def merge(owner, primary, duplicate):
    return companies_merge(
        organization=owner.organization, actor=owner.user, primary=primary, duplicate=duplicate
    )


def test_the_primary_keeps_its_values_and_fills_blanks(owner, pair):
    primary, duplicate = pair

    merged = merge(owner, primary, duplicate)

    assert (merged.name, merged.domain, merged.industry) == ("Acme", "acme.io", "Fintech")
    assert not Company.objects.filter(pk=duplicate.pk).exists()


def test_people_of_the_duplicate_move_to_the_primary(owner, pair):
    primary, duplicate = pair
    link = ContactCompanyFactory(organization=owner.organization, company=duplicate, role="CEO")

    merge(owner, primary, duplicate)

    link.refresh_from_db()
    assert (link.company_id, link.role) == (primary.pk, "CEO")


def test_a_person_at_both_keeps_one_link(owner, pair):
    primary, duplicate = pair
    org = owner.organization
    person = ContactFactory(organization=org)
    ContactCompanyFactory(organization=org, contact=person, company=primary, role="")
    ContactCompanyFactory(
        organization=org, contact=person, company=duplicate, role="CTO", is_primary=True
    )

    merge(owner, primary, duplicate)

    link = ContactCompany.objects.get(contact=person)
    assert (link.company_id, link.role, link.is_primary) == (primary.pk, "CTO", True)


def test_notes_and_tags_move_to_the_primary(owner, pair):
    primary, duplicate = pair
    org = owner.organization
    note = NoteFactory(organization=org, contact=None, company=duplicate)
    tag = TagFactory(organization=org)
    duplicate.tags.add(tag)

    merged = merge(owner, primary, duplicate)

    assert Note.objects.get(pk=note.pk).company_id == primary.pk
    assert list(merged.tags.all()) == [tag]


def test_custom_fields_are_combined_with_the_primary_winning(owner, pair):
    primary, duplicate = pair
    org = owner.organization
    for key in ("tier", "region"):
        CustomFieldDefinitionFactory(
            organization=org,
            entity=Entity.COMPANY,
            key=key,
            field_type=CustomFieldDefinition.FieldType.TEXT,
        )
    primary.custom_fields = {"tier": "gold"}
    primary.save()
    duplicate.custom_fields = {"tier": "silver", "region": "EMEA"}
    duplicate.save()

    merged = merge(owner, primary, duplicate)

    assert merged.custom_fields == {"tier": "gold", "region": "EMEA"}


def test_merging_emits_company_merged(owner, pair):
    primary, duplicate = pair
    duplicate_id = duplicate.pk

    merge(owner, primary, duplicate)

    event = Event.objects.get(name="company.merged")
    assert (event.payload["company"]["id"], event.payload["merged_id"]) == (
        primary.pk,
        duplicate_id,
    )


def test_a_viewer_cannot_merge_companies(make_member, owner, pair):
    viewer = make_member("viewer", organization=owner.organization)

    with pytest.raises(PermissionDenied):
        merge(viewer, *pair)


def test_a_company_of_another_organization_is_not_found(owner, pair):
    primary, _ = pair
    stranger = CompanyFactory()

    with pytest.raises(NotFound):
        merge(owner, primary, stranger)

    assert Company.objects.filter(pk=stranger.pk).exists()


def test_a_company_cannot_be_merged_with_itself(owner, pair):
    primary, _ = pair

    with pytest.raises(ValidationError):
        merge(owner, primary, primary)
