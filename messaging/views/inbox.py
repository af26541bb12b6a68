"""The inbox: the chat list, the open conversation and its context panel on one page
(``/inbox/`` and ``/inbox/<chat>/``), plus the htmx partials ``static/js/inbox.js`` asks for
when a live event arrives (a row, a bubble, an older page of messages) and the small POSTs of
the quick actions. Reads go through ``messaging.selectors_inbox``; writes through the inbox,
sending, template and crm services; other apps add context panels through
``messaging.inbox_panels``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import DomainError, ValidationError
from accounts.models import User
from accounts.tenancy import org_required
from automation.selectors import latest_event_id
from crm import selectors as crm_selectors
from crm.services import contacts as contact_services
from crm.services import notes as note_services
from messaging import inbox_panels, selectors, selectors_inbox
from messaging.linkpreview.selectors import link_previews_for
from messaging.models import Chat, Message
from messaging.services import inbox as inbox_services
from messaging.services.sending import MAX_UPLOAD_BYTES
from messaging.services.templates import response_template_render

NOTES_SHOWN = 5
ACTIVITY_SHOWN = 6
TEMPLATES_SHOWN = 20
SNOOZE_CHOICES = {
    "1h": "In an hour",
    "tomorrow": "Tomorrow morning",
    "next_week": "Next week",
}
EMOJI = [
    "😀",
    "😂",
    "😊",
    "😍",
    "🤔",
    "😅",
    "😎",
    "🙏",
    "👍",
    "👎",
    "👏",
    "🙌",
    "💪",
    "🤝",
    "👀",
    "🔥",
    "🎉",
    "✅",
    "❌",
    "⚡",
    "💡",
    "📈",
    "💰",
    "📅",
    "📎",
    "❤️",
    "🚀",
    "⭐",
]


# --- filters and lookups --------------------------------------------------------------------


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def inbox_filters(request: HttpRequest) -> selectors_inbox.InboxFilters:
    """The list's filters from the query string; unknown values fall back to the defaults."""
    params = request.GET
    try:
        return selectors_inbox.InboxFilters(
            assignee=params.get("assignee") or "all",
            status=params.get("status") or "open",
            channel=params.get("channel") or "",
            bot=_int_or_none(params.get("bot")),
            tag=_int_or_none(params.get("tag")),
            stage=_int_or_none(params.get("stage")),
            unread=params.get("unread") == "1",
        )
    except ValidationError:
        return selectors_inbox.InboxFilters()


def filter_query(filters: selectors_inbox.InboxFilters) -> str:
    """The non-default filters as a query string (links and partials keep them)."""
    defaults = selectors_inbox.InboxFilters()
    values = {
        name: value
        for name in ("assignee", "status", "channel", "bot", "tag", "stage")
        if (value := getattr(filters, name)) != getattr(defaults, name)
    }
    if filters.unread:
        values["unread"] = "1"
    return urlencode(values)


def _chat_or_404(request: HttpRequest, pk: int) -> Chat:
    chat = selectors_inbox.inbox_row(request.org.organization, request.user, pk)
    if chat is None:
        raise Http404("No such chat")
    return chat


def _message_or_404(chat: Chat, pk: int) -> Message:
    message = selectors.messages_list(chat.organization).filter(chat=chat, pk=pk).first()
    if message is None:
        raise Http404("No such message")
    return message


# --- the transcript -------------------------------------------------------------------------


@dataclass
class Bubble:
    """A message as the transcript draws it: with a day divider before it when the day
    changes, and without the sender line when it continues the previous sender's run."""

    message: Message
    day: datetime.date
    new_day: bool
    continued: bool
    previews: list[Any]


def _sender_key(message: Message) -> str:
    if message.direction == Message.Direction.OUT:
        return f"u{message.sender_user_id or 'bot'}"
    return f"c{message.sender_contact_id or '?'}"


def bubbles(messages: Iterable[Message], *, previous: Message | None = None) -> list[Bubble]:
    """Group ``messages`` (oldest first) by day and sender run, with their link cards."""
    messages = list(messages)
    previews = link_previews_for(messages)
    result = []
    for message in messages:
        day = timezone.localtime(message.sent_at).date()
        last_day = timezone.localtime(previous.sent_at).date() if previous else None
        continued = (
            previous is not None
            and last_day == day
            and previous.kind != Message.Kind.SERVICE
            and message.kind != Message.Kind.SERVICE
            and _sender_key(previous) == _sender_key(message)
            and (message.sent_at - previous.sent_at) < datetime.timedelta(minutes=10)
        )
        result.append(
            Bubble(
                message=message,
                day=day,
                new_day=day != last_day,
                continued=continued,
                previews=previews.get(message.pk, []),
            )
        )
        previous = message
    return result


def _can_send(request: HttpRequest, chat: Chat) -> bool:
    del chat  # every writer may write in every chat; a blocked chat says so when sending
    return request.org.has_perm("message.send")


# --- the context panel ----------------------------------------------------------------------


def _context_panel(request: HttpRequest, chat: Chat, **extra: Any) -> dict[str, Any]:
    organization = request.org.organization
    contact = chat.contact
    context: dict[str, Any] = {
        "chat": chat,
        "contact": contact,
        "can_edit_crm": request.org.has_perm("crm.edit"),
        "panels": inbox_panels.context_panels_render(request, chat),
        **extra,
    }
    if contact is not None:
        context.update(
            tags=list(contact.tags.all()),
            companies=[link.company for link in contact.company_links.select_related("company")],
            notes=list(crm_selectors.notes_list(organization, contact=contact)[:NOTES_SHOWN]),
            activity=crm_selectors.contact_timeline(contact, limit=ACTIVITY_SHOWN),
        )
    return context


def _render_context(request: HttpRequest, chat: Chat, **extra: Any) -> HttpResponse:
    return render(request, "messaging/inbox/_context.html", _context_panel(request, chat, **extra))


# --- pages ----------------------------------------------------------------------------------


@org_required("message.view")
@require_GET
def inbox(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The three panes. With a chat: it is marked read for the viewer (opening a chat is
    reading it); ``?message=<id>`` opens it around that message (a search hit) instead of at
    the newest."""
    organization = request.org.organization
    filters = inbox_filters(request)
    context: dict[str, Any] = {
        "live_since": latest_event_id(),  # before the reads: what happens meanwhile is replayed
        "filters": filters,
        "filter_query": filter_query(filters),
        "tags": crm_selectors.tags_list(organization),
        "stages": selectors_inbox.inbox_stage_choices(organization),
        "bots": selectors.bots_list(organization),
        "members": crm_selectors.org_members(organization),
        "snooze_choices": SNOOZE_CHOICES,
        "emoji": EMOJI,
        "max_upload_bytes": MAX_UPLOAD_BYTES,
        "chat": None,
    }
    if pk is not None:
        chat = _chat_or_404(request, pk)
        inbox_services.chat_mark_read(chat=chat, user=request.user)
        chat = _chat_or_404(request, pk)  # the row again, read
        target = _int_or_none(request.GET.get("message"))
        try:
            transcript = (
                selectors_inbox.messages_around(chat, target)
                if target
                else selectors_inbox.chat_messages_page(chat)
            )
        except DomainError as exc:
            raise Http404("No such message") from exc
        context.update(_context_panel(request, chat))
        context.update(
            transcript=transcript,
            bubbles=bubbles(transcript.messages),
            highlight=target,
            can_send=_can_send(request, chat),
        )
    # The list after the read mark, so the open chat's row shows it read.
    context["page"] = selectors_inbox.inbox_page(organization, request.user, filters=filters)
    return render(request, "messaging/inbox/inbox.html", context)


@org_required("message.view")
@require_GET
def inbox_rows(request: HttpRequest) -> HttpResponse:
    """A page of rows (filters changed, or "load more" with ``cursor``)."""
    filters = inbox_filters(request)
    try:
        page = selectors_inbox.inbox_page(
            request.org.organization,
            request.user,
            filters=filters,
            cursor=request.GET.get("cursor") or None,
        )
    except ValidationError:
        page = selectors_inbox.inbox_page(request.org.organization, request.user, filters=filters)
    context = {
        "page": page,
        "filters": filters,
        "filter_query": filter_query(filters),
        "active_id": _int_or_none(request.GET.get("active")),
    }
    return render(request, "messaging/inbox/_rows.html", context)


@org_required("message.view")
@require_GET
def inbox_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One row, fresh, for a live event. ``data-match`` says whether it still belongs in a
    list with the filters of the query string (the script drops it when not)."""
    organization = request.org.organization
    filters = inbox_filters(request)
    row = _chat_or_404(request, pk)
    matches = (
        selectors_inbox.inbox_list(organization, request.user, filters=filters)
        .filter(pk=pk)
        .exists()
    )
    context = {
        "row": row,
        "matches": matches,
        "filter_query": filter_query(filters),
        "active_id": _int_or_none(request.GET.get("active")),
    }
    return render(request, "messaging/inbox/_row.html", context)


@org_required("message.view")
@require_GET
def inbox_unread(request: HttpRequest) -> HttpResponse:
    """The unread total: JSON for the inbox's title, or the nav badge's text for htmx."""
    totals = selectors_inbox.inbox_unread_total(request.org.organization, request.user)
    if request.headers.get("HX-Request") == "true":
        return render(request, "messaging/inbox/_unread_badge.html", {"totals": totals})
    return JsonResponse(totals)


@org_required("message.view")
@require_GET
def inbox_search(request: HttpRequest) -> HttpResponse:
    """Chats and message hits for the search box; a hit opens the chat around the message."""
    q = (request.GET.get("q") or "").strip()[:200]
    result = (
        selectors_inbox.inbox_search(request.org.organization, request.user, q)
        if q
        else selectors_inbox.InboxSearchResult()
    )
    return render(request, "messaging/inbox/_search.html", {"q": q, "result": result})


# --- the conversation -----------------------------------------------------------------------


@org_required("message.view")
@require_GET
def inbox_messages(request: HttpRequest, pk: int) -> HttpResponse:
    """The page of messages before ``?before=<id>`` (scrolling up)."""
    chat = _chat_or_404(request, pk)
    before = _int_or_none(request.GET.get("before"))
    try:
        transcript = selectors_inbox.chat_messages_page(chat, before_id=before)
    except DomainError as exc:
        raise Http404("No such message") from exc
    context = {
        "chat": chat,
        "transcript": transcript,
        "bubbles": bubbles(transcript.messages),
        "can_send": _can_send(request, chat),
    }
    return render(request, "messaging/inbox/_messages.html", context)


@org_required("message.view")
@require_GET
def inbox_message(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """One bubble, fresh (a live message.* event: new, sent, failed, edited, deleted)."""
    chat = _chat_or_404(request, pk)
    return _bubble_response(request, chat, _message_or_404(chat, message_pk))


def _bubble_response(request: HttpRequest, chat: Chat, message: Message) -> HttpResponse:
    """One bubble, grouped against the message before it."""
    before = Q(sent_at__lt=message.sent_at) | Q(sent_at=message.sent_at, pk__lt=message.pk)
    previous = (
        selectors.messages_list(chat.organization)
        .filter(chat=chat)
        .filter(before)
        .order_by("-sent_at", "-pk")
        .first()
    )
    (bubble,) = bubbles([message], previous=previous)
    context = {"chat": chat, "bubble": bubble, "can_send": _can_send(request, chat)}
    return render(request, "messaging/inbox/_bubble.html", context)


@org_required("message.send")
@require_POST
def inbox_send(request: HttpRequest, pk: int) -> HttpResponse:
    """The composer (htmx): ``message_send`` queues it and the new bubble comes back (queued;
    the ``message.sent`` event turns it sent). Refusals come back next to the composer."""
    from messaging.services.sending import message_send

    chat = _chat_or_404(request, pk)
    upload = request.FILES.get("attachment")
    reply_to_id = _int_or_none(request.POST.get("reply_to"))
    try:
        reply_to = _message_or_404(chat, reply_to_id) if reply_to_id else None
        sent = message_send(
            chat=chat,
            actor=request.user,
            text=(request.POST.get("text") or "").strip(),
            attachments=[upload] if upload else [],
            reply_to=reply_to,
        )
    except DomainError as exc:
        response = render(request, "messaging/inbox/_composer_error.html", {"error": exc.message})
        response["HX-Retarget"] = "#composer-error"
        response["HX-Reswap"] = "innerHTML"
        return response
    return _bubble_response(request, chat, _message_or_404(chat, sent.pk))


@org_required("template.view")
@require_GET
def inbox_templates(request: HttpRequest, pk: int) -> HttpResponse:
    """Canned responses for the composer's picker, each rendered for this chat."""
    chat = _chat_or_404(request, pk)
    search = (request.GET.get("q") or "").strip()
    templates = selectors.response_templates_list(request.org.organization, search=search)
    choices = [
        {
            "template": template,
            "text": response_template_render(template=template, chat=chat, user=request.user),
        }
        for template in templates[:TEMPLATES_SHOWN]
    ]
    return render(request, "messaging/inbox/_templates.html", {"choices": choices, "q": search})


# --- quick actions --------------------------------------------------------------------------


def snooze_until(choice: str, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment a snooze choice means, in the site's time zone (mornings at 9:00)."""
    now = timezone.localtime(now or timezone.now())
    morning = {"hour": 9, "minute": 0, "second": 0, "microsecond": 0}
    if choice == "1h":
        return now + datetime.timedelta(hours=1)
    if choice == "tomorrow":
        return (now + datetime.timedelta(days=1)).replace(**morning)
    if choice == "next_week":
        days = 7 - now.weekday()  # next Monday
        return (now + datetime.timedelta(days=days)).replace(**morning)
    message = "Choose when the chat comes back."
    raise ValidationError(message, fields={"until": [message]})


def _assignee(request: HttpRequest) -> User | None:
    value = request.POST.get("assignee") or ""
    if value == "me":
        return request.user
    if not value:
        return None
    user = crm_selectors.org_members(request.org.organization).filter(pk=_int_or_none(value))
    found = user.first()
    if found is None:
        message = "Assign the chat to a member of this organization."
        raise ValidationError(message, fields={"assignee": [message]})
    return found


def _header(request: HttpRequest, chat: Chat, error: str = "") -> HttpResponse:
    context = {
        "chat": chat,
        "members": crm_selectors.org_members(request.org.organization),
        "snooze_choices": SNOOZE_CHOICES,
        "action_error": error,
    }
    return render(request, "messaging/inbox/_chat_header.html", context)


@org_required("message.view")
@require_GET
def inbox_header(request: HttpRequest, pk: int) -> HttpResponse:
    """The conversation header, fresh (a teammate assigned, snoozed or closed the chat)."""
    return _header(request, _chat_or_404(request, pk))


@org_required("message.view")
@require_POST
def inbox_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Assign, snooze, done, reopen, read, unread: the service decides (and checks the
    permission); the conversation header comes back, and the list row follows through the
    event every tab receives."""
    chat = _chat_or_404(request, pk)
    user = request.user
    error = ""
    try:
        if action == "assign":
            inbox_services.chat_assign(chat=chat, assignee=_assignee(request), actor=user)
        elif action == "snooze":
            until = snooze_until(request.POST.get("until") or "")
            inbox_services.chat_snooze(chat=chat, until=until, actor=user)
        elif action == "done":
            inbox_services.chat_mark_done(chat=chat, actor=user)
        elif action == "reopen":
            inbox_services.chat_reopen(chat=chat, actor=user)
        elif action == "read":
            inbox_services.chat_mark_read(chat=chat, user=user)
        elif action == "unread":
            inbox_services.chat_mark_unread(chat=chat, user=user)
        else:
            raise Http404("No such action")
    except DomainError as exc:
        error = exc.message
    if request.headers.get("HX-Request") != "true":
        return redirect("messaging:inbox_chat", pk=chat.pk)
    response = _header(request, _chat_or_404(request, pk), error)
    response["HX-Trigger"] = "inbox:changed"
    return response


def context_panel_response(request: HttpRequest, pk: int, **extra: Any) -> HttpResponse:
    """The context panel of chat ``pk`` as a response — for a registered panel's own POST
    views too (``extra`` reaches the panels' templates through the request, see
    ``pipelines.inbox_panel``)."""
    return _render_context(request, _chat_or_404(request, pk), **extra)


@org_required("message.view")
@require_GET
def inbox_context(request: HttpRequest, pk: int) -> HttpResponse:
    """The context panel alone (its sections refresh it after their own posts)."""
    return context_panel_response(request, pk)


def _contact_or_404(chat: Chat) -> Any:
    if chat.contact is None:
        raise Http404("This chat has no contact")
    return chat.contact


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


@org_required("crm.edit")
@require_POST
def inbox_contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A few of the contact's fields, edited in the panel through ``contact_update``."""
    chat = _chat_or_404(request, pk)
    contact = _contact_or_404(chat)
    post = request.POST
    data = {
        "first_name": post.get("first_name", ""),
        "last_name": post.get("last_name", ""),
        "title": post.get("title", ""),
        "emails": _split(post.get("emails", "")),
        "phones": _split(post.get("phones", "")),
    }
    try:
        contact_services.contact_update(contact=contact, actor=request.user, data=data)
    except DomainError as exc:
        return _render_context(request, chat, contact_errors=exc.fields or {"": [exc.message]})
    return _render_context(request, _chat_or_404(request, pk), saved="contact")


@org_required("crm.edit")
@require_POST
def inbox_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    chat = _chat_or_404(request, pk)
    contact = _contact_or_404(chat)
    try:
        note_services.note_add(
            organization=request.org.organization,
            actor=request.user,
            body=request.POST.get("body", ""),
            contact=contact,
        )
    except DomainError as exc:
        return _render_context(request, chat, note_error=exc.message)
    return _render_context(request, chat, saved="note")


@org_required("crm.edit")
@require_POST
def inbox_tag_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add tags (comma separated) to the contact; ``remove=<name>`` takes one away."""
    chat = _chat_or_404(request, pk)
    contact = _contact_or_404(chat)
    names = [tag.name for tag in contact.tags.all()]
    if removed := request.POST.get("remove"):
        names = [name for name in names if name != removed]
    else:
        names += [name for name in _split(request.POST.get("tags", "")) if name not in names]
    try:
        contact_services.contact_update(contact=contact, actor=request.user, data={"tags": names})
    except DomainError as exc:
        return _render_context(request, chat, tag_error=exc.message)
    return _render_context(request, _chat_or_404(request, pk), saved="tags")
