from automation.models import Event
from crm.models import Company
from crm.services import companies as company_services
from crm.tests.factories import CompanyFactory


def test_tagging_many_companies(make_member):
    owner = make_member("owner")
    companies = CompanyFactory.create_batch(2, organization=owner.organization)

    count = company_services.companies_tag(
        organization=owner.organization,
        actor=owner.user,
        company_ids=[c.pk for c in companies],
        tag_names=["Partner"],
    )

    assert count == 2
    assert all(c.tags.get().name == "Partner" for c in companies)
    assert Event.objects.filter(name="company.updated").count() == 2


def test_assigning_an_owner_to_many_companies(make_member):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    company = CompanyFactory(organization=owner.organization)

    count = company_services.companies_assign_owner(
        organization=owner.organization, actor=owner.user, company_ids=[company.pk], owner=bidi.user
    )

    company.refresh_from_db()
    assert (count, company.owner) == (1, bidi.user)


def test_deleting_many_companies(make_member):
    owner = make_member("owner")
    companies = CompanyFactory.create_batch(2, organization=owner.organization)

    count = company_services.companies_delete(
        organization=owner.organization, actor=owner.user, company_ids=[c.pk for c in companies]
    )

    assert count == 2
    assert not Company.objects.exists()
