"""The app shell every page shares: org switcher, navigation by role, auth and error pages."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.tests.factories import ApiKeyFactory, MembershipFactory, OrganizationFactory


def _switcher_choices(html: str) -> set[str]:
    return set(re.findall(r'name="organization" value="(\d+)"', html))


def test_dashboard_switcher_lists_every_organization_of_the_user(client, make_member):
    member = make_member("owner")
    other = OrganizationFactory(name="Second Fund")
    MembershipFactory(organization=other, user=member.user, role="viewer")
    OrganizationFactory(name="Not Mine")
    client.force_login(member.user)

    html = client.get(reverse("dashboard")).content.decode()

    assert _switcher_choices(html) == {str(member.organization.pk), str(other.pk)}
    assert "Second Fund" in html
    assert "Not Mine" not in html


def test_switching_organization_makes_it_the_active_one(client, make_member):
    member = make_member("owner")
    other = OrganizationFactory(name="Second Fund")
    MembershipFactory(organization=other, user=member.user, role="admin")
    client.force_login(member.user)
    client.get(reverse("dashboard"))

    response = client.post(
        reverse("organization_switch"), {"organization": other.pk, "next": "/settings/profile/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/settings/profile/"
    assert client.get(reverse("dashboard")).context["org"] == other


def test_switching_to_someone_elses_organization_keeps_the_current_one(client, make_member):
    member = make_member("owner")
    stranger = OrganizationFactory()
    client.force_login(member.user)

    client.post(reverse("organization_switch"), {"organization": stranger.pk, "next": "/"})
    response = client.get(reverse("dashboard"))

    assert response.context["org"] == member.organization
    assert "You are not a member of that organization." in response.content.decode()


def test_user_menu_logs_out_with_a_post_form(client, make_member):
    member = make_member("bidi")
    client.force_login(member.user)

    html = client.get(reverse("dashboard")).content.decode()

    assert re.search(rf'<form method="post" action="{reverse("account_logout")}">', html)
    assert member.user.email in html


def test_login_page_renders_the_styled_form(client, db):
    html = client.get(reverse("account_login")).content.decode()

    assert 'class="auth-card"' in html
    assert "form-control" in re.search(r'<input[^>]*name="login"[^>]*>', html).group(0)
    assert 'for="id_password"' in html
    assert reverse("account_reset_password") in html


def test_wrong_credentials_show_an_error_above_the_form(client, make_member):
    member = make_member("owner")

    response = client.post(
        reverse("account_login"), {"login": member.user.email, "password": "not my password"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in html
    assert "not correct" in html


def test_missing_password_is_reported_next_to_the_field(client, make_member):
    member = make_member("owner")

    response = client.post(reverse("account_login"), {"login": member.user.email, "password": ""})

    html = response.content.decode()
    field = re.search(r'<input[^>]*name="password"[^>]*>', html).group(0)
    assert "is-invalid" in field
    assert 'aria-invalid="true"' in field
    assert re.search(r'id="id_password_error">\s*<div>.*This field is required', html, re.S)


def test_viewer_does_not_see_settings_links_their_role_cannot_use(client, make_member):
    member = make_member("viewer")
    client.force_login(member.user)

    html = client.get(reverse("settings_profile")).content.decode()

    assert f'href="{reverse("settings_members")}"' in html
    assert f'href="{reverse("settings_organization")}"' in html
    assert f'href="{reverse("settings_api_keys")}"' not in html
    assert f'href="{reverse("settings_audit")}"' not in html


def test_admin_sees_every_settings_link(client, make_member):
    member = make_member("admin")
    client.force_login(member.user)

    html = client.get(reverse("settings_profile")).content.decode()

    for name in ("settings_members", "settings_api_keys", "settings_audit"):
        assert f'href="{reverse(name)}"' in html


def test_current_settings_page_is_marked_in_the_menu(client, make_member):
    member = make_member("admin")
    client.force_login(member.user)

    html = client.get(reverse("settings_members")).content.decode()

    assert re.search(
        rf'class="app-nav-link active" href="{reverse("settings_members")}" aria-current="page"',
        html,
    )


def test_navigation_hides_links_to_pages_not_built_yet(rf):
    request = rf.get("/")
    template = Template('{% load ui %}{% nav_item "crm_companies_not_built" "Companies" "x" %}')

    assert template.render(Context({"request": request, "org_perms": set()})).strip() == ""


def test_allauth_password_change_page_sits_in_the_settings_layout(client, make_member):
    member = make_member("owner")
    client.force_login(member.user)

    html = client.get(reverse("account_change_password")).content.decode()

    assert 'class="settings-nav"' in html
    assert "Change password" in html
    assert 'id="id_oldpassword"' in html


def test_unknown_page_renders_inside_the_app_layout_for_members(client, make_member):
    member = make_member("bidi")
    client.force_login(member.user)

    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert 'id="app-sidebar"' in html
    assert "We can't find that page" in html


def test_unknown_page_for_visitors_offers_to_sign_in(client, db):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert 'id="app-sidebar"' not in html
    assert reverse("account_login") in html


def test_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")

    assert "Something went wrong" in html


def test_getting_started_marks_an_api_key_as_done(client, make_member):
    member = make_member("owner")
    ApiKeyFactory(organization=member.organization)
    client.force_login(member.user)

    steps = client.get(reverse("dashboard")).context["steps"]

    assert {step["key"]: step["done"] for step in steps}["api_key"] is True


def test_getting_started_leaves_out_steps_a_viewer_cannot_take(client, make_member):
    member = make_member("viewer")
    client.force_login(member.user)

    steps = client.get(reverse("dashboard")).context["steps"]

    assert {step["key"] for step in steps} == {"organization", "mfa"}


def test_forbidden_page_names_the_role_and_the_missing_permission(client, make_member):
    member = make_member("viewer")
    client.force_login(member.user)

    response = client.get(reverse("settings_api_keys"))

    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="app-sidebar"' in html
    assert "badge-role-viewer" in html
    assert "apikey.view" in html
