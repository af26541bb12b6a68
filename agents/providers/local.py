"""``LocalProvider``: the offline drafter — deterministic, no network, not a language model.

It writes a reply from the structured ``ReplyFacts`` the prompt was rendered from: a greeting
by first name in the organization's formality, a sentence answering what the prospect's last
message is about (price, a call, documents, a question, thanks), the company and deal, the
next step that fits the deal's next stage, and the member's signature — in the conversation's
language (tables in ``local_phrases``; English for languages without one). Member instructions
"shorter", "longer"/"more detail", "more formal", "more casual" reshape it; "mention …" adds a
sentence. Other instructions cannot be followed without a model: the completion then says so
with ``finish_reason="instruction_not_applied"``. Forbidden phrases never appear.

Embeddings: a hashed bag of words — each lowercase word adds ±1 to one of ``DIMENSION``
coordinates (blake2b of the word picks coordinate and sign, stable across processes), then the
vector is L2-normalised (an empty text gives the zero vector). Texts sharing words get similar
vectors; it is a stand-in that keeps memory features working offline, not a semantic model.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from agents.context import ChatLine, ReplyFacts
from agents.language import detect_language
from agents.llm import Completion, CompletionRequest, Embeddings, TokenUsage
from agents.providers.local_phrases import (
    CONTENT_PREFIXES,
    GREETINGS,
    INSTRUCTIONS,
    KEYWORDS,
    PHRASES,
    STAGE_STEPS,
)
from agents.tokens import estimate_tokens

DIMENSION = 256
MODEL = "bidi-local-1"
TOPIC_MAX_CHARS = 60
FORMALITY_LEVELS = ("casual", "neutral", "formal")

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Style:
    """What the member's instruction asks for."""

    formality: str
    length: str  # "short" | "normal" | "long"
    content: str = ""
    applied: bool = True


class LocalProvider:
    """The offline provider (see the module docstring)."""

    name = "local"
    model = MODEL
    is_language_model = False

    def complete(self, request: CompletionRequest) -> Completion:
        """A reply built from ``request.facts`` (or, without facts, the last user message)."""
        facts = request.facts or _facts_from_messages(request)
        text, style = compose_reply(facts)
        if request.on_delta is not None:
            request.on_delta(text)
        prompt_text = "\n".join(m.content for m in request.messages)
        usage = TokenUsage(
            prompt_tokens=estimate_tokens(prompt_text), completion_tokens=estimate_tokens(text)
        )
        return Completion(
            text=text,
            usage=usage,
            model=MODEL,
            finish_reason="stop" if style.applied else "instruction_not_applied",
        )

    def embed(self, texts: Sequence[str]) -> Embeddings:
        """Hashed bag-of-words vectors of ``DIMENSION`` floats, L2-normalised."""
        vectors = [hashed_vector(text) for text in texts]
        usage = TokenUsage(prompt_tokens=sum(estimate_tokens(t) for t in texts))
        return Embeddings(vectors=vectors, usage=usage, model=f"{MODEL}-hash{DIMENSION}")


def hashed_vector(text: str) -> list[float]:
    """``text`` as a signed hashed bag of lowercase words, unit length (zeros when empty)."""
    vector = [0.0] * DIMENSION
    for word in _WORD.findall(text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "big") % DIMENSION
        vector[index] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector] if norm else vector


def _facts_from_messages(request: CompletionRequest) -> ReplyFacts:
    last_user = next((m.content for m in reversed(request.messages) if m.role == "user"), "")
    return ReplyFacts(
        organization_name="",
        language=detect_language([last_user]),
        lines=[ChatLine(direction="in", author="", text=last_user, sent_at="")],
    )


# --- composing ------------------------------------------------------------------------------


def compose_reply(facts: ReplyFacts) -> tuple[str, Style]:
    """The reply text for ``facts`` and the style it was written in."""
    phrases = PHRASES.get(facts.language) or PHRASES["en"]
    forbidden = [_phrase_pattern(p.strip()) for p in facts.forbidden_phrases if p.strip()]
    style = parse_instruction(facts.instruction, facts.formality)
    last = _last_inbound(facts.lines)
    intent = classify(last)
    fields = {
        "name": facts.contact_first_name or (facts.contact_name.split() or [""])[0],
        "company": facts.company_name or phrases["your_team"],
        "deal": facts.deal_title,
        "value": _money(facts.deal_value, facts.deal_currency),
        "stage": facts.next_stage_name,
        "current": facts.stage_name,
        "topic": _topic(last),
    }

    body: list[str] = [phrases[_answer_key(intent, facts)]]
    if style.length != "short":
        if facts.company_name and facts.deal_title:
            body.append(phrases["context_deal"])
        elif facts.company_name:
            body.append(phrases["context_company"])
    if style.length == "long" and facts.deal_title and facts.stage_name:
        body.append(phrases["recap"])
    step = stage_step(facts.next_stage_name)
    if not (step == "meeting" and intent == "meeting"):
        body.append(phrases[f"step_{step}"])
    if style.length == "long":
        body.append(phrases["offer_detail"])

    sentences = [s.format(**fields) for s in body]
    if style.content:
        sentences.insert(len(sentences) - 1, style.content)
    greeting = _greeting(phrases, style.formality, fields, forbidden)
    closing = facts.signature.strip() or "\n".join(
        part for part in (phrases[f"close_{style.formality}"], facts.member_name) if part
    )

    parts = [
        greeting,
        " ".join(s for s in sentences if not _has_forbidden(s, forbidden)),
        closing,
    ]
    text = "\n\n".join(_scrub(part, forbidden) for part in parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip(), style


def parse_instruction(instruction: str, formality: str) -> Style:
    """The style a member's instruction asks for, starting from the org's ``formality``."""
    level = FORMALITY_LEVELS.index(formality) if formality in FORMALITY_LEVELS else 1
    text = instruction.strip()
    lowered = text.lower()
    content = ""
    for prefix in CONTENT_PREFIXES:
        if lowered.startswith(prefix):
            content = text[len(prefix) :].strip().rstrip(".")
            content = content[:1].upper() + content[1:] + "." if content else ""
            break
    recognised = bool(content)
    length = "normal"
    if not content:
        if _contains_any(lowered, INSTRUCTIONS["casual"]):
            level, recognised = max(0, level - 1), True
        elif _contains_any(lowered, INSTRUCTIONS["formal"]):
            level, recognised = min(2, level + 1), True
        if _contains_any(lowered, INSTRUCTIONS["shorter"]):
            length, recognised = "short", True
        elif _contains_any(lowered, INSTRUCTIONS["longer"]):
            length, recognised = "long", True
    return Style(
        formality=FORMALITY_LEVELS[level],
        length=length,
        content=content,
        applied=recognised or not text,
    )


def classify(text: str) -> str:
    """What a prospect's message is about: price, meeting, documents, question, thanks, message."""
    lowered = text.lower()
    # "We got the proposal, thanks." is thanks, not a request for documents.
    if "?" not in text and _contains_any(lowered, KEYWORDS["thanks"]):
        return "thanks"
    for intent in ("price", "meeting", "documents"):
        if _contains_any(lowered, KEYWORDS[intent]):
            return intent
    return "question" if "?" in text else "message"


def stage_step(next_stage_name: str) -> str:
    """The kind of next step the deal's next stage calls for (``none`` without one)."""
    if not next_stage_name.strip():
        return "none"
    lowered = next_stage_name.lower()
    for step, words in STAGE_STEPS:
        if _contains_any(lowered, words):
            return step
    return "generic"


def _answer_key(intent: str, facts: ReplyFacts) -> str:
    if intent == "price" and facts.deal_value and facts.deal_title:
        return "price_value"
    if intent == "question":
        topic = _topic(_last_inbound(facts.lines))
        # Quoting a question about a banned topic back would bring the topic up.
        if not topic or _contains_any(topic, [t.lower() for t in facts.banned_topics if t]):
            return "message"
    return intent


def _last_inbound(lines: Sequence[ChatLine]) -> str:
    for line in reversed(lines):
        if line.direction == "in" and line.text.strip():
            return line.text.strip()
    return ""


def _topic(text: str) -> str:
    """The last question in ``text``, without its question mark, shortened."""
    questions = [s for s in _SENTENCE_END.split(text) if "?" in s]
    if not questions:
        return ""
    topic = questions[-1].strip().rstrip("?").strip()
    # "Bonjour, est-ce que…" → "est-ce que…": the greeting is not the question.
    head, comma, rest = topic.partition(",")
    if comma and rest.strip() and head.strip().lower() in GREETINGS:
        topic = rest.strip()
    if len(topic) > TOPIC_MAX_CHARS:
        topic = topic[: TOPIC_MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return topic


def _money(value: str, currency: str) -> str:
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        return f"{value} {currency}".strip()
    shown = str(amount.quantize(Decimal(1))) if amount == amount.to_integral() else str(amount)
    return f"{shown} {currency}".strip()


def _contains_any(text: str, needles: Sequence[str]) -> bool:
    lowered = text.lower()
    return any(needle in lowered for needle in needles)


def _greeting(
    phrases: dict[str, str],
    formality: str,
    fields: dict[str, str],
    forbidden: Sequence[re.Pattern[str]],
) -> str:
    """The greeting in ``formality``, or the nearest register without a forbidden phrase."""
    suffix = "" if fields["name"] else "_anon"
    for register in (formality, "neutral", "formal", "casual"):
        greeting = phrases[f"greet_{register}{suffix}"].format(**fields)
        if not _has_forbidden(greeting, forbidden):
            return greeting
    return phrases[f"greet_{formality}{suffix}"].format(**fields)


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` case-insensitively, as whole words where it starts/ends with a letter or
    digit (as ``agents.guardrails`` matches it): "Hi" is forbidden, "this" is not."""
    escaped = re.escape(phrase)
    start = r"(?<!\w)" if phrase[:1].isalnum() else ""
    end = r"(?!\w)" if phrase[-1:].isalnum() else ""
    return re.compile(start + escaped + end, re.IGNORECASE)


def _has_forbidden(text: str, forbidden: Sequence[re.Pattern[str]]) -> bool:
    return any(pattern.search(text) for pattern in forbidden)


def _scrub(text: str, forbidden: Sequence[re.Pattern[str]]) -> str:
    """``text`` without any forbidden phrase (case-insensitive); a line left with nothing but
    punctuation is dropped. Lines without one are kept exactly."""
    kept: list[str] = []
    for line in text.splitlines():
        if _has_forbidden(line, forbidden):
            for pattern in forbidden:
                line = pattern.sub("", line)
            line = re.sub(r"\s{2,}", " ", line).strip(" ,")
            if not line.strip(" ,.!:;—-"):
                continue
        kept.append(line)
    return "\n".join(kept)
