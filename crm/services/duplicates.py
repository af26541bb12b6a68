"""Telling the duplicates list that two records are not the same (and taking that back)."""

from __future__ import annotations

from django.db import transaction

from accounts.errors import NotFound, ValidationError
from accounts.models import Organization, User
from accounts.services import require_permission
from crm.models import Company, Contact, DuplicateDismissal, Entity


@transaction.atomic
def duplicate_dismiss(
    *, organization: Organization, actor: User, entity: str, first_id: int, second_id: int
) -> DuplicateDismissal:
    """Record that ``first_id`` and ``second_id`` (contacts or companies of ``organization``)
    are different records. Dismissing a pair twice returns the first dismissal."""
    require_permission(organization, actor, "crm.edit")
    if entity not in Entity.values:
        raise ValidationError("Choose contacts or companies.", fields={"entity": ["Unknown."]})
    if first_id == second_id:
        raise ValidationError(
            "A record is always the same as itself.",
            fields={"second": ["Choose a different record than the first one."]},
        )
    model = Contact if entity == Entity.CONTACT else Company
    found = model.objects.filter(organization=organization, pk__in=[first_id, second_id]).count()
    if found != 2:
        raise NotFound(f"{model._meta.verbose_name.capitalize()} not found.")
    low, high = sorted((first_id, second_id))
    dismissal, _ = DuplicateDismissal.objects.get_or_create(
        organization=organization,
        entity=entity,
        low_id=low,
        high_id=high,
        defaults={"dismissed_by": actor},
    )
    return dismissal


@transaction.atomic
def duplicate_dismissal_delete(*, dismissal: DuplicateDismissal, actor: User) -> None:
    """Take a dismissal back: the pair shows up on the duplicates list again."""
    require_permission(dismissal.organization, actor, "crm.edit")
    dismissal.delete()
