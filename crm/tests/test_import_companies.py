"""Importing companies: matched by domain, then by name; values checked like everywhere else."""

import pytest

from crm.models import Company
from crm.tests.factories import CompanyFactory
from crm.tests.import_files import import_through

COMPANIES = (
    "Company,Website,Industry,Employees,Country,Tags\n"
    "Acme GmbH,https://www.acme.de/about,Manufacturing,120,de,partner;dach\n"
    "Globex,globex.com,Energy,5001+,US,\n"
)


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def test_companies_are_created_with_clean_values(owner):
    job = import_through(owner, COMPANIES, entity="company")

    assert (job.created_count, job.failed_count) == (2, 0)
    acme = Company.objects.get(name="Acme GmbH")
    assert (acme.domain, acme.website) == ("acme.de", "https://www.acme.de/about")
    assert (acme.size, acme.country, acme.industry) == ("51-200", "DE", "Manufacturing")
    assert sorted(acme.tags.values_list("name", flat=True)) == ["dach", "partner"]
    assert Company.objects.get(name="Globex").website == "https://globex.com"


def test_rerunning_creates_no_duplicate_companies(owner):
    import_through(owner, COMPANIES, entity="company")

    again = import_through(owner, COMPANIES, entity="company")

    assert Company.objects.count() == 2
    assert (again.created_count, again.skipped_count) == (0, 2)


def test_a_company_matches_by_domain_even_under_another_name(owner):
    existing = CompanyFactory(organization=owner.organization, name="ACME", domain="acme.de")

    job = import_through(owner, COMPANIES, entity="company")

    existing.refresh_from_db()
    assert (job.created_count, job.updated_count) == (1, 1)
    assert (existing.name, existing.industry) == ("Acme GmbH", "Manufacturing")


def test_a_company_matches_by_name_when_it_has_no_domain(owner):
    CompanyFactory(organization=owner.organization, name="globex", domain="")

    job = import_through(owner, COMPANIES, entity="company", dedupe_mode="skip")

    assert (job.created_count, job.skipped_count) == (1, 1)


def test_invalid_company_values_fail_their_row(owner):
    content = "Name,Country,Size\nAcme,Germany,10\nGlobex,US,lots\n,DE,\nInitech,FR,11–50\n"

    job = import_through(owner, content, entity="company")

    assert list(job.row_errors.values_list("line", "reason")) == [
        (2, "Country: “Germany” is not a two-letter country code (ISO 3166-1) like DE."),
        (
            3,
            "Size: “lots” is not a company size: use a headcount or one of 1-10, 11-50, "
            "51-200, 201-1000, 1001-5000, 5001+.",
        ),
        (4, "The company name is empty."),
    ]
    assert Company.objects.get().size == "11-50"
