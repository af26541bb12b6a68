"""The AI eval set: every scripted conversation in ``cases/`` through the real draft path
(``draft_request`` + ``draft_generate``), against each provider:

- ``local`` — the offline drafter's reply must carry the case's facts, in the conversation's
  language, within the tone rules;
- ``fake-openai`` — ``OpenAIProvider`` (the real SDK) against tests/fakes/openai.py: the prompt
  the fake received must carry every fact and the language and tone instructions, and the
  guardrails' output review must apply to the fake model's scripted reply;
- ``real-model`` — when ``AI_EVAL_BASE_URL`` and ``AI_EVAL_API_KEY`` are set (and
  ``AI_EVAL_MODEL``, default gpt-4o-mini), a real model's replies, which must reach a pass rate
  of ``THRESHOLDS["real-model"]``; skipped otherwise.

Pass rates per provider are printed at the end of the run (tests/ai_eval/conftest.py).
"""

from __future__ import annotations

import os

import pytest

from agents.models import Draft
from agents.services.drafts import draft_generate, draft_request
from tests.ai_eval.cases import Case, build_case, load_cases
from tests.ai_eval.checks import (
    THRESHOLDS,
    check_prompt,
    check_reply,
    check_reviewed_fake_reply,
    pass_rate,
    record,
)

CASES = load_cases()

pytestmark = pytest.mark.django_db


def _draft(case: Case, make_member, **ai) -> Draft:
    built = build_case(case, make_member, ai=ai)
    draft = draft_request(chat=built.chat, actor=built.user, instruction=case.instruction)
    return draft_generate(draft_id=draft.pk)


def test_the_eval_set_has_at_least_twenty_cases_in_several_languages():
    assert len(CASES) >= 20
    assert len({case.expect.language for case in CASES}) >= 7


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_local_provider(case: Case, make_member):
    draft = _draft(case, make_member, provider="local")

    failures = check_reply(case, draft, must_contain=case.expect.local_reply)
    if draft.provider != "local":
        failures.append(f"provider {draft.provider!r}, expected 'local'")
    record("local", case, failures)
    assert not failures, f"{case.id}: {case.about}\n{draft.text}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_openai_provider_against_the_fake(case: Case, make_member, fake_openai):
    fake_openai.respond_with(case.fake_reply)

    draft = _draft(
        case,
        make_member,
        provider="openai",
        base_url=fake_openai.url,
        api_key=fake_openai.api_key,
        model="gpt-4o-mini",
    )

    sent = fake_openai.requests("/v1/chat/completions")
    failures = [] if len(sent) == 1 else [f"{len(sent)} completion requests, expected 1"]
    prompt = "\n".join(m["content"] for r in sent for m in r.json["messages"])
    failures += check_prompt(case, prompt)
    failures += check_reviewed_fake_reply(case, draft)
    record("fake-openai", case, failures)
    assert not failures, f"{case.id}: {case.about}\n{draft.text or draft.failure_reason}"


REAL_BASE_URL = os.environ.get("AI_EVAL_BASE_URL", "")
REAL_API_KEY = os.environ.get("AI_EVAL_API_KEY", "")
REAL_MODEL = os.environ.get("AI_EVAL_MODEL", "gpt-4o-mini")


@pytest.mark.skipif(
    not (REAL_BASE_URL and REAL_API_KEY),
    reason="set AI_EVAL_BASE_URL and AI_EVAL_API_KEY (and AI_EVAL_MODEL) to evaluate a real model",
)
def test_real_model_reaches_the_pass_rate(make_member):
    for case in CASES:
        draft = _draft(
            case,
            make_member,
            provider="openai",
            base_url=REAL_BASE_URL,
            api_key=REAL_API_KEY,
            model=REAL_MODEL,
            request_timeout=60,
            # One eval run asks for more drafts a minute than the default limits allow.
            org_drafts_per_minute=0,
            user_drafts_per_minute=0,
        )
        record("real-model", case, check_reply(case, draft, must_contain=case.expect.real_reply))

    assert pass_rate("real-model") >= THRESHOLDS["real-model"]
