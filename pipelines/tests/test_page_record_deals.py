"""The "Deals" section pipelines adds to contact and company pages (through
``crm.detail_sections``), and the new-deal page its "New deal" link opens."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import organization_create
from accounts.tests.factories import UserFactory
from crm.services.contacts import contact_link_company
from crm.tests.factories import CompanyFactory, ContactFactory
from pipelines.models import Deal
from pipelines.services.deals import deal_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(team):
    return ContactFactory(organization=team.organization, first_name="Ada", last_name="Byron")


@pytest.fixture
def company(team):
    return CompanyFactory(organization=team.organization, name="Orbit Labs")


def test_a_contact_page_lists_the_contacts_deals(team, client, contact):
    client.force_login(team.viewer)
    deal = deal_create(
        organization=team.organization,
        actor=team.bidi,
        title="Orbit pilot",
        value=Decimal("12500"),
        owner=team.bidi,
        contacts=[contact],
        stage=team.stage("Meeting"),
    )
    deal_create(organization=team.organization, actor=team.bidi, title="Someone else's")

    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert 'id="record-deals"' in html
    assert f'href="/deals/{deal.pk}/"' in html
    assert "Orbit pilot" in html
    assert "$12,500" in html
    assert "Meeting" in html
    assert team.bidi.display_name in html
    assert "Someone else&#x27;s" not in html and "Someone else's" not in html


def test_a_company_page_lists_the_companys_deals(team, client, company):
    client.force_login(team.bidi)
    deal = deal_create(
        organization=team.organization, actor=team.bidi, title="Fleet deal", company=company
    )

    html = client.get(f"/companies/{company.pk}/").content.decode()

    assert f'href="/deals/{deal.pk}/"' in html
    assert "Fleet deal" in html


def test_the_section_offers_a_new_deal_prefilled_with_the_record(team, client, contact, company):
    client.force_login(team.bidi)

    contact_html = client.get(f"/contacts/{contact.pk}/").content.decode()
    company_html = client.get(f"/companies/{company.pk}/").content.decode()

    assert f'href="/deals/new/?contact={contact.pk}"' in contact_html
    assert f'href="/deals/new/?company={company.pk}"' in company_html


def test_a_viewer_is_not_offered_a_new_deal(team, client, contact):
    client.force_login(team.viewer)

    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert "/deals/new/" not in html
    assert "No deals yet" in html


def test_another_organizations_deal_never_appears(team, client, contact):
    stranger = UserFactory()
    other = organization_create(name="Other", owner=stranger)
    outsider = deal_create(organization=other, actor=stranger, title="Secret merger")
    # Written straight to the table: the service would refuse a contact of another org.
    outsider.contacts.add(contact)
    client.force_login(team.bidi)

    html = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert "Secret merger" not in html


def test_the_new_deal_page_is_prefilled_with_the_contact_and_its_company(
    team, client, contact, company
):
    contact_link_company(contact=contact, company=company, actor=team.bidi, is_primary=True)
    client.force_login(team.bidi)

    html = client.get(f"/deals/new/?contact={contact.pk}").content.decode()

    assert "Ada Byron" in html
    assert f'name="contact" value="{contact.pk}"' in html
    assert 'value="Orbit Labs"' in html


def test_a_new_deal_is_created_for_the_contact_and_opens(team, client, contact, company):
    client.force_login(team.bidi)
    meeting = team.stage("Meeting")

    response = client.post(
        "/deals/new/",
        {
            "title": "Pilot",
            "value": "900",
            "stage": meeting.pk,
            "owner": team.bidi.pk,
            "company": "Orbit Labs",
            "contact": contact.pk,
            "expected_close_date": "",
        },
    )

    deal = Deal.objects.get(title="Pilot")
    assert response.status_code == 302
    assert response["Location"] == f"/deals/{deal.pk}/"
    assert (deal.stage, deal.value, deal.company, deal.owner) == (
        meeting,
        Decimal("900.00"),
        company,
        team.bidi,
    )
    assert list(deal.contacts.all()) == [contact]


def test_a_new_deal_without_a_title_is_refused_next_to_the_field(team, client):
    client.force_login(team.bidi)

    html = client.post(
        "/deals/new/", {"title": "", "stage": team.stage("Lead").pk}
    ).content.decode()

    assert "Give the deal a title." in html
    assert not Deal.objects.exists()


def test_a_contact_of_another_organization_cannot_be_given(team, client):
    stranger = UserFactory()
    other = organization_create(name="Other", owner=stranger)
    foreign = ContactFactory(organization=other)
    client.force_login(team.bidi)

    html = client.post(
        "/deals/new/",
        {"title": "X", "stage": team.stage("Lead").pk, "contact": foreign.pk},
    ).content.decode()

    assert not Deal.objects.exists()
    assert "Select a valid choice" in html or "No such contact" in html


def test_a_viewer_cannot_open_the_new_deal_page(team, client):
    client.force_login(team.viewer)

    assert client.get("/deals/new/").status_code == 403


@pytest.mark.parametrize("count", [1, 8])
def test_the_section_reads_the_deals_in_one_query_however_many(team, client, company, count):
    for n in range(count):
        deal_create(
            organization=team.organization,
            actor=team.bidi,
            title=f"Deal {n}",
            company=company,
            owner=team.bidi,
        )
    client.force_login(team.bidi)

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/companies/{company.pk}/")

    deal_queries = [q for q in queries.captured_queries if '"pipelines_deal"' in q["sql"]]
    assert len(deal_queries) == 1


def test_the_new_deal_page_from_a_company_goes_back_to_it(team, client, company):
    client.force_login(team.bidi)

    html = client.get(f"/deals/new/?company={company.pk}").content.decode()

    assert 'value="Orbit Labs"' in html
    assert f'href="/companies/{company.pk}/"' in html
