"""Commands for prospects and team members; replies go out through message_send."""

import pytest
from allauth.socialaccount.models import SocialAccount

from crm.models import Contact
from messaging.models import Message
from messaging.tests import updates


def _replies(telegram):
    return [call.params["text"] for call in telegram.calls("sendMessage")]


@pytest.fixture
def teammate(connected, make_member):
    """Boris is a business developer of the bot's organization, signed in with Telegram."""
    member = make_member("bidi", organization=connected.bot.organization, full_name="Boris K")
    SocialAccount.objects.create(
        user=member.user, provider="telegram", uid=str(updates.BORIS["id"])
    )
    return member


def test_start_with_a_deep_link_payload_sets_the_contact_source(deliver, connected):
    deliver(connected.bot, updates.update(text="/start spring_webinar"))

    assert Contact.objects.get().source == "spring_webinar"
    [reply] = _replies(connected.telegram)
    assert "write your question here" in reply.lower()
    stored = Message.objects.get(direction="out")
    assert (stored.source, stored.status) == ("command", "sent")
    assert stored.reply_to.text == "/start spring_webinar"


def test_a_second_deep_link_does_not_overwrite_the_first_source(deliver, connected):
    deliver(connected.bot, updates.update(text="/start ads_google"))
    deliver(connected.bot, updates.update(text="/start newsletter"))

    assert Contact.objects.get().source == "ads_google"


def test_start_greets_a_team_member_by_name(deliver, connected, teammate):
    deliver(connected.bot, updates.update(text="/start", sender=updates.BORIS))

    assert "Hi Boris K" in _replies(connected.telegram)[0]


def test_help_differs_for_prospects_and_team_members(deliver, connected, teammate):
    deliver(connected.bot, updates.update(text="/help"))
    deliver(connected.bot, updates.update(text="/help", sender=updates.BORIS))

    prospect, member = _replies(connected.telegram)
    assert "/contacts" not in prospect
    assert "/contacts" in member


def test_status_for_a_team_member_counts_their_chats(deliver, connected, teammate):
    deliver(connected.bot, updates.update(text="hi"))  # Anna's chat
    Contact.objects.filter(telegram_user_id=updates.ANNA["id"]).update(owner=teammate.user)

    deliver(connected.bot, updates.update(text="/status", sender=updates.BORIS))

    reply = _replies(connected.telegram)[-1]
    assert "Open chats (active in the last 7 days) with your contacts: 1" in reply


def test_status_for_a_prospect_says_the_team_has_it(deliver, connected):
    deliver(connected.bot, updates.update(text="/status"))

    assert "reached the team" in _replies(connected.telegram)[0]


def test_contacts_searches_for_team_members_only(deliver, connected, teammate):
    Contact.objects.create(
        organization=connected.bot.organization, first_name="Zelda", last_name="Quist"
    )

    deliver(connected.bot, updates.update(text="/contacts zelda", sender=updates.BORIS))
    deliver(connected.bot, updates.update(text="/contacts zelda"))

    member_reply, prospect_reply = _replies(connected.telegram)
    assert "Zelda Quist" in member_reply
    assert prospect_reply == "This command is for the team."
    markup = connected.telegram.calls("sendMessage")[0].params["reply_markup"]
    assert "contact.take:" in markup


def test_settings_links_a_team_member_to_their_settings(deliver, connected, teammate, settings):
    settings.SITE_URL = "https://crm.example.com"
    deliver(connected.bot, updates.update(text="/settings", sender=updates.BORIS))

    assert "https://crm.example.com/settings/profile/" in _replies(connected.telegram)[0]


def test_an_unknown_command_in_private_gets_a_hint(deliver, connected):
    deliver(connected.bot, updates.update(text="/frobnicate"))

    assert "/help" in _replies(connected.telegram)[0]


def test_a_command_for_another_bot_in_a_group_is_ignored(deliver, connected):
    deliver(connected.bot, updates.update(text="/help@other_bot", chat=updates.GROUP))

    assert _replies(connected.telegram) == []
