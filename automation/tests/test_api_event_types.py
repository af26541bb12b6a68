from jsonschema import Draft202012Validator

from automation.catalog import CATALOG

EVENT_TYPES = "/api/v1/event-types/"


def test_every_catalogue_entry_is_listed(make_member, jwt_client):
    member = make_member("viewer")

    response = jwt_client(member.user).get(EVENT_TYPES)

    assert response.status_code == 200
    assert [t["name"] for t in response.json()] == sorted(CATALOG)


def test_each_type_has_its_version_visibility_schema_and_a_valid_sample(make_member, jwt_client):
    member = make_member("viewer")

    types = {t["name"]: t for t in jwt_client(member.user).get(EVENT_TYPES).json()}

    deal_won = types["deal.won"]
    assert deal_won["version"] == CATALOG["deal.won"].version
    assert deal_won["visible_to"] == "deal.view"
    assert deal_won["description"]
    Draft202012Validator(deal_won["schema"]).validate(deal_won["sample"])


def test_a_read_only_api_key_may_read_the_catalogue(make_member, api_key_client):
    owner = make_member("owner")

    response = api_key_client(owner).get(EVENT_TYPES)

    assert response.status_code == 200


def test_anonymous_clients_cannot_read_the_catalogue(client):
    assert client.get(EVENT_TYPES).status_code in (401, 403)


def test_one_type_is_read_by_name(make_member, jwt_client):
    member = make_member("viewer")

    response = jwt_client(member.user).get(f"{EVENT_TYPES}deal.won/")

    assert response.status_code == 200
    assert response.json()["schema"]["title"] == "deal.won (version 1)"


def test_an_unknown_type_is_not_found(make_member, jwt_client):
    member = make_member("viewer")

    assert jwt_client(member.user).get(f"{EVENT_TYPES}deal.exploded/").status_code == 404
