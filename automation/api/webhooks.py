"""``/api/v1/webhooks/``: outgoing webhook endpoints; ``/api/v1/webhook-deliveries/``: what was
sent to them, with every attempt. Everything needs ``webhook.manage`` (owners and admins): the
deliveries carry every event type, and the secrets sign what we send.

- ``/webhooks/`` list, create; ``/webhooks/{id}/`` read, ``PATCH``, ``DELETE``. The secret is
  never in these answers: ``GET /webhooks/{id}/secret/`` returns it (audited).
- ``POST /webhooks/{id}/rotate-secret/`` {overlap_hours (default 24)}: a new secret; the old one
  signs too until the overlap ends (two signatures in ``webhook-signature``).
- ``POST /webhooks/{id}/test/``: sends a ``webhook.test`` message now (202, the delivery).
- ``POST /webhooks/{id}/replay-failed/`` {since}: sends again every failed delivery created since.
- ``/webhook-deliveries/?endpoint=&status=&event_type=&since=`` (cursor pages),
  ``/webhook-deliveries/{id}/`` with its body and attempts, ``POST …/{id}/replay/``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.api_base import OrgScopedViewSet
from accounts.errors import ValidationError
from accounts.models import Organization
from automation.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from automation.webhooks import selectors, services

PERM = "webhook.manage"

urlpatterns: list = []


class EndpointSerializer(serializers.ModelSerializer):
    deliveries_24h = serializers.IntegerField(read_only=True, default=0)
    failed_24h = serializers.IntegerField(read_only=True, default=0)
    rotating = serializers.SerializerMethodField(
        help_text="True while the previous secret still signs (rotation overlap)."
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "enabled",
            "disabled_reason",
            "disabled_at",
            "failing_since",
            "rotating",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
            "deliveries_24h",
            "failed_24h",
        ]
        read_only_fields = fields

    def get_rotating(self, obj: WebhookEndpoint) -> bool:
        expires = obj.previous_secret_expires_at
        return bool(expires and expires > datetime.now(UTC))


class EndpointInputSerializer(serializers.Serializer):
    """Shape only; the service validates values (URL safety, event names) as field errors."""

    url = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text='Catalogue event names (see /api/v1/event-types/), or ["*"] for every event.',
    )
    enabled = serializers.BooleanField(required=False)


class RotateInputSerializer(serializers.Serializer):
    overlap_hours = serializers.IntegerField(
        required=False, default=24, help_text="Hours the old secret keeps signing (0–168)."
    )


class ReplayFailedInputSerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="Failed deliveries created since then.")


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = [
            "id",
            "attempted_at",
            "status_code",
            "succeeded",
            "duration_ms",
            "response_snippet",
            "error",
        ]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event",
            "message_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields


class DeliveryDetailSerializer(DeliverySerializer):
    attempts_log = AttemptSerializer(many=True, read_only=True)

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "body", "attempts_log"]
        read_only_fields = fields


class WebhookEndpointViewSet(OrgScopedViewSet):
    queryset = WebhookEndpoint.objects.none()
    serializer_class = EndpointSerializer
    pagination_class = None  # a handful per organization
    action_permissions = dict.fromkeys(
        [
            "list",
            "retrieve",
            "create",
            "partial_update",
            "destroy",
            "rotate_secret",
            "test",
            "replay_failed",
            "secret",
        ],
        PERM,
    )

    def get_org_queryset(self, organization: Organization) -> QuerySet[WebhookEndpoint]:
        return selectors.endpoints_list(organization)

    def _endpoint(self, pk: str | None) -> WebhookEndpoint:
        return selectors.endpoint_get(self.organization, pk)

    def _output(self, endpoint: WebhookEndpoint) -> dict:
        return EndpointSerializer(self._endpoint(endpoint.pk)).data

    @extend_schema(responses=EndpointSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(EndpointSerializer(self.get_queryset(), many=True).data)

    @extend_schema(responses=EndpointSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(EndpointSerializer(self._endpoint(pk)).data)

    @extend_schema(
        request=EndpointInputSerializer, responses={status.HTTP_201_CREATED: EndpointSerializer}
    )
    def create(self, request: Request) -> Response:
        data = EndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.endpoint_create(
            organization=self.organization, actor=request.user, data=dict(data.validated_data)
        )
        return Response(self._output(endpoint), status=status.HTTP_201_CREATED)

    @extend_schema(request=EndpointInputSerializer, responses=EndpointSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        data = EndpointInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(
            endpoint=self._endpoint(pk), actor=request.user, data=dict(data.validated_data)
        )
        return Response(self._output(endpoint))

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.endpoint_delete(endpoint=self._endpoint(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=RotateInputSerializer, responses=EndpointSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str | None = None) -> Response:
        data = RotateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.endpoint_rotate_secret(
            endpoint=self._endpoint(pk),
            actor=request.user,
            overlap_hours=data.validated_data["overlap_hours"],
        )
        return Response(self._output(endpoint))

    @extend_schema(request=None, responses={status.HTTP_202_ACCEPTED: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str | None = None) -> Response:
        delivery = services.endpoint_send_test(endpoint=self._endpoint(pk), actor=request.user)
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=ReplayFailedInputSerializer,
        responses=inline_serializer("ReplayFailedResult", {"replayed": serializers.IntegerField()}),
    )
    @action(detail=True, methods=["post"], url_path="replay-failed")
    def replay_failed(self, request: Request, pk: str | None = None) -> Response:
        data = ReplayFailedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.deliveries_replay_failed(
            endpoint=self._endpoint(pk), actor=request.user, since=data.validated_data["since"]
        )
        return Response({"replayed": count})

    @extend_schema(
        responses=inline_serializer("WebhookSecret", {"secret": serializers.CharField()}),
        description="The current signing secret (whsec_…), for your receiver's configuration.",
    )
    @action(detail=True, methods=["get"])
    def secret(self, request: Request, pk: str | None = None) -> Response:
        secret = services.endpoint_secret_reveal(endpoint=self._endpoint(pk), actor=request.user)
        return Response({"secret": secret})


def _since(raw: str) -> datetime | None:
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        message = "Enter a date and time, e.g. 2026-05-01T00:00:00Z."
        raise ValidationError(message, fields={"since": [message]})
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class WebhookDeliveryViewSet(OrgScopedViewSet):
    queryset = WebhookDelivery.objects.none()
    serializer_class = DeliverySerializer
    action_permissions = {"list": PERM, "retrieve": PERM, "replay": PERM}

    def get_org_queryset(self, organization: Organization) -> QuerySet[WebhookDelivery]:
        return selectors.deliveries_list(organization)

    def _filtered(self) -> QuerySet[WebhookDelivery]:
        params = self.request.query_params
        endpoint = params.get("endpoint", "").strip()
        if endpoint and not endpoint.isdigit():
            raise ValidationError("Not an endpoint id.", fields={"endpoint": ["Not an id."]})
        return selectors.deliveries_list(
            self.organization,
            endpoint=int(endpoint) if endpoint else None,
            status=params.get("status", "").strip() or None,
            event_type=params.get("event_type", "").strip() or None,
            since=_since(params.get("since", "").strip()),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("endpoint", int),
            OpenApiParameter("status", str, enum=WebhookDelivery.Status.values),
            OpenApiParameter("event_type", str),
            OpenApiParameter("since", OpenApiTypes.DATETIME),
        ],
        responses=DeliverySerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self._filtered())
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(responses=DeliveryDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        delivery = selectors.delivery_get(self.organization, pk)
        return Response(DeliveryDetailSerializer(delivery).data)

    @extend_schema(request=None, responses={status.HTTP_202_ACCEPTED: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def replay(self, request: Request, pk: str | None = None) -> Response:
        delivery = services.delivery_replay(
            delivery=selectors.delivery_get(self.organization, pk), actor=request.user
        )
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the automation router."""
    router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
    router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
