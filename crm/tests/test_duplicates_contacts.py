"""Probable duplicate contacts: each reason, the pairing rules, and the window cursor."""

import pytest

from crm.duplicates import contact_duplicate_pairs
from crm.tests.factories import CompanyFactory, ContactCompanyFactory, ContactFactory


@pytest.fixture
def org(make_member):
    return make_member("owner").organization


def reasons(page):
    return [
        (pair.older.pk, pair.newer.pk, [(r.code, r.value) for r in pair.reasons])
        for pair in page.pairs
    ]


def test_contacts_sharing_an_email_are_a_pair(org):
    ann = ContactFactory(organization=org, emails=["ann@acme.io"])
    again = ContactFactory(organization=org, emails=["a@gmail.com", "ann@acme.io"])

    assert reasons(contact_duplicate_pairs(org)) == [(ann.pk, again.pk, [("email", "ann@acme.io")])]


def test_contacts_sharing_a_phone_are_a_pair(org):
    ann = ContactFactory(organization=org, emails=[], phones=["+4930123456"])
    again = ContactFactory(organization=org, emails=[], phones=["+4930123456"])

    assert reasons(contact_duplicate_pairs(org)) == [(ann.pk, again.pk, [("phone", "+4930123456")])]


def test_similar_names_at_the_same_company_are_a_pair(org):
    acme = CompanyFactory(organization=org, name="Acme")
    ann = ContactFactory(organization=org, first_name="Alexandra", last_name="Ivanova")
    typo = ContactFactory(organization=org, first_name="Alexandra", last_name="Ivanovna")
    ContactCompanyFactory(organization=org, contact=ann, company=acme)
    ContactCompanyFactory(organization=org, contact=typo, company=acme)

    assert reasons(contact_duplicate_pairs(org)) == [(ann.pk, typo.pk, [("name", "Acme")])]


def test_similar_names_at_different_companies_are_not_a_pair(org):
    for company in (CompanyFactory(organization=org), CompanyFactory(organization=org)):
        person = ContactFactory(organization=org, first_name="John", last_name="Smith")
        ContactCompanyFactory(organization=org, contact=person, company=company)

    assert contact_duplicate_pairs(org).pairs == []


def test_different_names_at_the_same_company_are_not_a_pair(org):
    acme = CompanyFactory(organization=org)
    for first, last in (("Ann", "Lee"), ("Boris", "Petrov")):
        person = ContactFactory(organization=org, first_name=first, last_name=last)
        ContactCompanyFactory(organization=org, contact=person, company=acme)

    assert contact_duplicate_pairs(org).pairs == []


def test_a_pair_with_several_reasons_is_listed_once_with_all_of_them(org):
    ContactFactory(organization=org, emails=["ann@acme.io"], phones=["+4930123456"])
    ContactFactory(organization=org, emails=["ann@acme.io"], phones=["+4930123456"])

    [pair] = contact_duplicate_pairs(org).pairs
    assert {reason.code for reason in pair.reasons} == {"email", "phone"}
    assert {reason.label for reason in pair.reasons} == {"Same email", "Same phone"}


def test_contacts_of_another_organization_are_never_paired(org):
    ContactFactory(organization=org, emails=["ann@acme.io"])
    ContactFactory(emails=["ann@acme.io"])

    assert contact_duplicate_pairs(org).pairs == []


def test_newest_pairs_come_first(org):
    first = [ContactFactory(organization=org, emails=["a@acme.io"]) for _ in range(2)]
    second = [ContactFactory(organization=org, emails=["b@acme.io"]) for _ in range(2)]

    pairs = contact_duplicate_pairs(org).pairs

    assert [(p.older, p.newer) for p in pairs] == [tuple(second), tuple(first)]


def test_each_window_pairs_its_contacts_with_older_ones_and_points_to_the_next(org):
    old = ContactFactory(organization=org, emails=["ann@acme.io"])
    ContactFactory.create_batch(3, organization=org)
    new = ContactFactory(organization=org, emails=["ann@acme.io"])

    first = contact_duplicate_pairs(org, window=2)
    second = contact_duplicate_pairs(org, window=2, before=first.next_before)
    last = contact_duplicate_pairs(org, window=2, before=second.next_before)

    assert [(p.older, p.newer) for p in first.pairs] == [(old, new)]
    assert second.pairs == [] and last.pairs == []
    assert last.next_before is None
