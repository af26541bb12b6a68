"""What a reply draft is written from: the conversation and CRM facts, within a token budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from accounts.models import User
from agents.language import detect_language
from agents.models import AISettings
from agents.tokens import estimate_tokens
from crm.models import Company, Contact, ContactCompany, Note
from messaging.models import Chat, Message
from pipelines.models import Deal, Stage, StageKind


@dataclass(frozen=True)
class ChatLine:
    direction: str  # "in" (prospect) or "out" (team)
    author: str
    text: str
    sent_at: str  # ISO 8601


@dataclass(frozen=True)
class ReplyFacts:
    """Everything a provider may use, JSON-serialisable (``dataclasses.asdict``) for the
    draft's "why" view."""

    organization_name: str
    language: str  # ISO 639-1 code of the conversation ("en", "ru", "de"…)
    lines: list[ChatLine]
    member_name: str = ""
    signature: str = ""
    contact_name: str = ""
    contact_first_name: str = ""
    contact_title: str = ""
    company_name: str = ""
    deal_title: str = ""
    deal_value: str = ""
    deal_currency: str = ""
    stage_name: str = ""
    next_stage_name: str = ""
    notes: list[str] = field(default_factory=list)
    formality: str = "neutral"
    tone_instructions: str = ""
    forbidden_phrases: list[str] = field(default_factory=list)
    required_disclaimer: str = ""
    banned_topics: list[str] = field(default_factory=list)
    instruction: str = ""
    previous_draft: str = ""


# --- gathering ---------------------------------------------------------------------------------
# A line costs its text plus a few tokens of framing (author, role marker) in the prompt.
LINE_OVERHEAD_TOKENS = 4
NOTES_SHOWN = 5
NOTE_CHARS = 500


def reply_facts_for(
    *,
    chat: Chat,
    member: User | None,
    settings: AISettings,
    instruction: str = "",
    previous_draft: str = "",
) -> ReplyFacts:
    """The facts a reply to ``chat`` is written from, in two bounded queries.

    1. The newest ``settings.context_messages`` text messages and captions (service messages,
       deleted ones and media without a caption are skipped) through the
       ``message_chat_sent`` index (organization, chat, sent_at DESC) with a LIMIT, so a chat
       of 10,000 messages costs what a chat of 30 does. Newest lines are kept first until
       ``settings.context_token_budget`` is spent, then put back in chronological order.
    2. One row of CRM facts (``_crm_sql``): the chat's contact with its primary (else first)
       company; the contact's newest open deal with its stage and the next open stage of its
       pipeline (by position); the five newest notes of the contact or that deal.

    The language is ``settings.language`` unless it is ``"auto"``; then the prospect's lines
    decide (``agents.language.detect_language``). Pass ``chat`` with ``organization`` loaded
    (``select_related``) to keep to these two queries.
    """
    crm = _crm_facts(chat)
    lines = _chat_lines(
        chat, settings, prospect=crm.get("contact_name") or chat.title or "Prospect"
    )
    if settings.language and settings.language != "auto":
        language = settings.language
    else:
        language = detect_language([line.text for line in lines if line.direction == "in"])
    organization_name = chat.organization.name
    member_name = member.full_name if member is not None else ""
    signature = f"— {member_name}, {organization_name}" if member_name else ""
    return ReplyFacts(
        organization_name=organization_name,
        language=language,
        lines=lines,
        member_name=member_name,
        signature=signature,
        **crm,
        formality=settings.formality,
        tone_instructions=settings.tone_instructions,
        forbidden_phrases=list(settings.forbidden_phrases or []),
        required_disclaimer=settings.required_disclaimer,
        banned_topics=list(settings.banned_topics or []),
        instruction=instruction,
        previous_draft=previous_draft,
    )


def _chat_lines(chat: Chat, settings: AISettings, *, prospect: str) -> list[ChatLine]:
    """``prospect`` names inbound lines whose sender is unknown (e.g. imported history)."""
    rows = (
        Message.objects.filter(organization_id=chat.organization_id, chat_id=chat.pk)
        .exclude(kind=Message.Kind.SERVICE)
        .exclude(text="")
        .filter(deleted_at__isnull=True)
        .order_by("-sent_at", "-pk")
        .values_list(
            "direction",
            "kind",
            "text",
            "sent_at",
            "source",
            "sender_contact__full_name",
            "sender_user__full_name",
        )[: settings.context_messages]
    )
    budget = settings.context_token_budget
    kept: list[ChatLine] = []
    for direction, kind, text, sent_at, source, contact_name, user_name in rows:
        if kind != Message.Kind.TEXT:
            text = f"[{kind}] {text}"
        cost = estimate_tokens(text) + LINE_OVERHEAD_TOKENS
        if cost > budget:
            break
        budget -= cost
        if direction == Message.Direction.IN:
            author = contact_name or prospect
        else:
            author = user_name or ("Bot" if source != Message.Source.AGENT else "AI draft")
        kept.append(
            ChatLine(
                direction=direction,
                author=author,
                text=text,
                sent_at=sent_at.isoformat(),
            )
        )
    kept.reverse()
    return kept


def _crm_sql() -> str:
    """One statement for the contact, its company, its newest open deal (with stage, next
    open stage and the deal's company) and the five newest notes of the contact or that deal.

    Raw SQL on purpose: the same as three ORM queries costs three round trips and ~2 ms of
    query compilation each, a third of the 50 ms budget of a draft's overhead. Table names come
    from the models' metadata; every value is a parameter.
    """
    t = {
        m.__name__: m._meta.db_table for m in (Contact, ContactCompany, Company, Note, Deal, Stage)
    }
    deal_contacts = Deal.contacts.through._meta.db_table
    return f"""
        SELECT c.full_name, c.first_name, c.title,
          (SELECT co.name FROM {t["ContactCompany"]} cc
             JOIN {t["Company"]} co ON co.id = cc.company_id
            WHERE cc.contact_id = c.id ORDER BY cc.is_primary DESC, cc.id LIMIT 1),
          d.title, d.value, d.currency, d.stage_name, d.next_stage_name, d.company_name,
          ARRAY(SELECT LEFT(n.body, %(note_chars)s) FROM {t["Note"]} n
                 WHERE n.organization_id = c.organization_id
                   AND (n.contact_id = c.id OR n.deal_id = d.id)
                 ORDER BY n.created_at DESC, n.id DESC LIMIT %(notes)s)
        FROM {t["Contact"]} c
        LEFT JOIN LATERAL (
          SELECT dd.id, dd.title, dd.value, dd.currency, s.name AS stage_name,
            (SELECT ns.name FROM {t["Stage"]} ns
              WHERE ns.pipeline_id = dd.pipeline_id AND ns.kind = %(open)s
                AND ns.position > s.position
              ORDER BY ns.position, ns.id LIMIT 1) AS next_stage_name,
            (SELECT dco.name FROM {t["Company"]} dco WHERE dco.id = dd.company_id)
              AS company_name
          FROM {t["Deal"]} dd
          JOIN {deal_contacts} dc ON dc.deal_id = dd.id AND dc.contact_id = c.id
          JOIN {t["Stage"]} s ON s.id = dd.stage_id AND s.kind = %(open)s
          WHERE dd.organization_id = c.organization_id AND dd.closed_at IS NULL
          ORDER BY dd.created_at DESC, dd.id DESC LIMIT 1
        ) d ON TRUE
        WHERE c.organization_id = %(organization)s AND c.id = %(contact)s
    """  # noqa: S608 — table names from model metadata, values as parameters


def _crm_facts(chat: Chat) -> dict[str, Any]:
    if not chat.contact_id:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _crm_sql(),
            {
                "organization": chat.organization_id,
                "contact": chat.contact_id,
                "open": StageKind.OPEN,
                "notes": NOTES_SHOWN,
                "note_chars": NOTE_CHARS,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return {}
    (full_name, first_name, title, company, deal_title, value, currency, stage, next_stage,
     deal_company, notes) = row  # fmt: skip
    return {
        "contact_name": full_name or "",
        "contact_first_name": first_name or "",
        "contact_title": title or "",
        "company_name": company or deal_company or "",
        "deal_title": deal_title or "",
        "deal_value": str(value) if deal_title is not None else "",
        "deal_currency": currency or "",
        "stage_name": stage or "",
        "next_stage_name": next_stage or "",
        "notes": list(notes or []),
    }
