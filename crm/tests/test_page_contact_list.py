import pytest

from crm.tests.factories import (
    CompanyFactory,
    ContactCompanyFactory,
    ContactFactory,
    CustomFieldDefinitionFactory,
    TagFactory,
)
from crm.views.listing import PAGE_SIZE

pytestmark = pytest.mark.django_db
URL = "/contacts/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-results"}


@pytest.fixture
def owner(make_member, client):
    member = make_member("owner")
    client.force_login(member.user)
    return member


def test_contact_list_shows_the_organizations_contacts(owner, client):
    ContactFactory(organization=owner.organization, first_name="Anna", last_name="Schmidt")

    html = client.get(URL).content.decode()

    assert "Anna Schmidt" in html


def test_contact_list_hides_other_organizations_contacts(owner, client):
    ContactFactory(first_name="Elsewhere", last_name="Person")

    html = client.get(URL).content.decode()

    assert "Elsewhere Person" not in html


def test_search_finds_a_contact_by_email(owner, client):
    ContactFactory(organization=owner.organization, first_name="Anna", emails=["anna@acme.io"])
    ContactFactory(organization=owner.organization, first_name="Boris", emails=["b@other.io"])

    html = client.get(URL, {"q": "anna@acme.io"}).content.decode()

    assert "Anna" in html
    assert "Boris" not in html


def test_tag_filter_keeps_only_tagged_contacts(owner, client):
    tag = TagFactory(organization=owner.organization, name="investor")
    tagged = ContactFactory(organization=owner.organization, first_name="Tagged")
    tagged.tags.add(tag)
    ContactFactory(organization=owner.organization, first_name="Untagged")

    html = client.get(URL, {"tag": "investor"}).content.decode()

    assert "Tagged" in html
    assert "Untagged" not in html
    assert "Remove filter Tag: investor" in html


def test_company_filter_keeps_the_companys_people(owner, client):
    link = ContactCompanyFactory(organization=owner.organization, contact__first_name="Insider")
    ContactFactory(organization=owner.organization, first_name="Outsider")

    html = client.get(URL, {"company": link.company_id}).content.decode()

    assert "Insider" in html
    assert "Outsider" not in html


def test_custom_field_filter_matches_the_value(owner, client):
    CustomFieldDefinitionFactory(
        organization=owner.organization,
        key="stage",
        label="Stage",
        field_type="select",
        options=["Seed", "Growth"],
    )
    ContactFactory(
        organization=owner.organization, first_name="Early", custom_fields={"stage": "Seed"}
    )
    ContactFactory(
        organization=owner.organization, first_name="Late", custom_fields={"stage": "Growth"}
    )

    html = client.get(URL, {"cf.stage": "Seed"}).content.decode()

    assert "Early" in html
    assert "Late" not in html


def test_a_filter_value_that_no_longer_exists_shows_a_message_next_to_it(owner, client):
    ContactFactory(organization=owner.organization, first_name="Still listed")

    html = client.get(URL, {"tag": "gone"}).content.decode()

    assert "No tag named “gone”." in html
    assert "Still listed" in html


def test_htmx_filtering_answers_with_the_table_and_the_clean_url_to_push(owner, client):
    ContactFactory(organization=owner.organization, first_name="Anna")

    response = client.get(URL, {"q": "Anna", "tag": "", "owner": "", "sort": "-created"}, **HTMX)

    html = response.content.decode()
    assert response["HX-Push-Url"] == "/contacts/?q=Anna"
    assert "<html" not in html
    assert "Anna" in html


def test_list_pages_without_counting_and_links_the_next_page(owner, client):
    ContactFactory.create_batch(PAGE_SIZE + 3, organization=owner.organization)

    first = client.get(URL).content.decode()
    second = client.get(URL, {"page": 2}).content.decode()

    assert f"1–{PAGE_SIZE}" in first
    assert 'href="/contacts/?page=2"' in first
    assert f"{PAGE_SIZE + 1}–{PAGE_SIZE + 3}" in second


def test_list_renders_in_a_bounded_number_of_queries(owner, client, django_assert_max_num_queries):
    organization = owner.organization
    tags = TagFactory.create_batch(3, organization=organization)
    for company in CompanyFactory.create_batch(5, organization=organization):
        for _ in range(6):
            link = ContactCompanyFactory(organization=organization, company=company)
            link.contact.tags.add(*tags)
            link.contact.owner = owner.user
            link.contact.save()
    CustomFieldDefinitionFactory(organization=organization)

    with django_assert_max_num_queries(22):
        response = client.get(URL, {"tag": tags[0].name, "sort": "name"})

    assert response.content.decode().count('name="ids"') == 30


def test_viewer_sees_no_bulk_actions_or_create_button(make_member, client):
    viewer = make_member("viewer")
    client.force_login(viewer.user)
    ContactFactory(organization=viewer.organization)

    html = client.get(URL).content.decode()

    assert 'id="bulk-form"' not in html
    assert 'name="ids"' not in html
    assert "/contacts/new/" not in html


def test_bidi_sees_bulk_actions_without_delete(make_member, client):
    bidi = make_member("bidi")
    client.force_login(bidi.user)
    ContactFactory(organization=bidi.organization)

    html = client.get(URL).content.decode()

    assert 'id="bulk-form"' in html
    assert 'value="delete"' not in html
