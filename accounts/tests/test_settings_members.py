from accounts.models import Membership
from accounts.permissions import Role

URL = "/settings/members/"


def _signed_in_with_colleague(client, make_member, role, colleague_role="bidi", **colleague):
    """Sign in a member with ``role`` and return them with a colleague's membership."""
    member = make_member(role)
    client.force_login(member.user)
    other = make_member(colleague_role, organization=member.organization, **colleague)
    return member, Membership.objects.get(user=other.user)


def _change_role(client, membership, role, **headers):
    return client.post(
        f"/settings/members/{membership.pk}/role/", {f"m{membership.pk}-role": role}, **headers
    )


def test_members_page_lists_people_with_their_roles(make_member, client):
    _signed_in_with_colleague(client, make_member, "owner", "viewer", email="vera@example.com")

    html = client.get(URL).content.decode()

    assert "vera@example.com" in html
    assert "Viewer" in html


def test_members_page_lists_only_the_active_organization(make_member, client):
    owner, _ = _signed_in_with_colleague(client, make_member, "owner")
    make_member("bidi", email="elsewhere@example.com")

    html = client.get(URL).content.decode()

    assert owner.user.email in html
    assert "elsewhere@example.com" not in html


def test_viewer_sees_members_read_only(make_member, client):
    _signed_in_with_colleague(client, make_member, "viewer")

    html = client.get(URL).content.decode()

    assert "/role/" not in html
    assert "/remove/" not in html
    assert 'name="email"' not in html


def test_admin_changes_a_members_role(make_member, client):
    _, membership = _signed_in_with_colleague(client, make_member, "admin")

    response = _change_role(client, membership, "viewer")

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_role_change_over_htmx_answers_with_the_updated_row(make_member, client):
    _, membership = _signed_in_with_colleague(client, make_member, "admin")

    response = _change_role(client, membership, "admin", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<li class="list-row" id="member-{membership.pk}"')
    assert "Role saved" in html
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_role_select_offers_only_assignable_roles(make_member, client):
    _, membership = _signed_in_with_colleague(client, make_member, "admin")

    response = _change_role(client, membership, "owner", HTTP_HX_REQUEST="true")

    assert "Choose a role you are allowed to give." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.BIDI


def test_viewer_cannot_change_roles(make_member, client):
    _, membership = _signed_in_with_colleague(client, make_member, "viewer")

    response = _change_role(client, membership, "admin")

    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.BIDI


def test_admin_removes_a_member(make_member, client):
    _, membership = _signed_in_with_colleague(client, make_member, "admin", full_name="Bob Bidi")

    response = client.post(f"/settings/members/{membership.pk}/remove/", follow=True)

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert "Bob Bidi no longer has access" in response.content.decode()


def test_removing_asks_for_confirmation_first(make_member, client):
    _, membership = _signed_in_with_colleague(client, make_member, "admin", full_name="Bob Bidi")

    html = client.get(URL).content.decode()

    assert "Remove Bob Bidi?" in html
    assert client.get(f"/settings/members/{membership.pk}/remove/").status_code == 405


def test_admin_cannot_remove_another_admin(make_member, client):
    _, membership = _signed_in_with_colleague(client, make_member, "admin", "admin")

    response = client.post(f"/settings/members/{membership.pk}/remove/", follow=True)

    assert "Only the owner can remove an admin." in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_members_of_another_organization_are_not_found(make_member, client):
    client.force_login(make_member("owner").user)
    stranger = Membership.objects.get(user=make_member("bidi").user)

    role = _change_role(client, stranger, "viewer")
    remove = client.post(f"/settings/members/{stranger.pk}/remove/")

    assert (role.status_code, remove.status_code) == (404, 404)
    stranger.refresh_from_db()
    assert stranger.role == Role.BIDI
