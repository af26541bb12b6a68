"""The reply prompt (agents/prompts/reply_draft/v1.*.txt): every rule and fact in plain text."""

from __future__ import annotations

from agents.context import ChatLine, ReplyFacts
from agents.prompts import render_reply_prompt


def facts(**fields) -> ReplyFacts:
    base = {
        "organization_name": "Acme",
        "language": "de",
        "lines": [
            ChatLine("in", "Anna Petrova", 'Was kostet "Pro"?', "2026-11-20T10:00:00+00:00"),
            ChatLine("out", "Max Weber", "Gerne!", "2026-11-20T10:05:00+00:00"),
        ],
        "member_name": "Max Weber",
        "signature": "— Max Weber, Acme",
        "contact_name": "Anna Petrova",
        "contact_first_name": "Anna",
        "company_name": "Globex",
        "deal_title": "Globex pilot",
        "deal_value": "5000.00",
        "deal_currency": "EUR",
        "stage_name": "Demo",
        "next_stage_name": "Proposal",
        "notes": ["Met at the fair"],
        "formality": "formal",
        "tone_instructions": "No exclamation marks.",
        "forbidden_phrases": ["cheap"],
        "required_disclaimer": "Not a binding offer.",
        "banned_topics": ["crypto"],
    }
    return ReplyFacts(**{**base, **fields})


def test_the_system_prompt_states_language_tone_and_rules():
    system, _user = render_reply_prompt(facts()).messages

    assert system.role == "system"
    for expected in (
        "Max Weber, a member of Acme",
        "Reply in German",
        "Formality: formal",
        "No exclamation marks.",
        'Never use these phrases: "cheap".',
        "crypto",
        "Not a binding offer.",
        "— Max Weber, Acme",
    ):
        assert expected in system.content


def test_the_user_prompt_holds_the_facts_and_the_transcript_unescaped():
    prompt = render_reply_prompt(facts())
    user = prompt.messages[1]

    assert prompt.version == "reply_draft/v1"
    assert "Prospect: Anna Petrova at Globex" in user.content
    assert 'Open deal: "Globex pilot", 5000.00 EUR, stage "Demo"' in user.content
    assert 'the next stage is "Proposal"' in user.content
    assert "  - Met at the fair" in user.content
    assert 'Anna Petrova (prospect): Was kostet "Pro"?' in user.content
    assert "Max Weber (team): Gerne!" in user.content
    assert "&quot;" not in user.content
    assert "\n\n\n" not in user.content


def test_regenerating_shows_the_previous_draft_and_the_instruction():
    user = render_reply_prompt(
        facts(previous_draft="Sehr geehrte Frau Petrova, …", instruction="kürzer")
    ).messages[1]

    assert "<previous_draft>\nSehr geehrte Frau Petrova, …\n</previous_draft>" in user.content
    assert "Instruction from the team member for this draft: kürzer" in user.content


def test_without_a_deal_or_messages_the_prompt_says_so():
    user = render_reply_prompt(facts(deal_title="", lines=[], notes=[])).messages[1]

    assert "No open deal yet." in user.content
    assert "no messages yet" in user.content
