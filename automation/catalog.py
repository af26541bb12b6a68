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
    ]
}
