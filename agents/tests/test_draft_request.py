"""Requesting a draft: permission, guardrails, one draft on offer, the event, the queued task."""

from __future__ import annotations

import pytest

from accounts.errors import PermissionDenied, ValidationError
from agents.errors import AIRateLimited
from agents.models import AISettings, Draft
from agents.services.drafts import draft_request
from agents.tests.drafting import ready_draft
from automation.models import Event


def test_a_member_requests_a_pending_draft_answering_the_last_inbound_message(chat, member):
    draft = draft_request(chat=chat, actor=member.user, instruction="mention the demo")

    assert draft.status == Draft.Status.PENDING
    assert draft.trigger == Draft.Trigger.MANUAL
    assert draft.requested_by == member.user
    assert draft.reply_to == chat.messages.get()
    assert draft.instruction == "mention the demo"
    event = Event.objects.get(name="draft.requested")
    assert event.payload["draft"]["id"] == draft.pk
    assert event.payload["draft"]["status"] == "pending"
    assert event.actor == member.user


def test_the_request_queues_generation_after_commit(
    chat, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = draft_request(chat=chat, actor=member.user)

    draft.refresh_from_db()
    assert draft.status == Draft.Status.READY
    assert draft.text


def test_a_viewer_cannot_request_a_draft(chat, make_member):
    viewer = make_member("viewer", organization=chat.organization)

    with pytest.raises(PermissionDenied):
        draft_request(chat=chat, actor=viewer.user)

    assert not Draft.objects.exists()


def test_a_new_request_supersedes_the_ready_draft(chat, member, django_capture_on_commit_callbacks):
    first = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    second = draft_request(chat=chat, actor=member.user)

    first.refresh_from_db()
    assert first.status == Draft.Status.SUPERSEDED
    assert second.status == Draft.Status.PENDING


def test_the_members_rate_limit_refuses_with_a_retry_time(chat, member):
    AISettings.objects.create(organization=chat.organization, user_drafts_per_minute=1)
    draft_request(chat=chat, actor=member.user)

    with pytest.raises(AIRateLimited) as refused:
        draft_request(chat=chat, actor=member.user)

    assert refused.value.retry_after > 0
    assert Draft.objects.count() == 1


def test_an_instruction_over_300_characters_is_a_field_error(chat, member):
    with pytest.raises(ValidationError) as invalid:
        draft_request(chat=chat, actor=member.user, instruction="x" * 301)

    assert "instruction" in invalid.value.fields
