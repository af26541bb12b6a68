import re

import pytest

from accounts import services
from accounts.models import ApiKey
from accounts.tests.factories import ApiKeyFactory

URL = "/settings/api-keys/"


@pytest.fixture
def admin(make_member, client):
    member = make_member("admin")
    client.force_login(member.user)
    return member


def test_admin_creates_a_key_and_sees_its_secret_once(admin, client):
    response = client.post(URL, {"name": "Zapier", "scopes": ["read", "write"]})

    assert response.status_code == 200
    secret = re.search(r"bidi_[0-9a-f]{8}_[\w-]+", response.content.decode()).group(0)
    api_key = services.api_key_authenticate(secret)
    assert (api_key.name, api_key.scopes) == ("Zapier", ["read", "write"])
    assert "no-store" in response["Cache-Control"]
    assert secret not in client.get(URL).content.decode()


def test_new_key_needs_a_name_and_a_scope(admin, client):
    response = client.post(URL, {"name": ""})

    form = response.context["form"]
    assert set(form.errors) == {"name", "scopes"}
    assert "Choose at least one scope." in response.content.decode()
    assert not ApiKey.objects.exists()


def test_list_shows_prefix_scopes_creator_and_last_use(admin, client):
    ApiKeyFactory(
        organization=admin.organization,
        name="Warehouse sync",
        prefix="abcd1234",
        scopes=["read"],
        created_by=admin.user,
    )

    html = client.get(URL).content.decode()

    assert "Warehouse sync" in html
    assert "bidi_abcd1234_…" in html
    assert admin.user.display_name in html
    assert "Never" in html


@pytest.mark.parametrize("role", ["bidi", "viewer"])
def test_members_below_admin_cannot_see_or_create_keys(role, make_member, client):
    member = make_member(role)
    client.force_login(member.user)

    page = client.get(URL)
    create = client.post(URL, {"name": "Mine", "scopes": ["read"]})

    assert (page.status_code, create.status_code) == (403, 403)
    assert not ApiKey.objects.exists()


def test_admin_revokes_a_key_after_confirming(admin, client):
    api_key = ApiKeyFactory(organization=admin.organization, name="Old CRM")

    html = client.get(URL).content.decode()
    response = client.post(f"/settings/api-keys/{api_key.pk}/revoke/", follow=True)

    assert "This cannot be undone." in html
    assert "The key “Old CRM” is revoked." in response.content.decode()
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_keys_of_another_organization_are_not_found(admin, client, make_member):
    api_key = ApiKeyFactory(organization=make_member("owner").organization)

    response = client.post(f"/settings/api-keys/{api_key.pk}/revoke/")

    assert response.status_code == 404
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
