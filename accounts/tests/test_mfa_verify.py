"""The second sign-in step: after the password, a code from the app or a backup code."""

from urllib.parse import quote_plus

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.tests.factories import PASSWORD, enable_mfa, totp_code

LOGIN_URL = reverse("account_login")
VERIFY_URL = reverse("mfa_verify")


@pytest.fixture
def member_with_mfa(make_member):
    member = make_member("owner")
    member.device, member.backup_codes = enable_mfa(member.user)
    return member


def sign_in_with_password(client, user):
    return client.post(LOGIN_URL, {"login": user.email, "password": PASSWORD})


def test_password_sign_in_asks_for_the_code_before_the_dashboard(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == f"{VERIFY_URL}?next=/"


def test_code_page_keeps_the_page_asked_for(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    response = client.get("/settings/profile/?tab=a&b=c")

    assert (
        response.url == f"{VERIFY_URL}?next={quote_plus('/settings/profile/?tab=a&b=c', safe='/')}"
    )


def test_code_page_shows_code_field_backup_hint_and_sign_out(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    response = client.get(VERIFY_URL, {"next": "/settings/profile/"})

    html = response.content.decode()
    assert 'name="code"' in html
    assert 'autocomplete="one-time-code"' in html
    assert "backup code" in html
    assert reverse("account_logout") in html
    assert 'value="/settings/profile/"' in html


def test_current_code_passes_and_goes_to_next_page(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    response = client.post(
        VERIFY_URL, {"code": totp_code(member_with_mfa.device), "next": "/settings/profile/"}
    )

    assert response.status_code == 302
    assert response.url == "/settings/profile/"
    assert client.get("/").status_code == 200


def test_code_with_spaces_is_accepted(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)
    code = totp_code(member_with_mfa.device)

    response = client.post(VERIFY_URL, {"code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302


def test_wrong_code_shows_error_next_to_the_field(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)
    wrong = str((int(totp_code(member_with_mfa.device)) + 1) % 1_000_000).zfill(6)

    response = client.post(VERIFY_URL, {"code": wrong})

    assert response.status_code == 200
    assert "That code is not valid" in response.context["form"].errors["code"][0]
    assert 'id="id_code_error"' in response.content.decode()
    assert client.get("/").status_code == 302


def test_wrong_code_is_audited(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    client.post(VERIFY_URL, {"code": "000000"})

    assert AuditEntry.objects.filter(action="mfa.failed", actor=member_with_mfa.user).exists()


def test_backup_code_works_once(client, member_with_mfa):
    code = member_with_mfa.backup_codes[0]
    sign_in_with_password(client, member_with_mfa.user)
    assert client.post(VERIFY_URL, {"code": code}).status_code == 302
    client.post(reverse("account_logout"))

    sign_in_with_password(client, member_with_mfa.user)
    response = client.post(VERIFY_URL, {"code": code})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_backup_code_does_not_count_against_the_app_codes(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    client.post(VERIFY_URL, {"code": "99999999"})
    response = client.post(VERIFY_URL, {"code": totp_code(member_with_mfa.device)})

    assert response.status_code == 302


def test_five_wrong_codes_block_further_attempts_for_a_while(client, member_with_mfa, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # as if the user waited out django-otp's short delays
    sign_in_with_password(client, member_with_mfa.user)
    for _ in range(5):
        client.post(VERIFY_URL, {"code": "000000"})

    response = client.post(VERIFY_URL, {"code": totp_code(member_with_mfa.device)})

    assert response.status_code == 429
    assert "Wait a few minutes" in response.context["form"].errors["code"][0]
    assert client.get("/").status_code == 302


def test_foreign_next_url_is_ignored(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    response = client.post(
        VERIFY_URL,
        {"code": totp_code(member_with_mfa.device), "next": "https://evil.example.com/"},
    )

    assert response.url == reverse("dashboard")


def test_unverified_session_may_sign_out(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_unverified_session_cannot_change_the_password(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    response = client.get(reverse("account_change_password"))

    assert response.status_code == 302
    assert response.url.startswith(VERIFY_URL)


def test_api_refuses_an_unverified_browser_session(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    response = client.get("/api/v1/me/")

    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_api_accepts_the_session_once_verified(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)
    client.post(VERIFY_URL, {"code": totp_code(member_with_mfa.device)})

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["mfa_enabled"] is True


def test_user_without_mfa_is_not_asked_for_a_code(client, make_member):
    member = make_member("owner")
    sign_in_with_password(client, member.user)

    assert client.get("/").status_code == 200
    assert client.get(VERIFY_URL).url == reverse("dashboard")


def test_htmx_request_of_unverified_session_gets_a_full_page_redirect(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)

    response = client.get("/settings/profile/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(VERIFY_URL)


def test_right_code_straight_after_a_wrong_one_asks_to_wait_a_moment(client, member_with_mfa):
    sign_in_with_password(client, member_with_mfa.user)
    client.post(VERIFY_URL, {"code": "000000"})

    response = client.post(VERIFY_URL, {"code": totp_code(member_with_mfa.device)})

    assert "Wait 1 second" in response.context["form"].errors["code"][0]
