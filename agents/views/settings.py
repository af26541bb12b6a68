"""Settings → AI (``ai.manage``): the provider and its key (write-only), tone rules,
guardrails, auto-send per bot, and this month's usage and draft metrics. Writes go through
``agents.services.settings``; the page only shapes the form and reads the selectors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.models import Organization
from accounts.tenancy import org_required
from agents import selectors
from agents.forms import AISettingsForm
from agents.services import settings as settings_services
from messaging import selectors as messaging_selectors
from messaging.models import TelegramBot

TEMPLATE = "agents/settings_ai.html"


def month_start(now: datetime | None = None) -> datetime:
    """The first moment of the current calendar month (UTC), where budgets and usage start."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _bots(organization: Organization) -> list[dict[str, Any]]:
    enabled = {channel.bot_id for channel in selectors.auto_send_channels(organization)}
    return [
        {"bot": bot, "auto_send": bot.pk in enabled}
        for bot in messaging_selectors.bots_list(organization)
    ]


def _page(request: HttpRequest, form: AISettingsForm) -> HttpResponse:
    organization = request.org.organization
    current = selectors.ai_settings_get(organization)
    since, now = month_start(), datetime.now(UTC)
    context = {
        "form": form,
        "has_key": bool(current.api_key),
        "settings_row": current,
        "bots": _bots(organization),
        "usage": selectors.usage_summary(organization, since=since, until=now),
        "metrics": selectors.draft_metrics(organization, since=since),
        "since": since,
    }
    return render(request, TEMPLATE, context)


@org_required("ai.manage")
def ai_settings(request: HttpRequest) -> HttpResponse:
    """The page; a POST saves the settings (the stored key stays unless a new one is typed)."""
    organization = request.org.organization
    if request.method == "POST":
        form = AISettingsForm(request.POST)
        if form.is_valid():
            try:
                settings_services.ai_settings_update(
                    organization=organization, actor=request.user, data=form.service_data()
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, "AI settings are saved.")
                return redirect("agents:settings")
        return _page(request, form)
    current = selectors.ai_settings_get(organization)
    return _page(request, AISettingsForm(initial=AISettingsForm.initial_from(current)))


@org_required("ai.manage")
@require_POST
def ai_key_remove(request: HttpRequest) -> HttpResponse:
    """Forget the stored API key (drafting falls back to failing with "no key" until a new one
    is saved or the built-in drafter is chosen)."""
    try:
        settings_services.ai_settings_update(
            organization=request.org.organization, actor=request.user, data={"clear_api_key": True}
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The API key is removed.")
    return redirect("agents:settings")


def _bot_or_404(request: HttpRequest, pk: int) -> TelegramBot:
    bot = messaging_selectors.bots_list(request.org.organization).filter(pk=pk).first()
    if bot is None:
        raise Http404("No such bot")
    return bot


@org_required("ai.manage")
@require_POST
def ai_auto_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn auto-send on or off for one bot: its AI drafts then leave without approval."""
    bot = _bot_or_404(request, pk)
    enabled = request.POST.get("enabled") == "1"
    try:
        settings_services.auto_send_set(
            organization=request.org.organization, actor=request.user, bot=bot, enabled=enabled
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        state = "on" if enabled else "off"
        messages.success(request, f"Auto-send is {state} for @{bot.username}.")
    return redirect("agents:settings")
