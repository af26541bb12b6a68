"""Django admin for the CRM: every model, scoped to the staff member's organizations.

CRM rows carry business rules (normalised identifiers, events, audit), so the admin shows them
read-only; deleting goes through actions that call the services. Imports are read-only too:
they change only through their own jobs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from accounts.admin_base import OrgAwareModelAdmin, ReadOnlyAdminMixin, run_service_action
from crm.models import (
    Company,
    Contact,
    ContactCompany,
    CustomFieldDefinition,
    DuplicateDismissal,
    ImportJob,
    ImportRowError,
    NameWord,
    Note,
    SavedView,
    Tag,
)
from crm.services import companies as company_services
from crm.services import contacts as contact_services
from crm.services import notes as note_services


class CrmAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    """Read-only, for anyone whose role may see the CRM in that organization."""

    org_permission = "crm.view"
    # No second COUNT(*), and no date hierarchy, over a million contacts.
    show_full_result_count = False


class ServiceDeleteMixin:
    """A "delete selected" action that calls the app's delete service for each row."""

    delete_service: Any = None
    delete_kwarg = ""
    delete_perm = ""

    def has_delete_rows_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(self.delete_perm)

    @admin.action(description="Delete selected (through the service)", permissions=["delete_rows"])
    def delete_rows(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_service_action(
            self,  # type: ignore[arg-type]
            request,
            queryset.select_related("organization"),
            type(self).delete_service,
            object_kwarg=self.delete_kwarg,
            done="Deleted",
        )


class ContactCompanyInline(admin.TabularInline):
    model = ContactCompany
    fk_name = "contact"
    fields = ("company", "role", "is_primary", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Contact)
class ContactAdmin(ServiceDeleteMixin, CrmAdmin):
    list_display = (
        "__str__",
        "primary_email",
        "telegram_username",
        "owner",
        "source",
        "created_at",
    )
    list_filter = (
        ("tags", admin.RelatedOnlyFieldListFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
        "source",
    )
    list_select_related = ("owner",)
    search_fields = ("full_name", "telegram_username", "title")
    search_help_text = "Name, @username, title, or an exact email or phone."
    inlines = [ContactCompanyInline]
    actions = ["delete_rows"]
    delete_service = contact_services.contact_delete
    delete_kwarg = "contact"
    delete_perm = "crm.delete_contact"

    @admin.display(description="Email")
    def primary_email(self, obj: Contact) -> str:
        return obj.emails[0] if obj.emails else ""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Also exact emails and phones (array columns, matched through their GIN indexes)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        extra = Q()
        if "@" in term:
            extra |= Q(emails__contains=[term.lower()])
        if term.startswith("+"):
            extra |= Q(phones__contains=[term.replace(" ", "")])
        if term.lstrip("@"):
            extra |= Q(telegram_username=term.lstrip("@").lower())
        if extra:
            results = results | queryset.filter(extra)
        return results, may_have_duplicates


@admin.register(Company)
class CompanyAdmin(ServiceDeleteMixin, CrmAdmin):
    list_display = ("name", "domain", "industry", "country", "owner", "created_at")
    list_filter = (
        ("tags", admin.RelatedOnlyFieldListFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
        "size",
    )
    list_select_related = ("owner",)
    search_fields = ("name", "=domain")
    actions = ["delete_rows"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    delete_service = company_services.company_delete
    delete_kwarg = "company"
    delete_perm = "crm.delete_company"


@admin.register(ContactCompany)
class ContactCompanyAdmin(CrmAdmin):
    list_display = ("contact", "company", "role", "is_primary", "created_at")
    list_filter = ("is_primary",)
    list_select_related = ("contact", "company")
    search_fields = ("contact__full_name", "company__name", "role")


@admin.register(Note)
class NoteAdmin(ServiceDeleteMixin, CrmAdmin):
    list_display = ("__str__", "contact", "company", "author", "created_at")
    list_filter = (("author", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("contact", "company", "author")
    search_fields = ("body", "contact__full_name", "company__name")
    actions = ["delete_rows"]
    delete_service = note_services.note_delete
    delete_kwarg = "note"
    delete_perm = "crm.delete_note"


@admin.register(Tag)
class TagAdmin(CrmAdmin):
    list_display = ("name", "color", "created_at")
    search_fields = ("name",)


@admin.register(CustomFieldDefinition)
class CustomFieldDefinitionAdmin(CrmAdmin):
    list_display = ("label", "key", "entity", "field_type", "required", "position")
    list_filter = ("entity", "field_type", "required")
    search_fields = ("label", "key")


@admin.register(SavedView)
class SavedViewAdmin(CrmAdmin):
    list_display = ("name", "entity", "owner", "shared", "created_at")
    list_filter = ("entity", "shared", ("owner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("owner",)
    search_fields = ("name",)


@admin.register(ImportJob)
class ImportJobAdmin(CrmAdmin):
    org_permission = "crm.import"
    list_display = (
        "original_filename",
        "entity",
        "status",
        "processed_rows",
        "total_rows",
        "created_count",
        "updated_count",
        "skipped_count",
        "failed_count",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "entity", "dedupe_mode")
    list_select_related = ("created_by",)
    search_fields = ("original_filename",)
    date_hierarchy = "created_at"


@admin.register(ImportRowError)
class ImportRowErrorAdmin(CrmAdmin):
    org_permission = "crm.import"
    list_display = ("job", "line", "reason")
    list_select_related = ("job",)
    search_fields = ("reason", "job__original_filename")


@admin.register(NameWord)
class NameWordAdmin(CrmAdmin):
    """The words database triggers collect for typo correction (see ``NameWord``)."""

    list_display = ("word",)
    search_fields = ("word",)


@admin.register(DuplicateDismissal)
class DuplicateDismissalAdmin(CrmAdmin):
    list_display = ("entity", "low_id", "high_id", "dismissed_by", "created_at")
    list_filter = ("entity",)
    list_select_related = ("dismissed_by",)
