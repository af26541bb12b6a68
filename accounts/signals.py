"""Sign-in events happen inside Django/allauth, not our services: audit them here and keep the
user's list of browser sessions (``accounts.signin``) in step."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.socialaccount.signals import social_account_added, social_account_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from accounts.audit import audit_record
from accounts.models import User
from accounts.signin import user_session_end, user_session_record, user_sessions_forget_others

# Sent by ``accounts.services.organization_create`` inside its transaction, with
# ``organization=``: apps standing on accounts set up their per-organization defaults here
# (e.g. the default pipeline) without accounts importing them.
organization_created = Signal()


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="user.login", actor=user, target=user)
    if request is not None and hasattr(request, "session"):
        user_session_record(request=request, user=user)


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
