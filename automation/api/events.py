"""``/api/v1/events/`` (the organization's event log, newest first, cursor pages),
``/api/v1/events/{id}/``, and ``/api/v1/event-types/`` and ``/api/v1/event-types/{name}/``
(the catalogue with payload schemas and samples)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.api.members import UserSummarySerializer
from accounts.api_base import OrgScopedViewSet
from accounts.errors import NotFound
from accounts.models import Organization
from accounts.pagination import CursorPagination
from automation import selectors
from automation.catalog import CATALOG, payload_schema, sample_payload
from automation.models import Event

urlpatterns: list = []


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="A catalogue name, e.g. `deal.won`.")
    version = serializers.IntegerField(read_only=True, help_text="Version of the payload shape.")
    payload = serializers.DictField(
        read_only=True, help_text="Valid against `GET /api/v1/event-types/` → `schema`."
    )
    actor = UserSummarySerializer(
        read_only=True, allow_null=True, help_text="Who caused it; null for the system."
    )
    trigger_chain = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Ids of the automations whose actions led to it, oldest first.",
    )
    created_at = serializers.DateTimeField(read_only=True)


class EventFilterSerializer(serializers.Serializer):
    name = serializers.RegexField(
        r"^[a-z_]+(\.[a-z_]+|\.\*)$",
        max_length=64,
        required=False,
        help_text="Exact event name (`deal.won`) or a prefix with `.*` (`deal.*`).",
    )
    actor = serializers.IntegerField(min_value=1, required=False, help_text="User id.")
    since = serializers.DateTimeField(
        required=False, help_text="ISO 8601 date-time; events at or after it."
    )
    until = serializers.DateTimeField(
        required=False, help_text="ISO 8601 date-time; events before it."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and until <= since:
            raise serializers.ValidationError({"until": ["Must be later than since."]})
        return attrs


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Every event of the organization, as webhooks and the live socket receive them."""

    queryset = Event.objects.none()
    serializer_class = EventOutputSerializer
    pagination_class = CursorPagination
    action_permissions = {"list": "event.view", "retrieve": "event.view"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[Event]:
        if getattr(self, "action", None) != "list":
            return selectors.events_list(organization)
        filters = EventFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return selectors.events_list(
            organization,
            name=data.get("name", ""),
            actor_id=data.get("actor"),
            since=data.get("since"),
            until=data.get("until"),
        )

    @extend_schema(parameters=[EventFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class EventTypeOutputSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    description = serializers.CharField(read_only=True)
    visible_to = serializers.CharField(
        read_only=True, help_text="The permission a member needs to receive it."
    )
    schema = serializers.DictField(
        read_only=True, help_text="JSON Schema (draft 2020-12) of the payload."
    )
    sample = serializers.DictField(read_only=True, help_text="An example payload.")


def event_type_row(name: str) -> dict[str, Any]:
    event = CATALOG[name]
    return {
        "name": event.name,
        "version": event.version,
        "description": event.description,
        "visible_to": event.visible_to,
        "schema": payload_schema(name),
        "sample": sample_payload(name),
    }


class EventTypeViewSet(viewsets.ViewSet):
    """The published catalogue: the same for every organization, so any signed-in client
    (a webhook receiver's developer with a read-only key) may read it."""

    permission_classes = [IsAuthenticated]
    # None: the same for everyone signed in, no role in any organization needed.
    action_permissions: dict[str, str | None] = {"list": None, "retrieve": None}
    lookup_field = "name"
    lookup_value_regex = r"[a-z_]+\.[a-z_]+"

    @extend_schema(responses=EventTypeOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response([event_type_row(name) for name in sorted(CATALOG)])

    @extend_schema(responses=EventTypeOutputSerializer)
    def retrieve(self, request: Request, name: str) -> Response:
        if name not in CATALOG:
            raise NotFound("No such event type.")
        return Response(event_type_row(name))


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the automation router."""
    router.register("events", EventViewSet, basename="event")
    router.register("event-types", EventTypeViewSet, basename="event-type")
