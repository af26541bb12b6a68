"""Every event the product emits, with its payload version and meaning.

``emit`` refuses names that are not here, so this file is the complete, published list.
Add an entry in the same commit as the service that emits it (docs/contributing/add-an-event.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    description: str
    payload: dict[str, str]
    # Who may receive it live (WebSocket) and, later, through webhooks and notifications.
    visible_to: str = "organization.view"


CATALOG: dict[str, EventType] = {
    e.name: e
    for e in [
        EventType(
            "organization.created", 1, "An organization was created.", {"organization": "object"}
        ),
        EventType(
            "organization.updated",
            1,
            "Organization settings changed.",
            {"organization": "object", "changed": "list[str]"},
        ),
        EventType(
            "organization.ownership_transferred",
            1,
            "Ownership moved to another member.",
            {"from_user": "int", "to_user": "int"},
        ),
        EventType(
            "member.joined", 1, "A user became a member.", {"member": "object", "via": "str"}
        ),
        EventType(
            "member.role_changed",
            1,
            "A member's role changed.",
            {"member": "object", "from_role": "str", "to_role": "str"},
        ),
        EventType("member.removed", 1, "A member was removed or left.", {"member": "object"}),
        EventType(
            "invitation.created",
            1,
            "An invitation was sent.",
            {"invitation": "object"},
            visible_to="invitation.view",
        ),
        EventType(
            "invitation.revoked",
            1,
            "An invitation was revoked.",
            {"invitation": "object"},
            visible_to="invitation.view",
        ),
        EventType(
            "invitation.accepted",
            1,
            "An invitation was accepted.",
            {"invitation": "object"},
            visible_to="invitation.view",
        ),
        EventType(
            "apikey.created",
            1,
            "An API key was created.",
            {"api_key": "object"},
            visible_to="apikey.view",
        ),
        EventType(
            "apikey.revoked",
            1,
            "An API key was revoked.",
            {"api_key": "object"},
            visible_to="apikey.view",
        ),
        # crm
        EventType(
            "contact.created", 1, "A contact was created.", {"contact": "object"}, "crm.view"
        ),
        EventType(
            "contact.updated",
            1,
            "A contact's fields, tags or company links changed.",
            {"contact": "object", "changed": "list[str]"},
            "crm.view",
        ),
        EventType(
            "contact.deleted", 1, "A contact was deleted.", {"contact": "object"}, "crm.view"
        ),
        EventType(
            "contact.merged",
            1,
            "Two contacts were merged into one.",
            {"contact": "object", "merged_id": "int"},
            "crm.view",
        ),
        EventType(
            "company.created", 1, "A company was created.", {"company": "object"}, "crm.view"
        ),
        EventType(
            "company.updated",
            1,
            "A company's fields or tags changed.",
            {"company": "object", "changed": "list[str]"},
            "crm.view",
        ),
        EventType(
            "company.deleted", 1, "A company was deleted.", {"company": "object"}, "crm.view"
        ),
        EventType(
            "company.merged",
            1,
            "Two companies were merged into one.",
            {"company": "object", "merged_id": "int"},
            "crm.view",
        ),
        EventType(
            "note.added",
            1,
            "A note was added to a contact or company.",
            {"note": "object"},
            "crm.view",
        ),
        EventType("note.updated", 1, "A note's text was edited.", {"note": "object"}, "crm.view"),
        EventType("note.deleted", 1, "A note was deleted.", {"note": "object"}, "crm.view"),
        EventType(
            "import.progressed",
            1,
            "A CSV import processed another chunk of rows.",
            {"import": "object"},
            "crm.import",
        ),
        EventType(
            "import.finished",
            1,
            "A CSV import completed, failed or was cancelled.",
            {"import": "object"},
            "crm.import",
        ),
    ]
}
