"""Settings → Notifications (a member's own channels per type, quiet hours, digest, Telegram
link) and Settings → Notification defaults (what an organization's members get unless they
chose themselves)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from notifications import selectors, services, telegram_link
from notifications.forms import ChannelMatrixForm, PreferencesForm, UserSettingsForm
from notifications.preferences import channel_choices, user_settings
from notifications.registry import ALL_CHANNELS, notification_types
from notifications.telegram_link import TelegramLinkOffer

CHANNEL_HEADINGS = {"in_app": "In the app", "email": "Email", "telegram": "Telegram"}


def _preferences_form(request: HttpRequest, data: Any = None) -> PreferencesForm:
    types = list(notification_types().values())
    choices = channel_choices(request.user, request.org.organization, types)
    return PreferencesForm(data, types=types, choices=choices)


def _settings_form(request: HttpRequest, data: Any = None) -> UserSettingsForm:
    current = user_settings(request.user)
    initial = {
        "quiet_start": current.quiet_start,
        "quiet_end": current.quiet_end,
        "digest": current.digest,
    }
    return UserSettingsForm(data, initial=initial)


def _render_settings(
    request: HttpRequest,
    *,
    preferences_form: PreferencesForm | None = None,
    settings_form: UserSettingsForm | None = None,
    offer: TelegramLinkOffer | None = None,
) -> HttpResponse:
    context = {
        "form": preferences_form or _preferences_form(request),
        "settings_form": settings_form or _settings_form(request),
        "channels": [(c, CHANNEL_HEADINGS[c]) for c in ALL_CHANNELS],
        "telegram": telegram_link.telegram_link_status(request.user, request.org.organization),
        "offer": offer,
    }
    return render(request, "notifications/settings.html", context)


@org_required("notification.view")
def notification_settings(request: HttpRequest) -> HttpResponse:
    """One page, three forms told apart by the ``section`` their submit button names."""
    if request.method != "POST":
        return _render_settings(request)
    section = request.POST.get("section", "")
    if section == "reset":
        services.preferences_reset(user=request.user)
        messages.success(request, "Your choices are reset: the organization's defaults apply.")
        return redirect("notifications:settings")
    if section == "quiet":
        form = _settings_form(request, request.POST)
        if form.is_valid():
            try:
                services.user_settings_update(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, "Quiet hours and digest saved.")
                return redirect("notifications:settings")
        return _render_settings(request, settings_form=form)
    form = _preferences_form(request, request.POST)
    if form.is_valid():
        try:
            services.preferences_update(user=request.user, changes=form.changes())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your notification choices are saved.")
            return redirect("notifications:settings")
    return _render_settings(request, preferences_form=form)


@org_required("notification.view")
@require_POST
def telegram_link_start(request: HttpRequest) -> HttpResponse:
    """A fresh one-time code and its deep links, shown once on the settings page."""
    try:
        offer = telegram_link.telegram_link_start(
            user=request.user, organization=request.org.organization
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("notifications:settings")
    return _render_settings(request, offer=offer)


@org_required("notification.view")
@require_POST
def telegram_unlink(request: HttpRequest) -> HttpResponse:
    removed = telegram_link.telegram_unlink(user=request.user)
    if removed:
        messages.success(request, "Telegram is unlinked: BiDi no longer sends you notices there.")
    return redirect("notifications:settings")


@org_required("notification.configure")
def org_defaults(request: HttpRequest) -> HttpResponse:
    """The organization's default channels per type (mandatory types are not theirs to set)."""
    organization = request.org.organization
    types = list(notification_types().values())
    choices = selectors.org_default_choices(organization, types)
    form = ChannelMatrixForm(
        request.POST or None, types=types, choices=choices, lock_all_mandatory=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.org_defaults_update(
                organization=organization,
                actor=request.user,
                role=request.org.role,
                changes=form.changes(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Notification defaults saved.")
            return redirect("notifications:org_defaults")
    context = {"form": form, "channels": [(c, CHANNEL_HEADINGS[c]) for c in ALL_CHANNELS]}
    return render(request, "notifications/org_defaults.html", context)
