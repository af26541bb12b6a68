"""The AI draft card above the inbox composer and its actions.

The card is a composer section (``messaging.inbox_panels``) rendered for the open chat and
re-fetched at ``/inbox/<chat>/draft/`` when a ``draft.*`` event arrives
(``static/js/drafts.js``). Every action posts with htmx and answers with the card as the
services left it; refusals (rate limit, budget, a draft a teammate already decided) show on the
card. Approve sends through the normal rate-limited send, so the message itself reaches the
transcript through the inbox's own live flow.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from agents import selectors
from agents.models import AISettings, Draft
from agents.services import drafts as draft_services
from messaging.models import Chat

CARD = "agents/_draft_card.html"
TOOL = "agents/_draft_tool.html"
LOCAL_LABEL = "Built-in drafter (template-based, not an AI model)"
REGENERATE_CHIPS = ["Shorter", "More formal", "More casual"]
REJECT_REASONS = ["Wrong facts", "Wrong tone", "Not needed", "Too long"]
MAX_REASON = 300


def provider_label(provider: str, model: str) -> str:
    """How the card names what wrote the draft: never an AI model when it is not one."""
    if not provider or provider == AISettings.Provider.LOCAL:
        return LOCAL_LABEL
    return f"AI draft · {model}" if model else "AI draft"


def chat_or_404(request: HttpRequest, pk: int) -> Chat:
    chat = (
        Chat.objects.filter(organization=request.org.organization, pk=pk)
        .select_related("contact")
        .first()
    )
    if chat is None:
        raise Http404("No such chat")
    return chat


def draft_or_404(request: HttpRequest, pk: int) -> Draft:
    """A draft of the request's organization (any other id is not found)."""
    draft = (
        Draft.objects.filter(organization=request.org.organization, pk=pk)
        .select_related("chat", "chat__contact", "requested_by", "decided_by")
        .first()
    )
    if draft is None:
        raise Http404("No such draft")
    return draft


def card_context(request: HttpRequest, chat: Chat, *, error: str = "") -> dict[str, Any]:
    """Everything ``_draft_card.html`` shows for ``chat``: its current draft (or none)."""
    organization = request.org.organization
    draft = selectors.current_draft(organization, chat)
    settings = selectors.ai_settings_get(organization)
    if draft is not None and draft.provider:
        provider, model = draft.provider, draft.model
    else:
        provider, model = settings.provider, settings.model
    return {
        "chat": chat,
        "draft": draft,
        "provider_label": provider_label(provider, model),
        "is_language_model": provider != AISettings.Provider.LOCAL,
        "error": error,
        "regenerate_chips": REGENERATE_CHIPS,
        "reject_reasons": REJECT_REASONS,
    }


def draft_card_section(request: HttpRequest, chat: Chat) -> tuple[str, dict[str, Any]] | None:
    """The composer section (registered in ``agents.registrations``): only for ``ai.draft``."""
    if not request.org.has_perm("ai.draft"):
        return None
    return CARD, card_context(request, chat)


def draft_tool(request: HttpRequest, chat: Chat) -> tuple[str, dict[str, Any]] | None:
    """The composer's "Draft a reply" button (Alt+D); only for ``ai.draft``."""
    if not request.org.has_perm("ai.draft"):
        return None
    return TOOL, {}


def _card(request: HttpRequest, chat: Chat, *, error: str = "") -> HttpResponse:
    if request.headers.get("HX-Request") != "true":
        return redirect("messaging:inbox_chat", pk=chat.pk)
    return render(request, CARD, card_context(request, chat, error=error))


@org_required("ai.draft")
@require_GET
def draft_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The card of chat ``pk``, fresh (a live ``draft.*`` event, or after an action)."""
    chat = chat_or_404(request, pk)
    return render(request, CARD, card_context(request, chat))


@org_required("ai.draft")
@require_POST
def draft_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Draft a reply" (button or Alt+D): a new pending draft; the worker fills it in."""
    chat = chat_or_404(request, pk)
    error = ""
    try:
        draft_services.draft_request(
            chat=chat,
            actor=request.user,
            instruction=(request.POST.get("instruction") or "").strip()[:MAX_REASON],
        )
    except DomainError as exc:
        error = exc.message
    return _card(request, chat, error=error)


@org_required("ai.draft")
@require_POST
def draft_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve & send, with the member's edits; the card empties, the bubble comes live."""
    draft = draft_or_404(request, pk)
    text = request.POST.get("text")
    error = ""
    try:
        draft_services.draft_approve(
            draft=draft, actor=request.user, text=text.strip() if text is not None else None
        )
    except DomainError as exc:
        error = exc.message
    return _card(request, draft.chat, error=error)


@org_required("ai.draft")
@require_POST
def draft_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Reject with a reason: the free text, else the quick reason picked."""
    draft = draft_or_404(request, pk)
    reason = (request.POST.get("reason") or "").strip() or (request.POST.get("quick") or "")
    error = ""
    try:
        draft_services.draft_reject(
            draft=draft, actor=request.user, reason=reason.strip()[:MAX_REASON]
        )
    except DomainError as exc:
        error = exc.message
    return _card(request, draft.chat, error=error)


@org_required("ai.draft")
@require_POST
def draft_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft with an instruction (a chip or free text); the old one is superseded."""
    draft = draft_or_404(request, pk)
    parts = [request.POST.get("chip") or "", request.POST.get("instruction") or ""]
    instruction = "; ".join(part.strip() for part in parts if part.strip())[:MAX_REASON]
    error = ""
    try:
        draft_services.draft_regenerate(draft=draft, actor=request.user, instruction=instruction)
    except DomainError as exc:
        error = exc.message
    return _card(request, draft.chat, error=error)


@org_required("ai.draft")
@require_POST
def draft_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """A failed draft, tried again (same instruction)."""
    draft = draft_or_404(request, pk)
    error = ""
    try:
        draft_services.draft_retry(draft=draft, actor=request.user)
    except DomainError as exc:
        error = exc.message
    return _card(request, draft.chat, error=error)
