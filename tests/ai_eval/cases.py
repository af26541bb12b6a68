"""The eval cases: YAML files in ``cases/`` and how one becomes a chat in the database.

A case file (one scripted conversation) holds::

    about: what the case is for (one line)
    settings: {formality, tone_instructions, forbidden_phrases, required_disclaimer,
               banned_topics, language}          # the organization's AISettings (optional)
    member: Max Keller                           # who asks for the draft
    contact: {first_name, last_name, title}
    company: Acme GmbH                           # optional: the contact's primary company
    deal: {title, value, currency, stage, stages: [...]}   # optional: an open deal whose
                                                 # pipeline has ``stages`` in this order
    notes: [...]                                 # optional: notes on the contact
    conversation: [{in: text} | {out: text}, ...]  # oldest first
    instruction: shorter                         # optional: the member's instruction
    fake_reply: what the fake OpenAI model answers
    fake_outcome: ready | blocked                # blocked: the guardrails must refuse it
    expect:
      language: ru                               # ISO 639-1 of the reply
      formality: formal                          # optional: no "sounds casual/stiff" note
      prompt_facts: [...]                        # must be in the prompt a model receives
      local_reply: [...]                         # must be in the offline drafter's reply
      real_reply: [...]                          # must be in a real model's reply
      must_not_contain: [...]                    # never in any reply (whole words)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone

CASES_DIR = Path(__file__).resolve().parent / "cases"


@dataclass(frozen=True)
class Expect:
    language: str
    formality: str = ""
    prompt_facts: list[str] = field(default_factory=list)
    local_reply: list[str] = field(default_factory=list)
    real_reply: list[str] = field(default_factory=list)
    must_not_contain: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Case:
    id: str
    about: str
    settings: dict[str, Any]
    member: str
    contact: dict[str, str]
    conversation: list[tuple[str, str]]  # (direction, text)
    expect: Expect
    company: str = ""
    deal: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    instruction: str = ""
    fake_reply: str = ""
    fake_outcome: str = "ready"


def load_cases() -> list[Case]:
    """Every case under ``cases/``, sorted by file name."""
    return [load_case(path) for path in sorted(CASES_DIR.glob("*.yaml"))]


def load_case(path: Path) -> Case:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    conversation = []
    for line in raw["conversation"]:
        ((direction, text),) = line.items()
        conversation.append((direction, str(text)))
    return Case(
        id=path.stem,
        about=raw["about"],
        settings=raw.get("settings") or {},
        member=raw["member"],
        contact=raw["contact"],
        conversation=conversation,
        expect=Expect(**{k: v or [] if k != "language" else v for k, v in raw["expect"].items()}),
        company=raw.get("company") or "",
        deal=raw.get("deal"),
        notes=raw.get("notes") or [],
        instruction=raw.get("instruction") or "",
        fake_reply=raw.get("fake_reply") or "",
        fake_outcome=raw.get("fake_outcome") or "ready",
    )


@dataclass(frozen=True)
class Built:
    """A case in the database: who asks for a draft in which chat."""

    organization: Any
    user: Any
    chat: Any


def build_case(case: Case, make_member, *, ai: dict[str, Any]) -> Built:
    """Create the organization, member, contact, company, deal, notes, chat and messages of
    ``case`` with the project's factories; ``ai`` adds provider fields to its AISettings."""
    from agents.tests.factories import AISettingsFactory
    from crm.tests.factories import (
        CompanyFactory,
        ContactCompanyFactory,
        ContactFactory,
        NoteFactory,
    )
    from messaging.models import Message
    from messaging.tests.factories import ChatFactory, MessageFactory
    from pipelines.tests.factories import DealFactory, PipelineFactory, StageFactory

    member = make_member("owner", full_name=case.member)
    organization, user = member.organization, member.user
    AISettingsFactory(organization=organization, **case.settings, **ai)
    contact = ContactFactory(organization=organization, **case.contact)
    company = None
    if case.company:
        company = CompanyFactory(organization=organization, name=case.company)
        ContactCompanyFactory(
            organization=organization, contact=contact, company=company, is_primary=True
        )
    if case.deal:
        pipeline = PipelineFactory(organization=organization)
        stages = {
            name: StageFactory(organization=organization, pipeline=pipeline, name=name, position=i)
            for i, name in enumerate(case.deal["stages"])
        }
        deal = DealFactory(
            organization=organization,
            stage=stages[case.deal["stage"]],
            pipeline=pipeline,
            title=case.deal["title"],
            value=Decimal(str(case.deal["value"])),
            currency=case.deal["currency"],
            company=company,
        )
        deal.contacts.add(contact)
    for body in case.notes:
        NoteFactory(organization=organization, contact=contact, body=body)
    chat = ChatFactory(organization=organization, bot__organization=organization, contact=contact)
    started = timezone.now() - timedelta(hours=1)
    for index, (direction, text) in enumerate(case.conversation):
        inbound = direction == "in"
        MessageFactory(
            chat=chat,
            organization=organization,
            direction=Message.Direction.IN if inbound else Message.Direction.OUT,
            text=text,
            sent_at=started + timedelta(minutes=index),
            sender_contact=contact if inbound else None,
            sender_user=None if inbound else user,
            source=Message.Source.TELEGRAM if inbound else Message.Source.MANUAL,
            status=Message.Status.RECEIVED if inbound else Message.Status.SENT,
        )
    return Built(organization=organization, user=user, chat=chat)
