"""Sign in with Google: allauth's real OAuth2 flow against the fake Google in tests/fakes."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.tests.factories import PASSWORD, UserFactory, enable_mfa
from tests.fakes.google_oauth import FakeGoogle, GoogleUser

CLIENT_ID = "bidi-test.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-test-secret"

User = get_user_model()


@pytest.fixture
def google(settings) -> Iterator[FakeGoogle]:
    """Google sign-in configured as config/settings.py does from GOOGLE_CLIENT_ID, pointed at a
    fake Google through GOOGLE_OAUTH_BASE_URL."""
    with FakeGoogle(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as fake:
        settings.GOOGLE_OAUTH_BASE_URL = fake.url
        settings.SOCIALACCOUNT_PROVIDERS = {
            **settings.SOCIALACCOUNT_PROVIDERS,
            "google": {
                "APPS": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET}],
                "SCOPE": ["profile", "email"],
                "OAUTH_PKCE_ENABLED": True,
            },
        }
        yield fake


def start_google_login(client: Client, google: FakeGoogle, **params: str) -> str:
    """Press "Continue with Google"; returns the authorization URL the browser is sent to."""
    # As the button does: process and next travel in the form's action URL.
    response = client.post(f"{reverse('google_login')}?{urlencode(params)}")
    assert response.status_code == 302
    assert response.url.startswith(f"{google.url}/o/oauth2/v2/auth?")
    return response.url


def consent_at_google(authorize_url: str) -> str:
    """What the browser does at Google: returns the callback path Google redirects back to."""
    response = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    back = urlsplit(response.headers["Location"])
    assert back.path == reverse("google_callback")
    return f"{back.path}?{back.query}"


def sign_in_with_google(client: Client, google: FakeGoogle, **params: str):
    return client.get(consent_at_google(start_google_login(client, google, **params)))


def signed_in_user(client: Client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_sign_in_starts_at_google_with_our_client_state_and_pkce(client, db, google):
    url = start_google_login(client, google)

    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert query["client_id"] == CLIENT_ID
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == "http://testserver/accounts/google/login/callback/"
    assert set(query["scope"].split()) == {"profile", "email"}
    assert query["state"]
    assert query["code_challenge_method"] == "S256"


def test_without_a_base_url_sign_in_goes_to_google_itself(client, db, google, settings):
    settings.GOOGLE_OAUTH_BASE_URL = ""

    response = client.post(reverse("google_login"))

    assert response.url.startswith("https://accounts.google.com/o/oauth2/v2/auth?")


def test_new_google_user_is_signed_up_verified_and_signed_in(client, db, google):
    response = sign_in_with_google(client, google)

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    user = signed_in_user(client)
    assert user.email == "ada@example.com"
    assert user.full_name == "Ada Lovelace"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user, email="ada@example.com").verified
    assert SocialAccount.objects.get(user=user, provider="google").uid == google.user.sub


def test_code_is_exchanged_with_client_secret_and_pkce_verifier(client, db, google):
    sign_in_with_google(client, google)

    (exchange,) = google.requests_to("/token")
    assert exchange.form["grant_type"] == "authorization_code"
    assert exchange.form["client_secret"] == CLIENT_SECRET
    assert exchange.form["code_verifier"]


def test_returning_google_user_signs_in_to_the_same_account(client, db, google):
    sign_in_with_google(client, google)
    first = signed_in_user(client)
    client.logout()

    sign_in_with_google(client, google)

    assert signed_in_user(client) == first
    assert User.objects.count() == 1


def test_google_sign_in_goes_to_the_page_asked_for(client, db, google):
    response = sign_in_with_google(client, google, next="/settings/profile/")

    assert response.url == "/settings/profile/"


def test_google_sign_in_connects_existing_account_with_same_verified_email(client, db, google):
    existing = UserFactory(email="ada@example.com")

    sign_in_with_google(client, google)

    assert signed_in_user(client) == existing
    assert SocialAccount.objects.filter(user=existing, provider="google").exists()
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)


def test_google_sign_in_still_asks_for_the_authenticator_code(client, db, google):
    existing = UserFactory(email="ada@example.com")
    enable_mfa(existing)

    sign_in_with_google(client, google)
    response = client.get(reverse("dashboard"))

    assert response.url.startswith(reverse("mfa_verify"))


def test_unverified_google_email_does_not_sign_in_to_existing_account(client, db, google):
    UserFactory(email="ada@example.com")
    google.user = GoogleUser(email="ada@example.com", email_verified=False)

    response = sign_in_with_google(client, google)

    # Without revealing that the address is taken: "check your email", and the owner of the
    # address is told an account already exists.
    assert response.url == reverse("account_email_verification_sent")
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]


def test_signed_in_user_can_connect_google_from_connections_page(client, db, google):
    user = UserFactory(email="someone@example.com")
    client.force_login(user)

    response = sign_in_with_google(client, google, process="connect")

    assert response.url == reverse("socialaccount_connections")
    assert SocialAccount.objects.get(provider="google").user == user


def test_connecting_google_is_recorded_in_the_audit_log(client, db, google):
    user = UserFactory(email="someone@example.com")
    client.force_login(user)

    sign_in_with_google(client, google, process="connect")

    entry = AuditEntry.objects.get(action="user.social_connected")
    assert (entry.actor, entry.target_id, entry.metadata) == (
        user,
        str(user.pk),
        {"provider": "google"},
    )


def test_cancelling_at_google_shows_the_cancelled_page(client, db, google):
    google.deny = True

    response = sign_in_with_google(client, google)

    assert response.url == reverse("socialaccount_login_cancelled")
    assert client.get(response.url).status_code == 200
    assert signed_in_user(client) is None


def test_callback_with_a_state_we_did_not_issue_shows_the_error_page(client, db, google):
    authorize_url = start_google_login(client, google)
    callback = consent_at_google(authorize_url)
    state = parse_qs(urlsplit(callback).query)["state"][0]

    response = client.get(callback.replace(state, "forged-state-value"))

    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert signed_in_user(client) is None
    assert google.requests_to("/token") == []


def test_id_token_issued_for_another_application_is_rejected(client, db, google):
    google.id_token_audience = "someone-else.apps.googleusercontent.com"

    response = sign_in_with_google(client, google)

    assert response.status_code == 401
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_buttons_show_only_configured_providers(rf, db, google, settings):
    request = rf.get("/accounts/login/")

    html = render_to_string("account/_social_buttons.html", request=request)

    assert "Continue with Google" in html
    assert f'action="{reverse("google_login")}?process=login"' in html
    assert "Telegram" not in html


def test_buttons_on_the_connections_page_connect_each_configured_provider(rf, db, google, settings):
    settings.SOCIALACCOUNT_PROVIDERS["telegram"] = {
        "APPS": [{"client_id": "7012345678", "secret": "7012345678:AAH-token"}]
    }

    html = render_to_string(
        "account/_social_buttons.html",
        {"process": "connect"},
        request=rf.get("/accounts/3rdparty/"),
    )

    assert "Connect Google" in html
    assert "Connect Telegram" in html
    assert f'action="{reverse("telegram_login")}?process=connect"' in html


def test_buttons_render_nothing_without_configured_providers(rf, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}

    html = render_to_string("account/_social_buttons.html", request=rf.get("/accounts/login/"))

    assert html.strip() == ""
