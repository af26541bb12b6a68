"""Security notices: a sign-in from a new device and changes to two-factor authentication tell
the user in the app and by email at once, whatever their quiet hours, in no organization."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import mfa
from accounts.tests.factories import PASSWORD, UserFactory, enable_mfa, totp_code
from notifications.models import Notification
from notifications.selectors import notifications_for
from notifications.services import user_settings_update

pytestmark = pytest.mark.django_db

LAPTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/126.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Safari/604.1"


@pytest.fixture
def user(db):
    return UserFactory(time_zone="Europe/Berlin")


def sign_in(user, capture, user_agent=LAPTOP, ip="203.0.113.5") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    with capture(execute=True):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
    assert response.status_code == 302
    return client


def sign_out(client: Client) -> None:
    assert client.post(reverse("account_logout")).status_code == 302


def test_the_first_sign_in_of_an_account_tells_nothing(user, django_capture_on_commit_callbacks):
    sign_in(user, django_capture_on_commit_callbacks)

    assert not Notification.objects.filter(user=user).exists()


def test_a_sign_in_from_a_new_device_tells_the_user_in_the_app_and_by_email(
    user, make_member, django_capture_on_commit_callbacks
):
    sign_in(user, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with time_machine.travel(datetime(2026, 3, 3, 13, 5, tzinfo=ZoneInfo("UTC")), tick=False):
        sign_in(user, django_capture_on_commit_callbacks, PHONE, "198.51.100.7")

    [notice] = Notification.objects.filter(user=user)
    assert notice.type == "security.login"
    assert notice.organization is None
    assert notice.title == "New sign-in to your account"
    assert "Safari on iPhone" in notice.body
    assert "198.51.100.7" in notice.body
    assert "3 Mar 2026, 14:05 (Europe/Berlin)" in notice.body
    assert notice.url == reverse("settings_security")
    [email] = mail.outbox
    assert email.to == [user.email]
    assert "198.51.100.7" in email.body


def test_the_notice_shows_in_the_center_of_every_organization_of_the_user(
    user, make_member, django_capture_on_commit_callbacks
):
    from accounts.tests.factories import MembershipFactory, OrganizationFactory

    first, second = OrganizationFactory(), OrganizationFactory()
    MembershipFactory(organization=first, user=user)
    MembershipFactory(organization=second, user=user)
    sign_in(user, django_capture_on_commit_callbacks)

    sign_in(user, django_capture_on_commit_callbacks, PHONE, "198.51.100.7")

    assert notifications_for(user, first).get().type == "security.login"
    assert notifications_for(user, second).get().type == "security.login"


def test_signing_out_and_back_in_on_the_same_device_tells_nothing(
    user, django_capture_on_commit_callbacks
):
    laptop = sign_in(user, django_capture_on_commit_callbacks)
    sign_out(laptop)

    sign_in(user, django_capture_on_commit_callbacks)

    assert not Notification.objects.filter(user=user).exists()


def test_the_same_browser_from_another_address_is_a_new_device(
    user, django_capture_on_commit_callbacks
):
    sign_in(user, django_capture_on_commit_callbacks)

    sign_in(user, django_capture_on_commit_callbacks, LAPTOP, "192.0.2.44")

    assert Notification.objects.get(user=user).type == "security.login"


def test_a_device_unused_for_more_than_90_days_is_new_again(
    user, django_capture_on_commit_callbacks
):
    start = datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(start, tick=False):
        sign_in(user, django_capture_on_commit_callbacks)
    with time_machine.travel(start + timedelta(days=89), tick=False):
        sign_in(user, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(user=user).exists()

    with time_machine.travel(start + timedelta(days=89 + 91), tick=False):
        sign_in(user, django_capture_on_commit_callbacks)

    assert Notification.objects.get(user=user).type == "security.login"


def test_a_new_sign_in_is_emailed_during_quiet_hours(user, django_capture_on_commit_callbacks):
    sign_in(user, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    user_settings_update(user=user, quiet_start=time(0, 0), quiet_end=time(23, 59), digest="daily")

    sign_in(user, django_capture_on_commit_callbacks, PHONE, "198.51.100.7")

    assert [email.to for email in mail.outbox] == [[user.email]]


def test_turning_two_factor_on_tells_the_user(user, django_capture_on_commit_callbacks):
    device = mfa.totp_enrolment_start(user=user)

    with django_capture_on_commit_callbacks(execute=True):
        mfa.totp_enrolment_confirm(user=user, device=device, token=totp_code(device))

    [notice] = Notification.objects.filter(user=user)
    assert notice.type == "security.mfa_changed"
    assert notice.title == "Two-factor authentication turned on"
    assert [email.to for email in mail.outbox] == [[user.email]]


def test_turning_two_factor_off_tells_the_user(user, django_capture_on_commit_callbacks):
    enable_mfa(user)

    with django_capture_on_commit_callbacks(execute=True):
        mfa.mfa_disable(user=user, confirmation=PASSWORD)

    [notice] = Notification.objects.filter(user=user)
    assert notice.title == "Two-factor authentication turned off"
    assert "If this was not you" in notice.body
    assert "Two-factor authentication turned off" in mail.outbox[0].subject


def test_a_wrong_confirmation_turns_nothing_off_and_tells_nothing(user):
    enable_mfa(user)

    with pytest.raises(mfa.ValidationError):
        mfa.mfa_disable(user=user, confirmation="not my password")

    assert not Notification.objects.filter(user=user).exists()


def test_regenerating_backup_codes_tells_the_user(user, django_capture_on_commit_callbacks):
    enable_mfa(user)

    with django_capture_on_commit_callbacks(execute=True):
        mfa.backup_codes_regenerate(user=user)

    [notice] = Notification.objects.filter(user=user)
    assert notice.type == "security.mfa_changed"
    assert notice.title == "New two-factor backup codes"


def api_sign_in(user, capture, user_agent: str, ip: str) -> None:
    client = APIClient(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    with capture(execute=True):
        response = client.post(
            reverse("api_token_obtain"),
            {"email": user.email, "password": PASSWORD},
            format="json",
        )
    assert response.status_code == 200, response.content


def test_an_api_sign_in_from_a_new_device_tells_the_user(user, django_capture_on_commit_callbacks):
    sign_in(user, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    api_sign_in(user, django_capture_on_commit_callbacks, "python-requests/2.32", "192.0.2.44")

    [notice] = Notification.objects.filter(user=user, type="security.login")
    assert "192.0.2.44" in notice.body
    assert "Python" in notice.body
    assert [email.to for email in mail.outbox] == [[user.email]]


def test_an_api_sign_in_from_a_known_device_tells_nothing(user, django_capture_on_commit_callbacks):
    api_sign_in(user, django_capture_on_commit_callbacks, "python-requests/2.32", "192.0.2.44")
    api_sign_in(user, django_capture_on_commit_callbacks, "python-requests/2.32", "192.0.2.44")

    assert not Notification.objects.filter(user=user).exists()
