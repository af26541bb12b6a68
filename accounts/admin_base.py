"""The org-aware ``ModelAdmin``: tenancy in the Django admin, enforced once.

Superusers see every organization. Other staff see only rows of organizations where their role
grants the admin's ``org_permission`` (from the one table in ``accounts.permissions``); Django's
model permissions still decide what they may do with those rows. Scoping only ever narrows what
Django would show, it never grants access on its own.

Admins of models that carry business rules are read-only: changes go through actions that call
the app's services (which audit and emit events), never through a form saving the model.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from accounts.errors import DomainError
from accounts.models import Membership, User
from accounts.permissions import role_has_perm


def admin_organization_ids(user: User, perm: str) -> list[int]:
    """Organizations whose rows a non-superuser staff member may see in the admin."""
    return [
        organization_id
        for organization_id, role in Membership.objects.filter(user=user).values_list(
            "organization_id", "role"
        )
        if role_has_perm(role, perm)
    ]


class OrgScopedAdminMixin:
    """Filter the changelist, change views and autocomplete results by the staff's orgs."""

    #: Permission (accounts.permissions) a role needs for its organization's rows to show.
    org_permission: str = "organization.manage"
    #: Lookup from this model to its organization ("pk" for Organization itself).
    org_lookup: str = "organization"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return queryset
        allowed = admin_organization_ids(request.user, self.org_permission)  # type: ignore[arg-type]
        return queryset.filter(**{f"{self.org_lookup}__in": allowed})


class OrgAwareModelAdmin(OrgScopedAdminMixin, admin.ModelAdmin):
    """Base for every admin of an ``OrgOwned`` model (and of models reached through one)."""

    def get_list_display(self, request: HttpRequest) -> list[str]:
        fields = list(super().get_list_display(request))
        if self.org_lookup == "organization" and "organization" not in fields:
            fields.append("organization")
        return fields

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters = list(super().get_list_filter(request))
        if self.org_lookup not in filters:
            # Only organizations present in the staff's scoped rows are offered as choices, so
            # the filter itself never lists other tenants.
            filters.append((self.org_lookup, admin.RelatedOnlyFieldListFilter))
        return filters

    def get_list_select_related(self, request: HttpRequest) -> bool | list[str]:
        related = super().get_list_select_related(request)
        if related is True:
            return True
        return list(dict.fromkeys([*(related or []), self.org_lookup]))

    def get_autocomplete_fields(self, request: HttpRequest) -> list[str]:
        fields = list(super().get_autocomplete_fields(request))
        if self.org_lookup == "organization" and "organization" not in fields:
            fields.append("organization")
        return fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organization" and not request.user.is_superuser:
            allowed = admin_organization_ids(request.user, self.org_permission)  # type: ignore[arg-type]
            kwargs["queryset"] = db_field.related_model.objects.filter(pk__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """A view-only admin: rows change through service-backed actions, not forms."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


def run_service_action(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    service: Any,
    *,
    object_kwarg: str,
    done: str,
) -> None:
    """Call ``service(<object_kwarg>=obj, actor=request.user)`` per row and report the outcome.

    A domain error on one row (no right in that organization, already revoked...) is shown as
    a message for that row and does not stop the others.
    """
    succeeded = 0
    for obj in queryset:
        try:
            service(**{object_kwarg: obj}, actor=request.user)
        except DomainError as error:
            model_admin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        model_admin.message_user(request, f"{done} {succeeded} of {len(queryset)}.")
