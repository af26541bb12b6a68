"""Retrying a failed draft: a new pending draft with the same instruction, the failed one kept."""

from __future__ import annotations

import pytest

from agents.errors import DraftNotActionable
from agents.models import Draft
from agents.services.drafts import draft_retry
from agents.tests.drafting import ready_draft, use_openai


def test_retrying_a_failed_draft_asks_again_with_the_same_instruction(
    chat, member, fake_openai, django_capture_on_commit_callbacks
):
    use_openai(chat.organization)
    fake_openai.fail_next(503)
    failed = ready_draft(
        chat, member.user, django_capture_on_commit_callbacks, instruction="mention the demo"
    )
    fake_openai.respond_with("Happy to show you a demo on Thursday.")

    with django_capture_on_commit_callbacks(execute=True):
        retried = draft_retry(draft=failed, actor=member.user)

    retried.refresh_from_db()
    failed.refresh_from_db()
    assert retried.status == Draft.Status.READY
    assert retried.text == "Happy to show you a demo on Thursday."
    assert (retried.parent, retried.instruction) == (failed, "mention the demo")
    assert failed.status == Draft.Status.FAILED


def test_only_a_failed_draft_can_be_retried(chat, member, django_capture_on_commit_callbacks):
    ready = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    with pytest.raises(DraftNotActionable):
        draft_retry(draft=ready, actor=member.user)
