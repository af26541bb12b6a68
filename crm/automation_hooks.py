"""What crm plugs into triggers (``automation.registry``): the "contact" and "company"
subjects and the contact actions (tag, owner, note). Registered from ``CrmConfig.ready()``.

crm does not import pipelines or messaging: a deal's contact is found through the reverse
side of ``Deal.contacts`` (``Contact.deals``), a chat's contact through the "chat" subject
resolved before this one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Subquery

from accounts.errors import ValidationError
from accounts.models import Organization
from automation.action_params import (
    actor_of,
    id_of,
    member_choices,
    member_clean,
    member_get,
    refusals_as_action_errors,
    render,
    subject_of,
    text_required,
)
from automation.registry import (
    ActionContext,
    ActionError,
    ActionType,
    FieldSpec,
    Param,
    Subject,
    register_action,
    register_subject,
)
from crm.models import Company, Contact, ContactCompany, Tag
from crm.services.tags import MAX_NAME_LENGTH

# contact.updated's "changed" names → the subject's field names.
CONTACT_CHANGED = {
    "owner": "owner_id",
    "companies": "company_id",
    "emails": "email",
    "first_name": "first_name",
    "last_name": "name",
}
COMPANY_CHANGED = {"owner": "owner_id"}


def tag_choices(organization: Organization) -> list[tuple[str, str]]:
    names = Tag.objects.filter(organization=organization).values_list("name", flat=True)
    return [(name, name) for name in names]


def _tag_names(model_field: str) -> ArraySubquery:
    return ArraySubquery(
        Tag.objects.filter(**{model_field: OuterRef("pk")}).order_by("name").values("name")
    )


def _main_company() -> Subquery:
    return Subquery(
        ContactCompany.objects.filter(contact=OuterRef("pk"))
        .order_by("-is_primary", "created_at", "pk")
        .values("company_id")[:1]
    )


# --- the "contact" subject ---------------------------------------------------------------------


def _payload_id(payload: dict[str, Any], key: str) -> int | None:
    found = payload.get(key)
    return id_of(found.get("id")) if isinstance(found, dict) else None


def contact_resolve(organization: Organization, context: dict[str, Any]) -> dict[str, Any] | None:
    """The contact of the event: its own payload, the chat's contact (or a group message's
    sender), or the deal's first contact (deal events and payments). One query."""
    payload = context.get("payload") or {}
    contacts = Contact.objects.filter(organization=organization)
    pk = _payload_id(payload, "contact")
    if pk is None:
        note = payload.get("note")
        pk = id_of(note.get("contact")) if isinstance(note, dict) else None
    if pk is None:
        pk = id_of((context.get("chat") or {}).get("contact_id"))
    message = payload.get("message")
    if pk is None and isinstance(message, dict):  # a group chat: whoever wrote
        pk = id_of(message.get("sender_contact"))
    if pk is not None:
        contacts = contacts.filter(pk=pk)
    else:
        deal_id = _payload_id(payload, "deal")
        payment = payload.get("payment")
        if deal_id is None and isinstance(payment, dict):
            deal_id = id_of(payment.get("deal_id"))
        if deal_id is None:
            return None
        contacts = contacts.filter(deals=deal_id).order_by("pk")
    contact = contacts.annotate(tag_names=_tag_names("contacts"), main_company=_main_company())
    contact = contact.first()
    if contact is None:
        return None
    changed = []
    if (context.get("event") or {}).get("name") == "contact.updated":
        changed = [CONTACT_CHANGED.get(name, name) for name in payload.get("changed") or []]
    return {
        "id": contact.pk,
        "name": str(contact),
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.emails[0] if contact.emails else "",
        "telegram_username": contact.telegram_username,
        "title": contact.title,
        "source": contact.source,
        "tags": list(contact.tag_names or []),
        "owner_id": contact.owner_id,
        "company_id": contact.main_company,
        "_changed": changed,
    }


CONTACT_SUBJECT = Subject(
    key="contact",
    label="Contact",
    fields=(
        FieldSpec("contact.id", "Contact id", "number"),
        FieldSpec("contact.name", "Contact name"),
        FieldSpec("contact.first_name", "Contact first name"),
        FieldSpec("contact.email", "Contact email"),
        FieldSpec("contact.telegram_username", "Contact Telegram username"),
        FieldSpec("contact.title", "Contact job title"),
        FieldSpec("contact.source", "Contact source"),
        FieldSpec("contact.tags", "Contact tags", "tags", tag_choices),
        FieldSpec("contact.owner_id", "Contact owner", "choice", member_choices),
        FieldSpec("contact.company_id", "Contact's main company id", "number"),
    ),
    resolve=contact_resolve,
    after=("chat",),
)


# --- the "company" subject ---------------------------------------------------------------------


def company_resolve(organization: Organization, context: dict[str, Any]) -> dict[str, Any] | None:
    """The company of the event, the deal's company, or the contact's main company."""
    payload = context.get("payload") or {}
    pk = _payload_id(payload, "company")
    deal = payload.get("deal")
    if pk is None and isinstance(deal, dict):
        pk = id_of(deal.get("company_id"))
    if pk is None:
        pk = id_of((context.get("contact") or {}).get("company_id"))
    if pk is None:
        return None
    company = (
        Company.objects.filter(organization=organization, pk=pk)
        .annotate(tag_names=_tag_names("companies"))
        .first()
    )
    if company is None:
        return None
    changed = []
    if (context.get("event") or {}).get("name") == "company.updated":
        changed = [COMPANY_CHANGED.get(name, name) for name in payload.get("changed") or []]
    return {
        "id": company.pk,
        "name": company.name,
        "domain": company.domain,
        "industry": company.industry,
        "size": company.size,
        "country": company.country,
        "owner_id": company.owner_id,
        "tags": list(company.tag_names or []),
        "_changed": changed,
    }


COMPANY_SUBJECT = Subject(
    key="company",
    label="Company",
    fields=(
        FieldSpec("company.id", "Company id", "number"),
        FieldSpec("company.name", "Company name"),
        FieldSpec("company.domain", "Company domain"),
        FieldSpec("company.industry", "Company industry"),
        FieldSpec(
            "company.size",
            "Company size",
            "choice",
            lambda organization: list(Company.Size.choices),
        ),
        FieldSpec("company.country", "Company country (ISO code)"),
        FieldSpec("company.owner_id", "Company owner", "choice", member_choices),
        FieldSpec("company.tags", "Company tags", "tags", tag_choices),
    ),
    resolve=company_resolve,
    after=("contact",),
)


# --- actions -----------------------------------------------------------------------------------


def _tag_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    name = " ".join(str(params.get("tag") or "").split())
    if not name:
        raise ValidationError("Choose a tag.", fields={"tag": ["Choose a tag."]})
    if len(name) > MAX_NAME_LENGTH:
        message = f"Keep tag names under {MAX_NAME_LENGTH} characters."
        raise ValidationError(message, fields={"tag": [message]})
    return {"tag": name}


def _has_tag(contact: dict[str, Any], tag: str) -> bool:
    return tag.lower() in {name.lower() for name in contact.get("tags") or []}


def _tag_action(*, remove: bool) -> tuple[Any, Any]:
    def run(ctx: ActionContext, params: dict[str, Any]) -> str:
        from crm.services.contacts import contacts_tag

        contact = subject_of(ctx, "contact", "contact")
        tag = str(params.get("tag") or "")
        with refusals_as_action_errors():
            changed = contacts_tag(
                organization=ctx.organization,
                actor=actor_of(ctx),
                contact_ids=[contact["id"]],
                tag_names=[tag],
                remove=remove,
            )
        if not changed:
            state = "does not have" if remove else "already has"
            return f"{contact['name']} {state} the tag “{tag}”."
        if remove:
            return f"Removed the tag “{tag}” from {contact['name']}."
        return f"Added the tag “{tag}” to {contact['name']}."

    def preview(ctx: ActionContext, params: dict[str, Any]) -> str:
        contact = subject_of(ctx, "contact", "contact")
        tag = str(params.get("tag") or "")
        if _has_tag(contact, tag) != remove:
            state = "does not have" if remove else "already has"
            return f"{contact['name']} {state} the tag “{tag}”: nothing would change."
        verb = "remove the tag “{}” from" if remove else "add the tag “{}” to"
        return f"Would {verb.format(tag)} {contact['name']}."

    return run, preview


_add_run, _add_preview = _tag_action(remove=False)
_remove_run, _remove_preview = _tag_action(remove=True)


def _owner_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    return {"owner": member_clean(organization, params.get("owner"), "owner")}


def owner_run(ctx: ActionContext, params: dict[str, Any]) -> str:
    from crm.services.contacts import contacts_assign_owner

    contact = subject_of(ctx, "contact", "contact")
    owner = member_get(ctx.organization, params.get("owner"))
    with refusals_as_action_errors():
        changed = contacts_assign_owner(
            organization=ctx.organization,
            actor=actor_of(ctx),
            contact_ids=[contact["id"]],
            owner=owner,
        )
    if not changed:
        return f"{contact['name']} is already owned by {owner.email}."
    return f"Made {owner.email} the owner of {contact['name']}."


def owner_preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    contact = subject_of(ctx, "contact", "contact")
    owner = member_get(ctx.organization, params.get("owner"))
    return f"Would make {owner.email} the owner of {contact['name']}."


def _body_clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    from crm.services.notes import MAX_BODY

    return {"body": text_required(params, "body", MAX_BODY, "note")}


def note_run(ctx: ActionContext, params: dict[str, Any]) -> str:
    from crm.services.notes import note_add

    subject = subject_of(ctx, "contact", "contact")
    contact = Contact.objects.filter(organization=ctx.organization, pk=subject["id"]).first()
    if contact is None:
        raise ActionError(f"The contact {subject['name']} no longer exists.")
    with refusals_as_action_errors():
        note_add(
            organization=ctx.organization,
            actor=actor_of(ctx),
            body=render(str(params.get("body") or ""), ctx),
            contact=contact,
        )
    return f"Added a note to {subject['name']}."


def note_preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    contact = subject_of(ctx, "contact", "contact")
    body = render(str(params.get("body") or ""), ctx)
    return f"Would add a note to {contact['name']}: {body[:200]}"


ACTIONS = (
    ActionType(
        key="contact.add_tag",
        label="Tag the contact",
        description="A tag that does not exist yet is created.",
        needs=("contact",),
        params=(
            Param(
                "tag",
                "Tag",
                "text",
                choices=tag_choices,
                help="An existing tag, or a new name to create one.",
            ),
        ),
        run=_add_run,
        preview=_add_preview,
        clean=_tag_clean,
    ),
    ActionType(
        key="contact.remove_tag",
        label="Remove a tag from the contact",
        needs=("contact",),
        params=(Param("tag", "Tag", "choice", choices=tag_choices),),
        run=_remove_run,
        preview=_remove_preview,
        clean=_tag_clean,
    ),
    ActionType(
        key="contact.assign_owner",
        label="Assign the contact to a member",
        needs=("contact",),
        params=(Param("owner", "Owner", "choice", choices=member_choices),),
        run=owner_run,
        preview=owner_preview,
        clean=_owner_clean,
    ),
    ActionType(
        key="contact.add_note",
        label="Add a note to the contact",
        needs=("contact",),
        params=(
            Param(
                "body",
                "Note",
                "textarea",
                help="Markdown; placeholders such as {{ deal.title }} are filled in.",
            ),
        ),
        run=note_run,
        preview=note_preview,
        clean=_body_clean,
    ),
)


def register() -> None:
    """Add crm's subjects and actions to the automation registries."""
    register_subject(CONTACT_SUBJECT)
    register_subject(COMPANY_SUBJECT)
    for action in ACTIONS:
        register_action(action)
