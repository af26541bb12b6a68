"""Reading drafts back: a chat's history of drafts and one draft's "why" (the prompt, the facts
gathered, the guardrails' notes, provider, tokens, cost and timings). Read-only pages for every
member who may read the conversation (``message.view``)."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.tenancy import org_required
from agents import selectors
from agents.models import Draft
from agents.views.drafts import chat_or_404, draft_or_404, provider_label

HISTORY_SHOWN = 200


@dataclass(frozen=True)
class DiffPart:
    """A run of words the member kept (``same``), added (``added``) or removed (``removed``)."""

    kind: str
    text: str


def word_diff(before: str, after: str) -> list[DiffPart]:
    """``before`` → ``after`` as runs of words, for the "edited" marker of the history."""
    old, new = before.split(), after.split()
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(DiffPart("same", " ".join(old[a1:a2])))
            continue
        if a2 > a1:
            parts.append(DiffPart("removed", " ".join(old[a1:a2])))
        if b2 > b1:
            parts.append(DiffPart("added", " ".join(new[b1:b2])))
    return parts


@dataclass(frozen=True)
class HistoryEntry:
    draft: Draft
    source: str
    edited: bool
    diff: list[DiffPart]


def _entry(draft: Draft) -> HistoryEntry:
    edited = bool(draft.final_text) and draft.final_text.strip() != draft.text.strip()
    return HistoryEntry(
        draft=draft,
        source=provider_label(draft.provider, draft.model),
        edited=edited,
        diff=word_diff(draft.text, draft.final_text) if edited else [],
    )


@org_required("message.view")
@require_GET
def chat_drafts(request: HttpRequest, pk: int) -> HttpResponse:
    """Every draft of chat ``pk``, newest first: who asked, who decided what, the final text."""
    chat = chat_or_404(request, pk)
    drafts = selectors.chat_drafts(request.org.organization, chat)[:HISTORY_SHOWN]
    return render(
        request,
        "agents/chat_drafts.html",
        {"chat": chat, "entries": [_entry(draft) for draft in drafts]},
    )


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return "" if value is None else str(value)


@org_required("message.view")
@require_GET
def draft_why(request: HttpRequest, pk: int) -> HttpResponse:
    """Why the draft says what it says: everything the provider was given and what it cost."""
    draft = draft_or_404(request, pk)
    facts = draft.context if isinstance(draft.context, dict) else {"context": draft.context}
    prompt = draft.prompt if isinstance(draft.prompt, list) else []
    context = {
        "draft": draft,
        "chat": draft.chat,
        "source": provider_label(draft.provider, draft.model),
        "is_language_model": bool(draft.provider) and draft.provider != "local",
        "prompt_messages": [
            {"role": str(m.get("role", "")), "content": _shown(m.get("content", ""))}
            for m in prompt
            if isinstance(m, dict)
        ],
        "facts": [(str(key), _shown(value)) for key, value in facts.items() if value],
        "unknown_facts": sorted(str(key) for key, value in facts.items() if not value),
        "total_tokens": draft.prompt_tokens + draft.completion_tokens,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "agents/_draft_why.html", context)
    return render(request, "agents/draft_why.html", context)
