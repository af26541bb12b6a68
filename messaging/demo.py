"""Demo data of messaging for ``manage.py seed_demo``: a demo bot (not connected to Telegram —
its token is not real) with a few private chats and a group, so the Chats pages show what
conversations look like. Connect a real bot in Settings → Telegram bots to receive messages."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.demo import DemoContext, demo_step
from crm.models import Contact
from messaging.models import TelegramBot
from messaging.services.chats import chat_for_telegram_chat, chat_member_join
from messaging.services.inbound import InboundMessage, message_record

CONVERSATIONS = (
    ("Hi! We saw your talk at Web Summit — do you offer a pilot for 20 seats?",
     "Also, can the pilot start in March?"),
    ("Sending over the term sheet draft, let me know what you think.",),
    ("Is there an API for importing our contacts?",),
)  # fmt: skip
FIRST_TELEGRAM_ID = 410001
GROUP = {"id": -1001999000111, "title": "Tonpay × Acme deal room", "type": "supergroup"}


@demo_step("messaging.chats")
def seed_chats(ctx: DemoContext) -> bool:
    organization = ctx.organization
    if organization is None or TelegramBot.objects.filter(organization=organization).exists():
        return False
    bot = TelegramBot.objects.create(
        organization=organization,
        name="Demo bot (not connected)",
        username="bidi_demo_bot",
        telegram_id=7000000001,
        token="7000000001:AAdemo-token-not-connected-to-telegram",
        is_active=False,
        disconnected_at=timezone.now(),
        connected_by=ctx.owner,
    )
    start = timezone.now() - datetime.timedelta(hours=6)
    # The CRM step's first contacts write in (given Telegram ids, so no contact is added).
    people = list(Contact.objects.filter(organization=organization).order_by("pk")[:3])
    for n, (person, texts) in enumerate(zip(people, CONVERSATIONS, strict=False)):
        if person.telegram_user_id is None:
            person.telegram_user_id = FIRST_TELEGRAM_ID + n
            person.save(update_fields=["telegram_user_id"])
        user = {"id": person.telegram_user_id, "first_name": person.first_name}
        chat, _ = chat_for_telegram_chat(
            bot=bot, chat={"id": person.telegram_user_id, "type": "private"}, private_user=user
        )
        for m, text in enumerate(texts):
            message_record(
                chat=chat,
                data=InboundMessage(
                    telegram_message_id=m + 1,
                    sent_at=start + datetime.timedelta(minutes=40 * n + 3 * m),
                    text=text,
                    sender_contact=chat.contact,
                ),
            )
    if len(people) < 2:
        return True
    group, _ = chat_for_telegram_chat(bot=bot, chat=GROUP)
    for contact in people[:2]:
        chat_member_join(chat=group, contact=contact, at=start)
    message_record(
        chat=group,
        data=InboundMessage(
            telegram_message_id=1,
            sent_at=start + datetime.timedelta(hours=2),
            text="Welcome everyone — let's use this group for the integration questions.",
            sender_contact=people[0],
        ),
    )
    ctx.notes.append("Chats: a demo bot with its chats (connect a real bot in Settings).")
    return True
