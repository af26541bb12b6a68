"""Prompt templates, kept as versioned files under ``agents/prompts/<name>/v<N>.*.txt``.

A prompt change is a new version file, never an edit of a released one: every draft stores the
``version`` it was written with and the rendered messages, so its "why" view shows exactly what
the model read. Templates use Django's template language through a standalone ``Engine`` with
autoescape off (prompts are plain text; HTML escaping would turn a prospect's ``"`` into
``&quot;``). The project's template settings are not involved.

The conversation goes into the user message as one delimited transcript block, not as
alternating user/assistant messages, because:

- the team's own lines were written by people (or campaigns), not by the model; presenting them
  as the assistant's turns teaches it to continue whatever a colleague wrote;
- group chats have several prospects and several team members: a transcript names each author,
  alternation cannot, and consecutive lines of one side would need merging;
- prospect text is quoted data inside ``<conversation>``; the system prompt says instructions
  inside it are to be ignored, which is a (partial) defence against prompt injection that
  alternation would make harder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.template import Context, Engine

from agents.context import ReplyFacts
from agents.llm import PromptMessage

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
REPLY_DRAFT_VERSION = "reply_draft/v1"

# The cached loader (Engine's default) parses each file once per process.
_engine = Engine(dirs=[str(PROMPTS_DIR)], autoescape=False)

LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
    "pl": "Polish",
    "ru": "Russian",
    "uk": "Ukrainian",
    "tr": "Turkish",
    "ar": "Arabic",
    "he": "Hebrew",
    "el": "Greek",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "th": "Thai",
    "hi": "Hindi",
    "ka": "Georgian",
    "hy": "Armenian",
}

FORMALITY_RULES = {
    "casual": "casual and warm: first names, short sentences, contractions are fine.",
    "neutral": "friendly and professional: polite, plain words, no slang.",
    "formal": (
        "formal: polite forms of address (e.g. 'Sie', 'вы', 'vous'), full sentences, no "
        "slang, no emoji."
    ),
}

_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class RenderedPrompt:
    version: str
    messages: list[PromptMessage]

    def as_dicts(self) -> list[dict[str, str]]:
        """The messages as stored on the draft (``Draft.prompt``)."""
        return [{"role": m.role, "content": m.content} for m in self.messages]


def language_name(code: str) -> str:
    """'de' → 'German'; unknown codes are returned as they are (the model knows ISO 639-1)."""
    return LANGUAGE_NAMES.get(code, code)


def _render(path: str, context: dict) -> str:
    text = _engine.get_template(path).render(Context(context, autoescape=False))
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines))


def render_reply_prompt(facts: ReplyFacts, *, version: str = REPLY_DRAFT_VERSION) -> RenderedPrompt:
    """The system and user messages for a reply draft written from ``facts``."""
    context = {
        "facts": facts,
        "language_name": language_name(facts.language),
        "formality_rule": FORMALITY_RULES.get(facts.formality, FORMALITY_RULES["neutral"]),
    }
    return RenderedPrompt(
        version=version,
        messages=[
            PromptMessage("system", _render(f"{version}.system.txt", context)),
            PromptMessage("user", _render(f"{version}.user.txt", context)),
        ],
    )
