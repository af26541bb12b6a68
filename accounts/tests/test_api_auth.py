"""JWT sign-in for API clients: obtain (with the second factor), rotate, sign out, limits."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEntry
from accounts.tests.factories import PASSWORD, UserFactory, enable_mfa, totp_code

TOKEN_URL = reverse("api_token_obtain")
REFRESH_URL = reverse("api_token_refresh")
LOGOUT_URL = reverse("api_logout")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


def obtain(api, email, password=PASSWORD, **extra):
    return api.post(TOKEN_URL, {"email": email, "password": password, **extra}, format="json")


def me(api, access):
    return api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")


def test_correct_credentials_return_a_token_pair_that_works(api, user):
    response = obtain(api, user.email)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh"}
    assert me(api, body["access"]).json()["email"] == user.email


def test_email_is_matched_case_insensitively(api, user):
    response = obtain(api, user.email.upper())

    assert response.status_code == 200


def test_api_sign_in_is_audited(api, user):
    obtain(api, user.email)

    entry = AuditEntry.objects.get(action="user.login", actor=user)
    assert entry.metadata == {"method": "api:password"}


def test_wrong_password_is_401_with_a_uniform_message(api, user):
    wrong_password = obtain(api, user.email, password="nope")
    unknown_email = obtain(api, "nobody@example.com")

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["error"]["code"] == "invalid_credentials"


def test_failed_api_sign_in_is_audited_for_the_account(api, user):
    obtain(api, user.email, password="nope")

    entry = AuditEntry.objects.get(action="user.login_failed")
    assert entry.actor is None
    assert entry.target_id == str(user.pk)


def test_inactive_account_gets_the_same_401(api, user):
    user.is_active = False
    user.save()

    response = obtain(api, user.email)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_unverified_email_is_refused(api, db):
    user = UserFactory(verified=False)

    response = obtain(api, user.email)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "email_unverified"


def test_missing_fields_are_field_errors(api, db):
    response = api.post(TOKEN_URL, {"email": "not-an-email"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"email", "password"}


def test_account_with_mfa_needs_the_code(api, user):
    enable_mfa(user)

    response = obtain(api, user.email)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "mfa_required"
    assert error["fields"]["otp"] == ["This field is required."]


def test_account_with_mfa_signs_in_with_the_current_code(api, user):
    device, _ = enable_mfa(user)

    response = obtain(api, user.email, otp=totp_code(device))

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="user.login", actor=user)
    assert entry.metadata == {"method": "api:password+otp"}


def test_account_with_mfa_signs_in_with_a_backup_code_once(api, user):
    _, codes = enable_mfa(user)

    first = obtain(api, user.email, otp=codes[0])
    second = obtain(api, user.email, otp=codes[0])

    assert first.status_code == 200
    assert second.status_code == 400
    assert "otp" in second.json()["error"]["fields"]


def test_wrong_code_is_400_on_the_otp_field(api, user):
    enable_mfa(user)

    response = obtain(api, user.email, otp="000000")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["fields"]["otp"]


def test_wrong_password_with_mfa_does_not_reveal_that_mfa_is_on(api, user):
    enable_mfa(user)

    response = obtain(api, user.email, password="nope")

    assert response.status_code == 401


def test_refresh_rotates_and_the_old_refresh_token_stops_working(api, user):
    pair = obtain(api, user.email).json()

    rotated = api.post(REFRESH_URL, {"refresh": pair["refresh"]}, format="json")
    reused = api.post(REFRESH_URL, {"refresh": pair["refresh"]}, format="json")

    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != pair["refresh"]
    assert me(api, rotated.json()["access"]).status_code == 200
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "token_not_valid"


def test_garbage_refresh_token_is_401(api, db):
    response = api.post(REFRESH_URL, {"refresh": "garbage"}, format="json")

    assert response.status_code == 401


def test_logout_blacklists_the_refresh_token(api, user):
    pair = obtain(api, user.email).json()

    response = api.post(LOGOUT_URL, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 204
    refresh = api.post(REFRESH_URL, {"refresh": pair["refresh"]}, format="json")
    assert refresh.status_code == 401
    assert AuditEntry.objects.filter(action="user.logout", actor=user).exists()


def test_logout_twice_is_401(api, user):
    pair = obtain(api, user.email).json()
    api.post(LOGOUT_URL, {"refresh": pair["refresh"]}, format="json")

    response = api.post(LOGOUT_URL, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 401


def test_sign_in_is_throttled_per_client(api, db, settings):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"].split("/")[0])
    for _ in range(limit):
        assert api.post(TOKEN_URL, {}, format="json").status_code == 400

    response = api.post(TOKEN_URL, {}, format="json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"


def test_repeated_failures_lock_the_account_out(api, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        obtain(api, user.email, password="nope")

    response = obtain(api, user.email)

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert "Too many failed sign-in attempts" in response.json()["error"]["message"]


def test_lockout_of_one_account_leaves_others_alone(api, user, settings):
    other = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        obtain(api, user.email, password="nope")

    assert obtain(api, other.email).status_code == 200


def test_token_endpoints_are_documented(api, db):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    for path in ("/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/auth/logout/"):
        assert "post" in schema["paths"][path], path
