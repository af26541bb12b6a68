"""The catalogue's entries: every event the product emits, its payload version and meaning.

Payload fields are type expressions (automation/catalog/objects.py): ``"contact"`` is the
contact object, ``"int|null"`` an integer or null, ``"list[str]"`` a list of strings.
Add an entry in the same commit as the service that emits it (docs/contributing/add-an-event.md);
a changed payload shape is a new version.
"""

from __future__ import annotations

from automation.catalog.campaigns import CAMPAIGN_EVENTS
from automation.catalog.types import EventType

EVENT_TYPES: list[EventType] = [
    EventType(
        "organization.created", 1, "An organization was created.", {"organization": "organization"}
    ),
    EventType(
        "organization.updated",
        1,
        "Organization settings changed.",
        {"organization": "organization", "changed": "list[str]"},
    ),
    EventType(
        "organization.ownership_transferred",
        1,
        "Ownership moved to another member.",
        {"from_user": "int", "to_user": "int"},
    ),
    EventType("member.joined", 1, "A user became a member.", {"member": "member", "via": "str"}),
    EventType(
        "member.role_changed",
        1,
        "A member's role changed.",
        {"member": "member", "from_role": "str", "to_role": "str"},
    ),
    EventType("member.removed", 1, "A member was removed or left.", {"member": "member"}),
    EventType(
        "invitation.created",
        1,
        "An invitation was sent.",
        {"invitation": "invitation"},
        visible_to="invitation.view",
    ),
    EventType(
        "invitation.revoked",
        1,
        "An invitation was revoked.",
        {"invitation": "invitation"},
        visible_to="invitation.view",
    ),
    EventType(
        "invitation.accepted",
        1,
        "An invitation was accepted.",
        {"invitation": "invitation"},
        visible_to="invitation.view",
    ),
    EventType(
        "apikey.created",
        1,
        "An API key was created.",
        {"api_key": "api_key"},
        visible_to="apikey.view",
    ),
    EventType(
        "apikey.revoked",
        1,
        "An API key was revoked.",
        {"api_key": "api_key"},
        visible_to="apikey.view",
    ),
    # crm
    EventType("contact.created", 1, "A contact was created.", {"contact": "contact"}, "crm.view"),
    EventType(
        "contact.updated",
        1,
        "A contact's fields, tags or company links changed.",
        {"contact": "contact", "changed": "list[str]"},
        "crm.view",
    ),
    EventType("contact.deleted", 1, "A contact was deleted.", {"contact": "contact"}, "crm.view"),
    EventType(
        "contact.merged",
        1,
        "Two contacts were merged into one.",
        {"contact": "contact", "merged_id": "int"},
        "crm.view",
    ),
    EventType("company.created", 1, "A company was created.", {"company": "company"}, "crm.view"),
    EventType(
        "company.updated",
        1,
        "A company's fields or tags changed.",
        {"company": "company", "changed": "list[str]"},
        "crm.view",
    ),
    EventType("company.deleted", 1, "A company was deleted.", {"company": "company"}, "crm.view"),
    EventType(
        "company.merged",
        1,
        "Two companies were merged into one.",
        {"company": "company", "merged_id": "int"},
        "crm.view",
    ),
    EventType(
        "note.added",
        1,
        "A note was added to a contact or company.",
        {"note": "note"},
        "crm.view",
    ),
    EventType("note.updated", 1, "A note's text was edited.", {"note": "note"}, "crm.view"),
    EventType("note.deleted", 1, "A note was deleted.", {"note": "note"}, "crm.view"),
    EventType(
        "import.progressed",
        1,
        "A CSV import processed another chunk of rows.",
        {"import": "import"},
        "crm.import",
    ),
    EventType(
        "import.finished",
        1,
        "A CSV import completed, failed or was cancelled.",
        {"import": "import"},
        "crm.import",
    ),
    # pipelines: deal payloads are {id, title, value (str), currency, stage_id, pipeline_id,
    # owner_id, rank, version}; the live board applies them as they come.
    EventType(
        "pipeline.created", 1, "A pipeline was created.", {"pipeline": "pipeline"}, "deal.view"
    ),
    EventType(
        "pipeline.updated",
        1,
        "A pipeline or its stages changed (renamed, added, reordered, deleted).",
        {"pipeline": "pipeline", "changed": "list[str]"},
        "deal.view",
    ),
    EventType(
        "pipeline.deleted", 1, "A pipeline was deleted.", {"pipeline": "pipeline"}, "deal.view"
    ),
    EventType(
        "deal.created",
        1,
        "A deal was created; via says how (user, api, automation, import, ai_suggestion).",
        {"deal": "deal", "via": "str"},
        "deal.view",
    ),
    EventType(
        "deal.updated",
        1,
        "A deal's fields, contacts or tags changed.",
        {"deal": "deal", "changed": "list[str]"},
        "deal.view",
    ),
    EventType(
        "deal.stage_changed",
        1,
        "A deal moved to another stage.",
        {
            "deal": "deal",
            "from_stage_id": "int",
            "to_stage_id": "int",
            "before_id": "int|null",
            "after_id": "int|null",
            "via": "str",
        },
        "deal.view",
    ),
    EventType(
        "deal.moved",
        1,
        "A deal changed position within its stage.",
        {"deal": "deal", "before_id": "int|null", "after_id": "int|null"},
        "deal.view",
    ),
    EventType(
        "deal.won",
        1,
        "A deal entered a won stage.",
        {"deal": "deal", "from_stage_id": "int", "to_stage_id": "int"},
        "deal.view",
    ),
    EventType(
        "deal.lost",
        1,
        "A deal entered a lost stage.",
        {
            "deal": "deal",
            "from_stage_id": "int",
            "to_stage_id": "int",
            "lost_reason": "str",
        },
        "deal.view",
    ),
    EventType("deal.deleted", 1, "A deal was deleted.", {"deal": "deal"}, "deal.view"),
    EventType(
        "bot.connected",
        1,
        "A Telegram bot was connected (webhook or long polling).",
        {"bot": "bot"},
        "message.view",
    ),
    EventType(
        "bot.disconnected",
        1,
        "A Telegram bot was disconnected; its chats and messages stay.",
        {"bot": "bot"},
        "message.view",
    ),
    EventType(
        "chat.created",
        1,
        "A new chat started (the first update from a Telegram chat).",
        {"chat": "chat"},
        "message.view",
    ),
    EventType(
        "chat.blocked",
        1,
        "The bot was blocked by the user or removed from the group.",
        {"chat": "chat"},
        "message.view",
    ),
    EventType(
        "chat.assigned",
        1,
        "A conversation was assigned to a member, or unassigned (to_user null).",
        {"chat": "chat_state", "from_user": "int|null", "to_user": "int|null"},
        "message.view",
    ),
    EventType(
        "chat.status_changed",
        1,
        "A conversation was marked done, reopened or snoozed; reason is member, inbound "
        "(the contact wrote again) or snooze_ended.",
        {"chat": "chat_state", "from_status": "str", "reason": "str"},
        "message.view",
    ),
    EventType(
        "chat.read",
        1,
        "A member read a conversation or marked it unread. Read markers are personal: the "
        "event goes to the organization and carries the user, clients apply it only for "
        "themselves.",
        {
            "chat": "int",
            "user": "int",
            "last_read_message_id": "int|null",
            "unread": "int",
            "manual_unread": "bool",
        },
        "message.view",
    ),
    EventType(
        "message.received",
        1,
        "An inbound message arrived in a chat.",
        {"message": "message"},
        "message.view",
    ),
    EventType(
        "message.edited",
        1,
        "The sender edited a message.",
        {"message": "message"},
        "message.view",
    ),
    EventType(
        "message.deleted",
        1,
        "A message was deleted (where Telegram reports it).",
        {"message": "message"},
        "message.view",
    ),
    EventType(
        "message.queued",
        1,
        "An outbound message was queued for delivery.",
        {"message": "message"},
        "message.view",
    ),
    EventType(
        "message.sent",
        1,
        "Telegram accepted an outbound message.",
        {"message": "message"},
        "message.view",
    ),
    EventType(
        "message.failed",
        1,
        "An outbound message could not be delivered; the reason says why.",
        {"message": "message"},
        "message.view",
    ),
    EventType(
        "link_preview.fetched",
        1,
        "Link previews of a message are ready (one card per fetched link).",
        {"message": "int", "chat": "int", "previews": "list[link_preview]"},
        "message.view",
    ),
    EventType(
        "history.progressed",
        1,
        "A Telegram history import wrote another chunk of messages.",
        {"import": "history_import"},
        "history.import",
    ),
    EventType(
        "history.finished",
        1,
        "A Telegram history import completed or failed.",
        {"import": "history_import"},
        "history.import",
    ),
    # agents: draft payloads are {id, chat, status, trigger, text, provider, model,
    # is_language_model, failure_reason, requested_by}; the inbox renders them live.
    EventType(
        "draft.requested",
        1,
        "A reply draft was requested (by a member or by an inbound message).",
        {"draft": "draft"},
        "message.view",
    ),
    EventType(
        "draft.generated",
        1,
        "A reply draft is ready for review.",
        {"draft": "draft"},
        "message.view",
    ),
    EventType(
        "draft.failed",
        1,
        "A reply draft could not be generated; the payload says why.",
        {"draft": "draft"},
        "message.view",
    ),
    EventType(
        "draft.sent",
        1,
        "A draft was approved (possibly edited) and queued to send.",
        {"draft": "draft", "message": "int", "edited": "bool", "auto": "bool"},
        "message.view",
    ),
    EventType(
        "draft.rejected",
        1,
        "A member rejected a draft, with a reason.",
        {"draft": "draft", "reason": "str"},
        "message.view",
    ),
    EventType(
        "stage_suggestion.created",
        1,
        "The AI suggests moving a deal to another stage, with a one-line reason.",
        {"suggestion": "suggestion"},
        "deal.view",
    ),
    EventType(
        "stage_suggestion.accepted",
        1,
        "A member accepted a stage suggestion; the deal moved.",
        {"suggestion": "suggestion"},
        "deal.view",
    ),
    EventType(
        "stage_suggestion.dismissed",
        1,
        "A member dismissed a stage suggestion.",
        {"suggestion": "suggestion"},
        "deal.view",
    ),
    EventType(
        "ai_settings.updated",
        1,
        "The organization's AI provider, tone rules or guardrails changed.",
        {"changed": "list[str]"},
        "ai.manage",
    ),
    # payments recorded on deals (by a member or the API now; billing integrations later)
    EventType(
        "payment.received",
        1,
        "A payment for a deal was recorded.",
        {"payment": "payment", "deal": "deal"},
        "deal.view",
    ),
    # automation
    EventType(
        "trigger.created",
        1,
        "An automation was created.",
        {"trigger": "trigger"},
        "automation.view",
    ),
    EventType(
        "trigger.updated",
        1,
        "An automation was edited, enabled or disabled.",
        {"trigger": "trigger", "changed": "list[str]"},
        "automation.view",
    ),
    EventType(
        "trigger.deleted",
        1,
        "An automation was deleted.",
        {"trigger": "trigger"},
        "automation.view",
    ),
    EventType(
        "trigger_run.failed",
        1,
        "An automation's action failed for good (after its retries).",
        {"run": "run"},
        "automation.view",
    ),
    EventType(
        "webhook_endpoint.created",
        1,
        "An outgoing webhook endpoint was added.",
        {"endpoint": "endpoint"},
        "webhook.manage",
    ),
    EventType(
        "webhook_endpoint.updated",
        1,
        "An endpoint's URL, events, secret or enabled flag changed.",
        {"endpoint": "endpoint", "changed": "list[str]"},
        "webhook.manage",
    ),
    EventType(
        "webhook_endpoint.deleted",
        1,
        "An outgoing webhook endpoint was removed.",
        {"endpoint": "endpoint"},
        "webhook.manage",
    ),
    EventType(
        "webhook_endpoint.disabled",
        1,
        "An endpoint kept failing and was disabled; admins were told.",
        {"endpoint": "endpoint", "reason": "str"},
        "webhook.manage",
    ),
]

EVENT_TYPES += CAMPAIGN_EVENTS
