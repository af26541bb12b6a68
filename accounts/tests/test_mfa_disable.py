"""Turning two-factor authentication off: proof of identity, and organizations that require it."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry
from accounts.tests.factories import PASSWORD, MembershipFactory, enable_mfa, totp_code

DISABLE_URL = reverse("settings_mfa_disable")


@pytest.fixture
def verified(client, make_member):
    member = make_member("bidi")
    member.device, member.backup_codes = enable_mfa(member.user)
    client.force_login(member.user)
    client.post(reverse("mfa_verify"), {"code": totp_code(member.device)})
    return member


def has_mfa(user):
    return (
        TOTPDevice.objects.filter(user=user).exists()
        or StaticDevice.objects.filter(user=user).exists()
    )


def test_password_turns_mfa_off(client, verified):
    response = client.post(DISABLE_URL, {"confirmation": PASSWORD})

    assert response.url == reverse("settings_security")
    assert not has_mfa(verified.user)
    assert AuditEntry.objects.filter(action="mfa.disabled", actor=verified.user).exists()


def test_current_code_turns_mfa_off(client, verified):
    client.post(DISABLE_URL, {"confirmation": totp_code(verified.device, steps_ahead=1)})

    assert not has_mfa(verified.user)


def test_backup_code_turns_mfa_off(client, verified):
    client.post(DISABLE_URL, {"confirmation": verified.backup_codes[3]})

    assert not has_mfa(verified.user)


def test_wrong_confirmation_keeps_mfa_on_with_error_next_to_the_field(client, verified):
    response = client.post(DISABLE_URL, {"confirmation": "not my password"})

    assert response.status_code == 200
    assert response.context["form"].errors["confirmation"]
    assert has_mfa(verified.user)


def test_empty_confirmation_is_refused(client, verified):
    response = client.post(DISABLE_URL, {"confirmation": ""})

    assert response.context["form"].errors["confirmation"]
    assert has_mfa(verified.user)


def test_disabling_is_refused_while_the_organization_requires_mfa(client, verified):
    verified.organization.require_mfa = True
    verified.organization.save()

    response = client.post(DISABLE_URL, {"confirmation": PASSWORD})

    assert response.status_code == 403
    assert f"{verified.organization.name}</strong> requires two-factor" in response.content.decode()
    assert has_mfa(verified.user)


def test_security_page_explains_why_it_cannot_be_turned_off(client, verified):
    verified.organization.require_mfa = True
    verified.organization.save()

    response = client.get(reverse("settings_security"))

    html = response.content.decode()
    assert "cannot be turned off" in html
    assert DISABLE_URL not in html


def test_any_organization_requiring_mfa_blocks_disabling(client, verified, make_member):
    strict = make_member("owner").organization
    strict.require_mfa = True
    strict.save()
    MembershipFactory(organization=strict, user=verified.user, role="viewer")

    client.post(DISABLE_URL, {"confirmation": PASSWORD})

    assert has_mfa(verified.user)
