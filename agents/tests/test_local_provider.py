"""LocalProvider: a deterministic, useful reply from the facts, in the conversation's language."""

from __future__ import annotations

import dataclasses
import math

import pytest

from agents.context import ChatLine, ReplyFacts
from agents.llm import CompletionRequest, PromptMessage
from agents.providers.local import DIMENSION, LocalProvider, stage_step
from agents.providers.local_phrases import PHRASES


def facts(message: str = "Hi, what does the team plan cost?", **overrides) -> ReplyFacts:
    base = ReplyFacts(
        organization_name="Northwind",
        language="en",
        lines=[
            ChatLine("out", "Max", "Hello Anna, thanks for your interest!", "2026-01-01T10:00"),
            ChatLine("in", "Anna Petrova", message, "2026-01-01T10:05"),
        ],
        member_name="Max Keller",
        contact_name="Anna Petrova",
        contact_first_name="Anna",
        company_name="Acme GmbH",
        deal_title="Acme team plan",
        deal_value="12000.00",
        deal_currency="EUR",
        stage_name="Qualified",
        next_stage_name="Proposal",
    )
    return dataclasses.replace(base, **overrides)


def reply(**kwargs) -> str:
    message = kwargs.pop("message", "Hi, what does the team plan cost?")
    request = CompletionRequest(
        messages=[PromptMessage("user", message)], facts=facts(message, **kwargs)
    )
    return LocalProvider().complete(request).text


def test_is_labelled_as_not_a_language_model():
    provider = LocalProvider()

    assert (provider.name, provider.model, provider.is_language_model) == (
        "local",
        "bidi-local-1",
        False,
    )


def test_greets_by_first_name_and_answers_a_price_question_with_the_deal_value():
    text = reply()

    assert text.startswith("Hi Anna,")
    assert "pricing" in text
    assert "12000 EUR" in text
    assert "Acme GmbH" in text


def test_proposes_the_next_step_of_the_deal_stage():
    assert "proposal for Acme GmbH" in reply(next_stage_name="Proposal")
    assert "contract" in reply(next_stage_name="Contract signed")
    assert "demo" in reply(message="Sounds good.", next_stage_name="Demo")
    assert "“Pilot”" in reply(next_stage_name="Pilot")


@pytest.mark.parametrize(
    ("name", "step"),
    [
        ("Qualified", "qualify"),
        ("Meeting scheduled", "meeting"),
        ("Proposal sent", "proposal"),
        ("Negotiation", "negotiation"),
        ("Closed won", "contract"),
        ("Коммерческое предложение", "proposal"),
        ("Pilot", "generic"),
        ("", "none"),
    ],
)
def test_stage_names_map_to_next_steps(name, step):
    assert stage_step(name) == step


def test_a_meeting_request_is_answered_with_a_call_proposal():
    text = reply(message="Can we have a call on Thursday?", next_stage_name="Demo")

    assert "set up a call" in text
    assert text.count("demo") == 0  # the call is the next step; not proposed twice


def test_a_generic_question_is_acknowledged():
    text = reply(message="Do you support SSO with Okta?")

    assert "“Do you support SSO with Okta”" in text


def test_a_greeting_before_the_question_is_not_quoted():
    assert "“do you support SSO”" in reply(message="Hi, do you support SSO?")


def test_a_question_about_a_banned_topic_is_not_quoted_back():
    text = reply(message="Can we pay in crypto?", banned_topics=["crypto"])

    assert "crypto" not in text
    assert "Thanks for your message." in text


def test_thanks_without_a_question_is_not_a_request_for_documents():
    assert "glad I could help" in reply(message="We got the proposal, thanks.")


def test_ends_with_the_signature_when_there_is_one():
    text = reply(signature="Max Keller\nNorthwind Sales")

    assert text.endswith("Max Keller\nNorthwind Sales")
    assert "Best regards" not in text


def test_signs_with_the_member_name_without_a_signature():
    assert reply().endswith("Best regards,\nMax Keller")


@pytest.mark.parametrize(
    ("language", "message", "expected"),
    [
        ("ru", "Сколько стоит тариф для команды?", "Здравствуйте, Anna!"),
        ("uk", "Скільки коштує? Ціна важлива", "Вітаю, Anna!"),
        ("de", "Was kostet das? Preis bitte", "Hallo Anna,"),
        ("es", "¿Cuál es el precio?", "Hola, Anna:"),
        ("fr", "Quel est le prix ?", "Bonjour Anna,"),
        ("pt", "Qual é o preço?", "Olá, Anna,"),
        ("it", "Qual è il prezzo?", "Ciao Anna,"),
    ],
)
def test_replies_in_the_conversation_language(language, message, expected):
    text = reply(message=message, language=language)

    assert text.startswith(expected)
    assert "12000 EUR" in text


def test_an_unknown_language_falls_back_to_english():
    assert reply(language="sw").startswith("Hi Anna,")


def test_formality_changes_greeting_and_closing():
    assert reply(formality="formal").startswith("Dear Anna,")
    assert "Kind regards," in reply(formality="formal")
    assert reply(formality="casual").startswith("Hey Anna!")


def test_instructions_shift_formality_and_length():
    neutral = reply()
    shorter = reply(instruction="shorter")
    longer = reply(instruction="more detail please")

    assert reply(instruction="more formal").startswith("Dear Anna,")
    assert reply(instruction="more casual").startswith("Hey Anna!")
    assert reply(formality="formal", instruction="less formal").startswith("Hi Anna,")
    assert len(shorter) < len(neutral) < len(longer)
    assert "“Qualified”" in longer


def test_a_mention_instruction_adds_its_content():
    text = reply(instruction="mention we offer a 14-day free trial")

    assert "We offer a 14-day free trial." in text


def test_an_instruction_it_cannot_follow_is_reported_not_faked():
    request = CompletionRequest(messages=[], facts=facts(instruction="write it as a haiku"))

    completion = LocalProvider().complete(request)

    assert completion.finish_reason == "instruction_not_applied"
    assert "haiku" not in completion.text


def test_never_contains_forbidden_phrases():
    text = reply(forbidden_phrases=["pricing", "Hi", "Best regards"])

    lowered = text.lower()
    assert "pricing" not in lowered and "hi " not in lowered and "best regards" not in lowered
    assert "Anna" in text


def test_is_deterministic():
    assert reply() == reply()


def test_without_facts_it_answers_the_last_user_message_in_its_language():
    request = CompletionRequest(
        messages=[
            PromptMessage("system", "You are helpful."),
            PromptMessage("user", "Здравствуйте! Можно созвониться завтра?"),
        ]
    )

    text = LocalProvider().complete(request).text

    assert text.startswith("Здравствуйте!")
    assert "созвонимся" in text


def test_reports_estimated_token_usage_and_calls_on_delta_once():
    seen: list[str] = []
    request = CompletionRequest(
        messages=[PromptMessage("user", "What does it cost?")], facts=facts(), on_delta=seen.append
    )

    completion = LocalProvider().complete(request)

    assert seen == [completion.text]
    assert completion.usage.prompt_tokens == 5
    assert completion.usage.completion_tokens == math.ceil(len(completion.text) / 4)


def test_every_language_table_has_every_phrase():
    for language, table in PHRASES.items():
        assert table.keys() == PHRASES["en"].keys(), language


def test_embeddings_are_deterministic_unit_vectors():
    embeddings = LocalProvider().embed(["pricing for the team plan", "team plan pricing", ""])

    first, second, empty = embeddings.vectors
    assert len(first) == DIMENSION
    assert math.isclose(math.sqrt(sum(v * v for v in first)), 1.0)
    assert first == LocalProvider().embed(["pricing for the team plan"]).vectors[0]
    unrelated = LocalProvider().embed(["shipping address changed"]).vectors[0]
    similarity = sum(a * b for a, b in zip(first, second, strict=True))
    assert similarity > 0.7  # 3 shared words of 5 and 3: 3 / sqrt(15)
    assert similarity > abs(sum(a * b for a, b in zip(first, unrelated, strict=True)))
    assert empty == [0.0] * DIMENSION
    assert embeddings.usage.prompt_tokens > 0
