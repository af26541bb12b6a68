"""``/api/v1/triggers/`` (automations: CRUD, enable/disable with PATCH, their runs, dry runs,
the form builder's schema) and ``/api/v1/trigger-runs/`` (the run log, cursor pages).

Reading is for every member (``automation.view``), writing for managers
(``automation.manage``). Definitions are validated by ``automation.triggers`` services, whose
field errors ("conditions.1.0", "actions.2.stage") come back as 400s as they are.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.api_base import OrgPrimaryKeyRelatedField, OrgScopedViewSet
from accounts.models import Organization
from accounts.pagination import CursorPagination
from automation.models import Event, Trigger, TriggerRun
from automation.triggers import selectors, services
from automation.triggers.builder import builder_schema
from automation.triggers.dry_run import trigger_dry_run

urlpatterns: list = []

DEFINITION_HELP = {
    "when": "`event`, `cron` (a schedule in the organization's time zone) or `relative`.",
    "event_name": "With when=event: a catalogue name (`GET /api/v1/event-types/`).",
    "cron": 'With when=cron: five cron fields, e.g. "0 9 * * 1-5".',
    "relative_kind": "With when=relative: a time source key (see builder-schema).",
    "conditions": '`{"all": [...]}` or `{"any": [...]}` of `{"field", "op", "value"}` leaves '
    "and nested groups (depth ≤ 3, ≤ 50 leaves). `{}` always passes.",
    "actions": '`[{"type": "<action key>", "params": {...}}]`, 1–20, run in order.',
}


class TriggerInputSerializer(serializers.Serializer):
    """The shape only; ``automation.triggers`` validates the definition as a whole."""

    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    enabled = serializers.BooleanField(required=False)
    when = serializers.CharField(required=False, help_text=DEFINITION_HELP["when"])
    event_name = serializers.CharField(
        required=False, allow_blank=True, help_text=DEFINITION_HELP["event_name"]
    )
    cron = serializers.CharField(
        required=False, allow_blank=True, help_text=DEFINITION_HELP["cron"]
    )
    relative_kind = serializers.CharField(
        required=False, allow_blank=True, help_text=DEFINITION_HELP["relative_kind"]
    )
    relative_params = serializers.DictField(required=False)
    conditions = serializers.DictField(required=False, help_text=DEFINITION_HELP["conditions"])
    actions = serializers.ListField(
        child=serializers.DictField(), required=False, help_text=DEFINITION_HELP["actions"]
    )


class TriggerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField(read_only=True)
    when = serializers.CharField(read_only=True, help_text=DEFINITION_HELP["when"])
    event_name = serializers.CharField(read_only=True)
    cron = serializers.CharField(read_only=True)
    relative_kind = serializers.CharField(read_only=True)
    relative_params = serializers.DictField(read_only=True)
    conditions = serializers.DictField(read_only=True)
    actions = serializers.ListField(child=serializers.DictField(), read_only=True)
    builtin = serializers.CharField(
        read_only=True, help_text='Key of a built-in automation ("transition.first_reply"), or "".'
    )
    created_by = serializers.IntegerField(
        source="created_by_id", read_only=True, allow_null=True, help_text="The member it acts as."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    next_run_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_run_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_run_status = serializers.CharField(read_only=True, default="")
    runs_failed_24h = serializers.IntegerField(read_only=True, default=0)


class RunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    trigger = serializers.IntegerField(source="trigger_id", read_only=True)
    trigger_name = serializers.CharField(source="trigger.name", read_only=True)
    event = serializers.IntegerField(source="event_id", read_only=True, allow_null=True)
    event_name = serializers.SerializerMethodField()
    dedupe_key = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=TriggerRun.Status.choices, read_only=True)
    payload = serializers.DictField(read_only=True)
    conditions_result = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text='Each condition: {"path", "field", "op", "value", "actual", "passed"}.',
    )
    actions_result = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text='Each action: {"index", "type", "status", "result", "error", "attempts"}.',
    )
    error = serializers.CharField(read_only=True)
    trigger_chain = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    attempts = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True, allow_null=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    next_attempt_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_event_name(self, run: TriggerRun) -> str:
        return run.event.name if run.event_id and run.event else ""


class RunFilterSerializer(serializers.Serializer):
    trigger = serializers.IntegerField(min_value=1, required=False, help_text="Automation id.")
    status = serializers.ChoiceField(choices=TriggerRun.Status.choices, required=False)
    since = serializers.DateTimeField(required=False, help_text="Runs created at or after it.")
    until = serializers.DateTimeField(required=False, help_text="Runs created before it.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and until <= since:
            raise serializers.ValidationError({"until": ["Must be later than since."]})
        return attrs


class DryRunInputSerializer(TriggerInputSerializer):
    event = OrgPrimaryKeyRelatedField(
        queryset=Event.objects.all(),
        required=False,
        help_text="A past event to try it on (else `payload`, else the newest such event, "
        "else the catalogue's sample).",
    )
    payload = serializers.DictField(required=False, help_text="A sample event payload.")


class DryRunActionSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    type = serializers.CharField()
    label = serializers.CharField()
    would = serializers.CharField(help_text="What the action would do.")
    error = serializers.CharField(help_text="Why it could not (empty when it could).")


class DryRunOutputSerializer(serializers.Serializer):
    passed = serializers.BooleanField(help_text="Whether the conditions pass.")
    conditions = serializers.ListField(child=serializers.DictField())
    actions = DryRunActionSerializer(many=True)
    context = serializers.DictField(help_text="What the conditions and actions saw.")


class BuilderSchemaSerializer(serializers.Serializer):
    events = serializers.ListField(child=serializers.DictField())
    time_sources = serializers.ListField(child=serializers.DictField())
    operators = serializers.ListField(child=serializers.DictField())
    actions = serializers.ListField(child=serializers.DictField())
    subjects = serializers.ListField(child=serializers.DictField())


def _definition(validated: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in validated.items() if k in TriggerInputSerializer().fields}


class TriggerViewSet(OrgScopedViewSet):
    """Automations: when (an event, a schedule, a while without something), conditions, and
    actions run in order as the member who created them."""

    queryset = Trigger.objects.none()
    pagination_class = None  # dozens per organization, listed whole
    action_permissions = {
        "list": "automation.view",
        "retrieve": "automation.view",
        "create": "automation.manage",
        "partial_update": "automation.manage",
        "destroy": "automation.manage",
        "runs": "automation.view",
        "dry_run": "automation.view",
        "dry_run_unsaved": "automation.view",
        "builder_schema": "automation.view",
    }

    def get_serializer_class(self) -> type[serializers.Serializer]:
        action_name = getattr(self, "action", None)
        if action_name in ("create", "partial_update"):
            return TriggerInputSerializer
        if action_name in ("dry_run", "dry_run_unsaved"):
            return DryRunInputSerializer
        return TriggerOutputSerializer

    def get_org_queryset(self, organization: Organization) -> QuerySet[Trigger]:
        return selectors.triggers_list(organization)

    def _output(self, trigger: Trigger) -> dict[str, Any]:
        return TriggerOutputSerializer(selectors.trigger_get(self.organization, trigger.pk)).data

    def _input(self, *, partial: bool = False) -> dict[str, Any]:
        data = TriggerInputSerializer(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    @extend_schema(responses=TriggerOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(TriggerOutputSerializer(self.get_queryset(), many=True).data)

    @extend_schema(responses=TriggerOutputSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(TriggerOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=TriggerInputSerializer,
        responses={status.HTTP_201_CREATED: TriggerOutputSerializer},
        description="400 with `fields` keyed as the form builder shows them: `name`, "
        "`event_name`, `cron`, `relative_params.<param>`, `conditions.<i>.<j>`, "
        "`actions.<i>.type`, `actions.<i>.<param>`.",
    )
    def create(self, request: Request) -> Response:
        trigger = services.trigger_create(
            organization=self.organization, actor=request.user, data=self._input()
        )
        return Response(self._output(trigger), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TriggerInputSerializer,
        responses=TriggerOutputSerializer,
        description='Change the keys sent; `{"enabled": false}` switches it off.',
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        trigger = self.get_object()
        data = self._input(partial=True)
        if set(data) == {"enabled"}:
            trigger = services.trigger_set_enabled(
                trigger=trigger, actor=request.user, enabled=data["enabled"]
            )
        else:
            trigger = services.trigger_update(trigger=trigger, actor=request.user, data=data)
        return Response(self._output(trigger))

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.trigger_delete(trigger=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[RunFilterSerializer], responses=RunOutputSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=CursorPagination)
    def runs(self, request: Request, pk: str | None = None) -> Response:
        trigger = self.get_object()
        filters = RunFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = {k: v for k, v in filters.validated_data.items() if k != "trigger"}
        runs = selectors.runs_list(self.organization, trigger=trigger, **values)
        paginator = CursorPagination()
        page = paginator.paginate_queryset(runs, request, view=self)
        return paginator.get_paginated_response(RunOutputSerializer(page, many=True).data)

    def _dry_run(self, trigger: Trigger | None) -> Response:
        data = DryRunInputSerializer(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        event = values.pop("event", None)
        payload = values.pop("payload", None)
        definition = _definition(values)
        result = trigger_dry_run(
            organization=self.organization,
            actor=self.request.user,
            data=definition if definition or trigger is None else None,
            trigger=trigger,
            event=event,
            payload=payload,
        )
        return Response(
            DryRunOutputSerializer(
                {
                    "passed": result.passed,
                    "conditions": result.conditions,
                    "actions": result.actions,
                    "context": result.context,
                }
            ).data
        )

    @extend_schema(
        request=DryRunInputSerializer,
        responses=DryRunOutputSerializer,
        description="Which conditions pass and what each action would do, for a past event "
        "or a sample payload, without doing it. Definition keys sent override the saved ones.",
    )
    @action(detail=True, methods=["post"], url_path="dry-run")
    def dry_run(self, request: Request, pk: str | None = None) -> Response:
        return self._dry_run(self.get_object())

    @extend_schema(
        operation_id="triggers_dry_run_unsaved",
        request=DryRunInputSerializer,
        responses=DryRunOutputSerializer,
        description="Dry run of an unsaved definition (the builder's form), validated like a "
        "save: 400 with the same field errors.",
    )
    @action(detail=False, methods=["post"], url_path="dry-run")
    def dry_run_unsaved(self, request: Request) -> Response:
        return self._dry_run(None)

    @extend_schema(
        responses=BuilderSchemaSerializer,
        description="Events and their fields, time sources, operators, actions with their "
        "params and this organization's choices (stages, tags, members), subjects.",
    )
    @action(detail=False, methods=["get"], url_path="builder-schema")
    def builder_schema(self, request: Request) -> Response:
        return Response(builder_schema(self.organization))


class TriggerRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """The run log of every automation: the event, each condition's outcome, each action's
    result or error, newest first."""

    queryset = TriggerRun.objects.none()
    serializer_class = RunOutputSerializer
    pagination_class = CursorPagination
    action_permissions = {"list": "automation.view", "retrieve": "automation.view"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[TriggerRun]:
        if getattr(self, "action", None) != "list":
            return selectors.runs_list(organization)
        filters = RunFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.runs_list(organization, **filters.validated_data)

    @extend_schema(parameters=[RunFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the automation router."""
    router.register("triggers", TriggerViewSet, basename="trigger")
    router.register("trigger-runs", TriggerRunViewSet, basename="trigger-run")
