"""Reads for the inbox: the conversation list, a chat's message pages, and inbox search.

The list is one query over ``messaging_chat`` (joined to the contact, bot, assignee and the
user's own ``ChatReadState``): the last-message preview and the unread counter are stored on
the chat (``messaging.services.inbox``), so no row counts or scans messages. It is ordered by
``activity_at`` = COALESCE(last_message_at, created_at), newest first, which the
``chat_inbox_status`` / ``chat_inbox_assignee`` indexes serve; pages continue with
``ROW(activity_at, id) < ROW(…)`` (one index range scan however deep).

Other apps add to a row without messaging importing them: ``register_inbox_row_hook`` (the
pipelines app can put the open deal's stage chip there, one query per page).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Lower
from django.db.models.lookups import LessThan
from django.utils.dateparse import parse_datetime

from accounts.errors import NotFound, ValidationError
from accounts.models import Organization, User
from crm.models import Contact
from messaging.models import Attachment, Chat, Message

INBOX_PAGE_SIZE = 50
MESSAGES_PAGE_SIZE = 50
SEARCH_LIMIT = 20
# Trigram (LIKE '%…%') matching only helps from three characters; shorter queries use the
# full-text index with prefix matching alone.
TRIGRAM_MIN_LENGTH = 3

ASSIGNEE_CHOICES = ("all", "mine", "unassigned")
STATUS_CHOICES = ("open", "done", "snoozed", "all")


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox shows. ``status="all"`` shows every status; ``tag`` is a contact tag id."""

    assignee: str = "all"
    status: str = "open"
    channel: str = ""
    bot: int | None = None
    tag: int | None = None
    stage: int | None = None  # a deal stage: chats whose contact has an open deal there
    unread: bool = False

    def __post_init__(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.assignee not in ASSIGNEE_CHOICES:
            errors["assignee"] = [f"Choose one of: {', '.join(ASSIGNEE_CHOICES)}."]
        if self.status not in STATUS_CHOICES:
            errors["status"] = [f"Choose one of: {', '.join(STATUS_CHOICES)}."]
        if self.channel and self.channel not in Chat.Channel.values:
            errors["channel"] = [f"Choose one of: {', '.join(Chat.Channel.values)}."]
        if errors:
            raise ValidationError("Check the inbox filters.", fields=errors)


# --- row hooks ------------------------------------------------------------------------------

InboxRowHook = Callable[[Organization, list[Chat]], dict[int, Any]]
_row_hooks: dict[str, InboxRowHook] = {}


def register_inbox_row_hook(name: str, hook: InboxRowHook) -> None:
    """Let another app add ``row.inbox_extras[name]`` to every inbox row.

    ``hook(organization, chats)`` gets one page of chats and returns ``{chat_id: value}`` (JSON
    serialisable; chats it has nothing for are left out) — one query per page, never per row.
    Register it in the app's ``AppConfig.ready``; registering a name again replaces it.
    """
    _row_hooks[name] = hook


def unregister_inbox_row_hook(name: str) -> None:
    _row_hooks.pop(name, None)


@dataclass(frozen=True)
class StageFilter:
    """How the inbox filters by deal stage without importing pipelines: ``choices(org)`` lists
    (stage id, label) for the filter's menu; ``contacts(org, stage_id)`` is a queryset of the
    contact ids that have an open deal in that stage."""

    choices: Callable[[Organization], list[tuple[int, str]]]
    contacts: Callable[[Organization, int], QuerySet]


_stage_filter: list[StageFilter] = []


def register_inbox_stage_filter(stage_filter: StageFilter) -> None:
    """Called by the pipelines app from ``AppConfig.ready``; registering again replaces it."""
    _stage_filter[:] = [stage_filter]


def inbox_stage_choices(organization: Organization) -> list[tuple[int, str]]:
    return _stage_filter[0].choices(organization) if _stage_filter else []


def inbox_rows_decorate(organization: Organization, rows: list[Chat]) -> list[Chat]:
    """Fill ``row.inbox_extras`` from the registered hooks (call it on one page of rows)."""
    for row in rows:
        row.inbox_extras = {}
    if rows:
        for name, hook in _row_hooks.items():
            values = hook(organization, rows)
            for row in rows:
                if row.pk in values:
                    row.inbox_extras[name] = values[row.pk]
    return rows


# --- the list -------------------------------------------------------------------------------


def activity_at() -> Coalesce:
    """The inbox sort key; the same expression as the chat_inbox_* indexes."""
    return Coalesce("last_message_at", "created_at")


def _with_read_state(chats: QuerySet[Chat], user: User) -> QuerySet[Chat]:
    read = "my_read"
    return chats.annotate(
        **{read: FilteredRelation("read_states", condition=Q(read_states__user=user))}
    ).annotate(
        unread_count=Greatest(
            F("inbound_count") - Coalesce(F(f"{read}__read_inbound_count"), 0),
            Value(0),
            output_field=IntegerField(),
        ),
        manual_unread=Coalesce(
            F(f"{read}__manual_unread"), Value(False), output_field=BooleanField()
        ),
        last_read_message_id=F(f"{read}__last_read_message_id"),
    )


def inbox_list(organization: Organization, user: User, *, filters: InboxFilters) -> QuerySet[Chat]:
    """The user's inbox, newest activity first, each row with ``contact``, ``bot``,
    ``assigned_to`` loaded and ``activity_at``, ``unread_count``, ``manual_unread`` and
    ``last_read_message_id`` annotated. Page it with ``inbox_page`` (or the API's keyset
    pagination: the ordering is ``-activity_at, -id``) and pass each page through
    ``inbox_rows_decorate``."""
    chats = Chat.objects.filter(organization=organization)
    if filters.status != "all":
        chats = chats.filter(status=filters.status)
    if filters.assignee == "mine":
        chats = chats.filter(assigned_to=user)
    elif filters.assignee == "unassigned":
        chats = chats.filter(assigned_to__isnull=True)
    if filters.channel:
        chats = chats.filter(channel=filters.channel)
    if filters.bot is not None:
        chats = chats.filter(bot_id=filters.bot)
    if filters.tag is not None:
        tagged = Contact.tags.through.objects.filter(
            contact_id=OuterRef("contact_id"), tag_id=filters.tag
        )
        chats = chats.filter(Exists(tagged))
    if filters.stage is not None:
        if not _stage_filter:
            return Chat.objects.none()
        chats = chats.filter(contact_id__in=_stage_filter[0].contacts(organization, filters.stage))
    chats = _with_read_state(chats, user)
    if filters.unread:
        chats = chats.filter(Q(unread_count__gt=0) | Q(manual_unread=True))
    return (
        chats.select_related("contact", "bot", "assigned_to")
        # The bot's token is encrypted: decrypting it for every row costs more than the query.
        .defer("bot__token")
        .annotate(activity_at=activity_at())
        .order_by("-activity_at", "-id")
    )


class _Row(Func):
    function = "ROW"
    output_field = IntegerField()  # only ever compared, never selected


@dataclass
class InboxPage:
    rows: list[Chat]
    next_cursor: str | None


def _cursor_encode(chat: Chat) -> str:
    raw = f"{chat.activity_at.isoformat()}|{chat.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _cursor_decode(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        stamp, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = parse_datetime(stamp)
        if moment is None:
            raise ValueError
        return moment, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        message = "This cursor is not valid for this list: start again from the first page."
        raise ValidationError(message, fields={"cursor": [message]}) from error


def inbox_page(
    organization: Organization,
    user: User,
    *,
    filters: InboxFilters,
    cursor: str | None = None,
    limit: int = INBOX_PAGE_SIZE,
) -> InboxPage:
    """One page of ``inbox_list`` for the web inbox (decorated), and the cursor of the next."""
    chats = inbox_list(organization, user, filters=filters)
    if cursor:
        moment, pk = _cursor_decode(cursor)
        chats = chats.filter(LessThan(_Row(activity_at(), F("id")), _Row(Value(moment), Value(pk))))
    rows = list(chats[: limit + 1])
    more = len(rows) > limit
    rows = inbox_rows_decorate(organization, rows[:limit])
    return InboxPage(rows=rows, next_cursor=_cursor_encode(rows[-1]) if more else None)


def inbox_row(organization: Organization, user: User, chat_id: int) -> Chat | None:
    """One inbox row, whatever its status (to refresh a row when a live event arrives)."""
    row = inbox_list(organization, user, filters=InboxFilters(status="all")).filter(pk=chat_id)
    rows = inbox_rows_decorate(organization, list(row[:1]))
    return rows[0] if rows else None


def inbox_unread_total(organization: Organization, user: User) -> dict[str, int]:
    """For the title badge: conversations with something unread for ``user`` and the unread
    messages in them (done chats excluded: they have been dealt with)."""
    chats = _with_read_state(
        Chat.objects.filter(organization=organization).exclude(status=Chat.Status.DONE), user
    ).filter(Q(unread_count__gt=0) | Q(manual_unread=True))
    totals = chats.aggregate(chats=Count("id"), messages=Coalesce(Sum("unread_count"), 0))
    return {"chats": totals["chats"], "messages": totals["messages"]}


# --- a chat's messages ----------------------------------------------------------------------


def _chat_messages(chat: Chat) -> QuerySet[Message]:
    return (
        Message.objects.filter(organization_id=chat.organization_id, chat=chat)
        .select_related("sender_contact", "sender_user", "reply_to")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
    )


def _message_in_chat(chat: Chat, message_id: int) -> Message:
    message = Message.objects.filter(
        organization_id=chat.organization_id, chat=chat, pk=message_id
    ).first()
    if message is None:
        raise NotFound("Message not found.")
    return message


def _before(message: Message) -> Q:
    return Q(sent_at__lt=message.sent_at) | Q(sent_at=message.sent_at, pk__lt=message.pk)


def _after(message: Message) -> Q:
    return Q(sent_at__gt=message.sent_at) | Q(sent_at=message.sent_at, pk__gt=message.pk)


@dataclass
class MessagePage:
    """Messages oldest first; ``has_older`` / ``has_newer`` say whether scrolling can go on."""

    messages: list[Message]
    has_older: bool
    has_newer: bool = False


def chat_messages_page(
    chat: Chat, *, before_id: int | None = None, limit: int = MESSAGES_PAGE_SIZE
) -> MessagePage:
    """The ``limit`` messages before message ``before_id`` (default: the newest), oldest first,
    for scrolling a transcript upwards. Raises ``NotFound`` for a message of another chat."""
    messages = _chat_messages(chat)
    if before_id is not None:
        messages = messages.filter(_before(_message_in_chat(chat, before_id)))
    newest = list(messages.order_by("-sent_at", "-pk")[: limit + 1])
    has_older = len(newest) > limit
    return MessagePage(messages=list(reversed(newest[:limit])), has_older=has_older)


def messages_around(chat: Chat, message_id: int, *, n: int = 25) -> MessagePage:
    """Message ``message_id`` with up to ``n`` messages either side, oldest first (jumping to
    a search hit or a reply). Raises ``NotFound`` for a message of another chat."""
    target = _message_in_chat(chat, message_id)
    messages = _chat_messages(chat)
    older = list(messages.filter(_before(target)).order_by("-sent_at", "-pk")[: n + 1])
    newer = list(messages.filter(_after(target)).order_by("sent_at", "pk")[: n + 1])
    middle = messages.get(pk=target.pk)
    return MessagePage(
        messages=[*reversed(older[:n]), middle, *newer[:n]],
        has_older=len(older) > n,
        has_newer=len(newer) > n,
    )


# --- search ---------------------------------------------------------------------------------

WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class MessageHit:
    message: Message
    snippet: str


@dataclass
class InboxSearchResult:
    chats: list[Chat] = field(default_factory=list)
    messages: list[MessageHit] = field(default_factory=list)


def snippet(text: str, words: list[str], *, width: int = 60) -> str:
    """About ``2 * width`` characters of ``text`` around the first word of the query found."""
    line = " ".join(text.split())
    lowered = line.lower()
    positions = [lowered.find(word.lower()) for word in words]
    found = [p for p in positions if p >= 0]
    start = max(min(found) - width, 0) if found else 0
    end = min(start + 2 * width, len(line))
    return ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")


def inbox_search(
    organization: Organization, user: User, q: str, *, limit: int = SEARCH_LIMIT
) -> InboxSearchResult:
    """Chats whose title, @username or contact name contains ``q``, and messages whose text
    has every word of ``q`` (full-text with prefix matching: "pric" finds "price"), topped up
    with substring matches ("ice" finds "price") when the query is long enough for trigrams.
    Newest first; each message hit carries its chat and a snippet."""
    del user  # every member sees every conversation of the organization
    q = " ".join(q.split())
    words = WORD.findall(q)
    if not words:
        return InboxSearchResult()
    needle = q.lower()
    chats = Chat.objects.filter(organization=organization).select_related(
        "contact", "bot", "assigned_to"
    )
    matched = chats.alias(title_lower=Lower("title"), username_lower=Lower("username")).filter(
        Q(title_lower__contains=needle) | Q(username_lower__contains=needle.lstrip("@"))
    )
    contacts = Contact.objects.filter(organization=organization).alias(
        name_lower=Lower("full_name")
    )
    by_contact = chats.filter(
        contact__in=contacts.filter(name_lower__contains=needle).values("pk")[:200]
    )
    found: dict[int, Chat] = {}
    for chat in [
        *matched.order_by(F("last_message_at").desc(nulls_last=True))[:limit],
        *by_contact.order_by(F("last_message_at").desc(nulls_last=True))[:limit],
    ]:
        found.setdefault(chat.pk, chat)
    result_chats = sorted(
        found.values(),
        key=lambda chat: chat.last_message_at or chat.created_at,
        reverse=True,
    )[:limit]

    messages = Message.objects.filter(organization=organization, deleted_at__isnull=True)
    query = SearchQuery(
        " & ".join(f"{word}:*" for word in words), config="simple", search_type="raw"
    )
    hits = list(
        messages.alias(document=SearchVector("text", config="simple"))
        .filter(document=query)
        .select_related("chat", "chat__contact", "chat__bot")
        .order_by("-sent_at", "-pk")[:limit]
    )
    if len(hits) < limit and len(needle) >= TRIGRAM_MIN_LENGTH:
        hits += list(
            messages.alias(text_lower=Lower("text"))
            .filter(text_lower__contains=needle)
            .exclude(pk__in=[hit.pk for hit in hits])
            .select_related("chat", "chat__contact", "chat__bot")
            .order_by("-sent_at", "-pk")[: limit - len(hits)]
        )
        hits.sort(key=lambda message: (message.sent_at, message.pk), reverse=True)
    return InboxSearchResult(
        chats=result_chats,
        messages=[MessageHit(message=hit, snippet=snippet(hit.text, words)) for hit in hits],
    )
