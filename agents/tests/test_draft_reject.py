"""Rejecting a draft: a reason is required, kept, and announced."""

from __future__ import annotations

import pytest

from accounts.errors import PermissionDenied, ValidationError
from agents.models import Draft
from agents.services.drafts import draft_reject
from agents.tests.drafting import ready_draft
from automation.models import Event


def test_a_member_rejects_a_draft_with_a_reason(chat, member, django_capture_on_commit_callbacks):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    rejected = draft_reject(draft=draft, actor=member.user, reason="  Wrong price  ")

    assert rejected.status == Draft.Status.REJECTED
    assert (rejected.reject_reason, rejected.decided_by) == ("Wrong price", member.user)
    event = Event.objects.get(name="draft.rejected")
    assert event.payload["reason"] == "Wrong price"
    assert event.payload["draft"]["status"] == "rejected"


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_a_rejection_needs_a_reason_of_at_most_300_characters(
    chat, member, reason, django_capture_on_commit_callbacks
):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError) as invalid:
        draft_reject(draft=draft, actor=member.user, reason=reason)

    assert "reason" in invalid.value.fields
    draft.refresh_from_db()
    assert draft.status == Draft.Status.READY


def test_a_viewer_cannot_reject(chat, member, make_member, django_capture_on_commit_callbacks):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)
    viewer = make_member("viewer", organization=chat.organization)

    with pytest.raises(PermissionDenied):
        draft_reject(draft=draft, actor=viewer.user, reason="No")
