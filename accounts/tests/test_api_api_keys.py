from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiKey
from accounts.tests.factories import ApiKeyFactory

API_KEYS = "/api/v1/api-keys/"


def test_admin_creates_a_key_and_sees_its_secret_once(make_member, jwt_client):
    admin = make_member("admin")
    client = jwt_client(admin.user)

    response = client.post(API_KEYS, {"name": "Zapier", "scopes": ["read"]}, format="json")

    body = response.json()
    assert response.status_code == 201
    assert (body["name"], body["scopes"], body["is_active"]) == ("Zapier", ["read"], True)
    assert body["secret"].startswith(f"bidi_{body['prefix']}_")
    assert "secret" not in client.get(API_KEYS).json()["results"][0]


def test_created_secret_authenticates(make_member, jwt_client):
    admin = make_member("admin")
    secret = (
        jwt_client(admin.user)
        .post(API_KEYS, {"name": "Zapier", "scopes": ["read"]}, format="json")
        .json()["secret"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    assert client.get("/api/v1/members/").status_code == 200


def test_empty_name_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).post(
        API_KEYS, {"name": "  ", "scopes": ["read"]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]


def test_unknown_scope_is_a_field_error(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).post(
        API_KEYS, {"name": "Zapier", "scopes": ["read", "admin"]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["scopes"]


def test_a_key_needs_at_least_one_scope(make_member, jwt_client):
    admin = make_member("admin")

    response = jwt_client(admin.user).post(
        API_KEYS, {"name": "Zapier", "scopes": []}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["scopes"]


def test_bidi_cannot_see_api_keys(make_member, jwt_client):
    bidi = make_member("bidi")

    response = jwt_client(bidi.user).get(API_KEYS)

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "apikey.view"


def test_api_key_cannot_create_api_keys(make_member, api_key_client):
    owner = make_member("owner")
    client = api_key_client(owner, scopes=("read", "write"))

    response = client.post(API_KEYS, {"name": "More", "scopes": ["write"]}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "apikey.manage"


def test_revoked_key_stays_listed_and_stops_working(make_member, jwt_client, api_key_client):
    owner = make_member("owner")
    key_client = api_key_client(owner)
    client = jwt_client(owner.user)

    response = client.delete(f"{API_KEYS}{key_client.api_key.pk}/")

    assert response.status_code == 204
    listed = client.get(API_KEYS).json()["results"]
    assert [(k["id"], k["is_active"]) for k in listed] == [(key_client.api_key.pk, False)]
    assert listed[0]["revoked_at"]
    assert key_client.get("/api/v1/members/").status_code == 401


def test_revoking_another_organizations_key_is_404(make_member, jwt_client):
    admin = make_member("admin")
    other_owner = make_member("owner")
    issued = services.api_key_create(
        organization=other_owner.organization,
        name="Theirs",
        scopes=["read"],
        actor=other_owner.user,
    )

    response = jwt_client(admin.user).delete(f"{API_KEYS}{issued.api_key.pk}/")

    assert response.status_code == 404
    assert ApiKey.objects.get(pk=issued.api_key.pk).revoked_at is None


def test_listing_keys_takes_the_same_queries_however_many_there_are(
    make_member, jwt_client, django_assert_max_num_queries
):
    admin = make_member("admin")
    ApiKeyFactory.create_batch(30, organization=admin.organization, created_by=admin.user)
    client = jwt_client(admin.user)

    with django_assert_max_num_queries(3):
        response = client.get(API_KEYS)

    assert len(response.json()["results"]) == 30
