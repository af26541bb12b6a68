"""Web middleware for accounts: audit request context, sign-in sessions, the MFA gate, and
domain-error pages."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.audit import request_meta_from_headers, request_meta_var
from accounts.errors import NotFound, PermissionDenied
from accounts.mfa import mfa_enabled, session_passed_mfa
from accounts.signin import user_session_touch
from accounts.tenancy import web_org_context

# Paths a signed-in user may reach before passing MFA: signing out, the public auth pages, and
# the API/WebSocket, whose own authentication refuses unverified sessions. Everything else under
# /accounts/ (password change, emails, connected accounts) needs the second factor first.
MFA_EXEMPT_PREFIXES = (
    "/mfa/",
    "/accounts/logout/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/confirm-email/",
    "/accounts/password/reset/",
    # Email unsubscribe links work without signing in; a half-signed-in session must not
    # stand in their way.
    "/notifications/unsubscribe/",
    "/static/",
    "/healthz",
    "/readyz",
    "/api/",
    "/ws/",
)
# Paths a member of an organization that requires MFA may reach before enrolling.
MFA_SETUP_EXEMPT_PREFIXES = (
    "/settings/security",
    "/accounts/",
    "/org/switch",
    "/onboarding",
    "/invitations/",
)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_meta_var.set(request_meta_from_headers(request.META))
        try:
            return self.get_response(request)
        finally:
            request_meta_var.reset(token)


class MFAMiddleware:
    """Hold a signed-in user at the second-factor step until they pass it, and send members of
    an organization that requires MFA to enrolment before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path
        if user.is_authenticated and not path.startswith(MFA_EXEMPT_PREFIXES):
            # django-otp's OTPMiddleware already loaded and checked the session's device.
            verified = getattr(user, "otp_device", None) is not None
            if not verified and not session_passed_mfa(request.session, user):
                query = urlencode({"next": request.get_full_path()}, safe="/")
                return _redirect(request, f"{reverse('mfa_verify')}?{query}")
            if not path.startswith(MFA_SETUP_EXEMPT_PREFIXES):
                context = web_org_context(request)
                if context and context.organization.require_mfa and not mfa_enabled(user):
                    return _redirect(request, f"{reverse('settings_security')}?required=1")
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Show dates in the signed-in user's time zone (set on their profile)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = getattr(request.user, "time_zone", "") if request.user.is_authenticated else ""
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone or "UTC"))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserSessionMiddleware:
    """Keep the signed-in session's ``UserSession`` current; end a session revoked elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not user_session_touch(request):
            logout(request)
        return self.get_response(request)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect htmx turns into a full page load instead of swapping a page into a fragment."""
    if request.headers.get("HX-Request"):
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


class DomainErrorMiddleware:
    """Render domain errors raised by web views as proper error pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PermissionDenied):
            return render(
                request,
                "403.html",
                {"message": exception.message, "perm": exception.perm},
                status=403,
            )
        if isinstance(exception, NotFound):
            raise Http404(exception.message)
        return None
