"""messaging's trigger hooks: the "message" and "chat" subjects (and the chat's contact), the
"assign the chat" and "send a template" actions, and "no reply for N days"."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.errors import ValidationError
from automation.registry import ActionError, time_sources
from automation.tests.action_runs import (
    action_context,
    context_for,
    preview_action,
    resolve,
    run_action,
)
from messaging.models import Chat, Message
from messaging.services.inbound import message_payload
from messaging.tests.factories import ChatFactory, MessageFactory, ResponseTemplateFactory

NOW = timezone.now()


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def chat(owner):
    return ChatFactory(
        organization=owner.organization,
        bot__organization=owner.organization,
        contact__first_name="Ada",
        contact__last_name="Lovelace",
    )


def _ctx(owner, chat, actor=None, **kwargs):
    return action_context(
        owner.organization, actor or owner.user, "chat.created", {"chat": {"id": chat.pk}}, **kwargs
    )


def test_a_message_event_shows_the_message_its_chat_and_the_chats_contact(owner, chat):
    message = MessageFactory(organization=owner.organization, chat=chat, text="Price?")

    context = context_for(
        owner.organization, "message.received", {"message": message_payload(message)}
    )

    assert context["message"] == {
        "id": message.pk,
        "text": "Price?",
        "direction": "in",
        "kind": "text",
        "status": "received",
        "chat_id": chat.pk,
        "has_attachments": False,
    }
    assert context["chat"] | {"id": 0} == {
        "id": 0,
        "title": "Ada Lovelace",
        "kind": "private",
        "status": "open",
        "assigned_to_id": None,
        "bot_id": chat.bot_id,
        "contact_id": chat.contact_id,
        "is_blocked": False,
        "last_message_direction": "",
        "_changed": [],
    }
    assert context["contact"]["id"] == chat.contact_id


def test_the_chat_costs_one_query(owner, chat, django_assert_num_queries):
    context = {"event": {"name": "chat.created"}, "payload": {"chat": {"id": chat.pk}}}

    with django_assert_num_queries(1):
        resolve("chat", owner.organization, context)


def test_the_message_costs_no_query(owner, chat, django_assert_num_queries):
    message = MessageFactory(organization=owner.organization, chat=chat)
    context = {"event": {"name": "message.sent"}, "payload": {"message": message_payload(message)}}

    with django_assert_num_queries(0):
        resolve("message", owner.organization, context)


def test_another_organizations_chat_is_not_found(owner):
    context = context_for(owner.organization, "chat.created", {"chat": {"id": ChatFactory().pk}})

    assert "chat" not in context


def test_assign_gives_the_chat_to_the_member(owner, chat, make_member):
    bidi = make_member("bidi", organization=owner.organization)

    result = run_action("chat.assign", _ctx(owner, chat), {"assignee": str(bidi.user.pk)})

    chat.refresh_from_db()
    assert chat.assigned_to == bidi.user
    assert result == f"Assigned Ada Lovelace to {bidi.user.email}."


def test_assign_refuses_a_stranger_when_saved(owner, chat, make_member):
    with pytest.raises(ValidationError) as error:
        run_action("chat.assign", _ctx(owner, chat), {"assignee": make_member().user.pk})

    assert "assignee" in error.value.fields


def test_send_template_queues_the_rendered_template_as_automation(owner, chat):
    template = ResponseTemplateFactory(
        organization=owner.organization,
        name="Pricing",
        body="Hi {{ contact.first_name | there }}, about {{ chat.title }}: $99.",
    )

    result = run_action("message.send_template", _ctx(owner, chat), {"template": template.pk})

    message = Message.objects.get(chat=chat)
    assert message.text == "Hi Ada, about Ada Lovelace: $99."
    assert (message.status, message.source, message.sender_user) == (
        "queued",
        Message.Source.AUTOMATION,
        None,
    )
    assert result == "Queued the template “Pricing” to Ada Lovelace."


def test_send_template_to_a_blocked_chat_fails(owner, chat):
    Chat.objects.filter(pk=chat.pk).update(is_blocked=True)
    template = ResponseTemplateFactory(organization=owner.organization)

    with pytest.raises(ActionError, match="blocked the bot"):
        run_action("message.send_template", _ctx(owner, chat), {"template": template.pk})

    assert not Message.objects.exists()


def test_send_template_preview_shows_the_text_and_sends_nothing(owner, chat):
    template = ResponseTemplateFactory(organization=owner.organization, name="Hi", body="Hello!")

    text = preview_action(
        "message.send_template", _ctx(owner, chat, dry_run=True), {"template": template.pk}
    )

    assert text == "Would send the template “Hi” to Ada Lovelace: Hello!"
    assert not Message.objects.exists()


def test_a_template_of_another_organization_is_refused_when_saved(owner, chat):
    with pytest.raises(ValidationError) as error:
        run_action(
            "message.send_template", _ctx(owner, chat), {"template": ResponseTemplateFactory().pk}
        )

    assert "template" in error.value.fields


# --- "No reply from the contact for N days" ---------------------------------------------------


def _last_message(chat, direction, days_ago, **fields):
    Chat.objects.filter(pk=chat.pk).update(
        last_message_direction=direction,
        last_message_at=NOW - datetime.timedelta(days=days_ago),
        last_message_id=chat.pk * 10,
        **fields,
    )


def _find(owner, days):
    source = time_sources()["chat.no_reply"]
    params = source.clean(owner.organization, {"days": days})
    return list(source.find(owner.organization, params, NOW))


def test_chats_whose_last_message_is_ours_and_old_are_due(owner, chat):
    _last_message(chat, "out", 4)

    assert _find(owner, 3) == [(f"chat:{chat.pk}:msg:{chat.pk * 10}", {"chat": {"id": chat.pk}})]


@pytest.mark.parametrize(
    ("direction", "days_ago", "fields"),
    [
        ("in", 10, {}),  # they wrote last: our turn, not theirs
        ("out", 1, {}),  # not long enough
        ("out", 10, {"is_blocked": True}),
        ("out", 10, {"status": "done"}),
    ],
)
def test_other_chats_are_not_due(owner, chat, direction, days_ago, fields):
    _last_message(chat, direction, days_ago, **fields)

    assert _find(owner, 3) == []


def test_no_reply_days_are_checked_when_saved(owner):
    with pytest.raises(ValidationError) as error:
        time_sources()["chat.no_reply"].clean(owner.organization, {"days": 0})

    assert "days" in error.value.fields


def test_a_group_message_finds_its_sender_as_the_contact(owner):
    from crm.tests.factories import ContactFactory

    group = ChatFactory(
        organization=owner.organization,
        bot__organization=owner.organization,
        kind=Chat.Kind.GROUP,
        title="Deal room",
        contact=None,
    )
    sender = ContactFactory(organization=owner.organization)
    message = MessageFactory(organization=owner.organization, chat=group, sender_contact=sender)

    context = context_for(
        owner.organization, "message.received", {"message": message_payload(message)}
    )

    assert context["contact"]["id"] == sender.pk
