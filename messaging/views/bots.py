"""Settings → Telegram bots: connect a bot by its token, see how it receives, disconnect it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import get_org_object_or_404, org_required
from messaging import selectors
from messaging.forms import BotConnectForm
from messaging.models import TelegramBot
from messaging.services import bots as bot_services


@org_required("bot.manage")
def bot_list(request: HttpRequest) -> HttpResponse:
    """The organization's bots; a POST connects one."""
    form = BotConnectForm()
    if request.method == "POST":
        form = BotConnectForm(request.POST)
        if form.is_valid():
            try:
                bot = bot_services.bot_connect(
                    organization=request.org.organization,
                    actor=request.user,
                    token=form.cleaned_data["token"],
                    name=form.cleaned_data["name"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                how = (
                    "Telegram delivers its updates to this server's webhook"
                    if bot.mode == TelegramBot.Mode.WEBHOOK
                    else "BiDi polls Telegram for its updates (manage.py telegram_poll)"
                )
                messages.success(request, f"@{bot.username} is connected. {how}.")
                return redirect("messaging:bot_list")
    bots = selectors.bots_list(request.org.organization)
    return render(
        request,
        "messaging/settings_bots.html",
        {"bots": bots, "form": form, "webhook_mode": bool(settings.PUBLIC_BASE_URL)},
    )


@org_required("bot.manage")
@require_POST
def bot_disconnect(request: HttpRequest, pk: int) -> HttpResponse:
    bot = get_org_object_or_404(TelegramBot.objects.all(), request.org.organization, pk=pk)
    try:
        bot = bot_services.bot_disconnect(bot=bot, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        note = f" ({bot.last_error})" if bot.last_error else ""
        messages.success(request, f"@{bot.username} is disconnected; its chats stay.{note}")
    return redirect("messaging:bot_list")
