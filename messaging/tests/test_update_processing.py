"""Updates become chats, contacts, members and messages; events announce them."""

from automation.models import Event
from crm.models import Contact
from messaging.models import Chat, ChatMember, Message
from messaging.tests import updates


def test_a_private_message_creates_the_chat_the_contact_and_the_message(deliver, connected):
    update = updates.update(
        text="Hi, I saw your pricing page",
        entities=[{"offset": 14, "length": 7, "type": "italic"}],
    )

    deliver(connected.bot, update)

    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name) == ("Anna", "Petrova")
    assert contact.telegram_user_id == updates.ANNA["id"]
    assert contact.telegram_username == "anna_petrova"
    assert contact.last_replied_at is not None
    chat = Chat.objects.get()
    assert (chat.kind, chat.contact, chat.telegram_chat_id) == (
        "private",
        contact,
        updates.ANNA["id"],
    )
    message = Message.objects.get()
    assert message.direction == "in" and message.status == "received"
    assert message.sender_contact == contact
    assert message.entities == [{"offset": 14, "length": 7, "type": "italic"}]
    assert message.telegram_message_id == update["message"]["message_id"]
    assert chat.last_message_at == message.sent_at
    names = set(Event.objects.values_list("name", flat=True))
    assert {"contact.created", "chat.created", "message.received"} <= names
    received = Event.objects.get(name="message.received")
    assert received.payload["message"]["id"] == message.pk


def test_the_same_person_is_one_contact_across_chats(deliver, connected):
    deliver(connected.bot, updates.update(text="private"))
    deliver(connected.bot, updates.update(text="in the group", chat=updates.GROUP))

    assert Contact.objects.count() == 1
    assert Chat.objects.count() == 2


def test_a_contact_typed_in_by_username_gets_the_telegram_id(deliver, connected):
    typed = Contact.objects.create(
        organization=connected.bot.organization,
        first_name="Anna P.",
        telegram_username="anna_petrova",
    )

    deliver(connected.bot, updates.update(text="hello"))

    typed.refresh_from_db()
    assert typed.telegram_user_id == updates.ANNA["id"]
    assert Contact.objects.count() == 1


def test_a_group_chat_keeps_title_and_members(deliver, connected):
    joined = updates.message(
        None, sender=updates.ANNA, chat=updates.GROUP, new_chat_members=[updates.BORIS]
    )
    deliver(connected.bot, updates.update(payload=joined))
    deliver(connected.bot, updates.update(text="Hi all", sender=updates.BORIS, chat=updates.GROUP))

    chat = Chat.objects.get()
    assert (chat.kind, chat.title, chat.contact) == ("supergroup", "Acme × Globex deal room", None)
    members = set(ChatMember.objects.values_list("contact__first_name", flat=True))
    assert members == {"Anna", "Boris"}
    service, text = Message.objects.order_by("pk")
    assert (service.kind, service.service_action) == ("service", "member_joined")
    assert "Boris joined" in service.text
    assert text.sender_contact.first_name == "Boris"


def test_a_member_who_left_is_marked(deliver, connected):
    deliver(connected.bot, updates.update(text="hi", sender=updates.BORIS, chat=updates.GROUP))
    left = updates.message(
        None, sender=updates.BORIS, chat=updates.GROUP, left_chat_member=updates.BORIS
    )
    deliver(connected.bot, updates.update(payload=left))

    assert ChatMember.objects.get().left_at is not None


def test_a_reply_links_to_the_quoted_message(deliver, connected):
    first = updates.message("What is the price?")
    deliver(connected.bot, updates.update(payload=first))
    reply = updates.message("And delivery?", reply_to_message=first)
    deliver(connected.bot, updates.update(payload=reply))

    stored = Message.objects.get(text="And delivery?")
    assert stored.reply_to.text == "What is the price?"


def test_a_quoted_message_the_bot_never_saw_is_recorded_too(deliver, connected):
    unseen = updates.message("sent before the bot was connected")
    deliver(connected.bot, updates.update(text="replying", reply_to_message=unseen))

    assert Message.objects.get(text="replying").reply_to.text == unseen["text"]


def test_an_edit_changes_the_text_and_emits_message_edited(deliver, connected):
    original = updates.message("Price is 100")
    deliver(connected.bot, updates.update(payload=original))
    edited = {**original, "text": "Price is 120", "edit_date": original["date"] + 60}
    deliver(connected.bot, updates.update("edited_message", edited))

    message = Message.objects.get()
    assert message.text == "Price is 120"
    assert message.edited_at is not None
    assert Event.objects.filter(name="message.edited").count() == 1


def test_deleted_business_messages_are_marked_not_removed(deliver, connected):
    original = updates.message("oops")
    deliver(connected.bot, updates.update(payload=original))
    deleted = {
        "business_connection_id": "AbCdEf",
        "chat": original["chat"],
        "message_ids": [original["message_id"]],
    }
    deliver(connected.bot, updates.update("deleted_business_messages", deleted))

    assert Message.objects.get().deleted_at is not None
    assert Event.objects.filter(name="message.deleted").count() == 1


def test_blocking_the_bot_marks_the_chat(deliver, connected):
    deliver(connected.bot, updates.update(text="hi"))
    bot_user = {"id": connected.bot.telegram_id, "is_bot": True, "first_name": "Acme"}
    deliver(connected.bot, updates.my_chat_member(updates.ANNA, "kicked", bot_user))

    chat = Chat.objects.get()
    assert chat.is_blocked and chat.blocked_at is not None
    assert Event.objects.filter(name="chat.blocked").count() == 1
