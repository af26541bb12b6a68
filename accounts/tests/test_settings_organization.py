from accounts.models import Membership, Organization
from accounts.permissions import Role
from accounts.tests.factories import MembershipFactory

URL = "/settings/organization/"


def _login(client, member):
    client.force_login(member.user)
    return member


def test_admin_renames_the_organization(make_member, client):
    admin = _login(client, make_member("admin"))

    response = client.post(URL, {"name": "Acme Ventures"})

    assert response.status_code == 302
    admin.organization.refresh_from_db()
    assert admin.organization.name == "Acme Ventures"
    assert "The organization settings are saved." in client.get(URL).content.decode()


def test_admin_sets_the_default_currency_for_new_deals(make_member, client):
    admin = _login(client, make_member("admin"))

    response = client.post(URL, {"name": "Acme", "default_currency": "EUR"})

    assert response.status_code == 302
    admin.organization.refresh_from_db()
    assert admin.organization.default_currency == "EUR"
    refused = client.post(URL, {"name": "Acme", "default_currency": "XXX"})
    assert refused.status_code == 200
    assert refused.context["rename_form"].errors["default_currency"]


def test_blank_name_is_refused_next_to_the_field(make_member, client):
    admin = _login(client, make_member("admin"))

    response = client.post(URL, {"name": "   "})

    assert response.status_code == 200
    assert response.context["rename_form"].errors["name"]
    assert Organization.objects.get(pk=admin.organization.pk).name == admin.organization.name


def test_viewer_sees_the_organization_read_only(make_member, client):
    viewer = _login(client, make_member("viewer"))

    html = client.get(URL).content.decode()

    assert viewer.organization.slug in html
    assert 'name="name"' not in html
    assert 'name="require_mfa"' not in html


def test_viewer_cannot_rename(make_member, client):
    viewer = _login(client, make_member("viewer"))

    response = client.post(URL, {"name": "Hijacked"})

    assert response.status_code == 403
    viewer.organization.refresh_from_db()
    assert viewer.organization.name != "Hijacked"


def test_admin_requires_mfa_for_all_members(make_member, client):
    admin = _login(client, make_member("admin"))

    response = client.post("/settings/organization/security/", {"require_mfa": "on"})

    assert response.status_code == 302
    admin.organization.refresh_from_db()
    assert admin.organization.require_mfa is True


def test_mfa_toggle_over_htmx_answers_with_the_updated_card(make_member, client):
    admin = _login(client, make_member("admin"))

    response = client.post(
        "/settings/organization/security/", {"require_mfa": "on"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<section class="card mb-4" id="org-security"')
    assert "now required for every member" in html
    assert "You have not set up an authenticator app yet" in html
    admin.organization.refresh_from_db()
    assert admin.organization.require_mfa is True


def test_business_developer_cannot_change_the_mfa_policy(make_member, client):
    bidi = _login(client, make_member("bidi"))

    response = client.post("/settings/organization/security/", {"require_mfa": "on"})

    assert response.status_code == 403
    bidi.organization.refresh_from_db()
    assert bidi.organization.require_mfa is False


def test_owner_transfers_ownership_to_a_member(make_member, client):
    owner = _login(client, make_member("owner"))
    admin = make_member("admin", organization=owner.organization)

    response = client.post(
        "/settings/organization/transfer/", {"user": admin.user.pk, "confirm": "on"}
    )

    assert response.status_code == 302
    roles = dict(
        Membership.objects.filter(organization=owner.organization).values_list("user", "role")
    )
    assert roles == {owner.user.pk: Role.ADMIN, admin.user.pk: Role.OWNER}


def test_transfer_needs_the_confirmation_box(make_member, client):
    owner = _login(client, make_member("owner"))
    admin = make_member("admin", organization=owner.organization)

    response = client.post("/settings/organization/transfer/", {"user": admin.user.pk})

    assert response.status_code == 200
    assert "Tick the box to confirm the transfer." in response.content.decode()
    assert Membership.objects.get(user=owner.user).role == Role.OWNER


def test_ownership_cannot_go_to_someone_outside_the_organization(make_member, client):
    owner = _login(client, make_member("owner"))
    stranger = make_member("owner")

    response = client.post(
        "/settings/organization/transfer/", {"user": stranger.user.pk, "confirm": "on"}
    )

    assert response.status_code == 200
    assert response.context["transfer_form"].errors["user"]
    assert Membership.objects.get(user=owner.user).role == Role.OWNER


def test_admin_cannot_transfer_ownership(make_member, client):
    admin = _login(client, make_member("admin"))
    bidi = make_member("bidi", organization=admin.organization)

    response = client.post(
        "/settings/organization/transfer/", {"user": bidi.user.pk, "confirm": "on"}
    )

    assert response.status_code == 403
    assert Membership.objects.get(user=bidi.user).role == Role.BIDI


def test_member_leaves_after_confirming(make_member, client):
    bidi = _login(client, make_member("bidi"))
    MembershipFactory(organization=bidi.organization, role=Role.OWNER)

    confirm = client.get("/settings/organization/leave/")
    response = client.post("/settings/organization/leave/")

    assert confirm.status_code == 200
    assert f"Leave {bidi.organization.name}?" in confirm.content.decode()
    assert response.status_code == 302
    assert not Membership.objects.filter(user=bidi.user).exists()


def test_owner_is_told_to_transfer_before_leaving(make_member, client):
    owner = _login(client, make_member("owner"))

    response = client.post("/settings/organization/leave/", follow=True)

    assert "transfer ownership before leaving" in response.content.decode()
    assert Membership.objects.filter(user=owner.user, role=Role.OWNER).exists()
