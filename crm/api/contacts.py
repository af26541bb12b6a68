"""``/api/v1/contacts/``: contacts of the current organization, filtered, searched, sorted and
cursor-paginated; create, update, delete, and bulk actions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from accounts.api.members import UserSummarySerializer
from accounts.api_base import OrgPrimaryKeyRelatedField
from accounts.models import Organization, User
from crm import selectors
from crm.api.fields import CompanySummarySerializer, OrgMemberField, TagSummarySerializer
from crm.api.records import RecordViewSet, record_schema
from crm.filters import ContactFilters, ListFilters
from crm.models import Company, Contact
from crm.services import contacts as contact_services


class ContactCompanyOutputSerializer(serializers.Serializer):
    company = CompanySummarySerializer(read_only=True)
    role = serializers.CharField(read_only=True)
    is_primary = serializers.BooleanField(read_only=True)


class ContactOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    emails = serializers.ListField(child=serializers.EmailField(), read_only=True)
    phones = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="E.164."
    )
    telegram_user_id = serializers.IntegerField(read_only=True, allow_null=True)
    telegram_username = serializers.CharField(read_only=True, help_text="Without the @.")
    telegram_bio = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    source = serializers.CharField(read_only=True)
    tags = TagSummarySerializer(many=True, read_only=True, source="tags.all")
    companies = ContactCompanyOutputSerializer(many=True, read_only=True, source="company_links")
    custom_fields = serializers.DictField(read_only=True)
    last_contacted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_replied_at = serializers.DateTimeField(read_only=True, allow_null=True)
    time_zone = serializers.CharField(read_only=True, help_text="IANA name; blank = unknown.")
    do_not_contact = serializers.BooleanField(read_only=True)
    do_not_contact_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ContactCompanyInputSerializer(serializers.Serializer):
    company = OrgPrimaryKeyRelatedField(queryset=Company.objects.all())
    role = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    is_primary = serializers.BooleanField(required=False, default=False)


class ContactInputSerializer(serializers.Serializer):
    """Identifiers are normalised by the service: emails lower-cased, phones to E.164 (send
    them with the country code), usernames without @. ``tags`` are names, created when new;
    ``companies`` replaces the contact's links; ``custom_fields`` merges (null removes)."""

    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    emails = serializers.ListField(
        child=serializers.CharField(max_length=254), required=False, max_length=20
    )
    phones = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=20
    )
    telegram_user_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    telegram_username = serializers.CharField(max_length=64, required=False, allow_blank=True)
    telegram_bio = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    title = serializers.CharField(max_length=150, required=False, allow_blank=True)
    owner = OrgMemberField(required=False, allow_null=True)
    source = serializers.CharField(max_length=60, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )
    companies = ContactCompanyInputSerializer(many=True, required=False)
    custom_fields = serializers.DictField(required=False)
    last_contacted_at = serializers.DateTimeField(required=False, allow_null=True)
    last_replied_at = serializers.DateTimeField(required=False, allow_null=True)
    time_zone = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="IANA name, e.g. Europe/Berlin."
    )
    do_not_contact = serializers.BooleanField(
        required=False, help_text="Campaigns never enrol the contact; the time it was set is kept."
    )


@record_schema("contact", ContactOutputSerializer, ContactInputSerializer)
class ContactViewSet(RecordViewSet):
    queryset = Contact.objects.none()
    output_serializer = ContactOutputSerializer
    input_serializer = ContactInputSerializer
    filters_class = ContactFilters

    def records(self, organization: Organization, filters: ListFilters | None) -> QuerySet:
        return selectors.contacts_list(organization, filters)

    def record_create(self, organization: Organization, actor: User, data: dict) -> Contact:
        return contact_services.contact_create(organization=organization, actor=actor, data=data)

    def record_update(self, record: Contact, actor: User, data: dict) -> Contact:
        return contact_services.contact_update(contact=record, actor=actor, data=data)

    def record_delete(self, record: Contact, actor: User) -> None:
        contact_services.contact_delete(contact=record, actor=actor)

    def bulk_services(self) -> dict[str, Any]:
        return {
            "ids_kwarg": "contact_ids",
            "tag": contact_services.contacts_tag,
            "assign": contact_services.contacts_assign_owner,
            "delete": contact_services.contacts_delete,
        }
