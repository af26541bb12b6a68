from crm.tests.factories import CompanyFactory, ContactFactory

SEARCH = "/api/v1/search/"


def test_search_returns_ranked_contacts_and_companies(make_member, jwt_client):
    viewer = make_member("viewer")
    org = viewer.organization
    ContactFactory(organization=org, first_name="Acme", last_name="Fan", emails=[])
    CompanyFactory(organization=org, name="Acme", domain="acme.io")
    ContactFactory(organization=org, first_name="Ada", last_name="L", emails=["acme@acme.io"])

    response = jwt_client(viewer.user).get(SEARCH, {"q": "acme@acme.io"})

    assert response.status_code == 200
    assert response.json()["results"][0] == {
        "type": "contact",
        "id": response.json()["results"][0]["id"],
        "name": "Ada L",
        "subtitle": "acme@acme.io",
        "match": "email",
    }


def test_search_respects_the_limit(make_member, jwt_client):
    viewer = make_member("viewer")
    ContactFactory.create_batch(5, organization=viewer.organization, first_name="Ada")

    response = jwt_client(viewer.user).get(SEARCH, {"q": "ada", "limit": 2})

    assert len(response.json()["results"]) == 2


def test_empty_query_finds_nothing(make_member, jwt_client):
    viewer = make_member("viewer")
    ContactFactory(organization=viewer.organization)

    assert jwt_client(viewer.user).get(SEARCH).json() == {"results": []}


def test_search_needs_authentication(db, client):
    assert client.get(SEARCH, {"q": "ada"}).status_code == 401
