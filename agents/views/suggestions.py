"""The "AI suggestion" section of the inbox's context panel: the open stage suggestion for the
chat's deal with its one-line reason, and Accept / Dismiss. Registered as a context panel in
``agents.registrations``; the buttons post here and the whole context panel comes back (as the
deals panel does), refreshed live on ``stage_suggestion.*`` by ``static/js/drafts.js``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from agents import selectors
from agents.models import StageSuggestion
from agents.services import suggestions as suggestion_services
from messaging.models import Chat
from messaging.views.inbox import context_panel_response

TEMPLATE = "agents/_suggestion_panel.html"


def suggestion_panel(request: HttpRequest, chat: Chat) -> tuple[str, dict[str, Any]] | None:
    """The open suggestion of ``chat``'s deal; None without one or without ``deal.view``."""
    if not request.org.has_perm("deal.view"):
        return None
    suggestion = selectors.open_suggestion_for_chat(request.org.organization, chat)
    error = getattr(request, "ai_suggestion_error", "")
    if suggestion is None and not error:
        return None
    return TEMPLATE, {
        "suggestion": suggestion,
        "can_decide": request.org.has_perm("deal.edit"),
        "suggestion_error": error,
    }


def _suggestion_or_404(request: HttpRequest, pk: int) -> StageSuggestion:
    suggestion = (
        StageSuggestion.objects.filter(organization=request.org.organization, pk=pk)
        .select_related("deal", "chat", "from_stage", "to_stage")
        .first()
    )
    if suggestion is None:
        raise Http404("No such suggestion")
    return suggestion


def _answer(request: HttpRequest, suggestion: StageSuggestion, error: str) -> HttpResponse:
    chat_id = suggestion.chat_id
    if chat_id is None:
        return redirect("messaging:inbox")
    if request.headers.get("HX-Request") != "true":
        return redirect("messaging:inbox_chat", pk=chat_id)
    if not error:
        return redirect("messaging:inbox_context", pk=chat_id)
    request.ai_suggestion_error = error  # type: ignore[attr-defined]
    return context_panel_response(request, chat_id)


@org_required("deal.edit")
@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept: the deal moves (recorded as "accepted AI suggestion")."""
    suggestion = _suggestion_or_404(request, pk)
    error = ""
    try:
        suggestion_services.stage_suggestion_accept(suggestion=suggestion, actor=request.user)
    except DomainError as exc:
        error = exc.message
    return _answer(request, suggestion, error)


@org_required("deal.edit")
@require_POST
def suggestion_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Dismiss: recorded, the deal stays where it is."""
    suggestion = _suggestion_or_404(request, pk)
    error = ""
    try:
        suggestion_services.stage_suggestion_dismiss(suggestion=suggestion, actor=request.user)
    except DomainError as exc:
        error = exc.message
    return _answer(request, suggestion, error)
