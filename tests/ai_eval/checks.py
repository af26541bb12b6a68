"""What a draft must satisfy for its case, per provider, and the pass-rate book-keeping.

Each check returns the list of what failed (empty: passed), so a case's report names every
broken expectation at once instead of stopping at the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.language import detect_language
from agents.models import Draft
from agents.prompts import FORMALITY_RULES, language_name
from tests.ai_eval.cases import Case

# Pass rates the run must reach per provider; the deterministic ones have no excuse.
THRESHOLDS = {"local": 1.0, "fake-openai": 1.0, "real-model": 0.8}


@dataclass
class Outcome:
    case: str
    passed: bool
    failures: list[str] = field(default_factory=list)


# provider label → outcomes of this run (printed by conftest.pytest_terminal_summary).
RESULTS: dict[str, list[Outcome]] = {}


def record(provider: str, case: Case, failures: list[str]) -> None:
    RESULTS.setdefault(provider, []).append(Outcome(case.id, not failures, failures))


def pass_rate(provider: str) -> float:
    outcomes = RESULTS.get(provider) or []
    return sum(o.passed for o in outcomes) / len(outcomes) if outcomes else 0.0


def contains_words(text: str, phrase: str) -> bool:
    """``phrase`` in ``text`` case-insensitively, as whole words (as the guardrails match)."""
    start = r"(?<!\w)" if phrase[:1].isalnum() else ""
    end = r"(?!\w)" if phrase[-1:].isalnum() else ""
    return re.search(start + re.escape(phrase) + end, text, re.IGNORECASE) is not None


def check_reply(case: Case, draft: Draft, *, must_contain: list[str]) -> list[str]:
    """A ``ready`` draft in the expected language, with the facts, within the tone rules."""
    if draft.status != Draft.Status.READY:
        return [f"draft is {draft.status}: {draft.failure_reason}"]
    text = draft.text
    failures = [f"missing {fact!r}" for fact in must_contain if fact not in text]
    failures += [
        f"contains forbidden {phrase!r}"
        for phrase in case.expect.must_not_contain
        if contains_words(text, phrase)
    ]
    language = detect_language([text])
    if language != case.expect.language:
        failures.append(f"reply language {language!r}, expected {case.expect.language!r}")
    disclaimer = case.settings.get("required_disclaimer", "")
    if disclaimer and not text.rstrip().endswith(disclaimer):
        failures.append("the required disclaimer does not close the draft")
    if case.expect.formality:
        failures += [
            f"tone note: {note}"
            for note in draft.guardrail_notes
            if "sounds casual" in note or "sounds stiff" in note
        ]
    return failures


def check_prompt(case: Case, prompt: str) -> list[str]:
    """The prompt a model received carries every fact and the language and tone instructions."""
    expected = list(case.expect.prompt_facts)
    expected.append(f"Reply in {language_name(case.expect.language)}")
    expected.append(FORMALITY_RULES[case.settings.get("formality", "neutral")])
    expected += case.settings.get("forbidden_phrases", [])
    expected += case.settings.get("banned_topics", [])
    if disclaimer := case.settings.get("required_disclaimer", ""):
        expected.append(disclaimer)
    if case.instruction:
        expected.append(case.instruction)
    expected += [text for _, text in case.conversation]
    return [f"prompt lacks {fact!r}" for fact in expected if fact not in prompt]


def check_reviewed_fake_reply(case: Case, draft: Draft) -> list[str]:
    """The guardrails ran on the fake model's reply: removals, disclaimer, or a block."""
    if case.fake_outcome == "blocked":
        if draft.status != Draft.Status.FAILED:
            return [f"draft is {draft.status}, expected the guardrails to block it"]
        if "banned topic" not in draft.failure_reason:
            return [f"blocked for another reason: {draft.failure_reason}"]
        return []
    failures = check_reply(case, draft, must_contain=[])
    if draft.provider != "openai":
        failures.append(f"provider {draft.provider!r}, expected 'openai'")
    # Whatever the review did not have to remove is the model's text, unchanged.
    removed = [p for p in case.settings.get("forbidden_phrases", []) if p]
    if not removed and not draft.text.startswith(case.fake_reply.strip()):
        failures.append("the draft is not the model's reply")
    return failures
