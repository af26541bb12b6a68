"""What pipelines plugs into triggers (``automation.registry``): the "deal" subject, the deal
actions and the "deal in a stage longer than N days" time source. Registered from
``PipelinesConfig.ready()``; the built-in automatic transitions are ``pipelines.transitions``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from accounts.errors import ValidationError
from accounts.models import Organization
from automation.action_params import (
    actor_of,
    days_clean,
    id_of,
    member_choices,
    member_clean,
    member_get,
    refusals_as_action_errors,
    render,
    subject_of,
    text_required,
)
from automation.registry import (
    ActionContext,
    ActionError,
    ActionType,
    FieldSpec,
    Param,
    Subject,
    TimeSource,
    register_action,
    register_subject,
    register_time_source,
)
from crm.models import Tag
from pipelines.models import Deal, DealVia, Pipeline, Stage, StageKind

# How many deals one scan of "deal in a stage longer than N days" returns (newest first: those
# that just crossed the line; older ones were found by earlier scans).
SCAN_LIMIT = 500
# Events whose deal changed stage: "changed to" conditions on deal.stage_id hold for them.
STAGE_EVENTS = frozenset({"deal.stage_changed", "deal.moved", "deal.won", "deal.lost"})
# deal.updated's "changed" names → the subject's field names.
CHANGED_FIELDS = {"stage": "stage_id", "owner": "owner_id", "company": "company_id"}


# --- choices -----------------------------------------------------------------------------------


def stage_choices(organization: Organization) -> list[tuple[str, str]]:
    """Every stage of every pipeline, labelled "Pipeline · Stage"."""
    rows = (
        Stage.objects.filter(organization=organization)
        .select_related("pipeline")
        .order_by("pipeline__position", "pipeline_id", "position", "id")
    )
    return [(str(stage.pk), f"{stage.pipeline.name} · {stage.name}") for stage in rows]


def pipeline_choices(organization: Organization) -> list[tuple[str, str]]:
    rows = Pipeline.objects.filter(organization=organization).order_by("position", "id")
    return [(str(pipeline.pk), pipeline.name) for pipeline in rows]


def tag_choices(organization: Organization) -> list[tuple[str, str]]:
    names = Tag.objects.filter(organization=organization).values_list("name", flat=True)
    return [(name, name) for name in names]


# --- the "deal" subject ------------------------------------------------------------------------


def _deal_id(organization: Organization, context: dict[str, Any]) -> int | None:
    payload = context.get("payload") or {}
    deal = payload.get("deal")
    if isinstance(deal, dict) and id_of(deal.get("id")):
        return id_of(deal.get("id"))
    payment = payload.get("payment")
    if isinstance(payment, dict) and id_of(payment.get("deal_id")):
        return id_of(payment.get("deal_id"))
    contact = context.get("contact") or {}
    if id_of(contact.get("id")):
        # The contact's most recently updated open deal (one indexed query).
        return (
            Deal.objects.filter(
                organization=organization,
                contacts=contact["id"],
                closed_at__isnull=True,
                stage__kind=StageKind.OPEN,
            )
            .order_by("-updated_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
    return None


def deal_resolve(organization: Organization, context: dict[str, Any]) -> dict[str, Any] | None:
    """The deal the event is about (or the contact's open deal), in one query."""
    pk = _deal_id(organization, context)
    if pk is None:
        return None
    deal = (
        Deal.objects.filter(organization=organization, pk=pk)
        .select_related("stage")
        .annotate(
            tag_names=ArraySubquery(
                Tag.objects.filter(deals=OuterRef("pk")).order_by("name").values("name")
            )
        )
        .first()
    )
    if deal is None:
        return None
    return {
        "id": deal.pk,
        "title": deal.title,
        "value": float(deal.value),
        "currency": deal.currency,
        "stage_id": deal.stage_id,
        "stage_name": deal.stage.name,
        "stage_kind": deal.stage.kind,
        "pipeline_id": deal.pipeline_id,
        "owner_id": deal.owner_id,
        "company_id": deal.company_id,
        "days_in_stage": deal.days_in_stage,
        "tags": list(deal.tag_names or []),
        "_changed": _changed(context),
    }


def _changed(context: dict[str, Any]) -> list[str]:
    name = (context.get("event") or {}).get("name", "")
    if name in STAGE_EVENTS:
        return ["stage_id"]
    if name == "deal.updated":
        changed = (context.get("payload") or {}).get("changed") or []
        return [CHANGED_FIELDS.get(field, field) for field in changed]
    return []


DEAL_SUBJECT = Subject(
    key="deal",
    label="Deal",
    fields=(
        FieldSpec("deal.id", "Deal id", "number"),
        FieldSpec("deal.title", "Deal title"),
        FieldSpec("deal.value", "Deal value", "number"),
        FieldSpec("deal.currency", "Deal currency"),
        FieldSpec("deal.stage_id", "Deal stage", "choice", stage_choices),
        FieldSpec("deal.stage_name", "Deal stage name"),
        FieldSpec(
            "deal.stage_kind",
            "Deal stage kind",
            "choice",
            lambda organization: [(k, label) for k, label in StageKind.choices],
        ),
        FieldSpec("deal.pipeline_id", "Deal pipeline", "choice", pipeline_choices),
        FieldSpec("deal.owner_id", "Deal owner", "choice", member_choices),
        FieldSpec("deal.days_in_stage", "Days in the current stage", "number"),
        FieldSpec("deal.tags", "Deal tags", "tags", tag_choices),
    ),
    resolve=deal_resolve,
    after=("contact",),
)


# --- actions -----------------------------------------------------------------------------------


def _stage_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    pk = id_of(params.get("stage"))
    if pk is None or not Stage.objects.filter(organization=organization, pk=pk).exists():
        raise ValidationError("Choose a stage.", fields={"stage": ["Choose a stage."]})
    return {"stage": pk}


def _target(ctx: ActionContext, params: dict[str, Any]) -> tuple[dict[str, Any], Stage, int]:
    """(deal subject, target stage, the deal's current stage id), checked: same pipeline."""
    deal = subject_of(ctx, "deal", "deal")
    stage = (
        Stage.objects.filter(organization=ctx.organization, pk=id_of(params.get("stage")))
        .select_related("pipeline")
        .first()
    )
    if stage is None:
        raise ActionError("The stage this automation moves deals to no longer exists.")
    current = (
        Deal.objects.filter(organization=ctx.organization, pk=deal["id"])
        .values_list("stage_id", "pipeline_id")
        .first()
    )
    if current is None:
        raise ActionError(f"The deal “{deal['title']}” no longer exists.")
    if current[1] != stage.pipeline_id:
        raise ActionError(
            f"“{stage.name}” is a stage of {stage.pipeline.name}; the deal “{deal['title']}” "
            "is in another pipeline."
        )
    return deal, stage, current[0]


def move_run(ctx: ActionContext, params: dict[str, Any]) -> str:
    from pipelines.services.deals import deal_move

    deal, stage, current = _target(ctx, params)
    if current == stage.pk:
        return f"Already in {stage.name}: “{deal['title']}” stays where it is."
    with refusals_as_action_errors():
        deal_move(
            deal=Deal(pk=deal["id"], organization=ctx.organization),
            actor=actor_of(ctx),
            stage=stage.pk,
            via=DealVia.AUTOMATION,
        )
    return f"Moved “{deal['title']}” to {stage.name}."


def move_preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    deal, stage, current = _target(ctx, params)
    if current == stage.pk:
        return f"Already in {stage.name}: would leave “{deal['title']}” where it is."
    return f"Would move “{deal['title']}” to {stage.name}."


def _owner_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    return {"owner": member_clean(organization, params.get("owner"), "owner")}


def assign_run(ctx: ActionContext, params: dict[str, Any]) -> str:
    from pipelines.services.deals import deal_update

    deal = subject_of(ctx, "deal", "deal")
    owner = member_get(ctx.organization, params.get("owner"))
    if deal.get("owner_id") == owner.pk:
        return f"“{deal['title']}” is already owned by {owner.email}."
    with refusals_as_action_errors():
        deal_update(
            deal=Deal(pk=deal["id"], organization=ctx.organization),
            actor=actor_of(ctx),
            data={"owner": owner},
            expected_version=None,
        )
    return f"Made {owner.email} the owner of “{deal['title']}”."


def assign_preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    deal = subject_of(ctx, "deal", "deal")
    owner = member_get(ctx.organization, params.get("owner"))
    return f"Would make {owner.email} the owner of “{deal['title']}”."


def _body_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    from crm.services.notes import MAX_BODY

    return {"body": text_required(params, "body", MAX_BODY, "note")}


def note_run(ctx: ActionContext, params: dict[str, Any]) -> str:
    from crm.services.notes import note_add

    deal = subject_of(ctx, "deal", "deal")
    body = render(str(params.get("body") or ""), ctx)
    with refusals_as_action_errors():
        note_add(
            organization=ctx.organization,
            actor=actor_of(ctx),
            body=body,
            deal=Deal(pk=deal["id"], organization=ctx.organization),
        )
    return f"Added a note to “{deal['title']}”."


def note_preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    deal = subject_of(ctx, "deal", "deal")
    body = render(str(params.get("body") or ""), ctx)
    return f"Would add a note to “{deal['title']}”: {body[:200]}"


ACTIONS = (
    ActionType(
        key="deal.move_to_stage",
        label="Move the deal to a stage",
        description="Moves the deal to the chosen stage of its pipeline (as the automation).",
        needs=("deal",),
        params=(Param("stage", "Stage", "choice", choices=stage_choices),),
        run=move_run,
        preview=move_preview,
        clean=_stage_clean,
    ),
    ActionType(
        key="deal.assign_owner",
        label="Assign the deal to a member",
        needs=("deal",),
        params=(Param("owner", "Owner", "choice", choices=member_choices),),
        run=assign_run,
        preview=assign_preview,
        clean=_owner_clean,
    ),
    ActionType(
        key="deal.add_note",
        label="Add a note to the deal",
        needs=("deal",),
        params=(
            Param(
                "body",
                "Note",
                "textarea",
                help="Markdown; placeholders such as {{ contact.first_name }} are filled in.",
            ),
        ),
        run=note_run,
        preview=note_preview,
        clean=_body_clean,
    ),
)


# --- time source -------------------------------------------------------------------------------


def in_stage_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {"days": days_clean(params)}
    if params.get("stage") not in (None, ""):
        cleaned["stage"] = _stage_clean(organization, params)["stage"]
    return cleaned


def in_stage_find(
    organization: Organization, params: dict[str, Any], now: datetime.datetime
) -> list[tuple[str, dict[str, Any]]]:
    """Open deals that entered their stage more than ``days`` ago (optionally one stage)."""
    cutoff = now - datetime.timedelta(days=int(params["days"]))
    deals = Deal.objects.filter(
        organization=organization,
        closed_at__isnull=True,
        stage_entered_at__lt=cutoff,
        stage__kind=StageKind.OPEN,
    )
    if params.get("stage"):
        deals = deals.filter(stage_id=params["stage"])
    rows = deals.order_by("-stage_entered_at", "-id").values_list(
        "pk", "stage_id", "stage_entered_at"
    )[:SCAN_LIMIT]
    return [
        (f"deal:{pk}:stage:{stage_id}:{int(entered.timestamp())}", {"deal": {"id": pk}})
        for pk, stage_id, entered in rows
    ]


IN_STAGE = TimeSource(
    key="deal.in_stage",
    label="A deal stays in a stage longer than N days",
    params=(
        Param("days", "Days", "int", default=7, help="1 to 365."),
        Param(
            "stage",
            "Stage",
            "choice",
            required=False,
            choices=stage_choices,
            help="Empty: any open stage.",
        ),
    ),
    subjects=("deal", "contact", "company"),
    find=in_stage_find,
    clean=in_stage_clean,
)


def register() -> None:
    """Add pipelines' subject, actions and time source to the automation registries."""
    register_subject(DEAL_SUBJECT)
    for action in ACTIONS:
        register_action(action)
    register_time_source(IN_STAGE)
