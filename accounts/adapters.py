"""allauth adapters: where sign-up and social login land in BiDi."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from accounts.models import User

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Google and Telegram sign-in.

    Google hands over a verified email: the account is created (or, for a known verified email,
    connected) without a form. Telegram hands over no email, so allauth's social sign-up form
    asks for one and the usual verification email follows before the first sign-in.
    """

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict) -> Any:
        user = super().populate_user(request, sociallogin, data)
        if not user.full_name:
            user.full_name = _full_name(data, sociallogin.account.extra_data)
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: str | None = None,
        exception: Exception | None = None,
        extra_context: dict | None = None,
    ) -> None:
        # allauth shows the person a generic page; operators need to know why (a wrong client
        # secret, a bot token that does not match the widget, clock skew on auth_date...).
        logger.warning(
            "Social sign-in failed: provider=%s error=%s exception=%r",
            getattr(provider, "id", provider),
            error,
            exception,
        )
        super().on_authentication_error(request, provider, error, exception, extra_context)


def _full_name(data: dict, extra_data: dict) -> str:
    """The provider's display name: Google's ``name`` claim, else first + last name."""
    name = extra_data.get("name") if isinstance(extra_data, dict) else None
    if not isinstance(name, str) or not name.strip():
        name = " ".join(p for p in [data.get("first_name"), data.get("last_name")] if p)
    return name.strip()[: User._meta.get_field("full_name").max_length]
