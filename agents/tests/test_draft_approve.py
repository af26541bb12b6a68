"""Approving a draft: the (edited) text goes out through the normal send path to Telegram, and
what was sent, by whom, and how much it was edited is kept."""

from __future__ import annotations

import pytest

from accounts.errors import PermissionDenied, ValidationError
from agents.errors import DraftNotActionable
from agents.models import Draft
from agents.services.drafts import draft_approve, draft_reject, edit_distance
from agents.tests.drafting import ready_draft
from automation.models import Event
from messaging.models import Message


def test_approving_an_edited_draft_sends_the_edited_text_to_telegram(
    chat, member, fake_telegram, django_capture_on_commit_callbacks
):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)
    edited = "For 5 seats it is 250 EUR a month. Shall we book a demo?"

    with django_capture_on_commit_callbacks(execute=True):
        sent = draft_approve(draft=draft, actor=member.user, text=edited)

    [call] = fake_telegram.calls("sendMessage")
    assert call.params["text"] == edited
    message = Message.objects.get(direction="out")
    assert (message.source, message.sender_user, message.status) == ("agent", member.user, "sent")
    assert sent.status == Draft.Status.SENT
    assert (sent.final_text, sent.sent_message, sent.decided_by) == (edited, message, member.user)
    assert sent.edit_distance == edit_distance(draft.text, edited) > 0
    assert sent.auto_sent is False


def test_approving_unchanged_records_no_edit_and_emits_draft_sent(
    chat, member, django_capture_on_commit_callbacks
):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    sent = draft_approve(draft=draft, actor=member.user)

    assert sent.final_text == draft.text
    assert sent.edit_distance == 0
    event = Event.objects.get(name="draft.sent")
    assert event.payload["message"] == sent.sent_message_id
    assert (event.payload["edited"], event.payload["auto"]) == (False, False)


def test_a_viewer_cannot_approve(chat, member, make_member, django_capture_on_commit_callbacks):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)
    viewer = make_member("viewer", organization=chat.organization)

    with pytest.raises(PermissionDenied):
        draft_approve(draft=draft, actor=viewer.user)

    draft.refresh_from_db()
    assert draft.status == Draft.Status.READY
    assert not Message.objects.filter(direction="out").exists()


def test_nobody_approves_without_a_person_unless_the_channel_auto_sends(
    chat, member, django_capture_on_commit_callbacks
):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    with pytest.raises(PermissionDenied):
        draft_approve(draft=draft, actor=None)

    assert not Message.objects.filter(direction="out").exists()


def test_a_draft_is_sent_once(chat, member, django_capture_on_commit_callbacks):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)
    draft_approve(draft=draft, actor=member.user)

    with pytest.raises(DraftNotActionable):
        draft_approve(draft=draft, actor=member.user)

    assert Message.objects.filter(direction="out").count() == 1


def test_an_emptied_draft_is_not_sent(chat, member, django_capture_on_commit_callbacks):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError) as invalid:
        draft_approve(draft=draft, actor=member.user, text="   ")

    assert "text" in invalid.value.fields


def test_a_rejected_draft_cannot_be_approved(chat, member, django_capture_on_commit_callbacks):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)
    draft_reject(draft=draft, actor=member.user, reason="Too pushy")

    with pytest.raises(DraftNotActionable):
        draft_approve(draft=draft, actor=member.user)


@pytest.mark.parametrize(
    ("proposed", "sent", "distance"),
    [
        ("Hello Anna", "Hello Anna", 0),
        ("Hello Anna", "Hello Anna!", 1),
        ("Hello Anna", "Hi Anna", 4),  # "ello" replaced by "i": the longer run counts
        ("", "Hi", 2),
        ("Thanks, bye", "", 11),
    ],
)
def test_edit_distance_counts_changed_characters(proposed, sent, distance):
    assert edit_distance(proposed, sent) == distance
