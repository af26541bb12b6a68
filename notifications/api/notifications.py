"""``/api/v1/notifications/``: the signed-in person's notification center.

- ``GET /notifications/?unread=&type=`` (cursor pages, newest first): their notices in the
  request's organization plus their account-level ones (security); ``GET /notifications/{id}/``.
- ``POST /notifications/{id}/read/``, ``…/unread/``; ``POST /notifications/read-all/``
  {type?} → ``{"marked": n}``; ``GET /notifications/unread-count/`` → ``{"unread": n}``.
- ``GET /notification-types/``: the registry (the same for everyone signed in).

Notices are a person's: API keys, which act for an organization, get 403; someone else's
notice is a 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.api.openapi import USER_CREDENTIALS
from accounts.api_base import HasActionPermission, OrgScopedViewSet, UserCredentialRequired
from accounts.models import Organization
from accounts.pagination import CursorPagination
from notifications import selectors, services
from notifications.api.serializers import (
    MarkedSerializer,
    NotificationFilterSerializer,
    NotificationOutputSerializer,
    NotificationTypeOutputSerializer,
    ReadAllInputSerializer,
    UnreadCountSerializer,
)
from notifications.models import Notification
from notifications.registry import notification_types

VIEW = "notification.view"

urlpatterns: list = []


class NotificationCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")


@extend_schema(auth=USER_CREDENTIALS)
class NotificationViewSet(OrgScopedViewSet):
    """Your notices in this organization and your account-level ones (security), newest first.
    Not for API keys: notices belong to a person."""

    queryset = Notification.objects.none()
    serializer_class = NotificationOutputSerializer
    pagination_class = NotificationCursorPagination
    permission_classes = [IsAuthenticated, UserCredentialRequired, HasActionPermission]
    action_permissions = {
        "list": VIEW,
        "retrieve": VIEW,
        "read": VIEW,
        "unread": VIEW,
        "read_all": VIEW,
        "unread_count": VIEW,
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[Notification]:
        user = getattr(getattr(self, "request", None), "user", None)
        if user is None or not user.is_authenticated:
            # Asked without a request (route discovery): the model, with nobody's notices.
            return Notification.objects.none()
        return selectors.notifications_for(user, organization)

    @extend_schema(
        parameters=[NotificationFilterSerializer],
        responses=NotificationOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        filters = NotificationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        unread, type_key = filters.validated_data["unread"], filters.validated_data.get("type")
        notifications = self.get_queryset()
        if unread is not None:
            notifications = notifications.filter(read_at__isnull=unread)
        if type_key:
            notifications = notifications.filter(type=type_key)
        page = self.paginate_queryset(notifications)
        return self.get_paginated_response(NotificationOutputSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(NotificationOutputSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=NotificationOutputSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = services.notification_mark_read(
            user=request.user, notification=self.get_object()
        )
        return Response(NotificationOutputSerializer(notification).data)

    @extend_schema(request=None, responses=NotificationOutputSerializer)
    @action(detail=True, methods=["post"])
    def unread(self, request: Request, pk: str | None = None) -> Response:
        notification = services.notification_mark_unread(
            user=request.user, notification=self.get_object()
        )
        return Response(NotificationOutputSerializer(notification).data)

    @extend_schema(
        request=ReadAllInputSerializer,
        responses=MarkedSerializer,
        description="Marks every unread notice of this organization and every account-level "
        "one read (only those of `type` when given).",
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        data = ReadAllInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.notifications_mark_all_read(
            user=request.user,
            organization=self.organization,
            type_key=data.validated_data.get("type", ""),
        )
        return Response({"marked": marked})

    @extend_schema(responses=UnreadCountSerializer, description="The bell badge's number.")
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_count(request.user, self.organization)})


class NotificationTypeViewSet(viewsets.ViewSet):
    """The registry: the same for every organization, so any signed-in client may read it."""

    permission_classes = [IsAuthenticated]
    # None: the same for everyone signed in, no role in any organization needed.
    action_permissions: dict[str, str | None] = {"list": None}

    @extend_schema(responses=NotificationTypeOutputSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        types = list(notification_types().values())
        return Response(NotificationTypeOutputSerializer(types, many=True).data)


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the notifications router."""
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("notification-types", NotificationTypeViewSet, basename="notification-type")
