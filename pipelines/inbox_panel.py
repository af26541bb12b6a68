"""Deals in the inbox. messaging may not import pipelines, so from ``PipelinesConfig.ready()``
this module registers, in messaging's registries:

- the "Deals" context panel (``messaging.inbox_panels``): the chat contact's deals with stage
  and value, "Move stage" on each open one and "Create deal from chat";
- the row hook (``messaging.selectors_inbox.register_inbox_row_hook``) that puts the contact's
  open deal's stage chip on each inbox row — one query per page of rows.

The two quick actions post here (form-encoded, from htmx) and answer with the refreshed
context panel (a redirect to the inbox's ``/inbox/<chat>/context/``), so the panel shows the
deal exactly as the services left it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.models import Organization
from accounts.tenancy import org_required
from messaging.models import Chat
from messaging.views.inbox import context_panel_response
from pipelines import selectors
from pipelines.models import Deal, Stage, StageKind
from pipelines.services import deals as deal_services

DEALS_SHOWN = 5
TEMPLATE = "pipelines/_inbox_deals.html"


def chat_deals_panel(request: HttpRequest, chat: Chat) -> tuple[str, dict[str, Any]] | None:
    """The panel of ``chat``: None without a contact or without ``deal.view``."""
    if chat.contact is None or not request.org.has_perm("deal.view"):
        return None
    deals = list(selectors.deals_for_contact(request.org.organization, chat.contact)[:DEALS_SHOWN])
    stages: dict[int, list[Stage]] = {}
    for deal in deals:
        if deal.pipeline_id not in stages:
            stages[deal.pipeline_id] = list(selectors.pipeline_stages(deal.pipeline))
    for deal in deals:
        deal.stage_choices = stages[deal.pipeline_id]
    return TEMPLATE, {
        "deals": deals,
        "can_edit_deals": request.org.has_perm("deal.edit"),
        "deal_error": getattr(request, "inbox_deal_error", ""),
    }


def deal_stage_chips(organization: Organization, chats: list[Chat]) -> dict[int, Any]:
    """Chat id → the stage chip of its contact's most recently updated open deal."""
    by_contact: dict[int, list[int]] = {}
    for chat in chats:
        if chat.contact_id:
            by_contact.setdefault(chat.contact_id, []).append(chat.pk)
    if not by_contact:
        return {}
    rows = (
        Deal.objects.filter(
            organization=organization, closed_at__isnull=True, contacts__in=list(by_contact)
        )
        .order_by("-updated_at", "-pk")
        .values_list("contacts", "title", "stage__name", "stage__kind")
    )
    chips: dict[int, Any] = {}
    for contact_id, title, stage, kind in rows:
        for chat_id in by_contact.get(contact_id, []):
            chips.setdefault(chat_id, {"stage": stage, "kind": kind, "title": title})
    return chips


def stage_filter_choices(organization: Organization) -> list[tuple[int, str]]:
    """The open stages of every pipeline, for the inbox's "Deal stage" filter."""
    stages = list(
        Stage.objects.filter(organization=organization, kind=StageKind.OPEN)
        .select_related("pipeline")
        .order_by("pipeline__position", "pipeline_id", "position", "pk")
    )
    several = len({stage.pipeline_id for stage in stages}) > 1
    return [
        (stage.pk, f"{stage.pipeline.name} · {stage.name}" if several else stage.name)
        for stage in stages
    ]


def contacts_in_stage(organization: Organization, stage_id: int) -> QuerySet:
    """Ids of the contacts with an open deal in the stage (a subquery for the inbox list)."""
    return Deal.objects.filter(
        organization=organization,
        stage_id=stage_id,
        closed_at__isnull=True,
        contacts__isnull=False,
    ).values("contacts")


def _chat(request: HttpRequest, pk: int) -> Chat:
    chat = (
        Chat.objects.filter(organization=request.org.organization, pk=pk)
        .select_related("contact")
        .first()
    )
    if chat is None or chat.contact is None:
        raise Http404("No such chat")
    return chat


def _panel(request: HttpRequest, chat: Chat, error: str = "") -> HttpResponse:
    """The refreshed context panel; with an error, rendered here so the panel can show it."""
    if not error:
        return redirect("messaging:inbox_context", pk=chat.pk)
    request.inbox_deal_error = error  # type: ignore[attr-defined]
    return context_panel_response(request, chat.pk)


@org_required("deal.edit")
@require_POST
def inbox_deal_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Create deal from chat": a deal for the chat's contact, owned by whoever made it, in
    the default pipeline's first open stage."""
    chat = _chat(request, pk)
    title = (request.POST.get("title") or "").strip() or f"Deal with {chat.contact}"
    try:
        value = Decimal(request.POST.get("value") or "0")
    except InvalidOperation:
        return _panel(request, chat, "Enter the value as a number.")
    try:
        deal_services.deal_create(
            organization=request.org.organization,
            actor=request.user,
            title=title,
            value=value,
            owner=request.user,
            contacts=[chat.contact],
        )
    except DomainError as exc:
        return _panel(request, chat, exc.message)
    return _panel(request, chat)


@org_required("deal.edit")
@require_POST
def inbox_deal_move(request: HttpRequest, pk: int, deal_pk: int) -> HttpResponse:
    """ "Move stage" from the panel: ``deal_move`` to the top of the chosen stage."""
    chat = _chat(request, pk)
    deal = selectors.deal_detail(request.org.organization, deal_pk)
    if deal is None:
        raise Http404("No such deal")
    raw = request.POST.get("stage") or ""
    stage = selectors.stage_get(request.org.organization, int(raw)) if raw.isdigit() else None
    if stage is None:
        return _panel(request, chat, "That stage does not exist (any more).")
    try:
        deal_services.deal_move(
            deal=deal,
            actor=request.user,
            stage=stage,
            lost_reason="Closed from the inbox" if stage.kind == StageKind.LOST else "",
        )
    except DomainError as exc:
        return _panel(request, chat, exc.message)
    return _panel(request, chat)
