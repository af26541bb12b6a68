"""Serializer fields and schema parameters the CRM endpoints share."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request

from accounts.errors import ValidationError
from accounts.models import User
from crm.filters import COMPANY_SORTS, CONTACT_SORTS
from crm.models import Entity

ENTITY_PARAMETER = OpenApiParameter(
    "entity", str, enum=Entity.values, description="Only those for contacts or companies."
)


def entity_param(request: Request) -> str | None:
    """The optional ``entity`` query parameter, validated."""
    entity = request.query_params.get("entity", "")
    if entity and entity not in Entity.values:
        message = f"Choose one of: {', '.join(Entity.values)}."
        raise ValidationError(message, fields={"entity": [message]})
    return entity or None


class OrgMemberField(serializers.PrimaryKeyRelatedField):
    """A user id in input that must be a member of the request's organization (an owner).

    Anyone else, in another organization or none, gets the "does not exist" error."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("queryset", User.objects.all())
        kwargs.setdefault("help_text", "Id of a member of the organization.")
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[User]:
        organization = self.context.get("organization")
        if organization is None:
            return User.objects.none()
        return User.objects.filter(memberships__organization=organization)


class TagSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    color = serializers.CharField(read_only=True, help_text="Hex colour, e.g. #6366f1.")


class CompanySummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    domain = serializers.CharField(read_only=True)


def _date(name: str, what: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.DATE, description=f"{what} (inclusive).")


def list_filter_parameters(entity: str) -> list[OpenApiParameter]:
    """Query parameters of a list endpoint (parsed by ``crm.filters``). Custom fields filter
    as ``cf.<key>=<value>``; they cannot be listed here because each organization defines
    its own."""
    sorts = CONTACT_SORTS if entity == "contact" else COMPANY_SORTS
    parameters = [
        OpenApiParameter(
            "q",
            str,
            description="Search text: name, email, phone, @username, company, tag or note.",
        ),
        OpenApiParameter(
            "tag", str, many=True, description="Tag name or id; repeat to require several."
        ),
        OpenApiParameter("owner", str, description="`me`, `none` or a member's user id."),
        _date("created_after", "Created on or after this day"),
        _date("created_before", "Created on or before this day"),
        OpenApiParameter(
            "sort", str, enum=list(sorts), description="Sort order; `-` for descending."
        ),
    ]
    if entity == "contact":
        parameters += [
            OpenApiParameter("company", int, description="Company id the contact works at."),
            OpenApiParameter("source", str, description="Where contacts came from (exact)."),
            _date("last_contacted_after", "Last contacted on or after this day"),
            _date("last_contacted_before", "Last contacted on or before this day"),
        ]
    return parameters
