"""``/api/v1/companies/``: companies of the current organization, filtered, searched, sorted
and cursor-paginated; create, update, delete, and bulk actions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from accounts.api.members import UserSummarySerializer
from accounts.models import Organization, User
from crm import selectors
from crm.api.fields import OrgMemberField, TagSummarySerializer
from crm.api.records import RecordViewSet, record_schema
from crm.filters import CompanyFilters, ListFilters
from crm.models import Company
from crm.services import companies as company_services


class CompanyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    domain = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)
    industry = serializers.CharField(read_only=True)
    size = serializers.ChoiceField(choices=Company.Size.choices, read_only=True)
    country = serializers.CharField(read_only=True, help_text="ISO 3166-1 alpha-2 code.")
    description = serializers.CharField(read_only=True)
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    tags = TagSummarySerializer(many=True, read_only=True, source="tags.all")
    custom_fields = serializers.DictField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class CompanyInputSerializer(serializers.Serializer):
    """The domain is stored bare (``acme.com``) and taken from the website when not given."""

    name = serializers.CharField(max_length=200, required=True)
    domain = serializers.CharField(max_length=253, required=False, allow_blank=True)
    website = serializers.CharField(max_length=300, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True)
    size = serializers.ChoiceField(choices=Company.Size.choices, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    owner = OrgMemberField(required=False, allow_null=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )
    custom_fields = serializers.DictField(required=False)


@record_schema("company", CompanyOutputSerializer, CompanyInputSerializer)
class CompanyViewSet(RecordViewSet):
    queryset = Company.objects.none()
    output_serializer = CompanyOutputSerializer
    input_serializer = CompanyInputSerializer
    filters_class = CompanyFilters

    def records(self, organization: Organization, filters: ListFilters | None) -> QuerySet:
        return selectors.companies_list(organization, filters)

    def record_create(self, organization: Organization, actor: User, data: dict) -> Company:
        return company_services.company_create(organization=organization, actor=actor, data=data)

    def record_update(self, record: Company, actor: User, data: dict) -> Company:
        return company_services.company_update(company=record, actor=actor, data=data)

    def record_delete(self, record: Company, actor: User) -> None:
        company_services.company_delete(company=record, actor=actor)

    def bulk_services(self) -> dict[str, Any]:
        return {
            "ids_kwarg": "company_ids",
            "tag": company_services.companies_tag,
            "assign": company_services.companies_assign_owner,
            "delete": company_services.companies_delete,
        }
