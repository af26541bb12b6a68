"""Unsubscribe links in notification emails: they work without signing in.

The link carries a signed token (user, type, channel) instead of a session: whoever holds the
email may turn that email off, and nothing else. Mail clients follow it too (RFC 8058 one-click
``List-Unsubscribe-Post``), so applying it is a plain POST with no CSRF token. A token names one
type, or every type (``type_key=""``, the digest's link), and lasts ``TOKEN_MAX_AGE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

from accounts.errors import ValidationError
from accounts.models import User
from notifications.registry import EMAIL, notification_type, notification_types
from notifications.services import preferences_update

TOKEN_SALT = "notifications.unsubscribe"
TOKEN_MAX_AGE = timedelta(days=60)
ALL_TYPES_LABEL = "all notifications except security notices"


@dataclass(frozen=True)
class UnsubscribeRequest:
    """What a valid token asks for."""

    user: User
    type_key: str  # "" for every type
    label: str  # "A deal I own is won", or ALL_TYPES_LABEL


@dataclass(frozen=True)
class UnsubscribeResult:
    """What applying a token did (shown on the page)."""

    user: User
    type_key: str
    label: str
    type_keys: list[str]  # the types whose email is now off


def unsubscribe_token(*, user: User, type_key: str) -> str:
    """A token that turns off ``user``'s email for ``type_key`` ("" = every type)."""
    return signing.dumps({"u": user.pk, "t": type_key, "c": EMAIL}, salt=TOKEN_SALT, compress=True)


def unsubscribe_read(token: str) -> UnsubscribeRequest:
    """What ``token`` would turn off, without turning it off (the confirmation page).

    Raises ``ValidationError`` when the token was tampered with, has expired, or names a user
    or type that no longer exists.
    """
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(
            "This unsubscribe link has expired. Change your email choices in your notification "
            "settings instead.",
            code="unsubscribe_expired",
        ) from error
    except signing.BadSignature as error:
        raise ValidationError(
            "This unsubscribe link is not valid. Check that you opened the whole link from the "
            "email.",
            code="unsubscribe_invalid",
        ) from error
    if not isinstance(data, dict) or data.get("c") != EMAIL:
        raise ValidationError("This unsubscribe link is not valid.", code="unsubscribe_invalid")
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        raise ValidationError(
            "The account this link was sent to no longer exists.", code="unsubscribe_invalid"
        )
    type_key = str(data.get("t") or "")
    if not type_key:
        return UnsubscribeRequest(user=user, type_key="", label=ALL_TYPES_LABEL)
    notification_type_ = notification_type(type_key)
    if notification_type_ is None:
        raise ValidationError(
            "BiDi no longer sends this kind of notification: there is nothing to stop.",
            code="unsubscribe_invalid",
        )
    if notification_type_.mandatory:
        raise ValidationError(
            "Security notices about your account are always sent by email.",
            code="unsubscribe_invalid",
        )
    return UnsubscribeRequest(user=user, type_key=type_key, label=notification_type_.label)


def unsubscribe_apply(token: str) -> UnsubscribeResult:
    """Turn email off for the token's type (or every type) as the user's own preference.

    Applying the same token twice changes nothing more. Raises ``ValidationError`` like
    ``unsubscribe_read``.
    """
    request = unsubscribe_read(token)
    type_keys = (
        [request.type_key]
        if request.type_key
        else [key for key, t in notification_types().items() if not t.mandatory]
    )
    preferences_update(user=request.user, changes={(key, EMAIL): False for key in type_keys})
    return UnsubscribeResult(
        user=request.user, type_key=request.type_key, label=request.label, type_keys=type_keys
    )
