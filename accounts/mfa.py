"""Second factor with django-otp: TOTP authenticator apps plus single-use backup codes.

These are the MFA services (enrol, confirm, verify, disable); the middleware and views call
them. A session has passed MFA when django-otp recorded one of the user's confirmed devices in
it. Wrong codes are limited per user (``MFA_FAILURE_LIMIT`` per ``MFA_FAILURE_WINDOW`` seconds,
counted in the cache) on top of django-otp's own per-device throttling.
"""

from __future__ import annotations

import math
import secrets
from base64 import b32encode
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import audit_record
from accounts.errors import PermissionDenied, RateLimited, ValidationError
from accounts.models import AuditEntry, Membership, Organization, User

BACKUP_CODE_COUNT = 10
BACKUP_CODE_LENGTH = 8
MFA_FAILURE_LIMIT = 5
MFA_FAILURE_WINDOW = 300


def session_passed_mfa(session: Any, user: User) -> bool:
    """True when the user has no confirmed device, or this session verified one of theirs.

    The device recorded in the session is checked again, so a session verified with a device
    that was since removed (MFA turned off and on again elsewhere) must verify anew.
    """
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if persistent_id:
        device = Device.from_persistent_id(persistent_id)
        if device is not None and device.user_id == user.pk and device.confirmed:
            return True
    return not user_has_device(user, confirmed=True)


def mfa_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_required_by(user: User) -> Organization | None:
    """An organization of the user that requires MFA (which forbids turning it off), if any."""
    member_of = Membership.objects.filter(user=user).values("organization_id")
    return Organization.objects.filter(pk__in=member_of, require_mfa=True).order_by("name").first()


def totp_enrolment_pending(user: User) -> TOTPDevice | None:
    """The authenticator the user is setting up (created by ``totp_enrolment_start``)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def totp_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app: base32 in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def backup_codes_remaining(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


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
    if not device.verify_is_allowed()[0]:
        raise ValidationError(
            "Too many wrong codes in a row. Wait a few seconds, then enter the newest code.",
            fields={"token": ["Too many attempts."]},
        )
    if not device.verify_token(_clean(token)):
        raise ValidationError(
            "That code is not valid. Check your phone's clock and try the current code.",
            fields={"token": ["Invalid code."]},
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _backup_codes_replace(user)
    entry = audit_record(action="mfa.enabled", actor=user, target=user)
    _security_notice(user, "mfa_enabled", entry)
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    if not mfa_enabled(user):
        raise ValidationError("Turn on two-factor authentication first.")
    codes = _backup_codes_replace(user)
    entry = audit_record(action="mfa.backup_codes_regenerated", actor=user, target=user)
    _security_notice(user, "backup_codes_regenerated", entry)
    return codes


def mfa_disable(*, user: User, confirmation: str) -> None:
    """Turn MFA off after the user proves it is them with a current code or their password.

    Refused while any of the user's organizations requires MFA, otherwise a member could switch
    organization and drop the requirement the other one set.
    """
    organization = mfa_required_by(user)
    if organization is not None:
        raise PermissionDenied(
            f"{organization.name} requires two-factor authentication for all members, so it "
            "cannot be turned off while you belong to it."
        )
    _failures_check(user)
    confirmation = confirmation.strip()
    if not confirmation or not (
        user.check_password(confirmation) or mfa_verify_token(user=user, token=confirmation)
    ):
        _failure_record(user)
        raise ValidationError(
            "Enter a current code from your authenticator app, a backup code or your password.",
            fields={"confirmation": ["Not a valid code or password."]},
        )
    _disable(user)


@transaction.atomic
def _disable(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    entry = audit_record(action="mfa.disabled", actor=user, target=user)
    _security_notice(user, "mfa_disabled", entry)


def _security_notice(user: User, kind: str, entry: AuditEntry) -> None:
    """The user hears of every change to their second factor, in case it was not them."""
    # accounts.signals imports accounts.signin, which imports this module.
    from accounts.signals import security_notice_send

    security_notice_send(
        user=user,
        kind=kind,
        source=f"audit:{entry.pk}",
        details={"at": entry.created_at.isoformat()},
    )


def mfa_verify_token(*, user: User, token: str) -> Any | None:
    """Return the device that accepts ``token`` (TOTP code or backup code), else None.

    A code is only tried on the kind of device whose codes have its length, so a backup code
    never counts as a failed attempt against the authenticator's throttle (and the reverse).
    Backup codes are consumed by django-otp's StaticDevice on use, so each works once; devices
    are locked while verifying so the same code cannot pass twice concurrently. While
    django-otp throttles the device after wrong codes (1 s, 2 s, 4 s…), a right code would be
    refused too, so that raises ``RateLimited`` saying how long to wait instead.
    """
    token = _clean(token)
    if not token.isdigit():
        return None
    wait_until = None
    with transaction.atomic():
        if len(token) == BACKUP_CODE_LENGTH:
            devices: Any = StaticDevice.objects.filter(user=user, confirmed=True)
        else:
            devices = TOTPDevice.objects.filter(user=user, confirmed=True, digits=len(token))
        for device in devices.select_for_update():
            allowed, details = device.verify_is_allowed()
            if not allowed:
                wait_until = (details or {}).get("locked_until")
                continue
            if device.verify_token(token):
                return device
    if wait_until is not None:
        seconds = max(1, math.ceil((wait_until - timezone.now()).total_seconds()))
        raise RateLimited(
            f"Too many wrong codes in a row. Wait {seconds} second{'s' if seconds > 1 else ''} "
            "and try again.",
            fields={"code": ["Too many attempts."]},
        )
    return None


def mfa_challenge(*, user: User, token: str) -> Any:
    """Check the second factor of a sign-in and return the device that accepted the code.

    Raises ``RateLimited`` after too many wrong codes and ``ValidationError`` (field ``code``)
    for a wrong one; both outcomes and success are audited.
    """
    _failures_check(user)
    device = mfa_verify_token(user=user, token=token)
    if device is None:
        _failure_record(user)
        audit_record(action="mfa.failed", actor=user, target=user)
        raise ValidationError(
            "That code is not valid. Enter the current code from your app or a backup code.",
            fields={"code": ["Invalid code."]},
        )
    cache.delete(_failures_key(user))
    audit_record(
        action="mfa.verified",
        actor=user,
        target=user,
        metadata={"method": "backup_code" if isinstance(device, StaticDevice) else "totp"},
    )
    return device


def mfa_login(*, request: HttpRequest, token: str) -> bool:
    """Verify the second factor for the signed-in user and mark the session as verified.

    Returns False for a wrong code; raises ``RateLimited`` after too many.
    """
    try:
        device = mfa_challenge(user=request.user, token=token)  # type: ignore[arg-type]
    except ValidationError:
        return False
    otp_login(request, device)
    return True


def session_mark_verified(request: HttpRequest, device: Any) -> None:
    """Count the current session as verified, e.g. right after the user enrolled ``device``."""
    otp_login(request, device)


def _failures_key(user: User) -> str:
    return f"mfa:failures:{user.pk}"


def _failures_check(user: User) -> None:
    if (cache.get(_failures_key(user)) or 0) >= MFA_FAILURE_LIMIT:
        raise RateLimited(
            "Too many wrong codes. Wait a few minutes, then try again.",
            fields={"code": ["Too many attempts."]},
        )


def _failure_record(user: User) -> None:
    key = _failures_key(user)
    cache.add(key, 0, MFA_FAILURE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, MFA_FAILURE_WINDOW)


def _backup_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    device.token_set.all().delete()
    codes = [
        str(secrets.randbelow(10**BACKUP_CODE_LENGTH)).zfill(BACKUP_CODE_LENGTH)
        for _ in range(BACKUP_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _clean(token: str) -> str:
    return "".join(token.split()).replace("-", "")
