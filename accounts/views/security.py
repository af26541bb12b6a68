"""The signed-in person's account security: the second sign-in step, password, two-factor
authentication, sessions and recent sign-in activity.

These pages need a signed-in user but no organization, so someone who has not joined one yet
can still secure their account. Secrets (the TOTP key, backup codes) are rendered once, in the
response to the POST that created them, and never stored anywhere else in clear.
"""

from __future__ import annotations

from base64 import b64encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import mfa, selectors, signin
from accounts.errors import DomainError, RateLimited
from accounts.forms import MFADisableForm, MFAEnrolForm, MFAVerifyForm
from accounts.models import describe_user_agent

RECENT_ACTIVITY_COUNT = 10

# What each audit action of a user's own history means to them.
ACTIVITY_LABELS = {
    "user.login": ("Signed in", "bi-box-arrow-in-right", ""),
    "user.logout": ("Signed out", "bi-box-arrow-right", ""),
    "user.login_failed": ("Failed sign-in attempt", "bi-exclamation-triangle", "danger"),
    "mfa.verified": ("Passed two-factor check", "bi-shield-check", ""),
    "mfa.failed": ("Wrong two-factor code", "bi-shield-exclamation", "danger"),
    "mfa.enabled": ("Turned on two-factor authentication", "bi-shield-lock", "success"),
    "mfa.disabled": ("Turned off two-factor authentication", "bi-shield-x", "warning"),
    "mfa.backup_codes_regenerated": ("Generated new backup codes", "bi-key", ""),
    "user.session_revoked": ("Signed out a session", "bi-laptop", ""),
    "user.sessions_revoked": ("Signed out all other sessions", "bi-laptop", ""),
}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("dashboard")


def _no_store(response: HttpResponse) -> HttpResponse:
    """Pages that show a secret must not linger in the browser's or a proxy's cache."""
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response


# --- Second sign-in step ----------------------------------------------------------------------


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if mfa.session_passed_mfa(request.session, request.user):
        return redirect(next_url)
    form = MFAVerifyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            passed = mfa.mfa_login(request=request, token=form.cleaned_data["code"])
        except RateLimited as exc:
            form.add_error("code", exc.message)
            status = 429
        else:
            if passed:
                return redirect(next_url)
            form.add_error(
                "code",
                "That code is not valid. Enter the current code from your app, or a backup code.",
            )
    return render(
        request, "accounts/mfa_verify.html", {"form": form, "next": next_url}, status=status
    )


# --- Security page ----------------------------------------------------------------------------


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    required_by = mfa.mfa_required_by(user)
    enabled = mfa.mfa_enabled(user)
    entries = selectors.audit_entries_for_user(user)[:RECENT_ACTIVITY_COUNT]
    context = {
        "mfa_enabled": enabled,
        "mfa_required_by": required_by,
        "mfa_required_notice": not enabled
        and (request.GET.get("required") == "1" or required_by is not None),
        "backup_codes_remaining": mfa.backup_codes_remaining(user) if enabled else 0,
        "activity": [_activity_row(entry) for entry in entries],
        **_sessions_context(request),
    }
    return render(request, "accounts/security/page.html", context)


def _activity_row(entry: Any) -> dict[str, Any]:
    label, icon, tone = ACTIVITY_LABELS.get(entry.action, (entry.action, "bi-dot", ""))
    method = (entry.metadata or {}).get("method", "")
    if entry.action == "user.login" and method.startswith("api"):
        label = "Signed in to the API"
    device = describe_user_agent(entry.user_agent) if entry.user_agent else ""
    return {"entry": entry, "label": label, "icon": icon, "tone": tone, "device": device}


# --- Two-factor authentication ----------------------------------------------------------------


@login_required
@require_POST
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Start (or restart) enrolment; the enrolment page then shows the new secret."""
    mfa.totp_enrolment_start(user=request.user)
    return redirect("settings_mfa_enrol")


@login_required
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    device = mfa.totp_enrolment_pending(request.user)
    if device is None:
        return redirect("settings_security")
    form = MFAEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.totp_enrolment_confirm(
                user=request.user, device=device, token=form.cleaned_data["token"]
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            mfa.session_mark_verified(request, device)
            messages.success(request, "Two-factor authentication is on.")
            return _backup_codes_page(request, codes, first_time=True)
    context = {
        "form": form,
        "qr_code": _qr_code_data_uri(device.config_url),
        "secret": mfa.totp_secret(device),
    }
    return _no_store(render(request, "accounts/security/enrol.html", context))


@login_required
@require_POST
def mfa_backup_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = mfa.backup_codes_regenerate(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("settings_security")
    return _backup_codes_page(request, codes, first_time=False)


@login_required
def mfa_disable(request: HttpRequest) -> HttpResponse:
    if not mfa.mfa_enabled(request.user):
        return redirect("settings_security")
    required_by = mfa.mfa_required_by(request.user)
    form = MFADisableForm(request.POST or None)
    status = 200
    if request.method == "POST" and required_by is None and form.is_valid():
        try:
            mfa.mfa_disable(user=request.user, confirmation=form.cleaned_data["confirmation"])
        except DomainError as exc:
            form.add_domain_error(exc)
            status = exc.status if isinstance(exc, RateLimited) else 200
        else:
            messages.success(request, "Two-factor authentication is off.")
            return redirect("settings_security")
    elif request.method == "POST" and required_by is not None:
        status = 403
    context = {"form": form, "required_by": required_by}
    return render(request, "accounts/security/disable.html", context, status=status)


def _backup_codes_page(request: HttpRequest, codes: list[str], *, first_time: bool) -> HttpResponse:
    shown = [f"{code[:4]} {code[4:]}" for code in codes]
    text = "\n".join(
        [
            f"BiDi backup codes for {request.user.email}",
            "Each code works once. Keep them somewhere safe, like a password manager.",
            "",
            *shown,
            "",
        ]
    )
    context = {"codes": shown, "codes_text": text, "first_time": first_time}
    return _no_store(render(request, "accounts/security/backup_codes.html", context))


def _qr_code_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + b64encode(svg.encode()).decode()


# --- Sessions ---------------------------------------------------------------------------------


def _sessions_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "sessions": signin.user_sessions_list(request.user),
        "current_session_id": signin.current_user_session_id(request),
    }


def _sessions_response(request: HttpRequest, message: str) -> HttpResponse:
    if _is_htmx(request):
        context = {**_sessions_context(request), "notice": message}
        return render(request, "accounts/security/_sessions.html", context)
    messages.success(request, message)
    return redirect(f"{reverse('settings_security')}#sessions")


@login_required
@require_POST
def session_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if pk == signin.current_user_session_id(request):
        messages.error(request, "To end this session, sign out.")
        return redirect("settings_security")
    try:
        signin.user_session_revoke(user=request.user, user_session_id=pk)
    except DomainError as exc:
        return _sessions_response(request, exc.message)
    return _sessions_response(request, "The session was signed out.")


@login_required
@require_POST
def sessions_revoke_others(request: HttpRequest) -> HttpResponse:
    count = signin.user_sessions_revoke_others(request=request, user=request.user)
    message = (
        f"Signed out {count} other session{'s' if count != 1 else ''}."
        if count
        else "No other sessions were signed in."
    )
    return _sessions_response(request, message + " API refresh tokens were revoked too.")
