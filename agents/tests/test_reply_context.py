"""Gathering the facts of a reply: the conversation within its budget, the contact, company,
open deal and next stage, notes, tone rules and signature — in two bounded queries, however
long the chat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agents.context import reply_facts_for
from agents.models import AISettings
from crm.tests.factories import CompanyFactory, ContactCompanyFactory, NoteFactory
from messaging.models import Chat, Message
from messaging.tests.factories import ChatFactory
from pipelines.models import StageKind
from pipelines.tests.factories import DealFactory, PipelineFactory, StageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat():
    chat = ChatFactory(contact__first_name="Anna", contact__last_name="Petrova")
    chat.contact.title = "Head of Sales"
    chat.contact.save()
    return Chat.objects.select_related("organization", "contact").get(pk=chat.pk)


def add_messages(chat, texts, *, start=None, **fields):
    start = start or timezone.now() - dt.timedelta(days=1)
    return Message.objects.bulk_create(
        Message(
            organization_id=chat.organization_id,
            chat=chat,
            direction=fields.get("direction", Message.Direction.IN),
            kind=fields.get("kind", Message.Kind.TEXT),
            text=text,
            sender_contact=chat.contact,
            sent_at=start + dt.timedelta(seconds=n),
            deleted_at=fields.get("deleted_at"),
        )
        for n, text in enumerate(texts)
    )


def test_the_conversation_is_in_order_without_service_or_deleted_messages(chat, make_member):
    add_messages(chat, ["Hello", "Do you ship to Portugal?"])
    add_messages(chat, ["joined the group"], kind=Message.Kind.SERVICE)
    add_messages(chat, ["oops"], deleted_at=timezone.now())
    add_messages(chat, [""], kind=Message.Kind.STICKER)

    facts = reply_facts_for(chat=chat, member=None, settings=AISettings())

    assert [line.text for line in facts.lines] == ["Hello", "Do you ship to Portugal?"]
    assert facts.lines[0].author == "Anna Petrova"
    assert facts.lines[0].direction == "in"


def test_the_newest_lines_are_kept_within_the_token_budget(chat):
    add_messages(chat, [f"message number {n} " + "x" * 36 for n in range(50)])
    settings = AISettings(context_messages=30, context_token_budget=100)

    facts = reply_facts_for(chat=chat, member=None, settings=settings)

    assert 0 < len(facts.lines) < 30
    assert facts.lines[-1].text.startswith("message number 49 ")


def test_crm_facts_contact_company_open_deal_next_stage_and_notes(chat, make_member):
    organization = chat.organization
    member = make_member("bidi", organization=organization, full_name="Max Weber")
    company = CompanyFactory(organization=organization, name="Globex")
    ContactCompanyFactory(organization=organization, contact=chat.contact, company=company)
    pipeline = PipelineFactory(organization=organization)
    stages = [
        StageFactory(organization=organization, pipeline=pipeline, name=name, position=n, kind=kind)
        for n, (name, kind) in enumerate(
            [
                ("Lead", StageKind.OPEN),
                ("Demo", StageKind.OPEN),
                ("Won", StageKind.WON),
                ("Proposal", StageKind.OPEN),
            ]
        )
    ]
    deal = DealFactory(organization=organization, stage=stages[1], title="Globex pilot")
    deal.contacts.add(chat.contact)
    for n in range(7):
        NoteFactory(organization=organization, contact=chat.contact, body=f"note {n}")
    NoteFactory(organization=organization, contact=None, deal=deal, body="deal note")
    settings = AISettings(
        formality="formal", forbidden_phrases=["cheap"], required_disclaimer="Not an offer."
    )

    facts = reply_facts_for(chat=chat, member=member.user, settings=settings, instruction="short")

    assert (facts.contact_name, facts.contact_first_name, facts.contact_title) == (
        "Anna Petrova",
        "Anna",
        "Head of Sales",
    )
    assert facts.company_name == "Globex"
    assert (facts.deal_title, facts.stage_name, facts.next_stage_name) == (
        "Globex pilot",
        "Demo",
        "Proposal",
    )
    assert facts.notes[0] == "deal note" and len(facts.notes) == 5
    assert facts.signature == f"— Max Weber, {organization.name}"
    assert (facts.formality, facts.forbidden_phrases, facts.instruction) == (
        "formal",
        ["cheap"],
        "short",
    )


def test_a_long_chat_costs_two_queries_through_the_chat_index(chat, django_assert_max_num_queries):
    start = timezone.now() - dt.timedelta(days=30)
    add_messages(chat, [f"line {n}" for n in range(10_000)], start=start)
    deal = DealFactory(organization=chat.organization)
    deal.contacts.add(chat.contact)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE messaging_message")

    with (
        django_assert_max_num_queries(2),
        CaptureQueriesContext(connection) as queries,
    ):
        facts = reply_facts_for(chat=chat, member=None, settings=AISettings())

    assert facts.lines[-1].text == "line 9999"
    assert len(facts.lines) == 30
    with connection.cursor() as cursor:
        [lines_sql] = [
            q["sql"] for q in queries.captured_queries if "messaging_message" in q["sql"]
        ]
        cursor.execute("EXPLAIN " + lines_sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "message_chat_sent" in plan, plan
