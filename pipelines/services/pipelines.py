"""Pipelines: create (with stages), rename, make default, delete; the default BD pipeline every
organization starts with. Configuration is for managers (``pipeline.manage``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from accounts.errors import ValidationError
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.events import emit
from pipelines.models import Pipeline, Stage, StageKind

MAX_STAGES = 30

# Lead → Contacted → Engaged → Meeting → Proposal → Won / Lost (issue 4). Data migration
# 0002 holds a frozen copy of this list for organizations that existed before the app.
DEFAULT_PIPELINE_NAME = "Business development"
DEFAULT_STAGES: list[dict[str, Any]] = [
    {"name": "Lead", "probability": 10, "kind": StageKind.OPEN, "rotting_days": 14},
    {"name": "Contacted", "probability": 20, "kind": StageKind.OPEN, "rotting_days": 7},
    {"name": "Engaged", "probability": 40, "kind": StageKind.OPEN, "rotting_days": 7},
    {"name": "Meeting", "probability": 60, "kind": StageKind.OPEN, "rotting_days": 7},
    {"name": "Proposal", "probability": 80, "kind": StageKind.OPEN, "rotting_days": 14},
    {"name": "Won", "probability": 100, "kind": StageKind.WON, "rotting_days": None},
    {"name": "Lost", "probability": 0, "kind": StageKind.LOST, "rotting_days": None},
]


def stage_payload(stage: Stage) -> dict:
    return {
        "id": stage.pk,
        "name": stage.name,
        "position": stage.position,
        "probability": stage.probability,
        "kind": stage.kind,
        "rotting_days": stage.rotting_days,
    }


def pipeline_payload(pipeline: Pipeline) -> dict:
    return {
        "id": pipeline.pk,
        "name": pipeline.name,
        "is_default": pipeline.is_default,
        "position": pipeline.position,
        "stages": [stage_payload(s) for s in pipeline.stages.order_by("position", "id")],
    }


def clean_name(value: object, *, field: str = "name", max_length: int = 120) -> str:
    name = str(value or "").strip()
    if not name:
        raise ValidationError("Give it a name.", fields={field: ["Required."]})
    if len(name) > max_length:
        message = f"Keep it under {max_length} characters."
        raise ValidationError(message, fields={field: [message]})
    return name


def _create_stages(pipeline: Pipeline, stages: list[dict]) -> None:
    from pipelines.services.stages import stage_clean

    if len(stages) > MAX_STAGES:
        message = f"A pipeline holds at most {MAX_STAGES} stages."
        raise ValidationError(message, fields={"stages": [message]})
    rows = []
    for position, raw in enumerate(stages):
        try:
            data = stage_clean(raw, partial=False)
        except ValidationError as error:
            fields = {f"stages[{position}].{k}": v for k, v in error.fields.items()}
            raise ValidationError(error.message, fields=fields) from error
        rows.append(
            Stage(
                organization_id=pipeline.organization_id,
                pipeline=pipeline,
                position=position,
                **data,
            )
        )
    Stage.objects.bulk_create(rows)


@transaction.atomic
def pipeline_create(
    *, organization: Organization, actor: User, name: str, stages: list[dict] | None = None
) -> Pipeline:
    """A new pipeline, after the others; without ``stages`` it gets the default BD stages."""
    require_permission(organization, actor, "pipeline.manage")
    return _pipeline_create(organization=organization, actor=actor, name=name, stages=stages)


def _pipeline_create(
    *,
    organization: Organization,
    actor: User | None,
    name: str,
    stages: list[dict] | None,
) -> Pipeline:
    name = clean_name(name)
    # Serialise pipeline creation per organization so "first one is the default" holds.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    existing = Pipeline.objects.filter(organization=organization)
    top = existing.aggregate(top=Max("position"))["top"]
    pipeline = Pipeline.objects.create(
        organization=organization,
        name=name,
        position=0 if top is None else top + 1,
        is_default=not existing.filter(is_default=True).exists(),
    )
    _create_stages(pipeline, DEFAULT_STAGES if stages is None else stages)
    emit(organization, "pipeline.created", {"pipeline": pipeline_payload(pipeline)}, actor)
    return pipeline


@transaction.atomic
def pipeline_create_default(*, organization: Organization) -> Pipeline:
    """The BD pipeline a new organization starts with (no actor: the system sets it up), with
    its built-in automatic transitions (``pipelines.transitions``)."""
    from pipelines.transitions import transitions_ensure

    current = Pipeline.objects.filter(organization=organization, is_default=True).first()
    if current is not None:
        return current
    pipeline = _pipeline_create(
        organization=organization, actor=None, name=DEFAULT_PIPELINE_NAME, stages=None
    )
    # Its automatic transitions (first reply → Engaged, …): triggers members may edit.
    transitions_ensure(organization=organization, pipeline=pipeline)
    return pipeline


@transaction.atomic
def pipeline_update(*, pipeline: Pipeline, actor: User, data: dict) -> Pipeline:
    """Rename, reposition, or make it the organization's default (the old default is cleared)."""
    organization = pipeline.organization
    require_permission(organization, actor, "pipeline.manage")
    pipeline = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    changed = []
    if "name" in data:
        name = clean_name(data["name"])
        if name != pipeline.name:
            pipeline.name = name
            changed.append("name")
    if "position" in data:
        try:
            position = int(data["position"])
        except (TypeError, ValueError):
            raise ValidationError(
                "Position must be a whole number.", fields={"position": ["Not a number."]}
            ) from None
        if position != pipeline.position:
            pipeline.position = position
            changed.append("position")
    if "is_default" in data:
        if data["is_default"] is not True and data["is_default"] is not False:
            raise ValidationError(
                "is_default must be true or false.", fields={"is_default": ["Not a boolean."]}
            )
        if data["is_default"] and not pipeline.is_default:
            Pipeline.objects.filter(organization=organization, is_default=True).update(
                is_default=False
            )
            pipeline.is_default = True
            changed.append("is_default")
        elif not data["is_default"] and pipeline.is_default:
            message = "Make another pipeline the default instead."
            raise ValidationError(message, fields={"is_default": [message]})
    if changed:
        pipeline.save(update_fields=changed)
        emit(
            organization,
            "pipeline.updated",
            {"pipeline": pipeline_payload(pipeline), "changed": changed},
            actor,
        )
    return pipeline


@transaction.atomic
def pipeline_delete(*, pipeline: Pipeline, actor: User) -> None:
    """Delete an empty, non-default pipeline (its stages go with it)."""
    organization = pipeline.organization
    require_permission(organization, actor, "pipeline.manage")
    pipeline = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    if pipeline.is_default:
        message = "This is the default pipeline. Make another one the default first."
        raise ValidationError(message, fields={"pipeline": [message]})
    if pipeline.deals.exists():
        message = "This pipeline still holds deals. Move or delete them first."
        raise ValidationError(message, fields={"pipeline": [message]})
    payload = pipeline_payload(pipeline)
    pipeline.delete()
    emit(organization, "pipeline.deleted", {"pipeline": payload}, actor)
