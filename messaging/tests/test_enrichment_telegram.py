"""The telegram_profile provider fills in a new chat's contact from getChat (names, bio)."""

from crm.enrichment import contact_enrich
from crm.models import Contact
from messaging.tests import updates


def test_a_new_private_chat_fills_the_contacts_bio(deliver, connected):
    connected.telegram.add_chat(
        {**updates.private_chat(updates.ANNA), "bio": "Head of procurement at Globex"}
    )

    deliver(connected.bot, updates.update(text="hello"))

    contact = Contact.objects.get()
    assert contact.telegram_bio == "Head of procurement at Globex"
    [call] = connected.telegram.calls("getChat")
    assert call.params["chat_id"] == str(updates.ANNA["id"])


def test_names_are_proposed_only_where_ours_are_empty(deliver, connected):
    nameless = {"id": 555000111, "is_bot": False, "first_name": "", "username": "quiet_one"}
    connected.telegram.add_chat(
        {
            "id": 555000111,
            "type": "private",
            "first_name": "Quinn",
            "last_name": "Oakes",
            "bio": "Buyer",
        }
    )

    deliver(connected.bot, updates.update(text="hi", sender=nameless))

    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name, contact.telegram_bio) == (
        "Quinn",
        "Oakes",
        "Buyer",
    )


def test_running_the_provider_again_changes_nothing(deliver, connected):
    connected.telegram.add_chat({**updates.private_chat(updates.ANNA), "bio": "Bio"})
    deliver(connected.bot, updates.update(text="hello"))
    contact = Contact.objects.get()

    applied = contact_enrich(
        contact=contact, actor=connected.owner.user, providers=["telegram_profile"]
    )

    assert applied == []


def test_an_unknown_profile_changes_nothing(deliver, connected):
    deliver(connected.bot, updates.update(text="hello"))  # getChat answers "chat not found"

    contact = Contact.objects.get()
    assert contact.telegram_bio == ""
    assert contact.first_name == "Anna"
