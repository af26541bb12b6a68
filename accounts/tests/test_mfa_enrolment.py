"""Turning on two-factor authentication from Security: QR code, confirm code, backup codes."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry
from accounts.tests.factories import UserFactory, enable_mfa, totp_code

SETUP_URL = reverse("settings_mfa_setup")
ENROL_URL = reverse("settings_mfa_enrol")


@pytest.fixture
def signed_in(client, make_member):
    member = make_member("bidi")
    client.force_login(member.user)
    return member


def stored_backup_codes(user):
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def start_enrolment(client, user):
    client.post(SETUP_URL)
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_setup_shows_qr_code_and_secret_for_manual_entry(client, signed_in):
    response = client.post(SETUP_URL, follow=True)

    device = TOTPDevice.objects.get(user=signed_in.user, confirmed=False)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == ENROL_URL
    assert 'src="data:image/svg+xml;base64,' in html
    assert response.context["secret"].replace(" ", "") in device.config_url
    assert 'name="token"' in html
    assert "no-store" in response["Cache-Control"]


def test_enrol_page_without_setup_goes_back_to_security(client, signed_in):
    response = client.get(ENROL_URL)

    assert response.url == reverse("settings_security")


def test_valid_code_turns_mfa_on_and_shows_ten_backup_codes_once(client, signed_in):
    device = start_enrolment(client, signed_in.user)

    response = client.post(ENROL_URL, {"token": totp_code(device)})

    device.refresh_from_db()
    assert device.confirmed
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(re.fullmatch(r"\d{4} \d{4}", code) for code in codes)
    stored = stored_backup_codes(signed_in.user)
    assert stored == {code.replace(" ", "") for code in codes}
    assert 'download="bidi-backup-codes.txt"' in response.content.decode()
    assert AuditEntry.objects.filter(action="mfa.enabled", actor=signed_in.user).exists()


def test_session_that_enrolled_stays_verified(client, signed_in):
    device = start_enrolment(client, signed_in.user)

    client.post(ENROL_URL, {"token": totp_code(device)})

    assert client.get("/").status_code == 200


def test_other_sessions_must_pass_the_new_second_factor(client, signed_in):
    other = type(client)()
    other.force_login(signed_in.user)
    device = start_enrolment(client, signed_in.user)

    client.post(ENROL_URL, {"token": totp_code(device)})

    assert other.get("/").url.startswith(reverse("mfa_verify"))


def test_wrong_code_keeps_mfa_off_and_explains_next_to_the_field(client, signed_in):
    device = start_enrolment(client, signed_in.user)
    wrong = str((int(totp_code(device)) + 500_000) % 1_000_000).zfill(6)

    response = client.post(ENROL_URL, {"token": wrong})

    assert response.status_code == 200
    assert "not valid" in response.context["form"].errors["token"][0]
    assert not TOTPDevice.objects.filter(user=signed_in.user, confirmed=True).exists()


def test_starting_again_replaces_the_unconfirmed_secret(client, signed_in):
    first = start_enrolment(client, signed_in.user)

    second = start_enrolment(client, signed_in.user)

    assert first.pk != second.pk
    assert not TOTPDevice.objects.filter(pk=first.pk).exists()


def test_regenerating_backup_codes_replaces_the_old_ones(client, signed_in):
    device, old_codes = enable_mfa(signed_in.user)
    client.post(reverse("mfa_verify"), {"code": totp_code(device)})

    response = client.post(reverse("settings_mfa_backup_codes"))

    new_codes = {code.replace(" ", "") for code in response.context["codes"]}
    stored = stored_backup_codes(signed_in.user)
    assert stored == new_codes
    assert not new_codes & set(old_codes)
    assert response.context["first_time"] is False


def test_user_without_an_organization_can_enrol(client, db):
    user = UserFactory()
    client.force_login(user)
    device = start_enrolment(client, user)

    response = client.post(ENROL_URL, {"token": totp_code(device)})

    assert response.status_code == 200
    assert len(response.context["codes"]) == 10


def test_enrolment_requires_sign_in(client, db):
    response = client.post(SETUP_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
