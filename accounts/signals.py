"""Sign-in events happen inside Django/allauth, not our services: audit them here and keep the
user's list of browser sessions (``accounts.signin``) in step."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.socialaccount.signals import social_account_added, social_account_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from accounts.audit import audit_record
from accounts.models import AuditEntry, User, UserSession, describe_user_agent
from accounts.signin import (
    sign_in_from_new_device,
    user_session_end,
    user_session_record,
    user_sessions_forget_others,
)

logger = logging.getLogger(__name__)

# Sent by ``accounts.services.organization_create`` inside its transaction, with
# ``organization=``: apps standing on accounts set up their per-organization defaults here
# (e.g. the default pipeline) without accounts importing them.
organization_created = Signal()

# Something happened to a user's account that they must hear about, whoever did it: a sign-in
# from a device not seen in 90 days, two-factor authentication turned on or off, backup codes
# regenerated. Sent (through ``security_notice_send``) with ``user``; ``kind``: "login",
# "mfa_enabled", "mfa_disabled" or "backup_codes_regenerated"; ``source``: what happened, as a
# string receivers key their idempotency on ("audit:812"); ``details``: a dict (for "login":
# "device", "ip" and "at", an ISO time). notifications tells the user; accounts imports no app.
security_notice = Signal()

SECURITY_NOTICE_KINDS = ("login", "mfa_enabled", "mfa_disabled", "backup_codes_regenerated")


def security_notice_send(
    *, user: User, kind: str, source: str, details: dict[str, Any] | None = None
) -> None:
    """Tell the receivers; one that fails is logged and never undoes the sign-in or change."""
    if kind not in SECURITY_NOTICE_KINDS:
        raise ValueError(f"Unknown security notice kind {kind!r}")
    answers = security_notice.send_robust(
        sender=User, user=user, kind=kind, source=source, details=details or {}
    )
    for receiver_, error in answers:
        if isinstance(error, Exception):
            logger.error(
                "security_notice receiver %r failed for user %s",
                receiver_,
                user.pk,
                exc_info=(type(error), error, error.__traceback__),
            )


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    entry = audit_record(action="user.login", actor=user, target=user)
    if request is not None and hasattr(request, "session"):
        session = user_session_record(request=request, user=user)
        new_device_sign_in_tell(
            user=user,
            entry=entry,
            user_agent=session.user_agent,
            ip_address=session.ip_address,
            user_session=session,
        )


def new_device_sign_in_tell(
    *,
    user: User,
    entry: AuditEntry,
    user_agent: str,
    ip_address: str | None,
    user_session: UserSession | None = None,
) -> None:
    """Send the "login" security notice when this sign-in (browser or API, audited as
    ``entry``) came from a device the user has not used lately."""
    if sign_in_from_new_device(
        user=user,
        user_agent=user_agent,
        ip_address=ip_address,
        login_entry=entry,
        user_session=user_session,
    ):
        security_notice_send(
            user=user,
            kind="login",
            source=f"audit:{entry.pk}",
            details={
                "device": describe_user_agent(user_agent),
                "ip": ip_address or "",
                "at": entry.created_at.isoformat(),
            },
        )


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="user.logout", actor=user, target=user)
    if request is not None and hasattr(request, "session"):
        user_session_end(request)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    identifier = str(credentials.get("email") or credentials.get("username") or "")[:254]
    # The attempt is nobody's action, but it is about an account: its owner sees it among their
    # recent sign-in activity. Unknown emails are recorded the same way, minus the target.
    target = User.objects.filter(email__iexact=identifier).first() if identifier else None
    audit_record(
        action="user.login_failed",
        actor=None,
        actor_label=identifier or "unknown",
        target=target,
    )


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def forget_sessions_after_password_change(
    sender: Any, request: Any, user: Any, **kwargs: Any
) -> None:
    if request is not None and hasattr(request, "session"):
        user_sessions_forget_others(request=request, user=user)


@receiver(social_account_added)
def audit_social_account_connected(
    sender: Any, request: Any, sociallogin: Any, **kwargs: Any
) -> None:
    """A Google or Telegram login connected to an existing account is a new way into it."""
    _audit_social_login(
        "user.social_connected", sociallogin.user, provider=sociallogin.account.provider
    )


@receiver(social_account_removed)
def audit_social_account_disconnected(
    sender: Any, request: Any, socialaccount: Any, **kwargs: Any
) -> None:
    _audit_social_login(
        "user.social_disconnected", socialaccount.user, provider=socialaccount.provider
    )


def _audit_social_login(action: str, user: User, *, provider: str) -> None:
    audit_record(action=action, actor=user, target=user, metadata={"provider": provider})
