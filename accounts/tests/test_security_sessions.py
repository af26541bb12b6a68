"""Where you are signed in: the list of browser sessions, ending one, ending all others."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEntry, UserSession
from accounts.tests.factories import PASSWORD, UserFactory

SECURITY_URL = reverse("settings_security")
NEW_PASSWORD = "a new long passphrase"
LAPTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/126.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Safari/604.1"


@pytest.fixture
def user(db):
    return UserFactory()


def browser(user_agent, ip):
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)


def signed_in(user, user_agent=LAPTOP, ip="203.0.113.5"):
    client = browser(user_agent, ip)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_signing_in_records_the_session_with_device_and_address(user):
    client = signed_in(user)

    row = UserSession.objects.get(user=user)
    assert row.session_key == client.session.session_key
    assert row.device_label == "Chrome on macOS"
    assert row.ip_address == "203.0.113.5"


def test_security_page_lists_sessions_and_marks_this_device(user):
    laptop = signed_in(user)
    signed_in(user, PHONE, "198.51.100.7")

    response = laptop.get(SECURITY_URL)

    html = response.content.decode()
    assert "Chrome on macOS" in html
    assert "Safari on iPhone" in html
    assert "198.51.100.7" in html
    assert html.count("This device") == 1
    assert len(response.context["sessions"]) == 2


def test_signing_out_removes_the_session_from_the_list(user):
    laptop = signed_in(user)
    phone = signed_in(user, PHONE)

    phone.post(reverse("account_logout"))

    assert list(UserSession.objects.filter(user=user)) == [UserSession.objects.get(user=user)]
    assert laptop.get(SECURITY_URL).context["sessions"].count() == 1


def test_revoking_a_session_signs_that_browser_out(user):
    laptop = signed_in(user)
    phone = signed_in(user, PHONE)
    phone_row = UserSession.objects.get(user=user, user_agent=PHONE)

    response = laptop.post(reverse("settings_session_revoke", args=[phone_row.pk]))

    assert response.status_code == 302
    assert not UserSession.objects.filter(pk=phone_row.pk).exists()
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()
    assert phone.get("/").url.startswith(reverse("account_login"))
    assert laptop.get("/settings/profile/").status_code == 200
    assert AuditEntry.objects.filter(action="user.session_revoked", actor=user).exists()


def test_revoking_over_htmx_returns_the_updated_list(user):
    laptop = signed_in(user)
    signed_in(user, PHONE)
    phone_row = UserSession.objects.get(user=user, user_agent=PHONE)

    response = laptop.post(
        reverse("settings_session_revoke", args=[phone_row.pk]), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="sessions"' in html
    assert "Safari on iPhone" not in html
    assert "The session was signed out." in html


def test_someone_elses_session_cannot_be_revoked(user):
    stranger = UserFactory()
    stranger_client = signed_in(stranger)
    stranger_row = UserSession.objects.get(user=stranger)
    laptop = signed_in(user)

    laptop.post(reverse("settings_session_revoke", args=[stranger_row.pk]))

    assert UserSession.objects.filter(pk=stranger_row.pk).exists()
    assert stranger_client.get("/settings/profile/").status_code == 200


def test_sign_out_other_sessions_keeps_only_this_one(user):
    laptop = signed_in(user)
    phone = signed_in(user, PHONE)
    tablet = signed_in(user, PHONE, "198.51.100.9")

    laptop.post(reverse("settings_sessions_revoke_others"))

    assert UserSession.objects.filter(user=user).count() == 1
    assert phone.get("/").url.startswith(reverse("account_login"))
    assert tablet.get("/").url.startswith(reverse("account_login"))
    assert laptop.get("/settings/profile/").status_code == 200


def test_sign_out_other_sessions_revokes_api_refresh_tokens(user):
    api = APIClient()
    pair = api.post(
        reverse("api_token_obtain"), {"email": user.email, "password": PASSWORD}, format="json"
    ).json()
    laptop = signed_in(user)

    laptop.post(reverse("settings_sessions_revoke_others"))

    response = api.post(reverse("api_token_refresh"), {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 401


def test_session_from_another_place_updates_its_address(user):
    laptop = signed_in(user)
    row = UserSession.objects.get(user=user)
    cache.clear()  # the last-seen write is throttled; start a fresh interval

    laptop.get("/settings/profile/", REMOTE_ADDR="192.0.2.44")

    row.refresh_from_db()
    assert row.ip_address == "192.0.2.44"


def test_password_change_forgets_the_other_sessions(user):
    laptop = signed_in(user)
    signed_in(user, PHONE)

    laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    rows = UserSession.objects.filter(user=user)
    assert [row.user_agent for row in rows] == [LAPTOP]
    assert rows[0].session_key == laptop.session.session_key
    assert laptop.get("/settings/profile/").status_code == 200
