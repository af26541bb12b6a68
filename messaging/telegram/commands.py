"""Bot commands for prospects and team members: /start, /help, /status, /contacts, /settings.

A sender is a *team member* when the Telegram account is linked to a BiDi user (Telegram
login: allauth's ``SocialAccount`` with provider "telegram" and the Telegram user id as uid)
who belongs to the bot's organization; anyone else is a prospect. Replies go through
``message_send(source="command")`` like every other outbound message, so they are stored,
rate-limited and retried. Commands run inside the update's processing transaction: a reply is
queued only when the update's work commits.

``/status`` lines come from a registry (``status_section``) so apps above messaging
(pipelines' deals, campaigns) add theirs without messaging importing them; so do ``/start``
deep-link payloads with a prefix (``start_payload_handler``), e.g. notifications' account
linking ``/start link_<code>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import role_has_perm
from automation.events import emit
from crm import search
from crm.models import Contact
from crm.services.contacts import contact_payload
from messaging.models import Chat, Message, TelegramBot

MAX_CONTACT_RESULTS = 5
# Telegram deep-link payloads: up to 64 characters of A-Z, a-z, 0-9, _ and -.
PAYLOAD_MAX = 64

StatusSection = Callable[[Membership], str]
_status_sections: dict[str, StatusSection] = {}


def status_section(name: str) -> Callable[[StatusSection], StatusSection]:
    """Register a function that writes one line of a team member's /status."""

    def register(func: StatusSection) -> StatusSection:
        _status_sections[name] = func
        return func

    return register


# (bot, private chat, sender, payload without the prefix) -> the bot's answer.
StartPayloadHandler = Callable[[TelegramBot, Chat, dict[str, Any], str], str]
_start_payload_handlers: dict[str, StartPayloadHandler] = {}


def start_payload_handler(prefix: str) -> Callable[[StartPayloadHandler], StartPayloadHandler]:
    """Register a handler of ``/start <prefix>…`` deep links in private chats. Its answer
    replaces the usual ``/start`` reply, and the payload is not taken as the contact's source."""

    def register(func: StartPayloadHandler) -> StartPayloadHandler:
        _start_payload_handlers[prefix] = func
        return func

    return register


def _start_payload_answer(
    *, bot: TelegramBot, chat: Chat, sender: dict[str, Any], args: str
) -> str | None:
    """The registered handler's answer to ``/start <args>``, or None when none claims it."""
    if chat.kind != Chat.Kind.PRIVATE:
        return None
    payload = args.split(" ", 1)[0][:PAYLOAD_MAX]
    for prefix, handler in _start_payload_handlers.items():
        if payload.startswith(prefix):
            return handler(bot, chat, sender, payload[len(prefix) :])
    return None


def team_member(organization_id: int, telegram_user_id: int | None) -> Membership | None:
    """The membership of the BiDi user who linked this Telegram account, in this organization."""
    if not telegram_user_id:
        return None
    user_ids = SocialAccount.objects.filter(provider="telegram", uid=str(telegram_user_id)).values(
        "user_id"
    )
    return (
        Membership.objects.filter(organization_id=organization_id, user_id__in=user_ids)
        .select_related("user", "organization")
        .first()
    )


def _reply(chat: Chat, to: Message, text: str, markup: dict | None = None) -> None:
    from messaging.services.sending import message_send

    message_send(
        chat=chat, actor=None, text=text, reply_to=to, reply_markup=markup, source="command"
    )


def _parse(text: str, bot: TelegramBot) -> tuple[str, str] | None:
    """``/cmd@bot args`` → ("cmd", "args"); None when it is no command for this bot."""
    if not text.startswith("/"):
        return None
    head, _, args = text[1:].partition(" ")
    name, _, addressee = head.partition("@")
    if addressee and addressee.lower() != bot.username.lower():
        return None
    return name.lower(), args.strip()


def command_handle(
    *, bot: TelegramBot, chat: Chat, message: Message, sender: dict[str, Any] | None
) -> bool:
    """Answer ``message`` when it is a command; True when it was one."""
    parsed = _parse(message.text, bot)
    if parsed is None or sender is None or sender.get("is_bot"):
        return False
    name, args = parsed
    if name == "start":
        answer = _start_payload_answer(bot=bot, chat=chat, sender=sender, args=args)
        if answer is not None:
            _reply(chat, message, answer)
            return True
    member = team_member(bot.organization_id, sender.get("id"))
    handler = COMMANDS.get(name)
    if handler is None:
        if chat.kind == Chat.Kind.PRIVATE:
            _reply(chat, message, "I don't know that command. /help lists what I understand.")
        return True
    _reply(chat, message, *handler(bot=bot, chat=chat, message=message, member=member, args=args))
    return True


# --- the commands: each returns (text, reply_markup or None) --------------------------------

Answer = tuple[str, dict | None]


def _start(*, bot: TelegramBot, chat: Chat, message: Message, member, args: str) -> Answer:
    org_name = bot.organization.name
    payload = "".join(c for c in args[:PAYLOAD_MAX] if c.isalnum() or c in "_-")
    if payload and chat.contact_id and chat.kind == Chat.Kind.PRIVATE:
        _attribute_source(chat.contact, payload)
    if member is not None:
        return (
            f"Hi {member.user.display_name}! This Telegram account is linked to your BiDi "
            f"account at {org_name} ({member.get_role_display()}). /help lists the commands.",
            None,
        )
    return (
        f"Hello! You're talking to {org_name}. Write your question here and a member of the "
        "team will answer in this chat.",
        None,
    )


def _attribute_source(contact: Contact, payload: str) -> None:
    """A deep link (t.me/<bot>?start=<payload>) names where the contact came from; the first
    one wins over the generic "telegram" source, a later link does not overwrite it."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.source not in ("", "telegram"):
        return
    contact.source = payload[:60]
    contact.save(update_fields=["source", "updated_at"])
    emit(
        contact.organization,
        "contact.updated",
        {"contact": contact_payload(contact), "changed": ["source"]},
        None,
    )


def _help(*, bot: TelegramBot, chat: Chat, message: Message, member, args: str) -> Answer:
    if member is None:
        return (
            "/start — say hello\n/status — where your conversation stands\n/help — this list\n"
            "Or just write your message: the team reads this chat.",
            None,
        )
    return (
        "/status — your open chats and deals\n/contacts <name> — find a contact\n"
        "/settings — your account and notification settings\n/help — this list",
        None,
    )


def _status(*, bot: TelegramBot, chat: Chat, message: Message, member, args: str) -> Answer:
    if member is None:
        last_out = (
            Message.objects.filter(chat=chat, direction=Message.Direction.OUT)
            .exclude(source=Message.Source.COMMAND)
            .order_by("-sent_at")
            .first()
        )
        if last_out is None:
            return "Your message reached the team; someone will answer here soon.", None
        return (
            f"The team last wrote to you {timezone.localtime(last_out.sent_at):%d %b %Y, %H:%M}.",
            None,
        )
    lines = [f"{member.organization.name} — {member.user.display_name}"]
    lines += [line for func in _status_sections.values() if (line := func(member))]
    return "\n".join(lines), None


@status_section("chats")
def _status_chats(member: Membership) -> str:
    """Chats with the member's contacts that had a message in the last 7 days."""
    since = timezone.now() - timezone.timedelta(days=7)
    chats = Chat.objects.filter(
        organization_id=member.organization_id,
        contact__owner_id=member.user_id,
        last_message_at__gte=since,
    )
    return f"Open chats (active in the last 7 days) with your contacts: {chats.count()}"


@status_section("deals")
def _status_deals(member: Membership) -> str:
    """Open deals the member owns, when the pipelines app is installed (looked up by name so
    messaging does not import pipelines)."""
    from django.apps import apps

    if not apps.is_installed("pipelines"):
        return ""
    deal = apps.get_model("pipelines", "Deal")
    deals = deal.objects.filter(
        organization_id=member.organization_id, owner_id=member.user_id, stage__kind="open"
    )
    return f"Open deals you own: {deals.count()}"


def _contacts(*, bot: TelegramBot, chat: Chat, message: Message, member, args: str) -> Answer:
    if member is None:
        return "This command is for the team.", None
    if not role_has_perm(member.role, "crm.view"):
        return "Your role cannot see contacts.", None
    if not args:
        return "Add what to look for: /contacts anna", None
    ids = search.contact_ids_matching(member.organization, args, cap=MAX_CONTACT_RESULTS)
    found = list(
        Contact.objects.filter(organization_id=member.organization_id, pk__in=ids).order_by(
            "full_name", "pk"
        )
    )
    if not found:
        return f"No contact matches “{args}”.", None
    lines = [f"Contacts matching “{args}”:"]
    buttons = []
    for contact in found:
        handle = f" (@{contact.telegram_username})" if contact.telegram_username else ""
        owner = " — yours" if contact.owner_id == member.user_id else ""
        lines.append(f"• {contact}{handle}{owner}")
        if contact.owner_id != member.user_id:
            buttons.append(
                [{"text": f"Take {contact}"[:60], "callback_data": f"contact.take:{contact.pk}"}]
            )
    markup = {"inline_keyboard": buttons} if buttons else None
    return "\n".join(lines), markup


def _settings(*, bot: TelegramBot, chat: Chat, message: Message, member, args: str) -> Answer:
    if member is None:
        return (
            "Nothing to set up: write here whenever you like. To stop messages, block the bot.",
            None,
        )
    url = settings.SITE_URL.rstrip("/") + reverse("settings_profile")
    return (
        f"You are {member.get_role_display()} at {member.organization.name}, signed in with "
        f"this Telegram account. Change your profile and notifications at {url}",
        None,
    )


COMMANDS: dict[str, Callable[..., Answer]] = {
    "start": _start,
    "help": _help,
    "status": _status,
    "contacts": _contacts,
    "settings": _settings,
}
