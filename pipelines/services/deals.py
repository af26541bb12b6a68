"""Deals: create, edit (version-checked), move on the board, delete. Placement in a column
(ranks, the column lock) is ``pipelines.services.placement``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.errors import NotFound, ValidationError
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.events import emit
from crm.services.records import Errors, tags_clean, tags_set, text_clean
from pipelines.errors import DealConflict
from pipelines.models import Deal, DealStageChange, DealVia, Pipeline, Stage, StageKind
from pipelines.services.deal_fields import fields_clean
from pipelines.services.placement import lock_column, rank_for
from pipelines.statements import Statement

# What a move writes (``_apply_move``), plus the version.
MOVE_FIELDS = [
    "rank",
    "stage",
    "pipeline",
    "stage_entered_at",
    "closed_at",
    "lost_reason",
    "version",
    "updated_at",
]
UPDATE_FIELDS = [
    "title",
    "value",
    "currency",
    "owner",
    "company",
    "expected_close_date",
    "source",
    "lost_reason",
]


def deal_payload(deal: Deal) -> dict:
    """The deal as every deal.* event carries it (version 1); the live board reads it."""
    return {
        "id": deal.pk,
        "title": deal.title,
        "value": str(deal.value),
        "currency": deal.currency,
        "stage_id": deal.stage_id,
        "pipeline_id": deal.pipeline_id,
        "owner_id": deal.owner_id,
        "company_id": deal.company_id,
        "expected_close_date": (
            deal.expected_close_date.isoformat() if deal.expected_close_date else None
        ),
        "rank": deal.rank,
        "version": deal.version,
    }


# --- use cases -----------------------------------------------------------------------------


def _default_pipeline(organization: Organization) -> Pipeline:
    pipeline = Pipeline.objects.filter(organization=organization, is_default=True).first()
    if pipeline is None:  # an organization made outside organization_create (tests, shell)
        from pipelines.services.pipelines import pipeline_create_default

        pipeline = pipeline_create_default(organization=organization)
    return pipeline


def _first_open_stage(pipeline: Pipeline) -> Stage:
    stages = pipeline.stages.order_by("position", "id")
    stage = stages.filter(kind=StageKind.OPEN).first() or stages.first()
    if stage is None:
        message = "This pipeline has no stages yet. Add one in the pipeline settings."
        raise ValidationError(message, fields={"stage": [message]})
    return stage


def _stage_in(organization: Organization, stage: Any, pipeline: Pipeline | None) -> Stage:
    if not isinstance(stage, Stage) or stage.organization_id != organization.pk:
        raise ValidationError("No such stage.", fields={"stage": ["No such stage."]})
    if pipeline is not None and stage.pipeline_id != pipeline.pk:
        message = "That stage belongs to another pipeline."
        raise ValidationError(message, fields={"stage": [message]})
    return stage


def _record_change(
    deal: Deal, *, from_stage: Stage | None, actor: User | None, via: str, now: Any
) -> None:
    DealStageChange.objects.create(
        organization_id=deal.organization_id,
        deal=deal,
        from_stage=from_stage,
        to_stage=deal.stage,
        actor=actor,
        via=via,
        changed_at=now,
    )


def _via_clean(via: str) -> str:
    if via not in DealVia.values:
        raise ValueError(f"Unknown via {via!r}")  # programming error, not user input
    return via


@transaction.atomic
def deal_create(
    *,
    organization: Organization,
    actor: User,
    title: str,
    pipeline: Pipeline | None = None,
    stage: Stage | None = None,
    value: Decimal | str | int = Decimal("0"),
    currency: str | None = None,
    owner: User | None = None,
    contacts: Any = (),
    company: Any = None,
    expected_close_date: Any = None,
    source: str = "",
    tags: Any = (),
    via: str = DealVia.USER,
) -> Deal:
    """A new deal at the top of its column. Defaults: the default pipeline, its first open
    stage, the organization's currency."""
    require_permission(organization, actor, "deal.edit")
    via = _via_clean(via)
    if pipeline is not None and pipeline.organization_id != organization.pk:
        raise ValidationError("No such pipeline.", fields={"pipeline": ["No such pipeline."]})
    if stage is not None:
        stage = _stage_in(organization, stage, pipeline)
        pipeline = stage.pipeline
    else:
        pipeline = pipeline or _default_pipeline(organization)
        stage = _first_open_stage(pipeline)
    errors = Errors()
    values = fields_clean(
        organization,
        {
            "title": title,
            "value": value,
            "currency": currency or organization.default_currency,
            "owner": owner,
            "company": company,
            "contacts": list(contacts or ()),
            "expected_close_date": expected_close_date,
            "source": source,
        },
        errors,
    )
    tag_list = tags_clean(organization, list(tags or ()), errors) if tags else []
    if not values.get("title") and "title" not in errors:
        errors.add("title", "Give the deal a title.")
    errors.raise_if_any("Check the deal's details.")
    contact_list = values.pop("contacts")
    lock_column(stage)
    now = timezone.now()
    deal = Deal.objects.create(
        organization=organization,
        pipeline=pipeline,
        stage=stage,
        rank=rank_for(stage, exclude_id=None, before_id=None, after_id=None, position=None),
        stage_entered_at=now,
        closed_at=now if stage.kind != StageKind.OPEN else None,
        created_by=actor,
        created_at=now,
        **values,
    )
    if contact_list:
        deal.contacts.set(contact_list)
    if tag_list:
        deal.tags.set(tag_list)
    _record_change(deal, from_stage=None, actor=actor, via=via, now=now)
    emit(organization, "deal.created", {"deal": deal_payload(deal), "via": via}, actor)
    return deal


_LOCKED_DEAL = Statement(
    lambda pk, organization_id: (
        Deal.objects.select_for_update(of=("self",))
        .select_related("stage", "pipeline", "owner", "company")
        .filter(pk=pk, organization_id=organization_id)
        .order_by("pk")[:1]
    ),
    pk=int,
    organization_id=int,
)
_LOCKED_STAGE = Statement(
    lambda pk, organization_id: (
        Stage.objects.filter(organization_id=organization_id, pk=pk)
        .select_for_update(no_key=True)
        .order_by("pk")[:1]
    ),
    pk=int,
    organization_id=int,
)


def _lock_deal(deal: Deal) -> Deal:
    """The deal's row, locked, with what the writes and their answer read (owner and company
    too: a response built from it needs no re-read). ``deal`` may be a bare ``Deal(pk=…,
    organization=…)``; a deal that does not exist (or no longer) is ``NotFound``."""
    if type(deal.pk) is not int or type(deal.organization_id) is not int:
        raise NotFound("No such deal.")
    found = _LOCKED_DEAL.run(pk=deal.pk, organization_id=deal.organization_id)
    if not found:
        raise NotFound("No such deal.")
    locked = found[0]
    locked.organization = deal.organization  # the caller's, already loaded
    return locked


@transaction.atomic
def deal_update(
    *, deal: Deal, actor: User, data: dict[str, Any], expected_version: int | None
) -> Deal:
    """Change a deal's fields, contacts, tags (and stage or pipeline, via a move).

    ``expected_version`` is the version the editor loaded; if someone saved in between, nothing
    is written and ``DealConflict`` (HTTP 409) says so. None skips the check (scripts).
    """
    organization = deal.organization
    require_permission(organization, actor, "deal.edit")
    deal = _lock_deal(deal)
    if expected_version is not None:
        if isinstance(expected_version, bool) or not str(expected_version).isdigit():
            message = "Send the version you loaded (a whole number)."
            raise ValidationError(message, fields={"version": [message]})
        if int(expected_version) != deal.version:
            raise DealConflict(current_version=deal.version)
    errors = Errors()
    values = fields_clean(organization, data, errors)
    tag_list = tags_clean(organization, data["tags"], errors) if "tags" in data else None
    if "title" in values and not values["title"]:
        errors.add("title", "Give the deal a title.")
    errors.raise_if_any("Check the deal's details.")
    changed = []
    for field in UPDATE_FIELDS:
        if field in values and getattr(deal, field) != values[field]:
            setattr(deal, field, values[field])
            changed.append(field)
    if "contacts" in values:
        wanted = {c.pk for c in values["contacts"]}
        if wanted != set(deal.contacts.values_list("pk", flat=True)):
            deal.contacts.set(values["contacts"])
            changed.append("contacts")
    if tag_list is not None and tags_set(deal, tag_list):
        changed.append("tags")
    move = None
    target_pipeline = data.get("pipeline")
    if target_pipeline is not None and target_pipeline != deal.pipeline:
        if (
            not isinstance(target_pipeline, Pipeline)
            or target_pipeline.organization_id != organization.pk
        ):
            raise ValidationError("No such pipeline.", fields={"pipeline": ["No such pipeline."]})
        stage = data.get("stage") or _first_open_stage(target_pipeline)
        move = _stage_in(organization, stage, target_pipeline)
    elif data.get("stage") is not None and data["stage"] != deal.stage:
        move = _stage_in(organization, data["stage"], deal.pipeline)
    if move is not None:
        moved = _apply_move(deal, actor=actor, stage=move, via=DealVia.USER, where={})
        changed.append("stage")
    if not changed:
        return deal
    deal.version += 1
    deal.save()
    emit(organization, "deal.updated", {"deal": deal_payload(deal), "changed": changed}, actor)
    if move is not None:
        _emit_move(deal, actor, moved)
    return deal


def _stage_locked(organization: Organization, stage: Stage | int, pipeline: Pipeline) -> Stage:
    """The move's target stage, checked and its column locked, in one query."""
    pk = stage.pk if isinstance(stage, Stage) else stage
    found = None
    if type(pk) is int:  # not a bool
        locked = _LOCKED_STAGE.run(pk=pk, organization_id=organization.pk)
        found = locked[0] if locked else None
    return _stage_in(organization, found, pipeline)


def _apply_move(
    deal: Deal,
    *,
    actor: User,
    stage: Stage,
    via: str,
    where: dict,
    lost_reason: str = "",
    column_locked: bool = False,
) -> dict[str, Any]:
    """Put the (locked) ``deal`` into ``stage`` at ``where``; returns what the events need."""
    from_stage = deal.stage
    if not column_locked:
        lock_column(stage)
    deal.rank = rank_for(
        stage,
        exclude_id=deal.pk,
        **{"before_id": None, "after_id": None, "position": None, **where},
    )
    info = {
        "from_stage": from_stage,
        "before_id": where.get("before_id"),
        "after_id": where.get("after_id"),
        "via": via,
    }
    if stage.pk == from_stage.pk:
        return info
    now = timezone.now()
    if deal.pipeline_id != stage.pipeline_id:
        deal.pipeline = stage.pipeline
    deal.stage = stage
    deal.stage_entered_at = now
    deal.closed_at = now if stage.kind != StageKind.OPEN else None
    if stage.kind == StageKind.LOST:
        deal.lost_reason = text_clean(lost_reason, "lost_reason", 300, Errors()) or deal.lost_reason
    else:
        deal.lost_reason = ""
    _record_change(deal, from_stage=from_stage, actor=actor, via=via, now=now)
    return info


def _emit_move(deal: Deal, actor: User, info: dict[str, Any]) -> None:
    organization = deal.organization
    payload = {
        "deal": deal_payload(deal),
        "before_id": info["before_id"],
        "after_id": info["after_id"],
    }
    from_stage = info["from_stage"]
    if from_stage.pk == deal.stage_id:
        emit(organization, "deal.moved", payload, actor)
        return
    stages = {"from_stage_id": from_stage.pk, "to_stage_id": deal.stage_id}
    emit(organization, "deal.stage_changed", {**payload, **stages, "via": info["via"]}, actor)
    if deal.stage.kind == StageKind.WON:
        emit(organization, "deal.won", {"deal": deal_payload(deal), **stages}, actor)
    elif deal.stage.kind == StageKind.LOST:
        lost = {"lost_reason": deal.lost_reason}
        emit(organization, "deal.lost", {"deal": deal_payload(deal), **stages, **lost}, actor)


@transaction.atomic
def deal_move(
    *,
    deal: Deal,
    actor: User,
    stage: Stage | int,
    before_id: int | None = None,
    after_id: int | None = None,
    position: int | None = None,
    via: str = DealVia.USER,
    lost_reason: str = "",
) -> Deal:
    """Drop the deal into ``stage`` (same pipeline) between ``before_id`` (the card above) and
    ``after_id`` (the card below), or at ``position`` (0 = top); neither: top of the column.
    ``stage`` may be an id (an API request's): it is read once, with its column's lock.
    The returned deal has its owner, company, stage and pipeline loaded."""
    organization = deal.organization
    require_permission(organization, actor, "deal.edit")
    via = _via_clean(via)
    deal = _lock_deal(deal)
    stage = _stage_locked(organization, stage, deal.pipeline)
    if len(str(lost_reason or "")) > 300:
        message = "Keep it under 300 characters."
        raise ValidationError(message, fields={"lost_reason": [message]})
    where = {"before_id": before_id, "after_id": after_id, "position": position}
    info = _apply_move(
        deal,
        actor=actor,
        stage=stage,
        via=via,
        where=where,
        lost_reason=lost_reason,
        column_locked=True,
    )
    deal.version += 1
    deal.save(update_fields=MOVE_FIELDS)
    _emit_move(deal, actor, info)
    return deal


@transaction.atomic
def deal_delete(*, deal: Deal, actor: User) -> None:
    organization = deal.organization
    require_permission(organization, actor, "deal.delete")
    deal = _lock_deal(deal)
    payload = deal_payload(deal)
    deal.delete()
    emit(organization, "deal.deleted", {"deal": payload}, actor)
