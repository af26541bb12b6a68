"""Audit entries for sign-in events, which happen inside Django/allauth, not our services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.audit import audit_record


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="user.login", actor=user, target=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="user.logout", actor=user, target=user)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    identifier = str(credentials.get("email") or credentials.get("username") or "")[:254]
    audit_record(action="user.login_failed", actor=None, actor_label=identifier or "unknown")
