"""The Security settings page: password, two-factor status, sessions and recent activity."""

from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory, enable_mfa, totp_code

SECURITY_URL = reverse("settings_security")


def sign_in(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def test_page_needs_sign_in(client, db):
    response = client.get(SECURITY_URL)

    assert response.url.startswith(reverse("account_login"))


def test_user_without_an_organization_can_open_it(client, db):
    client.force_login(UserFactory())

    response = client.get(SECURITY_URL)

    assert response.status_code == 200


def test_page_links_to_password_change(client, make_member):
    client.force_login(make_member("viewer").user)

    html = client.get(SECURITY_URL).content.decode()

    assert reverse("account_change_password") in html


def test_mfa_off_offers_setup(client, make_member):
    client.force_login(make_member("viewer").user)

    response = client.get(SECURITY_URL)

    html = response.content.decode()
    assert response.context["mfa_enabled"] is False
    assert reverse("settings_mfa_setup") in html
    assert reverse("settings_mfa_disable") not in html


def test_mfa_on_shows_status_backup_codes_left_and_turn_off(client, make_member):
    member = make_member("viewer")
    _, codes = enable_mfa(member.user)
    sign_in(client, member.user)
    client.post(reverse("mfa_verify"), {"code": codes[0]})

    response = client.get(SECURITY_URL)

    html = response.content.decode()
    assert response.context["mfa_enabled"] is True
    assert "9 unused codes left" in html
    assert reverse("settings_mfa_backup_codes") in html
    assert reverse("settings_mfa_disable") in html


def test_required_banner_shows_when_asked(client, make_member):
    client.force_login(make_member("viewer").user)

    response = client.get(SECURITY_URL, {"required": "1"})

    assert "requires two-factor authentication" in response.content.decode()


def test_recent_activity_lists_sign_ins_and_failed_attempts(client, make_member):
    member = make_member("viewer")
    device, _ = enable_mfa(member.user)
    sign_in(client, member.user, "wrong password")
    sign_in(client, member.user)
    client.post(reverse("mfa_verify"), {"code": totp_code(device)})

    response = client.get(SECURITY_URL)

    labels = [row["label"] for row in response.context["activity"]]
    assert labels == ["Passed two-factor check", "Signed in", "Failed sign-in attempt"]


def test_other_peoples_activity_is_not_shown(client, make_member):
    stranger = make_member("owner")
    sign_in(client, stranger.user, "wrong password")
    member = make_member("viewer")
    client.force_login(member.user)

    response = client.get(SECURITY_URL)

    assert [row["label"] for row in response.context["activity"]] == ["Signed in"]
