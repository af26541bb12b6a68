"""Inline buttons: every query is answered; the action runs only for a role that may."""

import json

import pytest
from allauth.socialaccount.models import SocialAccount

from crm.models import Contact
from messaging.tests import updates


def _member(connected, make_member, role, telegram_user):
    member = make_member(role, organization=connected.bot.organization)
    SocialAccount.objects.create(
        user=member.user, provider="telegram", uid=str(telegram_user["id"])
    )
    return member


@pytest.fixture
def lead(connected):
    return Contact.objects.create(organization=connected.bot.organization, first_name="Lead")


def _press(deliver, connected, data, sender):
    on = updates.message(
        "Contacts:",
        sender={"id": connected.bot.telegram_id, "is_bot": True, "first_name": "Acme"},
        chat=updates.private_chat(sender),
    )
    deliver(connected.bot, updates.callback_query(data, sender=sender, on=on))
    [answer] = connected.telegram.calls("answerCallbackQuery")
    return answer.params


def test_a_viewer_is_refused_and_nothing_changes(deliver, connected, make_member, lead):
    _member(connected, make_member, "viewer", updates.BORIS)

    answer = _press(deliver, connected, f"contact.take:{lead.pk}", updates.BORIS)

    assert answer["text"] == "Your role (Viewer) cannot do this."
    assert json.loads(answer["show_alert"]) is True
    lead.refresh_from_db()
    assert lead.owner is None


def test_a_business_developer_takes_the_contact(deliver, connected, make_member, lead):
    member = _member(connected, make_member, "bidi", updates.BORIS)

    answer = _press(deliver, connected, f"contact.take:{lead.pk}", updates.BORIS)

    assert answer["text"] == "Lead is now yours."
    lead.refresh_from_db()
    assert lead.owner == member.user


def test_a_prospect_is_refused(deliver, connected, lead):
    answer = _press(deliver, connected, f"contact.take:{lead.pk}", updates.ANNA)

    assert answer["text"].startswith("Only team members")
    lead.refresh_from_db()
    assert lead.owner is None


def test_an_unknown_button_is_answered(deliver, connected, make_member):
    _member(connected, make_member, "owner", updates.BORIS)

    answer = _press(deliver, connected, "nonsense:1", updates.BORIS)

    assert answer["text"] == "This button no longer works."


def test_a_member_of_another_organization_is_refused(deliver, connected, make_member, lead):
    make_member("owner")  # another organization
    other = make_member("owner")
    SocialAccount.objects.create(user=other.user, provider="telegram", uid=str(updates.BORIS["id"]))

    answer = _press(deliver, connected, f"contact.take:{lead.pk}", updates.BORIS)

    assert answer["text"].startswith("Only team members")
