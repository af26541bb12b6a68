"""Regenerating with an instruction: a new draft that sees the old text and the instruction."""

from __future__ import annotations

import pytest

from agents.errors import DraftNotActionable
from agents.models import Draft
from agents.services.drafts import draft_approve, draft_regenerate
from agents.tests.drafting import ready_draft, use_openai


def test_regenerating_replaces_the_draft_with_one_written_with_the_instruction(
    chat, member, fake_openai, django_capture_on_commit_callbacks
):
    use_openai(chat.organization)
    fake_openai.respond_with("Thanks for asking! For a team of five the price is 250 EUR.")
    old = ready_draft(chat, member.user, django_capture_on_commit_callbacks)
    fake_openai.respond_with("250 EUR a month for 5.")

    with django_capture_on_commit_callbacks(execute=True):
        new = draft_regenerate(draft=old, actor=member.user, instruction="shorter")

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == Draft.Status.SUPERSEDED
    assert (new.status, new.trigger, new.parent) == (
        Draft.Status.READY,
        Draft.Trigger.REGENERATE,
        old,
    )
    assert new.text == "250 EUR a month for 5."
    user_prompt = fake_openai.requests("/v1/chat/completions")[-1].json["messages"][1]["content"]
    assert "shorter" in user_prompt
    assert "For a team of five the price is 250 EUR." in user_prompt
    assert new.context["previous_draft"] == old.text


def test_a_sent_draft_cannot_be_regenerated(chat, member, django_capture_on_commit_callbacks):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)
    draft_approve(draft=draft, actor=member.user)

    with pytest.raises(DraftNotActionable):
        draft_regenerate(draft=draft, actor=member.user, instruction="shorter")


def test_an_instruction_the_offline_drafter_cannot_follow_is_flagged_on_the_draft(
    chat, member, django_capture_on_commit_callbacks
):
    old = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        haiku = draft_regenerate(draft=old, actor=member.user, instruction="write it as a haiku")
    haiku.refresh_from_db()
    assert haiku.status == Draft.Status.READY
    expected = "The built-in drafter could not follow “write it as a haiku”."
    assert haiku.guardrail_notes[0] == expected

    with django_capture_on_commit_callbacks(execute=True):
        shorter = draft_regenerate(draft=haiku, actor=member.user, instruction="shorter")
    shorter.refresh_from_db()
    assert not any("could not follow" in note for note in shorter.guardrail_notes)
