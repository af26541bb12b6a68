"""Signing in beyond the password form: the browser sessions a user can see and end, and the
API's JWT sign-in (password, then the second factor when enrolled).

A ``UserSession`` row is recorded when Django logs a user in (see ``accounts.signals``) and its
id is kept in the session; ``UserSessionMiddleware`` refreshes ``last_seen_at`` and logs out a
session whose row was revoked. Revoking deletes the row and Django's session together.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from allauth.account.models import EmailAddress
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_otp import user_has_device
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.audit import audit_record, request_meta_from_headers
from accounts.errors import (
    AuthenticationFailed,
    EmailUnverified,
    NotFound,
    RateLimited,
    ValidationError,
)
from accounts.mfa import mfa_challenge
from accounts.models import AuditEntry, User, UserSession

USER_SESSION_ID_KEY = "_bidi_user_session_id"
# How often a request may write ``last_seen_at``; "last seen" needs minutes, not milliseconds.
TOUCH_INTERVAL = 60
# A sign-in from a (browser, IP address) pair the user did not use for this long is news to them.
KNOWN_DEVICE_DAYS = 90
INVALID_CREDENTIALS = "Email or password is not correct."


# --- Browser sessions -------------------------------------------------------------------------


def user_sessions_list(user: User) -> QuerySet[UserSession]:
    """The user's sessions that can still be live, most recently used first."""
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return UserSession.objects.filter(user=user, last_seen_at__gte=cutoff).order_by(
        "-last_seen_at", "-pk"
    )


def current_user_session_id(request: HttpRequest) -> int | None:
    return request.session.get(USER_SESSION_ID_KEY)


@transaction.atomic
def user_session_record(*, request: HttpRequest, user: User) -> UserSession:
    """Remember the session the user just signed in with (and forget their dead ones)."""
    if not request.session.session_key:
        request.session.save()
    _prune_dead_sessions(user)
    meta = request_meta_from_headers(request.META)
    row, _ = UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": meta.ip_address,
            "user_agent": meta.user_agent,
            "last_seen_at": timezone.now(),
        },
    )
    request.session[USER_SESSION_ID_KEY] = row.pk
    return row


def sign_in_from_new_device(
    *,
    user: User,
    user_agent: str,
    ip_address: str | None,
    login_entry: AuditEntry | None = None,
    user_session: UserSession | None = None,
) -> bool:
    """True when a sign-in (a browser's ``user_session``, or an API token) came from a user
    agent and IP address pair the user has not used in the last ``KNOWN_DEVICE_DAYS`` days,
    and they had signed in before.

    Session rows end at sign-out, so the audit log's sign-ins count too ("user.login" entries,
    apart from ``login_entry``, the one just written): signing out and back in on the same
    laptop is not a new device. An account's very first sign-in tells nobody anything new.
    """
    since = timezone.now() - timedelta(days=KNOWN_DEVICE_DAYS)
    pair = {"user_agent": user_agent, "ip_address": ip_address}
    logins = AuditEntry.objects.filter(
        action="user.login", target_type=User._meta.label_lower, target_id=str(user.pk)
    ).exclude(pk=login_entry.pk if login_entry is not None else None)
    other_sessions = UserSession.objects.filter(user=user).exclude(
        pk=user_session.pk if user_session is not None else None
    )
    if not logins.exists() and not other_sessions.exists():
        return False
    seen = (
        other_sessions.filter(last_seen_at__gte=since, **pair).exists()
        or logins.filter(created_at__gte=since, **pair).exists()
    )
    return not seen


def user_session_touch(request: HttpRequest) -> bool:
    """Note the session is in use; False when its row was revoked and it must not continue.

    Writes at most once per ``TOUCH_INTERVAL`` per session, and at once when the session key
    rotated, so a revocation always finds the live key.
    """
    row_id = request.session.get(USER_SESSION_ID_KEY)
    if row_id is None:  # signed in before sessions were recorded
        user_session_record(request=request, user=request.user)  # type: ignore[arg-type]
        return True
    session_key = request.session.session_key
    marker = f"usersession:seen:{row_id}"
    if session_key and cache.get(marker) == session_key:
        return True
    meta = request_meta_from_headers(request.META)
    updated = UserSession.objects.filter(pk=row_id, user_id=request.user.pk).update(
        session_key=session_key or "",
        ip_address=meta.ip_address,
        last_seen_at=timezone.now(),
    )
    if not updated:
        return False
    cache.set(marker, session_key, TOUCH_INTERVAL)
    return True


def user_session_end(request: HttpRequest) -> None:
    """The user signed out of this session: forget it."""
    row_id = request.session.get(USER_SESSION_ID_KEY)
    if row_id is not None:
        UserSession.objects.filter(pk=row_id).delete()


@transaction.atomic
def user_session_revoke(*, user: User, user_session_id: int) -> None:
    """Sign one of the user's sessions out; any other user's session is not found."""
    row = UserSession.objects.select_for_update().filter(pk=user_session_id, user=user).first()
    if row is None:
        raise NotFound("That session has already ended.")
    _end_sessions([row])
    audit_record(
        action="user.session_revoked",
        actor=user,
        target=user,
        metadata={"device": row.device_label, "ip": row.ip_address},
    )


@transaction.atomic
def user_sessions_revoke_others(*, request: HttpRequest, user: User) -> int:
    """Sign out every other browser session of the user and revoke their API refresh tokens.

    Returns how many browser sessions ended.
    """
    rows = list(
        UserSession.objects.select_for_update()
        .filter(user=user)
        .exclude(pk=current_user_session_id(request) or 0)
    )
    _end_sessions(rows)
    tokens = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in tokens], ignore_conflicts=True
    )
    audit_record(
        action="user.sessions_revoked", actor=user, target=user, metadata={"sessions": len(rows)}
    )
    return len(rows)


def user_sessions_forget_others(*, request: HttpRequest, user: User) -> None:
    """After a password change Django already refuses the user's other sessions; drop their
    rows (and the dead sessions) so the list shows what is really signed in."""
    current_id = current_user_session_id(request) or 0
    _end_sessions(list(UserSession.objects.filter(user=user).exclude(pk=current_id)))
    if request.session.session_key:  # the password change rotated this session's key
        UserSession.objects.filter(pk=current_id, user=user).update(
            session_key=request.session.session_key
        )


def _end_sessions(rows: list[UserSession]) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for row in rows:
        store(session_key=row.session_key).delete(row.session_key)
        cache.delete(f"usersession:seen:{row.pk}")
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()


def _prune_dead_sessions(user: User) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    dead = [
        row.pk
        for row in UserSession.objects.filter(user=user)
        if row.last_seen_at < cutoff or not store.exists(row.session_key)
    ]
    if dead:
        UserSession.objects.filter(pk__in=dead).delete()


# --- API tokens -------------------------------------------------------------------------------


def api_login(*, request: HttpRequest, email: str, password: str, otp: str = "") -> RefreshToken:
    """Exchange credentials (and the second factor when enrolled) for a JWT refresh token.

    Failures are counted by django-axes like web sign-ins (it needs the Django request), and
    audited by the ``user_login_failed`` receiver. A wrong password, an unknown email and an
    inactive account all get the same answer.
    """
    user = authenticate(request, email=email.strip(), password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise RateLimited(lockout_message(), code="locked_out")
        raise AuthenticationFailed(INVALID_CREDENTIALS)
    if (
        settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
        and not EmailAddress.objects.filter(user=user, verified=True).exists()
    ):
        raise EmailUnverified(
            "Confirm your email address first: follow the link we sent when you signed up."
        )
    method = "password"
    if user_has_device(user, confirmed=True):
        if not otp.strip():
            raise ValidationError(
                "Enter the code from your authenticator app (or a backup code) as “otp”.",
                fields={"otp": ["This field is required."]},
                code="mfa_required",
            )
        try:
            mfa_challenge(user=user, token=otp)
        except (ValidationError, RateLimited) as exc:
            exc.fields = {"otp": list(exc.fields.get("code", ["Invalid code."]))}
            raise
        method = "password+otp"
    AxesProxyHandler.user_logged_in(sender=User, request=request, user=user)
    update_last_login(None, user)
    entry = audit_record(
        action="user.login", actor=user, target=user, metadata={"method": f"api:{method}"}
    )
    from accounts.signals import new_device_sign_in_tell  # signals imports this module

    new_device_sign_in_tell(
        user=user, entry=entry, user_agent=entry.user_agent, ip_address=entry.ip_address
    )
    return RefreshToken.for_user(user)


def api_logout(*, refresh: str) -> None:
    """Blacklist the refresh token so it (and the access tokens it would mint) ends here."""
    try:
        token = RefreshToken(refresh)
    except TokenError as exc:
        raise AuthenticationFailed("Token is invalid or expired.", code="token_not_valid") from exc
    token.blacklist()
    user = User.objects.filter(pk=token.get(jwt_settings.USER_ID_CLAIM)).first()
    if user is not None:
        audit_record(action="user.logout", actor=user, target=user, metadata={"method": "api"})


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return f"Too many failed sign-in attempts. Try again in {minutes} minutes."
