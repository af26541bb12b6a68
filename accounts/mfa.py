"""Second factor with django-otp: TOTP authenticator apps plus single-use backup codes.

These are the MFA services (enrol, confirm, verify, disable); the middleware and views call
them. A session has passed MFA when django-otp recorded a verified device in it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import audit_record
from accounts.errors import ValidationError
from accounts.models import User

BACKUP_CODE_COUNT = 10


def session_passed_mfa(session: Any, user: User) -> bool:
    """True when the user has no confirmed device, or this session verified one."""
    if not user_has_device(user, confirmed=True):
        return True
    return bool(session.get(DEVICE_ID_SESSION_KEY))


def mfa_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """Create a fresh unconfirmed authenticator; an abandoned earlier attempt is discarded."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the device with a code from the app and return fresh backup codes (shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError("This enrolment is no longer valid. Start again.")
    if not device.verify_token(_clean(token)):
        raise ValidationError(
            "That code is not valid. Check your phone's clock and try the current code.",
            fields={"token": ["Invalid code."]},
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _backup_codes_replace(user)
    audit_record(action="mfa.enabled", actor=user, target=user)
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    if not mfa_enabled(user):
        raise ValidationError("Turn on two-factor authentication first.")
    codes = _backup_codes_replace(user)
    audit_record(action="mfa.backup_codes_regenerated", actor=user, target=user)
    return codes


@transaction.atomic
def mfa_disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(action="mfa.disabled", actor=user, target=user)


def mfa_verify_token(*, user: User, token: str) -> Any | None:
    """Return the device that accepts ``token`` (TOTP code or backup code), else None.

    Backup codes are consumed by django-otp's StaticDevice on use, so each works once.
    """
    token = _clean(token)
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def mfa_login(*, request: HttpRequest, token: str) -> bool:
    """Verify the second factor for the signed-in user and mark the session as verified."""
    user = request.user
    device = mfa_verify_token(user=user, token=token)  # type: ignore[arg-type]
    if device is None:
        audit_record(action="mfa.failed", actor=user, target=user)  # type: ignore[arg-type]
        return False
    otp_login(request, device)
    audit_record(action="mfa.verified", actor=user, target=user)  # type: ignore[arg-type]
    return True


def _backup_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _clean(token: str) -> str:
    return "".join(token.split()).replace("-", "")
