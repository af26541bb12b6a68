"""Tone rules applied to a provider's text before a member sees it (agents.guardrails)."""

from __future__ import annotations

from agents.guardrails import review_output
from agents.models import AISettings


def _rules(**fields) -> AISettings:
    return AISettings(**fields)


def test_forbidden_phrases_are_removed_whatever_their_case_with_a_note():
    review = review_output(
        text="We GUARANTEE results, and it is risk-free for you.",
        settings=_rules(forbidden_phrases=["guarantee", "risk-free"]),
    )

    assert "guarantee" not in review.text.lower()
    assert "risk-free" not in review.text.lower()
    assert review.notes == [
        "Removed the forbidden phrase “guarantee”.",
        "Removed the forbidden phrase “risk-free”.",
    ]
    assert "  " not in review.text
    assert not review.blocked_reason


def test_forbidden_phrase_inside_another_word_is_kept():
    review = review_output(
        text="Our cheapest plan fits.", settings=_rules(forbidden_phrases=["cheap"])
    )

    assert review.text == "Our cheapest plan fits."
    assert review.notes == []


def test_required_disclaimer_is_appended_when_missing():
    review = review_output(
        text="Happy to help.", settings=_rules(required_disclaimer="Not financial advice.")
    )

    assert review.text == "Happy to help.\n\nNot financial advice."
    assert review.notes == ["Added the required disclaimer."]


def test_disclaimer_already_present_is_not_repeated():
    review = review_output(
        text="Happy to help. not financial advice.",
        settings=_rules(required_disclaimer="Not financial advice."),
    )

    assert review.text == "Happy to help. not financial advice."
    assert review.notes == []


def test_banned_topic_blocks_the_draft_with_a_readable_reason():
    review = review_output(
        text="Between us, our competitor Globex is going bankrupt.",
        settings=_rules(banned_topics=["politics", "bankrupt"]),
    )

    assert review.blocked_reason == "The draft touched a banned topic: bankrupt"


def test_banned_topics_match_case_insensitively_in_any_script():
    review = review_output(
        text="Поговорим про ПОЛИТИКУ?", settings=_rules(banned_topics=["политику"])
    )

    assert review.blocked_reason == "The draft touched a banned topic: политику"


def test_casual_wording_under_a_formal_tone_is_noted_not_changed():
    text = "Hey Anna, gonna send the deck tomorrow!!"
    review = review_output(text=text, settings=_rules(formality="formal"))

    assert review.text == text
    assert review.notes == ["The tone is set to formal but the draft sounds casual (“Hey”)."]


def test_stiff_wording_under_a_casual_tone_is_noted():
    review = review_output(
        text="Dear Sir, please find the offer attached. Kind regards",
        settings=_rules(formality="casual"),
    )

    assert review.notes[0].startswith("The tone is set to casual but the draft sounds stiff")


def test_neutral_tone_and_no_rules_leave_the_text_alone():
    review = review_output(text="Hey, sounds good!!", settings=_rules())

    assert review.text == "Hey, sounds good!!"
    assert review.notes == []
    assert review.blocked_reason == ""
