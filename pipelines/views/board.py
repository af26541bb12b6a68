"""The Kanban board: the page, its column totals (JSON), "load more" in a column, one card (for
live updates), quick create at a column's top, and the move endpoint the drag and drop posts to.

Reads go through ``pipelines.selectors``, writes through ``pipelines.services``; the JSON
endpoints answer errors as ``{"message", "errors"}`` with the domain error's status (400, 403,
404, 409) so board.js can roll a card back and say why.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import DomainError, ValidationError
from accounts.tenancy import org_required
from automation.selectors import latest_event_id
from crm import selectors as crm_selectors
from pipelines import selectors
from pipelines.filters import DealFilters
from pipelines.forms import QuickCreateForm
from pipelines.models import Pipeline, Stage
from pipelines.services import deals as deal_services
from pipelines.services.deals import deal_payload
from pipelines.templatetags.pipeline_ui import column_money

PER_COLUMN = 50


FILTER_PARAMS = ("owner", "tag", "stale")


def board_filters(request: HttpRequest, *, warn: bool = False) -> DealFilters:
    """The board's filters from the URL (owner=me|<id>, tag=<name>, stale=true). A link whose
    filter no longer resolves (a deleted tag) shows the whole board; with ``warn`` the page
    says so."""
    params = {name: request.GET.get(name, "") for name in FILTER_PARAMS}
    try:
        return DealFilters.from_params(
            params, organization=request.org.organization, user=request.user
        )
    except ValidationError as exc:
        if warn:
            messages.warning(request, f"A filter was left out: {exc.message}")
        return DealFilters()


def filter_query(filters: DealFilters) -> str:
    return urlencode(filters.to_params(), doseq=True)


def pipeline_get(request: HttpRequest, pk: int | None) -> tuple[Pipeline, list[Pipeline]]:
    """The pipeline ``pk`` (None: the default one) and all of them, for the switcher."""
    pipelines = list(selectors.pipelines_for(request.org.organization))
    if pk is None:
        found = next((p for p in pipelines if p.is_default), pipelines[0] if pipelines else None)
    else:
        found = next((p for p in pipelines if p.pk == pk), None)
    if found is None:
        raise Http404("No such pipeline")
    return found, pipelines


def stage_get(request: HttpRequest, pk: Any) -> Stage | None:
    """A stage of any of the organization's pipelines."""
    return selectors.stage_get(request.org.organization, pk)


def stage_or_404(request: HttpRequest, pk: int) -> Stage:
    stage = stage_get(request, pk)
    if stage is None:
        raise Http404("No such stage")
    return stage


def _currency(request: HttpRequest) -> str:
    return request.org.organization.default_currency


@org_required("deal.view")
@require_GET
def board(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    pipeline, pipelines = pipeline_get(request, pk)
    organization = request.org.organization
    filters = board_filters(request, warn=True)
    since = latest_event_id()  # before the read: a move committed meanwhile is replayed
    data = selectors.board(organization, pipeline, filters=filters, per_column=PER_COLUMN)
    return render(
        request,
        "pipelines/board.html",
        {
            "live_since": since,
            "pipeline": pipeline,
            "pipelines": pipelines,
            "board": data,
            "filters": filters,
            "filter_query": filter_query(filters),
            "members": crm_selectors.org_members(organization),
            "tags": crm_selectors.tags_list(organization),
            "currency": _currency(request),
            "can_edit": request.org.has_perm("deal.edit"),
            "can_manage": request.org.has_perm("pipeline.manage"),
        },
    )


@org_required("deal.view")
@require_GET
def board_totals(request: HttpRequest, pk: int) -> JsonResponse:
    """Each column's count, total and weighted value, formatted as the board shows them."""
    pipeline, _ = pipeline_get(request, pk)
    currency = _currency(request)
    data = selectors.board(
        request.org.organization, pipeline, filters=board_filters(request), per_column=0
    )
    return JsonResponse(
        {
            "columns": [
                {
                    "stage_id": column.stage.pk,
                    "count": column.count,
                    "total": column_money(column, "total_value", currency),
                    "weighted": column_money(column, "weighted_value", currency),
                }
                for column in data.columns
            ],
            "count": data.totals.count,
            "total": column_money(data.totals, "weighted_value", currency),
        }
    )


@org_required("deal.view")
@require_GET
def column_more(request: HttpRequest, pk: int) -> HttpResponse:
    """The next cards of one column after ``?after=<rank>``, and the next "Load more"."""
    stage = stage_or_404(request, pk)
    filters = board_filters(request)
    deals = selectors.column_deals(
        request.org.organization,
        stage,
        after_rank=request.GET.get("after") or None,
        limit=PER_COLUMN + 1,
        filters=filters,
    )
    return render(
        request,
        "pipelines/_cards_more.html",
        {
            "deals": deals[:PER_COLUMN],
            "has_more": len(deals) > PER_COLUMN,
            "stage": stage,
            "filter_query": filter_query(filters),
        },
    )


@org_required("deal.view")
@require_GET
def deal_card(request: HttpRequest, pk: int) -> HttpResponse:
    """One card as the board shows it; 204 when the board's filters leave it out."""
    deal = selectors.deal_card(request.org.organization, pk)
    if deal is None:
        raise Http404("No such deal")
    if not selectors.deal_matches(request.org.organization, deal, board_filters(request)):
        return HttpResponse(status=204)
    return render(request, "pipelines/_card.html", {"deal": deal})


@org_required("deal.edit")
@require_POST
def deal_quick_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A deal from a column's quick-create form: the card goes to the column's top — when the
    board's filters (the form posts them in its URL) show it; else a note says it is hidden."""
    stage = stage_or_404(request, pk)
    filters = board_filters(request)
    form = QuickCreateForm(request.POST)
    deal = None
    if form.is_valid():
        try:
            deal = deal_services.deal_create(
                organization=request.org.organization,
                actor=request.user,
                title=form.cleaned_data["title"],
                stage=stage,
                value=form.cleaned_data["value"] or 0,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
    if request.headers.get("HX-Request") != "true":
        return redirect("pipelines:board", stage.pipeline_id)
    organization = request.org.organization
    shown = deal is not None and selectors.deal_matches(organization, deal, filters)
    context = {
        "stage": stage,
        "form": None if deal else form,
        "open": True,
        "currency": _currency(request),
        "filter_query": filter_query(filters),
        "deal": selectors.deal_detail(organization, deal.pk) if shown else None,
        "hidden": deal if deal is not None and not shown else None,
    }
    response = render(request, "pipelines/_quick_created.html", context)
    if deal is not None:
        response["HX-Trigger"] = json.dumps({"deal:created": {"deal": deal_payload(deal)}})
    return response


def _json_error(exc: DomainError) -> JsonResponse:
    return JsonResponse(
        {"code": exc.code, "message": exc.message, "errors": exc.fields}, status=exc.status
    )


def _int_or_none(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise ValidationError("Expected a deal id.", fields={field: ["Not a deal id."]})
    return int(value)


@org_required("deal.edit")
@require_POST
def deal_move(request: HttpRequest, pk: int) -> JsonResponse:
    """JSON ``{stage, before_id?, after_id?, lost_reason?}`` → the moved deal and its card.

    The board's hottest write, so it reads little: the deal row alone (the service locks and
    re-reads it, checking the membership again inside the transaction) and, after the move,
    the card in one query."""
    deal = selectors.deal_for_write(request.org.organization, pk)
    if deal is None:
        raise Http404("No such deal")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JsonResponse({"message": "Send a JSON object.", "errors": {}}, status=400)
    stage_id = body.get("stage")
    stage = (
        stage_get(request, stage_id)
        if isinstance(stage_id, int) and not isinstance(stage_id, bool)
        else None
    )
    if stage is None:
        message = "That stage does not exist (any more); reload the board."
        return JsonResponse({"message": message, "errors": {"stage": [message]}}, status=400)
    try:
        moved = deal_services.deal_move(
            deal=deal,
            actor=request.user,
            stage=stage,
            before_id=_int_or_none(body.get("before_id"), "before_id"),
            after_id=_int_or_none(body.get("after_id"), "after_id"),
            lost_reason=str(body.get("lost_reason") or ""),
        )
    except DomainError as exc:
        return _json_error(exc)
    fresh = selectors.deal_card(request.org.organization, moved.pk)
    card = render_to_string("pipelines/_card.html", {"deal": fresh}, request=request)
    return JsonResponse({"deal": deal_payload(moved), "card": card})
