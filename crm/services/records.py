"""What contact and company writes share: owner, tags, custom fields and the bulk actions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Lower

from accounts.audit import audit_record
from accounts.errors import ValidationError
from accounts.models import Membership, Organization, User
from accounts.services import require_permission
from automation.events import emit
from crm.custom_fields import custom_values_clean, definitions_for
from crm.models import Tag
from crm.services.tags import tags_get_or_create

MAX_BULK = 1000


class Errors(dict[str, list[str]]):
    """Field errors collected while cleaning, raised together."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self, message: str) -> None:
        if self:
            raise ValidationError(message, fields=dict(self))


def text_clean(value: Any, field: str, max_length: int, errors: Errors) -> str:
    text = " ".join(str(value or "").split()) if field != "description" else str(value or "")
    text = text.strip()
    if len(text) > max_length:
        errors.add(field, f"Keep it under {max_length:,} characters.")
    return text


def owner_clean(organization: Organization, owner: Any, errors: Errors) -> User | None:
    """The owner must be a member of the organization (or None: unassigned)."""
    if owner in (None, ""):
        return None
    owner_id = owner.pk if isinstance(owner, User) else owner
    membership = (
        Membership.objects.filter(organization=organization, user_id=owner_id)
        .select_related("user")
        .first()
        if str(owner_id).isdigit()
        else None
    )
    if membership is None:
        errors.add("owner", "Choose a member of this organization.")
        return None
    return owner if isinstance(owner, User) else membership.user


def tags_clean(organization: Organization, tags: Any, errors: Errors) -> list[Tag] | None:
    if isinstance(tags, str):
        tags = [part for part in tags.split(",") if part.strip()]
    try:
        return tags_get_or_create(organization=organization, names=tags or [])
    except ValidationError as error:
        for message in error.fields.get("tags", [error.message]):
            errors.add("tags", message)
        return None


def custom_fields_clean(
    *,
    organization: Organization,
    entity: str,
    current: dict[str, Any],
    values: Any,
    partial: bool,
    errors: Errors,
) -> dict[str, Any]:
    """``current`` with ``values`` applied: typed by the definitions; None or "" removes a key."""
    if not isinstance(values, dict):
        errors.add("custom_fields", "Send custom fields as an object of key: value.")
        return current
    try:
        cleaned = custom_values_clean(
            definitions=definitions_for(organization, entity), values=values, partial=partial
        )
    except ValidationError as error:
        for field, messages in error.fields.items():
            for message in messages:
                errors.add(field, message)
        return current
    merged = {**current, **cleaned}
    for key in values:
        if cleaned.get(key) is None:
            merged.pop(key, None)
    return merged


def tags_set(instance: models.Model, tags: list[Tag]) -> bool:
    """Give ``instance`` exactly ``tags``; True when that changed anything."""
    current = {tag.pk for tag in instance.tags.all()}
    if current == {tag.pk for tag in tags}:
        return False
    instance.tags.set(tags)
    return True


def ids_resolve(
    model: type[models.Model], organization: Organization, ids: Iterable[Any], noun: str
) -> list[models.Model]:
    """The organization's rows for ``ids``; ids of other organizations count as missing."""
    try:
        wanted = list(dict.fromkeys(int(pk) for pk in ids))
    except (TypeError, ValueError):
        raise ValidationError(
            f"Send {noun} ids as numbers.", fields={"ids": ["Ids must be numbers."]}
        ) from None
    if not wanted:
        raise ValidationError(f"Choose at least one {noun}.", fields={"ids": ["Empty list."]})
    if len(wanted) > MAX_BULK:
        message = f"Choose at most {MAX_BULK:,} {noun}s at a time."
        raise ValidationError(message, fields={"ids": [message]})
    rows = list(model.objects.filter(organization=organization, pk__in=wanted))
    missing = sorted(set(wanted) - {row.pk for row in rows})
    if missing:
        listed = ", ".join(map(str, missing[:10])) + ("…" if len(missing) > 10 else "")
        message = f"These {noun}s do not exist: {listed}."
        raise ValidationError(message, fields={"ids": [message]})
    return rows


def bulk_tags_change(
    *,
    model: type[models.Model],
    organization: Organization,
    ids: list[int],
    names: Iterable[Any],
    remove: bool,
) -> set[int]:
    """Add (or remove) the named tags on the rows ``ids`` of ``model`` (contacts or companies);
    returns the ids of the rows that changed. Adding creates missing tags; removing does not."""
    names = [" ".join(str(name).split()) for name in names if str(name).strip()]
    if not names:
        raise ValidationError("Choose at least one tag.", fields={"tags": ["Choose a tag."]})
    if remove:
        tags = list(
            Tag.objects.filter(organization=organization)
            .annotate(lower_name=Lower("name"))
            .filter(lower_name__in=[name.lower() for name in names])
        )
    else:
        errors = Errors()
        tags = tags_clean(organization, names, errors) or []
        errors.raise_if_any("Check the tags.")
    through = model.tags.through  # type: ignore[attr-defined]
    row = f"{model._meta.model_name}_id"
    links = through.objects.filter(**{f"{row}__in": ids}, tag__in=tags)
    if remove:
        changed = set(links.values_list(row, flat=True))
        links.delete()
        return changed
    existing = set(links.values_list(row, "tag_id"))
    new = [
        through(**{row: pk, "tag_id": tag.pk})
        for pk in ids
        for tag in tags
        if (pk, tag.pk) not in existing
    ]
    through.objects.bulk_create(new, ignore_conflicts=True)
    return {getattr(link, row) for link in new}


# --- bulk actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordKind:
    """How the bulk actions handle one kind of record (contacts or companies)."""

    model: type[models.Model]
    noun: str  # "contact": event names, the payload key, messages
    payload: Callable[[Any], dict]
    with_relations: Callable[[QuerySet], QuerySet]  # what the payload reads, prefetched


def emit_updated(
    kind: RecordKind,
    organization: Organization,
    ids: Iterable[int],
    changed: list[str],
    actor: User,
) -> None:
    rows = kind.with_relations(kind.model.objects.filter(organization=organization, pk__in=ids))
    for row in rows:
        emit(
            organization,
            f"{kind.noun}.updated",
            {kind.noun: kind.payload(row), "changed": changed},
            actor,
        )


def bulk_tag(
    kind: RecordKind,
    *,
    organization: Organization,
    actor: User,
    ids: Iterable[Any],
    tag_names: Iterable[str],
    remove: bool,
) -> int:
    require_permission(organization, actor, "crm.edit")
    rows = ids_resolve(kind.model, organization, ids, kind.noun)
    changed = bulk_tags_change(
        model=kind.model,
        organization=organization,
        ids=[row.pk for row in rows],
        names=tag_names,
        remove=remove,
    )
    emit_updated(kind, organization, changed, ["tags"], actor)
    return len(changed)


def bulk_assign_owner(
    kind: RecordKind, *, organization: Organization, actor: User, ids: Iterable[Any], owner: Any
) -> int:
    require_permission(organization, actor, "crm.edit")
    rows = ids_resolve(kind.model, organization, ids, kind.noun)
    errors = Errors()
    owner = owner_clean(organization, owner, errors)
    errors.raise_if_any("Check the owner.")
    owner_id = owner.pk if owner is not None else None
    changed = [row.pk for row in rows if row.owner_id != owner_id]
    kind.model.objects.filter(pk__in=changed).update(owner=owner)
    emit_updated(kind, organization, changed, ["owner"], actor)
    return len(changed)


def bulk_delete(
    kind: RecordKind, *, organization: Organization, actor: User, ids: Iterable[Any]
) -> int:
    require_permission(organization, actor, "crm.delete")
    rows = ids_resolve(kind.model, organization, ids, kind.noun)
    pks = [row.pk for row in rows]
    payloads = [
        kind.payload(row) for row in kind.with_relations(kind.model.objects.filter(pk__in=pks))
    ]
    kind.model.objects.filter(pk__in=pks).delete()
    audit_record(
        action=f"{kind.noun}.bulk_deleted",
        actor=actor,
        organization=organization,
        metadata={"count": len(pks), "ids": pks[:100]},
    )
    for payload in payloads:
        emit(organization, f"{kind.noun}.deleted", {kind.noun: payload}, actor)
    return len(pks)
