"""Probable duplicate companies: the same domain, or near-identical names."""

import pytest

from crm.duplicates import company_duplicate_pairs
from crm.tests.factories import CompanyFactory


@pytest.fixture
def org(make_member):
    return make_member("owner").organization


def reasons(page):
    return [(p.older.pk, p.newer.pk, sorted(r.code for r in p.reasons)) for p in page.pairs]


def test_companies_with_the_same_domain_are_a_pair(org):
    acme = CompanyFactory(organization=org, name="Acme", domain="acme.io")
    labs = CompanyFactory(organization=org, name="Totally different", domain="acme.io")

    assert reasons(company_duplicate_pairs(org)) == [(acme.pk, labs.pk, ["domain"])]


def test_companies_with_similar_names_are_a_pair(org):
    acme = CompanyFactory(organization=org, name="Northwind Traders", domain="")
    again = CompanyFactory(organization=org, name="Northwind Traders Ltd", domain="")

    assert reasons(company_duplicate_pairs(org)) == [(acme.pk, again.pk, ["company_name"])]


def test_companies_without_a_domain_are_not_paired_by_it(org):
    CompanyFactory(organization=org, name="Acme", domain="")
    CompanyFactory(organization=org, name="Globex", domain="")

    assert company_duplicate_pairs(org).pairs == []


def test_companies_of_another_organization_are_never_paired(org):
    CompanyFactory(organization=org, name="Acme", domain="acme.io")
    CompanyFactory(name="Acme", domain="acme.io")

    assert company_duplicate_pairs(org).pairs == []
