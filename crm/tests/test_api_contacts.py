import pytest

from accounts.tests.factories import UserFactory
from crm.models import Contact
from crm.tests.factories import (
    CompanyFactory,
    ContactCompanyFactory,
    ContactFactory,
    TagFactory,
)

CONTACTS = "/api/v1/contacts/"


def contact_url(pk: int) -> str:
    return f"{CONTACTS}{pk}/"


def names(response) -> list[str]:
    return [row["full_name"] for row in response.json()["results"]]


@pytest.mark.parametrize("rows", [3, 30])
def test_listing_takes_the_same_queries_however_many_contacts(
    make_member, jwt_client, django_assert_max_num_queries, rows
):
    owner = make_member("owner")
    org = owner.organization
    tag = TagFactory(organization=org)
    for contact in ContactFactory.create_batch(rows, organization=org, owner=owner.user):
        contact.tags.add(tag)
        ContactCompanyFactory(organization=org, contact=contact)
    client = jwt_client(owner.user)

    with django_assert_max_num_queries(6):
        response = client.get(CONTACTS)

    assert len(response.json()["results"]) == rows


def test_list_shows_tags_companies_and_owner(make_member, jwt_client):
    owner = make_member("owner")
    link = ContactCompanyFactory(organization=owner.organization, role="CTO", is_primary=True)
    contact = link.contact
    contact.owner = owner.user
    contact.save()
    contact.tags.add(TagFactory(organization=owner.organization, name="VIP", color="#ff0000"))

    row = jwt_client(owner.user).get(CONTACTS).json()["results"][0]

    assert row["tags"] == [{"id": contact.tags.get().pk, "name": "VIP", "color": "#ff0000"}]
    assert row["companies"] == [
        {
            "company": {
                "id": link.company_id,
                "name": link.company.name,
                "domain": link.company.domain,
            },
            "role": "CTO",
            "is_primary": True,
        }
    ]
    assert row["owner"]["email"] == owner.user.email


def test_cursor_pages_walk_equal_names_without_gaps_or_repeats(make_member, jwt_client):
    owner = make_member("owner")
    ContactFactory.create_batch(7, organization=owner.organization, first_name="Same", last_name="")
    ContactFactory.create_batch(3, organization=owner.organization, first_name="Zed", last_name="")
    client = jwt_client(owner.user)

    seen, url = [], f"{CONTACTS}?sort=name&page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]

    expected = list(Contact.objects.order_by("full_name", "id").values_list("id", flat=True))
    assert seen == expected


def test_previous_link_returns_to_the_page_before(make_member, jwt_client):
    owner = make_member("owner")
    ContactFactory.create_batch(5, organization=owner.organization)
    client = jwt_client(owner.user)
    first = client.get(f"{CONTACTS}?page_size=2").json()
    second = client.get(first["next"]).json()

    back = client.get(second["previous"]).json()

    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]


def test_newest_contacts_come_first_by_default(make_member, jwt_client):
    owner = make_member("owner")
    old = ContactFactory(organization=owner.organization)
    new = ContactFactory(organization=owner.organization)

    rows = jwt_client(owner.user).get(CONTACTS).json()["results"]

    assert [r["id"] for r in rows] == [new.pk, old.pk]


def test_filters_come_from_query_parameters(make_member, jwt_client):
    owner = make_member("owner")
    ContactFactory(organization=owner.organization, first_name="Ada", last_name="X", source="event")
    ContactFactory(organization=owner.organization, first_name="Bob", last_name="X", source="web")

    response = jwt_client(owner.user).get(CONTACTS, {"source": "EVENT"})

    assert names(response) == ["Ada X"]


def test_q_searches_the_list(make_member, jwt_client):
    owner = make_member("owner")
    ContactFactory(organization=owner.organization, first_name="Ada", last_name="Lovelace")
    ContactFactory(organization=owner.organization, first_name="Grace", last_name="Hopper")

    assert names(jwt_client(owner.user).get(CONTACTS, {"q": "lovelace"})) == ["Ada Lovelace"]


def test_bad_filter_is_a_400_with_field_errors(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).get(CONTACTS, {"created_after": "soon", "sort": "x"})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"created_after", "sort"}


def test_tampered_cursor_is_a_400(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).get(CONTACTS, {"cursor": "garbage"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["cursor"]


def test_contact_of_another_organization_is_404(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).get(contact_url(ContactFactory().pk))

    assert response.status_code == 404


def test_create_normalises_and_links(make_member, jwt_client):
    owner = make_member("owner")
    acme = CompanyFactory(organization=owner.organization)

    response = jwt_client(owner.user).post(
        CONTACTS,
        {
            "first_name": "Ada",
            "emails": ["ADA@Example.com"],
            "phones": ["+49 30 1234 5678"],
            "telegram_username": "@Ada_L",
            "tags": ["VIP"],
            "companies": [{"company": acme.pk, "role": "CTO"}],
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["emails"], body["phones"], body["telegram_username"]) == (
        ["ada@example.com"],
        ["+493012345678"],
        "ada_l",
    )
    assert [t["name"] for t in body["tags"]] == ["VIP"]
    assert body["companies"][0]["company"]["id"] == acme.pk


def test_invalid_input_is_a_400_with_field_errors(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).post(
        CONTACTS, {"first_name": "Ada", "emails": ["nope"]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "emails": ["“nope” is not a valid email address."]
    }


def test_duplicate_telegram_username_is_a_400_not_a_crash(make_member, jwt_client):
    owner = make_member("owner")
    ContactFactory(organization=owner.organization, telegram_username="taken_name")

    response = jwt_client(owner.user).post(
        CONTACTS, {"telegram_username": "taken_name"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["telegram_username"]


def test_company_of_another_organization_does_not_exist(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).post(
        CONTACTS,
        {"first_name": "Ada", "companies": [{"company": CompanyFactory().pk}]},
        format="json",
    )

    assert response.status_code == 400
    assert "does not exist" in response.json()["error"]["fields"]["companies"]["0"]["company"][0]


def test_owner_who_is_not_a_member_does_not_exist(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).post(
        CONTACTS, {"first_name": "Ada", "owner": UserFactory().pk}, format="json"
    )

    assert response.status_code == 400
    assert "does not exist" in response.json()["error"]["fields"]["owner"][0]


def test_patch_changes_only_what_is_sent(make_member, jwt_client):
    owner = make_member("owner")
    contact = ContactFactory(organization=owner.organization, first_name="Ada", title="")

    response = jwt_client(owner.user).patch(
        contact_url(contact.pk), {"title": "CTO"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["first_name"], response.json()["title"]) == ("Ada", "CTO")


def test_viewer_cannot_create(make_member, jwt_client):
    viewer = make_member("viewer")

    response = jwt_client(viewer.user).post(CONTACTS, {"first_name": "Ada"}, format="json")

    assert response.status_code == 403


def test_admin_deletes_and_business_developer_cannot(make_member, jwt_client):
    admin = make_member("admin")
    bidi = make_member("bidi", organization=admin.organization)
    contact = ContactFactory(organization=admin.organization)

    refused = jwt_client(bidi.user).delete(contact_url(contact.pk))
    deleted = jwt_client(admin.user).delete(contact_url(contact.pk))

    assert (refused.status_code, deleted.status_code) == (403, 204)
    assert not Contact.objects.exists()


def test_read_api_key_lists_but_cannot_write(make_member, api_key_client):
    owner = make_member("owner")
    ContactFactory(organization=owner.organization)
    client = api_key_client(owner, scopes=("read",))

    assert client.get(CONTACTS).status_code == 200
    assert client.post(CONTACTS, {"first_name": "Ada"}, format="json").status_code == 403
