"""Stages of a pipeline: add, edit, reorder, delete (moving its deals elsewhere first).

Stage changes are pipeline configuration (``pipeline.manage``) and are announced as
``pipeline.updated`` with the whole stage list, which is what an open board re-renders from.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.errors import ValidationError
from accounts.models import User
from accounts.services import require_permission
from automation.events import emit
from pipelines.models import Deal, DealStageChange, DealVia, Pipeline, Stage, StageKind
from pipelines.services.pipelines import MAX_STAGES, clean_name, pipeline_payload
from pipelines.services.placement import append_ranks

STAGE_FIELDS = ("name", "probability", "kind", "rotting_days")


def _int_field(data: dict, field: str, *, low: int, high: int, nullable: bool) -> int | None:
    value = data[field]
    if value in (None, "") and nullable:
        return None
    if isinstance(value, bool):
        value = "not a number"
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(
            f"{field.replace('_', ' ').capitalize()} must be a whole number.",
            fields={field: ["Enter a whole number."]},
        ) from None
    if not low <= number <= high:
        message = f"Enter a number from {low} to {high}."
        raise ValidationError(message, fields={field: [message]})
    return number


def stage_clean(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validated stage fields from ``data``; with ``partial`` only those present."""
    if not isinstance(data, dict):
        raise ValidationError("A stage must be an object.", fields={"stage": ["Not an object."]})
    clean: dict[str, Any] = {}
    if "name" in data or not partial:
        clean["name"] = clean_name(data.get("name"), max_length=80)
    if "probability" in data or not partial:
        if "probability" not in data:
            data = {**data, "probability": 0}
        clean["probability"] = _int_field(data, "probability", low=0, high=100, nullable=False)
    if "kind" in data or not partial:
        kind = data.get("kind") or StageKind.OPEN
        if kind not in StageKind.values:
            message = f"Choose one of: {', '.join(StageKind.values)}."
            raise ValidationError(message, fields={"kind": [message]})
        clean["kind"] = kind
    if "rotting_days" in data or not partial:
        data = {"rotting_days": data.get("rotting_days")}
        clean["rotting_days"] = _int_field(data, "rotting_days", low=1, high=3650, nullable=True)
    return clean


def _announce(pipeline: Pipeline, actor: User, changed: list[str]) -> None:
    emit(
        pipeline.organization,
        "pipeline.updated",
        {"pipeline": pipeline_payload(pipeline), "changed": changed},
        actor,
    )


def _lock_pipeline(pipeline: Pipeline) -> Pipeline:
    """Stage edits of one pipeline run one at a time, so positions never collide."""
    return Pipeline.objects.select_for_update().select_related("organization").get(pk=pipeline.pk)


@transaction.atomic
def stage_create(
    *,
    pipeline: Pipeline,
    actor: User,
    name: str,
    probability: int,
    kind: str = StageKind.OPEN,
    rotting_days: int | None = None,
    position: int | None = None,
) -> Stage:
    """Add a stage at ``position`` (0-based; default: last), shifting the later ones down."""
    require_permission(pipeline.organization, actor, "pipeline.manage")
    pipeline = _lock_pipeline(pipeline)
    data = stage_clean(
        {"name": name, "probability": probability, "kind": kind, "rotting_days": rotting_days},
        partial=False,
    )
    stages = pipeline.stages.all()
    count = stages.count()
    if count >= MAX_STAGES:
        message = f"A pipeline holds at most {MAX_STAGES} stages."
        raise ValidationError(message, fields={"name": [message]})
    top = stages.aggregate(top=Max("position"))["top"]
    end = 0 if top is None else top + 1
    if position is None:
        position = end
    else:
        position = _int_field({"position": position}, "position", low=0, high=end, nullable=False)
        ordered = list(stages.order_by("position", "id"))
        for index, stage in enumerate(ordered):
            new = index + 1 if index >= position else index
            if stage.position != new:
                Stage.objects.filter(pk=stage.pk).update(position=new)
    stage = Stage.objects.create(
        organization_id=pipeline.organization_id, pipeline=pipeline, position=position, **data
    )
    _announce(pipeline, actor, ["stages"])
    return stage


@transaction.atomic
def stage_update(*, stage: Stage, actor: User, data: dict) -> Stage:
    require_permission(stage.organization, actor, "pipeline.manage")
    pipeline = _lock_pipeline(stage.pipeline)
    stage = Stage.objects.get(pk=stage.pk)
    clean = stage_clean({k: v for k, v in data.items() if k in STAGE_FIELDS}, partial=True)
    changed = [field for field, value in clean.items() if getattr(stage, field) != value]
    if changed:
        for field in changed:
            setattr(stage, field, clean[field])
        stage.save(update_fields=changed)
        _announce(pipeline, actor, ["stages"])
    return stage


@transaction.atomic
def stages_reorder(*, pipeline: Pipeline, actor: User, stage_ids: list[int]) -> list[Stage]:
    """Put the pipeline's stages in the order of ``stage_ids`` (every stage, once)."""
    require_permission(pipeline.organization, actor, "pipeline.manage")
    pipeline = _lock_pipeline(pipeline)
    stages = {s.pk: s for s in pipeline.stages.all()}
    try:
        ids = [int(i) for i in stage_ids]
    except (TypeError, ValueError):
        raise ValidationError(
            "Send the stage ids as numbers.", fields={"stage_ids": ["Not a list of ids."]}
        ) from None
    if sorted(ids) != sorted(stages):
        message = "List every stage of this pipeline exactly once."
        raise ValidationError(message, fields={"stage_ids": [message]})
    ordered = []
    for position, pk in enumerate(ids):
        stage = stages[pk]
        if stage.position != position:
            stage.position = position
            Stage.objects.filter(pk=pk).update(position=position)
        ordered.append(stage)
    _announce(pipeline, actor, ["stages"])
    return ordered


@transaction.atomic
def stage_delete(*, stage: Stage, actor: User, move_deals_to: Stage | None = None) -> None:
    """Delete a stage. Deals in it move to ``move_deals_to`` (same pipeline), below its cards,
    each with a history entry — but no per-deal event: one ``pipeline.updated`` tells boards."""
    require_permission(stage.organization, actor, "pipeline.manage")
    pipeline = _lock_pipeline(stage.pipeline)
    stage = Stage.objects.get(pk=stage.pk)
    if pipeline.stages.count() <= 1:
        message = "A pipeline needs at least one stage."
        raise ValidationError(message, fields={"stage": [message]})
    deals = list(Deal.objects.select_for_update().filter(stage=stage).order_by("rank", "id"))
    if deals:
        if move_deals_to is None:
            message = f"This stage holds {len(deals)} deal(s). Choose where to move them."
            raise ValidationError(message, fields={"move_deals_to": [message]})
        if move_deals_to.pipeline_id != pipeline.pk or move_deals_to.pk == stage.pk:
            message = "Choose another stage of the same pipeline."
            raise ValidationError(message, fields={"move_deals_to": [message]})
        now = timezone.now()
        ranks = append_ranks(move_deals_to, len(deals))
        closing = move_deals_to.kind != StageKind.OPEN
        for deal, rank in zip(deals, ranks, strict=True):
            deal.stage = move_deals_to
            deal.rank = rank
            deal.stage_entered_at = now
            deal.closed_at = now if closing else None
            deal.version += 1
        Deal.objects.bulk_update(
            deals, ["stage", "rank", "stage_entered_at", "closed_at", "version", "updated_at"]
        )
        DealStageChange.objects.bulk_create(
            DealStageChange(
                organization_id=pipeline.organization_id,
                deal=deal,
                from_stage=stage,
                to_stage=move_deals_to,
                actor=actor,
                via=DealVia.USER,
                changed_at=now,
            )
            for deal in deals
        )
    stage.delete()
    remaining = list(pipeline.stages.order_by("position", "id"))
    for position, other in enumerate(remaining):
        if other.position != position:
            Stage.objects.filter(pk=other.pk).update(position=position)
    _announce(pipeline, actor, ["stages"])
