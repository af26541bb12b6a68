"""Notes on contacts and companies: Markdown text, shown sanitised (``crm.markdown``).

Writers (``crm.edit``) add notes. A note is edited or deleted by its author, or by someone who
may delete other people's records (``crm.delete``: owners and admins).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model

from accounts.errors import PermissionDenied, ValidationError
from accounts.models import Membership, Organization, User
from accounts.permissions import role_has_perm
from accounts.services import require_permission
from automation.events import emit
from crm.models import Company, Contact, Note

MAX_BODY = 20_000


def note_payload(note: Note) -> dict:
    return {
        "id": note.pk,
        "body": note.body,
        "contact": note.contact_id,
        "company": note.company_id,
        "deal": note.deal_id,
        "author": note.author_id,
        "created_at": note.created_at.isoformat(),
    }


def note_can_change(note: Note, membership: Membership | None) -> bool:
    """Whether the member may edit or delete ``note`` (for showing the buttons too)."""
    if membership is None or not role_has_perm(membership.role, "crm.edit"):
        return False
    return note.author_id == membership.user_id or role_has_perm(membership.role, "crm.delete")


def _body_clean(body: str) -> str:
    body = str(body or "").strip()
    if not body:
        raise ValidationError("Write something first.", fields={"body": ["Write something first."]})
    if len(body) > MAX_BODY:
        message = f"Keep notes under {MAX_BODY:,} characters."
        raise ValidationError(message, fields={"body": [message]})
    return body


@transaction.atomic
def note_add(
    *,
    organization: Organization,
    actor: User,
    body: str,
    contact: Contact | None = None,
    company: Company | None = None,
    deal: Model | None = None,
) -> Note:
    """Add a note to a contact, a company or a deal (pipelines passes its ``Deal``; crm does
    not import pipelines) — or to several: a contact in the context of a company."""
    require_permission(organization, actor, "crm.edit")
    errors: dict[str, list[str]] = {}
    if contact is not None and contact.organization_id != organization.pk:
        errors["contact"] = ["No such contact."]
    if company is not None and company.organization_id != organization.pk:
        errors["company"] = ["No such company."]
    if deal is not None and deal.organization_id != organization.pk:
        errors["deal"] = ["No such deal."]
    if contact is None and company is None and deal is None:
        errors["non_field_errors"] = ["Choose the contact, company or deal the note is about."]
    try:
        body = _body_clean(body)
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], fields=errors)
    note = Note.objects.create(
        organization=organization,
        author=actor,
        body=body,
        contact=contact,
        company=company,
        deal=deal,
    )
    emit(organization, "note.added", {"note": note_payload(note)}, actor)
    return note


def _require_change(note: Note, actor: User) -> None:
    membership = require_permission(note.organization, actor, "crm.edit")
    if not note_can_change(note, membership):
        raise PermissionDenied(
            "Only the note's author or an admin can change it.", perm="crm.delete"
        )


@transaction.atomic
def note_update(*, note: Note, actor: User, body: str) -> Note:
    _require_change(note, actor)
    body = _body_clean(body)
    if body != note.body:
        note.body = body
        note.save(update_fields=["body", "updated_at"])
        emit(note.organization, "note.updated", {"note": note_payload(note)}, actor)
    return note


@transaction.atomic
def note_delete(*, note: Note, actor: User) -> None:
    _require_change(note, actor)
    payload = note_payload(note)
    note.delete()
    emit(note.organization, "note.deleted", {"note": payload}, actor)
