"""Approving and rejecting drafts with the bot's inline buttons (agents.telegram_buttons),
end to end against the fake Bot API: inbound → draft → the ``draft.ready`` notice with its
buttons in the member's private chat (through notifications) → press → the prospect receives
the text."""

from __future__ import annotations

import json

import pytest
from allauth.socialaccount.models import SocialAccount

from agents.models import Draft
from agents.services.drafts import draft_request
from agents.tests.factories import DraftFactory
from automation.models import Event
from messaging.models import Chat
from messaging.tests import updates
from notifications.models import Delivery
from notifications.services import preferences_update
from notifications.subscriber import notify_for_event


@pytest.fixture
def team(connected, deliver, make_member):
    """Boris (a business developer, Telegram linked, has written to the bot) and a chat with
    the prospect Anna assigned to him."""
    boris = make_member("bidi", organization=connected.bot.organization, full_name="Boris K")
    SocialAccount.objects.create(user=boris.user, provider="telegram", uid=str(updates.BORIS["id"]))
    deliver(connected.bot, updates.update(payload=updates.message("hi", sender=updates.BORIS)))
    deliver(
        connected.bot, updates.update(payload=updates.message("Hello! Price?", sender=updates.ANNA))
    )
    anna = Chat.objects.get(bot=connected.bot, telegram_chat_id=updates.ANNA["id"])
    anna.assigned_to = boris.user
    anna.save(update_fields=["assigned_to"])
    return boris, anna


def _ready_draft(boris, anna, django_capture_on_commit_callbacks) -> Draft:
    with django_capture_on_commit_callbacks(execute=True):
        draft = draft_request(chat=anna, actor=boris.user)
    draft.refresh_from_db()
    assert draft.status == Draft.Status.READY, draft.failure_reason
    return draft


def _offers(telegram) -> list:
    return [
        call.params
        for call in telegram.calls("sendMessage")
        if str(call.params.get("chat_id")) == str(updates.BORIS["id"])
        and "reply_markup" in call.params
    ]


def _press(deliver, connected, data, sender=updates.BORIS):
    before = len(connected.telegram.calls("answerCallbackQuery"))
    on = updates.message(
        "AI draft",
        sender={"id": connected.bot.telegram_id, "is_bot": True, "first_name": "Acme"},
        chat=updates.private_chat(sender),
    )
    deliver(connected.bot, updates.callback_query(data, sender=sender, on=on))
    return connected.telegram.calls("answerCallbackQuery")[before].params


def test_ready_draft_is_offered_with_buttons_in_the_members_private_chat(
    connected,
    team,
    django_capture_on_commit_callbacks,
):
    boris, anna = team

    draft = _ready_draft(boris, anna, django_capture_on_commit_callbacks)

    [offer] = _offers(connected.telegram)
    assert offer["text"].startswith(f"Draft ready for {anna} (offline drafter, not an AI)")
    assert draft.text in offer["text"]
    assert f"/inbox/{anna.pk}/" in offer["text"]
    keyboard = json.loads(offer["reply_markup"])["inline_keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == [["Approve & send", "Reject"]]
    assert [b["callback_data"] for b in keyboard[0]] == [
        f"draft.approve:{draft.pk}",
        f"draft.reject:{draft.pk}",
    ]


def test_approve_sends_the_draft_to_the_prospect(
    connected,
    deliver,
    team,
    django_capture_on_commit_callbacks,
):
    boris, anna = team
    draft = _ready_draft(boris, anna, django_capture_on_commit_callbacks)

    answer = _press(deliver, connected, f"draft.approve:{draft.pk}")

    assert answer["text"] == f"Sent to {anna}"
    draft.refresh_from_db()
    assert (draft.status, draft.decided_by) == (Draft.Status.SENT, boris.user)
    sent = [
        c.params
        for c in connected.telegram.calls("sendMessage")
        if str(c.params["chat_id"]) == str(updates.ANNA["id"])
    ]
    assert sent[-1]["text"] == draft.text


def test_pressing_again_says_the_draft_was_handled(
    connected,
    deliver,
    team,
    django_capture_on_commit_callbacks,
):
    boris, anna = team
    draft = _ready_draft(boris, anna, django_capture_on_commit_callbacks)
    _press(deliver, connected, f"draft.approve:{draft.pk}")

    answer = _press(deliver, connected, f"draft.reject:{draft.pk}")

    assert answer["text"] == "This draft was already handled."
    draft.refresh_from_db()
    assert draft.status == Draft.Status.SENT


def test_reject_records_where_it_was_rejected(
    connected,
    deliver,
    team,
    django_capture_on_commit_callbacks,
):
    boris, anna = team
    draft = _ready_draft(boris, anna, django_capture_on_commit_callbacks)

    answer = _press(deliver, connected, f"draft.reject:{draft.pk}")

    draft.refresh_from_db()
    assert answer["text"] == f"Rejected the draft for {anna}."
    assert (draft.status, draft.reject_reason) == (Draft.Status.REJECTED, "Rejected from Telegram")


def test_a_viewer_cannot_approve(
    connected, deliver, team, make_member, django_capture_on_commit_callbacks
):
    boris, anna = team
    draft = _ready_draft(boris, anna, django_capture_on_commit_callbacks)
    viewer = make_member("viewer", organization=connected.bot.organization)
    SocialAccount.objects.create(user=viewer.user, provider="telegram", uid=str(updates.ANNA["id"]))

    answer = _press(deliver, connected, f"draft.approve:{draft.pk}", sender=updates.ANNA)

    assert answer["text"] == "Your role (Viewer) cannot do this."
    draft.refresh_from_db()
    assert draft.status == Draft.Status.READY


def test_a_draft_of_another_organization_cannot_be_approved(connected, deliver, team):
    foreign = DraftFactory()

    answer = _press(deliver, connected, f"draft.approve:{foreign.pk}")

    assert answer["text"] == "That draft no longer exists."
    foreign.refresh_from_db()
    assert foreign.status == Draft.Status.READY


def test_no_offer_without_a_linked_telegram_account(
    connected,
    team,
    django_capture_on_commit_callbacks,
):
    boris, anna = team
    SocialAccount.objects.filter(user=boris.user).delete()

    _ready_draft(boris, anna, django_capture_on_commit_callbacks)

    assert _offers(connected.telegram) == []


def test_the_offer_is_recorded_as_a_sent_telegram_notice(
    connected,
    team,
    django_capture_on_commit_callbacks,
):
    boris, anna = team

    draft = _ready_draft(boris, anna, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(notification__user=boris.user, channel="telegram")
    assert delivery.status == Delivery.Status.SENT
    assert delivery.notification.type == "draft.ready"
    assert delivery.notification.data == {"draft_id": draft.pk, "bot_id": connected.bot.pk}
    assert delivery.detail.startswith("Telegram message ")


def test_a_redispatched_event_does_not_offer_the_draft_twice(
    connected,
    team,
    django_capture_on_commit_callbacks,
):
    boris, anna = team
    _ready_draft(boris, anna, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(Event.objects.get(name="draft.generated"))

    assert len(_offers(connected.telegram)) == 1


def test_no_offer_when_the_member_turned_telegram_off_for_drafts(
    connected,
    team,
    django_capture_on_commit_callbacks,
):
    boris, anna = team
    preferences_update(user=boris.user, changes={("draft.ready", "telegram"): False})

    _ready_draft(boris, anna, django_capture_on_commit_callbacks)

    assert _offers(connected.telegram) == []
