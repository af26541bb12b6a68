"""The "Generate an AI reply draft" trigger action: an automatic draft for the event's chat;
the organization's draft rate limit makes the run retry later."""

from __future__ import annotations

import pytest

from accounts.errors import ValidationError
from agents.models import AISettings, Draft
from automation.registry import ActionError, TransientActionError
from automation.tests.action_runs import action_context, preview_action, run_action


def _ctx(chat, member, **kwargs):
    return action_context(
        chat.organization, member.user, "chat.created", {"chat": {"id": chat.pk}}, **kwargs
    )


def test_the_action_requests_an_automation_draft_for_the_chat(chat, member):
    result = run_action(
        "draft.generate", _ctx(chat, member), {"instruction": "Greet {{ contact.first_name }}"}
    )

    draft = Draft.objects.get()
    assert (draft.chat, draft.trigger, draft.requested_by) == (chat, "automation", None)
    assert draft.instruction == f"Greet {chat.contact.first_name}"
    assert result.startswith("Asked for an AI draft for ")


def test_the_organizations_rate_limit_retries_the_run_later(chat, member):
    AISettings.objects.create(organization=chat.organization, org_drafts_per_minute=1)
    run_action("draft.generate", _ctx(chat, member), {})

    with pytest.raises(TransientActionError) as refused:
        run_action("draft.generate", _ctx(chat, member), {})

    assert refused.value.retry_after > 0
    assert Draft.objects.count() == 1


def test_the_preview_requests_nothing(chat, member):
    text = preview_action("draft.generate", _ctx(chat, member, dry_run=True), {})

    assert text.startswith("Would ask for an AI draft for ")
    assert not Draft.objects.exists()


def test_an_instruction_over_300_characters_is_refused_when_saved(chat, member):
    with pytest.raises(ValidationError) as error:
        run_action("draft.generate", _ctx(chat, member), {"instruction": "x" * 301})

    assert "instruction" in error.value.fields


def test_an_event_without_a_chat_fails_with_a_readable_message(chat, member):
    ctx = action_context(chat.organization, member.user, "organization.updated", {})

    with pytest.raises(ActionError, match="no chat"):
        run_action("draft.generate", ctx, {})
