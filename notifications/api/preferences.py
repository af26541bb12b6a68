"""``/api/v1/notification-preferences/`` and ``/api/v1/notification-defaults/``.

- ``GET /notification-preferences/``: the signed-in person's channels per type (resolved in
  the request's organization), quiet hours, digest and time zone. ``PUT`` changes only what it
  carries: the given (type, channel) pairs, the quiet hours, the digest.
  ``POST /notification-preferences/reset/`` drops their own choices (defaults apply again).
  Preferences are a person's: API keys get 403.
- ``GET``/``PUT /notification-defaults/`` (``notification.configure``): what members of the
  organization get unless they chose themselves.

Mandatory types (security) always reach their user through their default channels: a member
cannot turn those off, and the organization's defaults do not apply to such types at all.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.openapi import USER_CREDENTIALS
from accounts.api_base import HasActionPermission, OrgScopedViewSet, UserCredentialRequired
from accounts.errors import ValidationError
from accounts.models import Organization, User
from notifications import selectors, services
from notifications.api.serializers import (
    DefaultsInputSerializer,
    DefaultsOutputSerializer,
    PreferencesInputSerializer,
    PreferencesOutputSerializer,
    choices_flat,
    choices_nested,
)
from notifications.models import OrgDefault, Preference
from notifications.preferences import channel_choices, user_settings
from notifications.registry import notification_types

VIEW, CONFIGURE = "notification.view", "notification.configure"
# The services name the quiet hours' fields after the model; the API nests them.
QUIET_HOURS_FIELDS = {"quiet_start": "start", "quiet_end": "end"}


def preferences_data(user: User, organization: Organization) -> dict[str, Any]:
    settings = user_settings(user)
    choices = channel_choices(user, organization, list(notification_types().values()))
    return {
        "channels": choices_nested(choices),
        "quiet_hours": {"start": settings.quiet_start, "end": settings.quiet_end},
        "digest": settings.digest,
        "time_zone": user.time_zone,
    }


def _quiet_hours_error(error: ValidationError) -> ValidationError:
    """The service's field errors with the quiet hours nested as the API sends them."""
    fields: dict[str, Any] = {}
    for name, messages in error.fields.items():
        if name in QUIET_HOURS_FIELDS:
            fields.setdefault("quiet_hours", {})[QUIET_HOURS_FIELDS[name]] = messages
        else:
            fields[name] = messages
    return ValidationError(error.message, fields=fields, code=error.code)


@extend_schema(auth=USER_CREDENTIALS)
class PreferencesViewSet(OrgScopedViewSet):
    """How you are told about each type, and when. Your choices hold in all your organizations;
    the channels shown are resolved in this one (its defaults fill what you did not choose).
    Not for API keys: preferences belong to a person."""

    # Routed by hand (urlpatterns below): one resource per person, no id in the URL.

    queryset = Preference.objects.none()
    serializer_class = PreferencesOutputSerializer
    permission_classes = [IsAuthenticated, UserCredentialRequired, HasActionPermission]
    action_permissions = {"retrieve": VIEW, "update": VIEW, "reset": VIEW}

    def get_org_queryset(self, organization: Organization) -> QuerySet[Preference]:
        # A person's choices hold for all their organizations: nothing here is looked up by id.
        return Preference.objects.none()

    def retrieve(self, request: Request) -> Response:
        return Response(
            PreferencesOutputSerializer(preferences_data(request.user, self.organization)).data
        )

    @extend_schema(request=PreferencesInputSerializer, responses=PreferencesOutputSerializer)
    def update(self, request: Request) -> Response:
        data = PreferencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        user = request.user
        with transaction.atomic():
            if "quiet_hours" in changes or "digest" in changes:
                current = user_settings(user)
                quiet = changes.get(
                    "quiet_hours", {"start": current.quiet_start, "end": current.quiet_end}
                )
                try:
                    services.user_settings_update(
                        user=user,
                        quiet_start=quiet["start"],
                        quiet_end=quiet["end"],
                        digest=changes.get("digest", current.digest),
                    )
                except ValidationError as error:
                    raise _quiet_hours_error(error) from error
            if changes.get("channels"):
                services.preferences_update(user=user, changes=choices_flat(changes["channels"]))
        return Response(PreferencesOutputSerializer(preferences_data(user, self.organization)).data)

    @extend_schema(
        request=None,
        responses=PreferencesOutputSerializer,
        description="Drops your own channel choices: the organization's defaults apply again. "
        "Quiet hours and the digest stay.",
    )
    def reset(self, request: Request) -> Response:
        services.preferences_reset(user=request.user)
        return Response(
            PreferencesOutputSerializer(preferences_data(request.user, self.organization)).data
        )


class DefaultsViewSet(OrgScopedViewSet):
    """What members of this organization get for each type unless they chose themselves.
    Mandatory types always keep their default channels."""

    # Routed by hand (urlpatterns below): one resource per organization.

    queryset = OrgDefault.objects.none()
    serializer_class = DefaultsOutputSerializer
    action_permissions = {"retrieve": CONFIGURE, "update": CONFIGURE}

    def get_org_queryset(self, organization: Organization) -> QuerySet[OrgDefault]:
        return OrgDefault.objects.filter(organization=organization)

    def _output(self) -> dict[str, Any]:
        choices = selectors.org_default_choices(
            self.organization, list(notification_types().values())
        )
        return DefaultsOutputSerializer({"channels": choices_nested(choices)}).data

    def retrieve(self, request: Request) -> Response:
        return Response(self._output())

    @extend_schema(request=DefaultsInputSerializer, responses=DefaultsOutputSerializer)
    def update(self, request: Request) -> Response:
        data = DefaultsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.org_defaults_update(
            organization=self.organization,
            actor=request.user,
            role=self.org_context.role,
            changes=choices_flat(data.validated_data.get("channels", {})),
        )
        return Response(self._output())


urlpatterns: list = [
    path(
        "notification-preferences/",
        PreferencesViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="api_notification_preferences",
    ),
    path(
        "notification-preferences/reset/",
        PreferencesViewSet.as_view({"post": "reset"}),
        name="api_notification_preferences_reset",
    ),
    path(
        "notification-defaults/",
        DefaultsViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="api_notification_defaults",
    ),
]
