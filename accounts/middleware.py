"""Web middleware for accounts: audit request context, the MFA gate, domain-error pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.audit import request_meta_from_headers, request_meta_var
from accounts.errors import NotFound, PermissionDenied
from accounts.mfa import mfa_enabled, session_passed_mfa
from accounts.tenancy import web_org_context

# Paths a signed-in user may reach before passing MFA (or enrolling when the org requires it).
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/api/", "/ws/", "/mfa/")
MFA_SETUP_EXEMPT_PREFIXES = ("/settings/security", "/org/switch", "/onboarding")


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
            if not session_passed_mfa(request.session, user):
                return redirect(f"{reverse('mfa_verify')}?next={request.get_full_path()}")
            if not path.startswith(MFA_SETUP_EXEMPT_PREFIXES):
                context = web_org_context(request)
                if context and context.organization.require_mfa and not mfa_enabled(user):
                    return redirect(f"{reverse('settings_security')}?required=1")
        return self.get_response(request)


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
