"""Brute-force protection of the web sign-in (django-axes) and of password reset (allauth)."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.tests.factories import PASSWORD, UserFactory

LOGIN_URL = reverse("account_login")


@pytest.fixture
def user(db):
    return UserFactory()


def sign_in(client, email, password=PASSWORD):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def test_wrong_password_shows_the_form_again_with_an_error(client, user):
    response = sign_in(client, user.email, "nope")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_failed_sign_in_is_audited_for_the_account(client, user):
    sign_in(client, user.email, "nope")

    entry = AuditEntry.objects.get(action="user.login_failed")
    assert entry.actor_label == user.email
    assert entry.target_id == str(user.pk)
    assert entry.ip_address == "127.0.0.1"


def test_failed_sign_in_for_an_unknown_email_is_audited_without_target(client, db):
    sign_in(client, "nobody@example.com", "nope")

    entry = AuditEntry.objects.get(action="user.login_failed")
    assert entry.actor_label == "nobody@example.com"
    assert entry.target_id == ""


def test_successful_sign_in_is_audited(client, user):
    sign_in(client, user.email)

    assert AuditEntry.objects.filter(action="user.login", actor=user).exists()


def test_too_many_failures_show_the_lockout_page(client, user, settings):
    responses = [sign_in(client, user.email, "nope") for _ in range(settings.AXES_FAILURE_LIMIT)]

    assert responses[-1].status_code == 429
    assert "Too many failed sign-in attempts" in responses[-1].content.decode()


def test_locked_out_account_cannot_sign_in_even_with_the_right_password(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.email, "nope")

    response = sign_in(client, user.email)

    assert "Too many failed" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_outlasts_allauths_shorter_rate_limit_window(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.email, "nope")
    cache.clear()  # allauth's per-email limit lives in the cache and expires after 5 minutes

    response = sign_in(client, user.email)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_counts_per_account_not_per_address(client, user, settings):
    other = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.email, "nope")

    response = sign_in(client, other.email)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_lockout_ignores_the_case_of_the_email(client, user, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = user.email.upper() if attempt % 2 else user.email
        sign_in(client, email, "nope")

    cache.clear()
    assert sign_in(client, user.email).status_code == 429


def test_successful_sign_in_resets_the_failure_count(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.email, "nope")
    sign_in(client, user.email)
    client.post(reverse("account_logout"))

    response = sign_in(client, user.email, "nope")

    assert response.status_code == 200


def test_password_reset_requests_are_rate_limited_per_email(client, user):
    url = reverse("account_reset_password")
    statuses = [client.post(url, {"email": user.email}).status_code for _ in range(6)]

    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert len(mail.outbox) == 5
