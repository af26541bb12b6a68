"""``/api/v1/audit-log/``: who did what in the current organization, newest first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors
from accounts.api.members import UserSummarySerializer
from accounts.api_base import OrgScopedViewSet
from accounts.models import AuditEntry, Organization
from accounts.pagination import CursorPagination


class AuditEntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    action = serializers.CharField(read_only=True)
    actor = UserSummarySerializer(read_only=True, allow_null=True)
    actor_label = serializers.CharField(
        read_only=True, help_text="The actor's email at the time, kept if the account goes."
    )
    target_type = serializers.CharField(read_only=True)
    target_id = serializers.CharField(read_only=True)
    target_label = serializers.CharField(read_only=True)
    ip_address = serializers.IPAddressField(read_only=True, allow_null=True)
    user_agent = serializers.CharField(read_only=True)
    metadata = serializers.DictField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class AuditLogFilterSerializer(serializers.Serializer):
    action = serializers.CharField(
        max_length=64, required=False, help_text="Exact action, e.g. `member.role_changed`."
    )
    actor = serializers.IntegerField(min_value=1, required=False, help_text="User id.")
    since = serializers.DateTimeField(
        required=False, help_text="ISO 8601 date or date-time; entries at or after it."
    )
    until = serializers.DateTimeField(
        required=False, help_text="ISO 8601 date or date-time; entries before it."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and until <= since:
            raise serializers.ValidationError({"until": ["Must be later than since."]})
        return attrs


class AuditCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")


class AuditLogViewSet(mixins.ListModelMixin, OrgScopedViewSet):
    queryset = AuditEntry.objects.none()
    serializer_class = AuditEntryOutputSerializer
    pagination_class = AuditCursorPagination
    action_permissions = {"list": "audit.view"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[AuditEntry]:
        filters = AuditLogFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return selectors.audit_entries_list(
            organization,
            action=data.get("action", ""),
            actor_id=data.get("actor"),
            since=data.get("since"),
            until=data.get("until"),
        )

    @extend_schema(parameters=[AuditLogFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
