"""What crm tells members (``notifications.registry``): a mention in a note, and an import of
theirs that finished. Registered from ``CrmConfig.ready()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.text import Truncator

from accounts.models import Membership
from accounts.permissions import role_has_perm
from crm.mentions import mentioned_user_ids
from crm.models import ImportJob, Note
from notifications.models import Notification
from notifications.registry import EMAIL, IN_APP, Content, NotificationType, register_type

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User
    from automation.models import Event

MENTION = "note.mention"
EXCERPT_LENGTH = 200


def _note(event: Event) -> Note | None:
    note_id = (event.payload.get("note") or {}).get("id")
    return (
        Note.objects.select_related("contact", "company", "deal")
        .filter(pk=note_id, organization_id=event.organization_id)
        .first()
    )


def _subject_perm(note_payload: dict) -> str:
    """Notes on deals are deal data; the others crm data."""
    return "deal.view" if note_payload.get("deal") else "crm.view"


def mention_recipients(event: Event) -> Iterable[int]:
    """Members the note's text (as of this event) mentions and whose role sees its subject.

    An edit tells only those not yet told about this note: fixing a typo in a note that
    mentions Anna does not tell her again, adding "@boris" tells Boris.
    """
    note = event.payload.get("note") or {}
    user_ids = mentioned_user_ids(event.organization_id, note.get("body") or "")
    if not user_ids:
        return []
    if event.name == "note.updated":
        told = set(
            Notification.objects.filter(
                type=MENTION, object_type="note", object_id=note.get("id"), user_id__in=user_ids
            ).values_list("user_id", flat=True)
        )
        user_ids = [user_id for user_id in user_ids if user_id not in told]
    perm = _subject_perm(note)
    roles = dict(
        Membership.objects.filter(
            organization_id=event.organization_id, user_id__in=user_ids
        ).values_list("user_id", "role")
    )
    return [user_id for user_id in user_ids if role_has_perm(roles.get(user_id), perm)]


def _subject(note: Note) -> tuple[str, str, str]:
    """(kind, name, url) of what the note is about; a deal first, then the contact."""
    if note.deal_id is not None:
        return "deal", str(note.deal), note.deal.get_absolute_url()
    if note.contact_id is not None:
        return "contact", str(note.contact), reverse("crm:contact_detail", args=[note.contact_id])
    return "company", str(note.company), reverse("crm:company_detail", args=[note.company_id])


def mention_render(event: Event, user: User) -> Content | None:
    note = _note(event)
    if note is None:
        return None  # deleted before the event was dispatched
    kind, name, url = _subject(note)
    author = event.actor.display_name if event.actor is not None else "Someone"
    body = (event.payload.get("note") or {}).get("body") or note.body
    return Content(
        title=f"{author} mentioned you in a note on {name}",
        body=Truncator(" ".join(body.split())).chars(EXCERPT_LENGTH),
        url=url,
        object_type="note",
        object_id=note.pk,
        data={"subject": kind},
    )


def mention_still_visible(membership: Membership, notification: Notification) -> bool:
    """Not once the note is deleted; a deal note needs ``deal.view`` as well."""
    if notification.data.get("subject") == "deal" and not role_has_perm(
        membership.role, "deal.view"
    ):
        return False
    return Note.objects.filter(
        pk=notification.object_id, organization_id=membership.organization_id
    ).exists()


def import_recipients(event: Event) -> Iterable[int]:
    """The member who started the import (the event's actor)."""
    return [event.actor_id] if event.actor_id else []


def import_render(event: Event, user: User) -> Content | None:
    job = event.payload.get("import") or {}
    counts = (
        f"{job.get('created', 0)} created, {job.get('updated', 0)} updated, "
        f"{job.get('failed', 0)} failed"
    )
    name = job.get("file_name") or "your file"
    status = job.get("status")
    if status == ImportJob.Status.COMPLETED:
        title = f"Import of {name} finished: {counts}"
    elif status == ImportJob.Status.CANCELLED:
        title = f"Import of {name} was cancelled: {counts}"
    else:
        title = f"Import of {name} failed: {counts}"
    body = (
        f"{job.get('processed_rows', 0)} of {job.get('total_rows', 0)} rows processed, "
        f"{job.get('skipped', 0)} skipped."
    )
    return Content(
        title=title,
        body=body,
        url=reverse("crm:import_detail", args=[job.get("id")]),
        object_type="import",
        object_id=job.get("id"),
        data={"status": status or ""},
    )


def register() -> None:
    """Called from ``CrmConfig.ready()``."""
    register_type(
        NotificationType(
            key=MENTION,
            label="Someone mentions me in a note",
            group="Notes",
            events=("note.added", "note.updated"),
            recipients=mention_recipients,
            render=mention_render,
            perm="crm.view",
            default_channels=frozenset({IN_APP, EMAIL}),
            description="A note on a contact, company or deal names you with @name.",
            still_visible=mention_still_visible,
        )
    )
    register_type(
        NotificationType(
            key="import.finished",
            label="My import finished",
            group="Imports",
            events=("import.finished",),
            recipients=import_recipients,
            render=import_render,
            perm="crm.import",
            default_channels=frozenset({IN_APP, EMAIL}),
            description="A CSV import you started completed, failed or was cancelled.",
            # The one who started it is the event's actor, and the one to tell.
            notify_actor=True,
        )
    )
