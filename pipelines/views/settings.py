"""Pipeline settings (``pipeline.manage``): the pipelines (create, make default, delete) and one
pipeline's stages (rename the pipeline, add, edit, reorder and delete stages — a stage holding
deals asks where they go). Plain forms that post and come back, except the reorder, which the
drag and drop in static/js/stages.js posts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from pipelines import selectors
from pipelines.filters import DealFilters
from pipelines.forms import PipelineForm, StageDeleteForm, StageForm
from pipelines.models import Pipeline
from pipelines.services import pipelines as pipeline_services
from pipelines.services import stages as stage_services
from pipelines.views.board import pipeline_get, stage_or_404


def _pipeline(request: HttpRequest, pk: int) -> Pipeline:
    return pipeline_get(request, pk)[0]


def _deal_count(request: HttpRequest, pipeline: Pipeline) -> int:
    return selectors.board(request.org.organization, pipeline, per_column=0).totals.count


@org_required("pipeline.manage")
def pipeline_list(request: HttpRequest) -> HttpResponse:
    """The organization's pipelines; a POST creates one (with the default BD stages)."""
    form = PipelineForm()
    if request.method == "POST":
        form = PipelineForm(request.POST)
        if form.is_valid():
            try:
                pipeline = pipeline_services.pipeline_create(
                    organization=request.org.organization,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, f"The pipeline “{pipeline.name}” is created.")
                return redirect("pipelines:settings_pipeline", pipeline.pk)
    rows = list(selectors.pipelines_for(request.org.organization))
    for pipeline in rows:
        pipeline.stage_count = len(pipeline.stages.all())
        pipeline.deal_count = _deal_count(request, pipeline)
    return render(request, "pipelines/settings/pipelines.html", {"rows": rows, "form": form})


def _stage_rows(
    request: HttpRequest, pipeline: Pipeline, forms: dict[int, StageForm] | None = None
) -> list[dict]:
    forms = forms or {}
    rows = []
    for column in selectors.board(request.org.organization, pipeline, per_column=0).columns:
        stage = column.stage
        stage.deal_count = column.count
        form = forms.get(stage.pk) or StageForm(
            initial={
                "name": stage.name,
                "probability": stage.probability,
                "kind": stage.kind,
                "rotting_days": stage.rotting_days,
            },
            prefix=f"stage-{stage.pk}",
        )
        rows.append({"stage": stage, "form": form})
    return rows


def _pipeline_page(request: HttpRequest, pipeline: Pipeline, **extra: Any) -> HttpResponse:
    context = {
        "pipeline": pipeline,
        "pipelines": selectors.pipelines_for(request.org.organization),
        "rename_form": PipelineForm(initial={"name": pipeline.name}),
        "stage_form": StageForm(prefix="new"),
        "rows": _stage_rows(request, pipeline, extra.pop("stage_forms", None)),
        **extra,
    }
    return render(request, "pipelines/settings/pipeline.html", context)


@org_required("pipeline.manage")
def pipeline_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """One pipeline's name and stages; a POST renames it or makes it the default."""
    pipeline = _pipeline(request, pk)
    if request.method != "POST":
        return _pipeline_page(request, pipeline)
    if request.POST.get("action") == "default":
        data: dict[str, Any] = {"is_default": True}
        form = PipelineForm(initial={"name": pipeline.name})
    else:
        form = PipelineForm(request.POST)
        if not form.is_valid():
            return _pipeline_page(request, pipeline, rename_form=form)
        data = {"name": form.cleaned_data["name"]}
    try:
        pipeline_services.pipeline_update(pipeline=pipeline, actor=request.user, data=data)
    except DomainError as exc:
        form.add_domain_error(exc)
        return _pipeline_page(request, pipeline, rename_form=form)
    messages.success(request, "The pipeline is saved.")
    return redirect("pipelines:settings_pipeline", pipeline.pk)


@org_required("pipeline.manage")
@require_POST
def pipeline_delete(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline = _pipeline(request, pk)
    try:
        pipeline_services.pipeline_delete(pipeline=pipeline, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("pipelines:settings_pipeline", pipeline.pk)
    messages.success(request, f"The pipeline “{pipeline.name}” is deleted.")
    return redirect("pipelines:settings")


@org_required("pipeline.manage")
@require_POST
def stage_create(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline = _pipeline(request, pk)
    form = StageForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            stage_services.stage_create(pipeline=pipeline, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"The stage “{form.cleaned_data['name']}” is added.")
            return redirect("pipelines:settings_pipeline", pipeline.pk)
    return _pipeline_page(request, pipeline, stage_form=form)


@org_required("pipeline.manage")
@require_POST
def stage_update(request: HttpRequest, pk: int) -> HttpResponse:
    stage = stage_or_404(request, pk)
    form = StageForm(request.POST, prefix=f"stage-{stage.pk}")
    if form.is_valid():
        try:
            stage_services.stage_update(stage=stage, actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"The stage “{form.cleaned_data['name']}” is saved.")
            return redirect("pipelines:settings_pipeline", stage.pipeline_id)
    return _pipeline_page(request, stage.pipeline, stage_forms={stage.pk: form})


@org_required("pipeline.manage")
@require_POST
def stages_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """The stages in the order given (``stage_ids``, each once); JSON for the drag and drop."""
    pipeline = _pipeline(request, pk)
    raw = request.POST.getlist("stage_ids")
    if not all(value.isdigit() for value in raw):
        return JsonResponse({"message": "Stage ids must be numbers."}, status=400)
    try:
        stage_services.stages_reorder(
            pipeline=pipeline, actor=request.user, stage_ids=[int(value) for value in raw]
        )
    except DomainError as exc:
        return JsonResponse({"message": exc.message, "errors": exc.fields}, status=exc.status)
    return JsonResponse({"ok": True})


@org_required("pipeline.manage")
def stage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask where the stage's deals go (GET), then delete it (POST)."""
    stage = stage_or_404(request, pk)
    form = StageDeleteForm(request.POST if request.method == "POST" else None, stage=stage)
    if request.method == "POST" and form.is_valid():
        try:
            stage_services.stage_delete(
                stage=stage, actor=request.user, move_deals_to=form.cleaned_data["move_deals_to"]
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"The stage “{stage.name}” is deleted.")
            return redirect("pipelines:settings_pipeline", stage.pipeline_id)
    deals = selectors.deals_for(request.org.organization, DealFilters(stage=stage)).count()
    return render(
        request,
        "pipelines/settings/stage_delete.html",
        {"stage": stage, "form": form, "deals": deals, "pipeline": stage.pipeline},
    )
