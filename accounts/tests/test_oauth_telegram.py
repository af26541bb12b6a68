"""Log in with Telegram: allauth's Telegram provider fed real payloads signed with the bot token.

The real flow: our login view redirects to oauth.telegram.org with a ``return_to`` callback URL
carrying ``state``; Telegram sends the browser back with ``#tgAuthResult=<base64 JSON>``; the
callback page's script POSTs that fragment to the same URL. Telegram never sees our server, so
the tests play Telegram's part by signing payloads as https://core.telegram.org/widgets/login
describes (HMAC-SHA256 over the sorted ``key=value`` lines, keyed with SHA256(bot token)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.tests.factories import UserFactory

BOT_ID = "7012345678"
BOT_TOKEN = f"{BOT_ID}:AAH-test-token-for-bidi-login"
MAX_AGE = 300

User = get_user_model()


@pytest.fixture
def telegram(settings) -> None:
    """Telegram login configured as config/settings.py does from TELEGRAM_LOGIN_BOT_TOKEN."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "telegram": {
            "APPS": [{"client_id": BOT_ID, "secret": BOT_TOKEN}],
            "AUTH_PARAMS": {"auth_date_validity": MAX_AGE},
        },
    }


def signed_payload(*, bot_token: str = BOT_TOKEN, **fields: object) -> dict:
    """What Telegram hands back after the person confirms in Telegram."""
    data = {
        "id": 987654321,
        "first_name": "Павел",
        "last_name": "Durov",
        "username": "durov",
        "photo_url": "https://t.me/i/userpic/320/durov.jpg",
        "auth_date": int(time.time()),
        **fields,
    }
    check_string = "\n".join(f"{key}={data[key]}" for key in sorted(data))
    secret = hashlib.sha256(bot_token.encode()).digest()
    data["hash"] = hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()
    return data


def start_telegram_login(client: Client, **params: str) -> str:
    """Press "Log in with Telegram"; returns the callback path Telegram will return to."""
    # As the button does: process and next travel in the form's action URL.
    response = client.post(f"{reverse('telegram_login')}?{urlencode(params)}")
    assert response.status_code == 302
    telegram_url = urlsplit(response.url)
    assert (telegram_url.netloc, telegram_url.path) == ("oauth.telegram.org", "/auth")
    return_to = urlsplit(parse_qs(telegram_url.query)["return_to"][0])
    assert return_to.path == reverse("telegram_callback")
    return f"{return_to.path}?{return_to.query}"


def return_from_telegram(client: Client, callback: str, payload: dict):
    """The callback page's script POSTs the ``tgAuthResult`` fragment back to the callback."""
    assert client.get(callback).status_code == 200
    encoded = base64.b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return client.post(callback, {"tgAuthResult": encoded})


def log_in_with_telegram(client: Client, payload: dict, **params: str):
    return return_from_telegram(client, start_telegram_login(client, **params), payload)


def signed_in_user(client: Client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def assert_rejected(client: Client, response) -> None:
    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert signed_in_user(client) is None
    assert "socialaccount_sociallogin" not in client.session
    assert not SocialAccount.objects.exists()


def test_login_sends_the_browser_to_telegram_for_our_bot(client, db, telegram):
    response = client.post(reverse("telegram_login"))

    query = {key: values[0] for key, values in parse_qs(urlsplit(response.url).query).items()}
    assert query["bot_id"] == BOT_ID
    assert query["origin"] == "http://testserver/"
    assert query["return_to"].startswith("http://testserver/accounts/telegram/login/callback/?")
    assert parse_qs(urlsplit(query["return_to"]).query)["state"][0]


def test_new_telegram_user_is_asked_for_an_email(client, db, telegram):
    response = log_in_with_telegram(client, signed_payload())

    assert response.url == reverse("socialaccount_signup")
    page = client.get(response.url).content.decode()
    assert 'name="email"' in page
    assert "share your email address. We'll send you a link to confirm it." in page
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_telegram_sign_up_verifies_the_email_then_signs_in(client, db, telegram):
    log_in_with_telegram(client, signed_payload())

    response = client.post(reverse("socialaccount_signup"), {"email": "pavel@example.com"})

    assert response.url == reverse("account_email_verification_sent")
    assert signed_in_user(client) is None
    user = User.objects.get(email="pavel@example.com")
    assert user.full_name == "Павел Durov"
    assert SocialAccount.objects.get(user=user, provider="telegram").uid == "987654321"
    assert not EmailAddress.objects.get(user=user).verified
    (message,) = mail.outbox
    confirm_path = re.search(r"https?://testserver(/accounts/confirm-email/\S+/)", message.body)[1]

    client.post(confirm_path)

    assert EmailAddress.objects.get(user=user).verified
    assert signed_in_user(client) == user


def test_telegram_sign_up_with_an_email_already_taken_creates_no_second_account(
    client, db, telegram
):
    existing = UserFactory(email="pavel@example.com")
    log_in_with_telegram(client, signed_payload())

    response = client.post(reverse("socialaccount_signup"), {"email": "pavel@example.com"})

    # Without revealing that the address is taken: "check your email", and its owner is told.
    assert response.url == reverse("account_email_verification_sent")
    assert list(User.objects.all()) == [existing]
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert [m.to for m in mail.outbox] == [["pavel@example.com"]]


def test_returning_telegram_user_is_signed_in(client, db, telegram):
    user = UserFactory()
    SocialAccount.objects.create(user=user, provider="telegram", uid="987654321")

    response = log_in_with_telegram(client, signed_payload())

    assert response.url == reverse("dashboard")
    assert signed_in_user(client) == user


def test_signed_in_user_can_connect_telegram_from_connections_page(client, db, telegram):
    user = UserFactory()
    client.force_login(user)

    response = log_in_with_telegram(client, signed_payload(), process="connect")

    assert response.url == reverse("socialaccount_connections")
    account = SocialAccount.objects.get(provider="telegram")
    assert (account.user, account.uid) == (user, "987654321")


def test_user_can_disconnect_telegram_from_connections_page(client, db, telegram):
    user = UserFactory()
    account = SocialAccount.objects.create(user=user, provider="telegram", uid="987654321")
    client.force_login(user)

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.url == reverse("socialaccount_connections")
    assert not SocialAccount.objects.exists()
    entry = AuditEntry.objects.get(action="user.social_disconnected")
    assert (entry.actor, entry.metadata) == (user, {"provider": "telegram"})


def test_tampered_telegram_payload_is_rejected(client, db, telegram):
    payload = signed_payload()
    payload["id"] = 1  # someone else's Telegram id, keeping the original hash

    assert_rejected(client, log_in_with_telegram(client, payload))


def test_payload_signed_with_another_bot_token_is_rejected(client, db, telegram):
    payload = signed_payload(bot_token="1111111111:AAH-some-other-bot")

    assert_rejected(client, log_in_with_telegram(client, payload))


def test_telegram_payload_without_hash_is_rejected(client, db, telegram):
    payload = signed_payload()
    del payload["hash"]

    assert_rejected(client, log_in_with_telegram(client, payload))


def test_stale_telegram_login_is_rejected(client, db, telegram):
    payload = signed_payload(auth_date=int(time.time()) - MAX_AGE - 5)

    assert_rejected(client, log_in_with_telegram(client, payload))


def test_max_age_comes_from_settings(client, db, telegram, settings):
    settings.SOCIALACCOUNT_PROVIDERS["telegram"]["AUTH_PARAMS"]["auth_date_validity"] = 3600
    payload = signed_payload(auth_date=int(time.time()) - 1800)

    response = log_in_with_telegram(client, payload)

    assert response.url == reverse("socialaccount_signup")


def test_callback_without_state_is_rejected(client, db, telegram):
    response = return_from_telegram(client, reverse("telegram_callback"), signed_payload())

    assert_rejected(client, response)


def test_payload_replayed_from_another_browser_is_refused(client, db, telegram):
    """A valid payload only completes the login the same browser started (its state)."""
    callback = start_telegram_login(Client())

    response = return_from_telegram(client, callback, signed_payload())

    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert "socialaccount_sociallogin" not in client.session


@pytest.mark.e2e
def test_browser_logs_in_with_telegram_through_the_callback_page(
    asgi_live_server, telegram, monkeypatch
):
    """In Chromium: the button, Telegram's redirect with the ``#tgAuthResult`` fragment, our
    callback page's script posting it (templates/telegram/callback.html), and the email step."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    encoded = base64.b64encode(json.dumps(signed_payload()).encode()).decode().rstrip("=")

    def telegram_confirms(route) -> None:
        return_to = parse_qs(urlsplit(route.request.url).query)["return_to"][0]
        route.fulfill(status=302, headers={"Location": f"{return_to}#tgAuthResult={encoded}"})

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.route("https://oauth.telegram.org/**", telegram_confirms)
            page.goto(f"{asgi_live_server.url}{reverse('account_login')}")
            page.get_by_role("button", name="Log in with Telegram").click()
            page.wait_for_url(f"**{reverse('socialaccount_signup')}")
            # The signed data does not follow the person into later URLs or history.
            assert "tgAuthResult" not in page.url
            page.fill("input[name=email]", "pavel@example.com")
            page.get_by_role("button", name="Create account").click()
            page.wait_for_url(f"**{reverse('account_email_verification_sent')}")
        finally:
            browser.close()

    user = User.objects.get(email="pavel@example.com")
    assert SocialAccount.objects.get(user=user, provider="telegram").uid == "987654321"
