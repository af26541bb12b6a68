"""``/api/v1/duplicates/contacts/``, ``/api/v1/duplicates/companies/``: probable duplicate
pairs; ``/api/v1/merges/``: merge one record into another.

Duplicates are listed a window of the newest records at a time (see ``crm.duplicates``): the
``next`` link scans the next, older window, so a page may hold no pairs while ``next`` is set.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.errors import NotFound
from accounts.models import Organization
from crm import duplicates
from crm.api.pagination import KeysetCursorPagination
from crm.models import Company, Contact, DuplicateDismissal, Entity
from crm.services import duplicates as dismiss_services
from crm.services import merge as merge_services


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=sorted(duplicates.REASON_LABELS), read_only=True)
    label = serializers.CharField(read_only=True)
    value = serializers.CharField(read_only=True, help_text="What the two records share.")


class CompanyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class DuplicateContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    emails = serializers.ListField(child=serializers.EmailField(), read_only=True)
    phones = serializers.ListField(child=serializers.CharField(), read_only=True)
    telegram_username = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    companies = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def get_companies(self, contact: Contact) -> list[dict[str, Any]]:
        return CompanyRefSerializer(
            [link.company for link in contact.company_links.all()], many=True
        ).data


class DuplicateCompanySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    domain = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ContactPairSerializer(serializers.Serializer):
    older = DuplicateContactSerializer(read_only=True)
    newer = DuplicateContactSerializer(read_only=True)
    reasons = ReasonSerializer(many=True, read_only=True)


class CompanyPairSerializer(serializers.Serializer):
    older = DuplicateCompanySerializer(read_only=True)
    newer = DuplicateCompanySerializer(read_only=True)
    reasons = ReasonSerializer(many=True, read_only=True)


BEFORE_PARAMETER = OpenApiParameter(
    "before",
    int,
    description="Scan records with ids below this one (the cursor in `next`).",
)


class _DuplicatesViewSet(OrgScopedViewSet):
    model: type[Contact] | type[Company]
    pair_serializer: type[serializers.Serializer]
    action_permissions = {"list": "crm.view"}

    def get_org_queryset(self, organization: Organization) -> QuerySet:
        return self.model.objects.filter(organization=organization)

    def list(self, request: Request) -> Response:
        before = request.query_params.get("before", "").strip()
        if before and not before.isdigit():
            raise serializers.ValidationError({"before": ["Enter a record id."]})
        finder = (
            duplicates.contact_duplicate_pairs
            if self.model is Contact
            else duplicates.company_duplicate_pairs
        )
        page = finder(self.organization, before=int(before) if before else None)
        next_url = None
        if page.next_before is not None:
            next_url = request.build_absolute_uri(f"{request.path}?before={page.next_before}")
        return Response(
            {"next": next_url, "results": self.pair_serializer(page.pairs, many=True).data}
        )


@extend_schema(
    parameters=[BEFORE_PARAMETER],
    responses=inline_serializer(
        "ContactDuplicatePage",
        {
            "next": serializers.URLField(allow_null=True),
            "results": ContactPairSerializer(many=True),
        },
    ),
)
class ContactDuplicateViewSet(_DuplicatesViewSet):
    """Pairs of contacts that share an email or phone, or have similar names at one company."""

    queryset = Contact.objects.none()
    model = Contact
    pair_serializer = ContactPairSerializer


@extend_schema(
    parameters=[BEFORE_PARAMETER],
    responses=inline_serializer(
        "CompanyDuplicatePage",
        {
            "next": serializers.URLField(allow_null=True),
            "results": CompanyPairSerializer(many=True),
        },
    ),
)
class CompanyDuplicateViewSet(_DuplicatesViewSet):
    """Pairs of companies that share a domain or have similar names."""

    queryset = Company.objects.none()
    model = Company
    pair_serializer = CompanyPairSerializer


class DismissalSerializer(serializers.ModelSerializer):
    first = serializers.IntegerField(min_value=1, write_only=True)
    second = serializers.IntegerField(min_value=1, write_only=True)
    entity = serializers.ChoiceField(choices=Entity.choices)

    class Meta:
        model = DuplicateDismissal
        fields = (
            "id",
            "entity",
            "first",
            "second",
            "low_id",
            "high_id",
            "dismissed_by",
            "created_at",
        )
        read_only_fields = ("id", "low_id", "high_id", "dismissed_by", "created_at")


class DismissalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    OrgScopedViewSet,
):
    """Pairs marked "not a duplicate": the duplicates lists no longer show them. Deleting a
    dismissal brings the pair back."""

    queryset = DuplicateDismissal.objects.none()
    serializer_class = DismissalSerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "crm.view",
        "retrieve": "crm.view",
        "create": "crm.edit",
        "destroy": "crm.edit",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet:
        return DuplicateDismissal.objects.filter(organization=organization).order_by("-id")

    def create(self, request: Request) -> Response:
        data = DismissalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dismissal = dismiss_services.duplicate_dismiss(
            organization=self.organization,
            actor=request.user,
            entity=data.validated_data["entity"],
            first_id=data.validated_data["first"],
            second_id=data.validated_data["second"],
        )
        return Response(DismissalSerializer(dismissal).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: DuplicateDismissal) -> None:
        dismiss_services.duplicate_dismissal_delete(dismissal=instance, actor=self.request.user)


class MergeInputSerializer(serializers.Serializer):
    entity = serializers.ChoiceField(choices=Entity.choices)
    primary = serializers.IntegerField(min_value=1, help_text="The record that is kept.")
    duplicate = serializers.IntegerField(
        min_value=1, help_text="The record folded into the primary, then deleted."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["primary"] == attrs["duplicate"]:
            raise serializers.ValidationError(
                {"duplicate": ["Choose a different record than the primary one."]}
            )
        return attrs


class MergeOutputSerializer(serializers.Serializer):
    entity = serializers.ChoiceField(choices=Entity.choices, read_only=True)
    id = serializers.IntegerField(read_only=True, help_text="The primary, now holding both.")
    merged_id = serializers.IntegerField(read_only=True, help_text="The deleted duplicate.")


class MergeViewSet(OrgScopedViewSet):
    """Merge two contacts or two companies: links, notes, tags, custom fields and everything
    else pointing at the duplicate move to the primary; the duplicate is deleted."""

    queryset = Contact.objects.none()
    serializer_class = MergeInputSerializer
    action_permissions = {"create": "crm.edit"}

    def get_org_queryset(self, organization: Organization) -> QuerySet:
        return Contact.objects.filter(organization=organization)

    @extend_schema(
        request=MergeInputSerializer, responses={status.HTTP_200_OK: MergeOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        data = MergeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entity = data.validated_data["entity"]
        model = Contact if entity == Entity.CONTACT else Company
        found = {
            obj.pk: obj
            for obj in model.objects.filter(
                organization=self.organization,
                pk__in=[data.validated_data["primary"], data.validated_data["duplicate"]],
            )
        }
        primary = found.get(data.validated_data["primary"])
        duplicate = found.get(data.validated_data["duplicate"])
        if primary is None or duplicate is None:
            raise NotFound(f"{model._meta.verbose_name.capitalize()} not found.")
        merge = (
            merge_services.contacts_merge if model is Contact else merge_services.companies_merge
        )
        merged = merge(
            organization=self.organization, actor=request.user, primary=primary, duplicate=duplicate
        )
        body = {"entity": entity, "id": merged.pk, "merged_id": data.validated_data["duplicate"]}
        return Response(MergeOutputSerializer(body).data, status=status.HTTP_200_OK)
