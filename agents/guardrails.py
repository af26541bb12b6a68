"""Guardrails around AI drafts: who may ask how often, how much the month may cost, and what
the text a provider returned may say before a member sees it.

Two checks run before a draft is generated (``check_draft_allowed``):

- the organization's monthly token budget (the sum of its ``Usage`` rows of the calendar
  month, UTC) — spent means no draft until the first of next month;
- per-organization and per-member limits of drafts a minute. The counters live in the
  project's Redis (the client of ``messaging.ratelimit``) so every web and worker process
  shares them. Each limit is a sliding one-minute window (a sorted set of request times); one
  Lua script checks both windows and takes a place in both or in none, so a request refused
  by the member's limit does not use up the organization's.

One check runs after (``review_output``): deterministic tone rules on the returned text —
forbidden phrases are removed, the required disclaimer is appended, banned topics block the
draft, and formality mismatches are noted for the member. No provider call is involved, so
the same rules hold for the offline drafter and any model.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings as django_settings

from agents.errors import AIBudgetExhausted, AIRateLimited
from config.redis_connection import redis_client

if TYPE_CHECKING:
    from accounts.models import Organization, User
    from agents.models import AISettings

WINDOW_SECONDS = 60

# KEYS: the window logs to pay into. ARGV[1]: a request id, ARGV[2]: window (µs), then one
# limit per key. Returns {index of the full window (1-based), µs until it frees} or {0, 0}
# after taking a place in every window.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local limit = tonumber(ARGV[2 + i])
  if redis.call('ZCARD', key) >= limit then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    return {i, oldest + window - now}
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, math.ceil(window / 1000) + 1000)
end
return {0, 0}
"""


def _key(*parts: object) -> str:
    return ":".join([django_settings.REDIS_KEY_PREFIX, "ai-rate", *map(str, parts)])


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def next_month_start(now: datetime | None = None) -> datetime:
    """Midnight UTC of the first day of the month after ``now`` (when a budget refills)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    if now.month == 12:
        return datetime(now.year + 1, 1, 1, tzinfo=UTC)
    return datetime(now.year, now.month + 1, 1, tzinfo=UTC)


def check_budget(*, organization: Organization, settings: AISettings) -> None:
    """Raise ``AIBudgetExhausted`` when the month's tokens reached ``monthly_token_budget``
    (0 = no budget). ``retry_after`` is the seconds until the first of next month, UTC."""
    budget = settings.monthly_token_budget
    if not budget:
        return
    from agents.selectors import month_tokens_used

    used = month_tokens_used(organization)
    if used < budget:
        return
    now = datetime.now(UTC)
    refill = next_month_start(now)
    retry_after = max(1, int((refill - now).total_seconds()))
    raise AIBudgetExhausted(
        f"This month's AI budget of {budget:,} tokens is used up ({used:,} used); "
        f"drafts resume on {refill:%B} 1 (UTC).",
        retry_after=retry_after,
    )


def check_rate(*, organization: Organization, user: User | None, settings: AISettings) -> None:
    """Take one draft from the organization's and the member's per-minute allowance, or raise
    ``AIRateLimited`` (nothing taken) saying how long to wait. A limit of 0 means none."""
    windows: list[tuple[str, int, str]] = []
    if settings.user_drafts_per_minute and user is not None:
        limit = settings.user_drafts_per_minute
        windows.append(
            (
                _key("user", organization.pk, user.pk),
                limit,
                f"You can request {_plural(limit, 'draft')} a minute",
            )
        )
    if settings.org_drafts_per_minute:
        limit = settings.org_drafts_per_minute
        windows.append(
            (
                _key("org", organization.pk),
                limit,
                f"Your organization can request {_plural(limit, 'draft')} a minute",
            )
        )
    if not windows:
        return
    keys = [key for key, _, _ in windows]
    args = [uuid.uuid4().hex, WINDOW_SECONDS * 1_000_000, *(limit for _, limit, _ in windows)]
    full, wait_us = redis_client().eval(_TAKE, len(keys), *keys, *args)
    if not full:
        return
    retry_after = max(1, -(-int(wait_us) // 1_000_000))  # whole seconds, rounded up
    rule = windows[int(full) - 1][2]
    raise AIRateLimited(f"{rule}; try again in {retry_after} s.", retry_after=retry_after)


def check_draft_allowed(
    *, organization: Organization, user: User | None, settings: AISettings
) -> None:
    """Raise ``AIBudgetExhausted`` or ``AIRateLimited`` when a draft may not be generated now;
    otherwise consume one unit of the per-minute limits. The budget is checked first so a
    request refused for the budget does not use up the minute's allowance."""
    check_budget(organization=organization, settings=settings)
    check_rate(organization=organization, user=user, settings=settings)


# --- Output review -------------------------------------------------------------------------


@dataclass
class Review:
    """The reviewed draft text; ``blocked_reason`` set means the draft must not be offered."""

    text: str
    notes: list[str] = field(default_factory=list)
    blocked_reason: str = ""


# Markers of a register, per formality; a match in the other register is only a note.
_CASUAL_MARKERS = [
    r"\bhey\b",
    r"\bhiya\b",
    r"\byo\b",
    r"\bgonna\b",
    r"\bwanna\b",
    r"\bgotta\b",
    r"\blol\b",
    r"\bbtw\b",
    r"\bthx\b",
    r"\bcheers\b",
    r"\bawesome\b",
    r"\bcool\b",
    r"!!+",
    r"[\U0001F300-\U0001FAFF]",  # emoji
    r"\bпривет\b",
    r"\bкороче\b",
    r"\bhallo\b",
    r"\bhola\b",
]
_FORMAL_MARKERS = [
    r"\bdear (?:sir|madam|mr|ms|mrs)\b",
    r"\bto whom it may concern\b",
    r"\bkind regards\b",
    r"\byours (?:sincerely|faithfully)\b",
    r"\bwe hereby\b",
    r"\bpursuant to\b",
    r"\bуважаем",
    r"\bс уважением\b",
    r"\bsehr geehrte",
    r"\bestimad[oa]\b",
]


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` as a case-insensitive pattern; whole words where it starts/ends with one."""
    escaped = re.escape(phrase.strip())
    start = r"(?<!\w)" if phrase.strip()[:1].isalnum() else ""
    end = r"(?!\w)" if phrase.strip()[-1:].isalnum() else ""
    return re.compile(start + escaped + end, re.IGNORECASE)


def _tidy(text: str) -> str:
    """Whitespace and punctuation left behind by a removal ("we  , guarantee" → "we, …")."""
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"^[ \t]*[,;:][ \t]*", "", text, flags=re.MULTILINE)
    text = re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)
    return text.strip()


def _banned_topic(text: str, topics: list[str]) -> str:
    for topic in topics:
        if topic.strip() and _phrase_pattern(topic).search(text):
            return topic.strip()
    return ""


def _formality_notes(text: str, formality: str) -> list[str]:
    if formality == "formal":
        found = _first_match(text, _CASUAL_MARKERS)
        if found:
            return [f"The tone is set to formal but the draft sounds casual (“{found}”)."]
    if formality == "casual":
        found = _first_match(text, _FORMAL_MARKERS)
        if found:
            return [f"The tone is set to casual but the draft sounds stiff (“{found}”)."]
    return []


def _first_match(text: str, patterns: list[str]) -> str:
    for pattern in patterns:
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            return match.group(0)
    return ""


def review_output(*, text: str, settings: AISettings) -> Review:
    """Apply the organization's tone rules to a provider's ``text``.

    Order: a banned topic blocks the draft (nothing else matters then); forbidden phrases are
    removed case-insensitively, each with a note; the required disclaimer is appended when the
    text does not already contain it; formality mismatches become notes. Deterministic."""
    banned = _banned_topic(text, list(settings.banned_topics or []))
    if banned:
        return Review(
            text=text,
            notes=[f"Blocked: mentions the banned topic “{banned}”."],
            blocked_reason=f"The draft touched a banned topic: {banned}",
        )
    notes: list[str] = []
    for phrase in settings.forbidden_phrases or []:
        if not phrase.strip():
            continue
        pattern = _phrase_pattern(phrase)
        text, removed = pattern.subn("", text)
        if removed:
            text = _tidy(text)
            notes.append(f"Removed the forbidden phrase “{phrase.strip()}”.")
    disclaimer = (settings.required_disclaimer or "").strip()
    if disclaimer and disclaimer.casefold() not in text.casefold():
        text = f"{text.rstrip()}\n\n{disclaimer}" if text.strip() else disclaimer
        notes.append("Added the required disclaimer.")
    notes += _formality_notes(text, settings.formality)
    return Review(text=text, notes=notes)
