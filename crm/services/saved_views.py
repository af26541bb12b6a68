"""Saved views: a named set of list filters, private to its owner or shared with everyone.

Anyone who can see the CRM may save views for themselves; sharing one with the organization
takes ``crm.edit``. A view is changed or deleted by its owner, or (when shared) by someone with
``crm.configure``. Filters are stored in their canonical form (``crm.filters``), so a view
always opens with valid filters.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.errors import PermissionDenied, ValidationError
from accounts.model_update import model_update
from accounts.models import Organization, User
from accounts.permissions import role_has_perm
from accounts.services import require_permission
from crm.filters import filters_for
from crm.models import Entity, SavedView


def _name_clean(name: Any, errors: dict[str, list[str]]) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = ["Give the view a name."]
    elif len(name) > 80:
        errors["name"] = ["Keep the name under 80 characters."]
    return name


def _filters_clean(
    organization: Organization,
    actor: User,
    entity: str,
    filters: Any,
    errors: dict[str, list[str]],
) -> dict:
    if not isinstance(filters, dict):
        errors["filters"] = ["Send the filters as an object of parameter: value."]
        return {}
    try:
        parsed = filters_for(entity).from_params(filters, organization=organization, user=actor)
    except ValidationError as error:
        for param, messages in error.fields.items():
            errors[f"filters.{param}"] = messages
        return {}
    return parsed.to_params()


def _name_taken(view: SavedView) -> bool:
    return (
        SavedView.objects.filter(
            organization_id=view.organization_id,
            owner_id=view.owner_id,
            entity=view.entity,
            name__iexact=view.name,
        )
        .exclude(pk=view.pk)
        .exists()
    )


@transaction.atomic
def saved_view_create(
    *,
    organization: Organization,
    actor: User,
    entity: str,
    name: str,
    filters: dict,
    shared: bool = False,
) -> SavedView:
    membership = require_permission(organization, actor, "crm.view")
    if shared and not role_has_perm(membership.role, "crm.edit"):
        raise PermissionDenied("Your role cannot share views.", perm="crm.edit")
    errors: dict[str, list[str]] = {}
    if entity not in Entity.values:
        errors["entity"] = [f"Choose one of: {', '.join(Entity.values)}."]
    name = _name_clean(name, errors)
    if "entity" not in errors:
        filters = _filters_clean(organization, actor, entity, filters, errors)
    view = SavedView(
        organization=organization,
        entity=entity,
        name=name,
        filters=filters,
        owner=actor,
        shared=shared,
    )
    if "name" not in errors and _name_taken(view):
        errors["name"] = ["You already have a view with this name."]
    if errors:
        raise ValidationError("Check the view.", fields=errors)
    view.save()
    return view


def _require_change(view: SavedView, actor: User) -> None:
    membership = require_permission(view.organization, actor, "crm.view")
    if view.owner_id == actor.pk:
        return
    if view.shared and role_has_perm(membership.role, "crm.configure"):
        return
    raise PermissionDenied("Only the view's owner can change it.", perm="crm.configure")


@transaction.atomic
def saved_view_update(*, view: SavedView, actor: User, data: dict) -> SavedView:
    """Rename, re-filter or (un)share a view. ``data``: name, filters, shared."""
    _require_change(view, actor)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "name" in data:
        cleaned["name"] = _name_clean(data["name"], errors)
    if "filters" in data:
        cleaned["filters"] = _filters_clean(
            view.organization, actor, view.entity, data["filters"], errors
        )
    if "shared" in data:
        cleaned["shared"] = bool(data["shared"])
        membership = require_permission(view.organization, actor, "crm.view")
        if cleaned["shared"] != view.shared and not role_has_perm(membership.role, "crm.edit"):
            raise PermissionDenied("Your role cannot share views.", perm="crm.edit")
    if "name" in cleaned and not errors:
        probe = SavedView(
            pk=view.pk,
            organization_id=view.organization_id,
            owner_id=view.owner_id,
            entity=view.entity,
            name=cleaned["name"],
        )
        if _name_taken(probe):
            errors["name"] = ["You already have a view with this name."]
    if errors:
        raise ValidationError("Check the view.", fields=errors)
    view, _changed = model_update(instance=view, fields=["name", "filters", "shared"], data=cleaned)
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor: User) -> None:
    _require_change(view, actor)
    view.delete()
