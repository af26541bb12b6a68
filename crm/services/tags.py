"""Tags: named, coloured labels per organization, matched case-insensitively.

Creating, renaming and deleting tags is configuration (``crm.configure``). Writers tag records
by name: ``tags_get_or_create`` creates missing tags on the fly for contact and company writes,
whose own services check the writer's permission.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from accounts.audit import audit_record
from accounts.errors import ValidationError
from accounts.model_update import model_update
from accounts.models import Organization, User
from accounts.services import require_permission
from crm.models import Tag

MAX_NAME_LENGTH = 60
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Tags made on the fly get a colour from this palette, the same one for the same name.
PALETTE = (
    "#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#ec4899", "#14b8a6",
    "#84cc16", "#f97316", "#64748b", "#06b6d4",
)  # fmt: skip


def tag_payload(tag: Tag) -> dict:
    return {"id": tag.pk, "name": tag.name, "color": tag.color}


def _color_for(name: str) -> str:
    return PALETTE[zlib.crc32(name.lower().encode()) % len(PALETTE)]


def _clean_name(name: str, field: str = "name") -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ValidationError("Give the tag a name.", fields={field: ["Give the tag a name."]})
    if len(cleaned) > MAX_NAME_LENGTH:
        message = f"Keep tag names under {MAX_NAME_LENGTH} characters."
        raise ValidationError(message, fields={field: [message]})
    return cleaned


def _clean_color(color: str) -> str:
    if not _COLOR.match(color):
        message = "Enter a colour as #rrggbb, e.g. #6366f1."
        raise ValidationError(message, fields={"color": [message]})
    return color.lower()


def tags_get_or_create(
    *, organization: Organization, names: Iterable[str | Tag], field: str = "tags"
) -> list[Tag]:
    """The organization's tags for ``names`` (case-insensitive), creating the missing ones.

    Tag objects pass through after checking they belong to ``organization``; errors name
    ``field`` so a form or API shows them next to its tags input.
    """
    wanted: dict[str, str] = {}
    tags: dict[str, Tag] = {}
    for item in names:
        if isinstance(item, Tag):
            if item.organization_id != organization.pk:
                raise ValidationError("Unknown tag.", fields={field: ["Unknown tag."]})
            tags[item.name.lower()] = item
            continue
        name = _clean_name(item, field)
        wanted.setdefault(name.lower(), name)
    missing = [key for key in wanted if key not in tags]
    if missing:
        existing = (
            Tag.objects.filter(organization=organization)
            .annotate(lower_name=Lower("name"))
            .filter(lower_name__in=missing)
        )
        for tag in existing:
            tags[tag.lower_name] = tag
    for key, name in wanted.items():
        if key not in tags:
            tags[key] = _create(organization, name, _color_for(name))
    return [tags[key] for key in dict.fromkeys([*wanted, *tags])]


def _create(organization: Organization, name: str, color: str) -> Tag:
    try:
        with transaction.atomic():
            return Tag.objects.create(organization=organization, name=name, color=color)
    except IntegrityError:  # created concurrently under another case
        return (
            Tag.objects.filter(organization=organization)
            .annotate(lower_name=Lower("name"))
            .get(lower_name=name.lower())
        )


def _name_taken(organization: Organization, name: str, exclude: Tag | None = None) -> bool:
    tags = (
        Tag.objects.filter(organization=organization)
        .annotate(lower_name=Lower("name"))
        .filter(lower_name=name.lower())
    )
    if exclude is not None:
        tags = tags.exclude(pk=exclude.pk)
    return tags.exists()


@transaction.atomic
def tag_create(*, organization: Organization, actor: User, name: str, color: str = "") -> Tag:
    require_permission(organization, actor, "crm.configure")
    name = _clean_name(name)
    color = _clean_color(color) if color else _color_for(name)
    if _name_taken(organization, name):
        raise ValidationError("A tag with this name exists.", fields={"name": ["Already exists."]})
    tag = Tag.objects.create(organization=organization, name=name, color=color)
    audit_record(action="tag.created", actor=actor, organization=organization, target=tag)
    return tag


@transaction.atomic
def tag_update(*, tag: Tag, actor: User, data: dict) -> Tag:
    """Rename or recolour a tag; records keep it (they link by id)."""
    require_permission(tag.organization, actor, "crm.configure")
    cleaned = {}
    if "name" in data:
        cleaned["name"] = _clean_name(data["name"])
        if _name_taken(tag.organization, cleaned["name"], exclude=tag):
            raise ValidationError(
                "A tag with this name exists.", fields={"name": ["Already exists."]}
            )
    if "color" in data:
        cleaned["color"] = _clean_color(str(data["color"]))
    tag, changed = model_update(instance=tag, fields=["name", "color"], data=cleaned)
    if changed:
        audit_record(
            action="tag.updated",
            actor=actor,
            organization=tag.organization,
            target=tag,
            metadata={"changed": changed},
        )
    return tag


@transaction.atomic
def tag_delete(*, tag: Tag, actor: User) -> None:
    """Delete a tag; it disappears from every contact and company that had it."""
    require_permission(tag.organization, actor, "crm.configure")
    audit_record(action="tag.deleted", actor=actor, organization=tag.organization, target=tag)
    tag.delete()
