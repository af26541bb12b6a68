"""Filters of the contacts and companies lists: parsing query parameters and applying them."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from accounts.errors import ValidationError
from crm import selectors
from crm.filters import CompanyFilters, ContactFilters
from crm.tests.factories import (
    CompanyFactory,
    ContactCompanyFactory,
    ContactFactory,
    CustomFieldDefinitionFactory,
    TagFactory,
)


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def contacts(member, query: str) -> list:
    filters = ContactFilters.from_params(
        QueryDict(query), organization=member.organization, user=member.user
    )
    return list(selectors.contacts_list(member.organization, filters))


def errors(member, query: str, filters_class=ContactFilters) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        filters_class.from_params(
            QueryDict(query), organization=member.organization, user=member.user
        )
    return excinfo.value.fields


def day(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def test_bad_values_get_one_message_per_parameter(owner):
    assert errors(owner, "tag=nope&owner=42&created_after=soon&sort=random&company=x") == {
        "tag": ["No tag named “nope”."],
        "owner": ["Choose a member of this organization, “me” or “none”."],
        "created_after": ["Enter a date as YYYY-MM-DD."],
        "sort": ["Choose one of: name, -name, created, -created, last_contacted, -last_contacted."],
        "company": ["No such company."],
    }


def test_a_range_that_ends_before_it_starts_is_refused(owner):
    assert errors(owner, "created_after=2025-02-01&created_before=2025-01-01") == {
        "created_before": ["The end date is before the start date."]
    }


def test_blank_parameters_do_not_filter(owner):
    contact = ContactFactory(organization=owner.organization)

    assert contacts(owner, "q=&tag=&owner=&created_after=&sort=") == [contact]


def test_every_tag_given_must_match(owner):
    vip = TagFactory(organization=owner.organization, name="VIP")
    warm = TagFactory(organization=owner.organization, name="Warm")
    both = ContactFactory(organization=owner.organization)
    both.tags.add(vip, warm)
    ContactFactory(organization=owner.organization).tags.add(vip)

    assert contacts(owner, f"tag=vip&tag={warm.pk}") == [both]


def test_owner_me_and_none(owner, make_member):
    bidi = make_member("bidi", organization=owner.organization)
    mine = ContactFactory(organization=owner.organization, owner=owner.user)
    nobodys = ContactFactory(organization=owner.organization)
    ContactFactory(organization=owner.organization, owner=bidi.user)

    assert contacts(owner, "owner=me") == [mine]
    assert contacts(owner, "owner=none") == [nobodys]


def test_company_filter_keeps_the_people_at_that_company(owner):
    link = ContactCompanyFactory(organization=owner.organization)
    ContactFactory(organization=owner.organization)

    assert contacts(owner, f"company={link.company_id}") == [link.contact]


def test_source_matches_ignoring_case(owner):
    event = ContactFactory(organization=owner.organization, source="Web Summit")
    ContactFactory(organization=owner.organization, source="import")

    assert contacts(owner, "source=web summit") == [event]


def test_created_range_includes_both_days(owner):
    org = owner.organization
    before = ContactFactory(organization=org, created_at=day("2025-01-31T23:59:59"))
    first = ContactFactory(organization=org, created_at=day("2025-02-01T00:00:00"))
    last = ContactFactory(organization=org, created_at=day("2025-02-28T23:59:59"))
    ContactFactory(organization=org, created_at=day("2025-03-01T00:00:00"))

    found = contacts(owner, "created_after=2025-02-01&created_before=2025-02-28")

    assert found == [last, first]
    assert before not in found


def test_last_contacted_range(owner):
    org = owner.organization
    recent = ContactFactory(organization=org, last_contacted_at=day("2025-05-10T12:00:00"))
    ContactFactory(organization=org, last_contacted_at=day("2025-01-10T12:00:00"))
    ContactFactory(organization=org)

    assert contacts(owner, "last_contacted_after=2025-05-01") == [recent]


def test_custom_field_equals_for_text_number_and_multi_select(owner):
    org = owner.organization
    CustomFieldDefinitionFactory(organization=org, key="city")
    CustomFieldDefinitionFactory(organization=org, key="seats", field_type="number")
    CustomFieldDefinitionFactory(
        organization=org, key="stage", field_type="multi_select", options=["Seed", "Series A"]
    )
    match = ContactFactory(
        organization=org, custom_fields={"city": "Berlin", "seats": 12, "stage": ["Seed"]}
    )
    ContactFactory(organization=org, custom_fields={"city": "Berlin", "seats": 5})

    assert contacts(owner, "cf.city=berlin&cf.seats=12.0&cf.stage=seed") == [match]


def test_unknown_or_mistyped_custom_field_is_a_message(owner):
    CustomFieldDefinitionFactory(organization=owner.organization, key="seats", field_type="number")

    assert errors(owner, "cf.seats=many&cf.nope=1") == {
        "cf.seats": ["Enter a number."],
        "cf.nope": ["Unknown custom field."],
    }


def test_sort_by_name_is_stable_for_equal_names(owner):
    org = owner.organization
    b = ContactFactory(organization=org, first_name="Bob", last_name="")
    a1 = ContactFactory(organization=org, first_name="alice", last_name="")
    a2 = ContactFactory(organization=org, first_name="Alice", last_name="")

    assert contacts(owner, "sort=name") == [a1, a2, b]
    assert contacts(owner, "sort=-name") == [b, a2, a1]


def test_never_contacted_sort_last_when_newest_contact_first(owner):
    org = owner.organization
    never = ContactFactory(organization=org)
    old = ContactFactory(organization=org, last_contacted_at=day("2024-01-01T00:00:00"))
    new = ContactFactory(organization=org, last_contacted_at=day("2025-01-01T00:00:00"))

    assert contacts(owner, "sort=-last_contacted") == [new, old, never]


def test_q_narrows_to_search_matches_and_keeps_the_sort(owner):
    org = owner.organization
    ada = ContactFactory(organization=org, first_name="Ada", last_name="Lovelace")
    ada2 = ContactFactory(organization=org, first_name="Ada", last_name="King")
    ContactFactory(organization=org, first_name="Grace", last_name="Hopper")

    assert contacts(owner, "q=ada&sort=name") == [ada2, ada]


def test_filters_round_trip_through_parameters(owner):
    TagFactory(organization=owner.organization, name="VIP")
    CustomFieldDefinitionFactory(organization=owner.organization, key="city")
    query = "q=acme&tag=VIP&owner=me&created_after=2025-01-01&cf.city=Berlin&sort=name"
    filters = ContactFilters.from_params(
        QueryDict(query), organization=owner.organization, user=owner.user
    )

    again = ContactFilters.from_params(
        filters.to_params(), organization=owner.organization, user=owner.user
    )

    assert again == filters
    assert again.is_filtered


def test_company_filters_by_tag_and_sort(owner):
    org = owner.organization
    tag = TagFactory(organization=org, name="Partner")
    beta = CompanyFactory(organization=org, name="Beta")
    alpha = CompanyFactory(organization=org, name="alpha")
    beta.tags.add(tag)
    alpha.tags.add(tag)
    CompanyFactory(organization=org, name="Gamma")

    filters = CompanyFilters.from_params(
        QueryDict("tag=partner&sort=name"), organization=org, user=owner.user
    )

    assert list(selectors.companies_list(org, filters)) == [alpha, beta]


def test_companies_have_no_last_contacted_sort(owner):
    assert errors(owner, "sort=last_contacted", CompanyFilters) == {
        "sort": ["Choose one of: name, -name, created, -created."]
    }
