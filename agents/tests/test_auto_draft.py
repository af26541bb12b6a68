"""Automatic drafts on inbound messages: only when the organization turned them on, only for
private chats, once per message — and never sent without a person unless the channel is on
auto-send."""

from __future__ import annotations

import pytest

from agents.auto_drafts import auto_draft_on_inbound
from agents.models import AISettings, AutoSendChannel, Draft
from automation.models import Event
from messaging.models import Message
from messaging.tests import updates


@pytest.fixture
def auto_draft_on(connected):
    return AISettings.objects.create(organization=connected.owner.organization, auto_draft=True)


def test_an_inbound_message_gets_an_automatic_draft(connected, deliver, auto_draft_on):
    deliver(connected.bot, updates.update(text="Hi! Do you ship to Portugal?"))

    draft = Draft.objects.get()
    assert (draft.trigger, draft.requested_by, draft.status) == ("auto", None, "ready")
    assert draft.reply_to == Message.objects.get()


def test_the_automatic_draft_waits_for_a_person_without_auto_send(
    connected, deliver, auto_draft_on, fake_telegram
):
    deliver(connected.bot, updates.update(text="Hi! Do you ship to Portugal?"))

    assert Draft.objects.get().status == Draft.Status.READY
    assert not Message.objects.filter(direction="out").exists()
    assert fake_telegram.calls("sendMessage") == []


def test_an_auto_send_channel_sends_the_automatic_draft(
    connected, deliver, auto_draft_on, fake_telegram
):
    AutoSendChannel.objects.create(
        organization=connected.bot.organization, bot=connected.bot, enabled_by=connected.owner.user
    )

    deliver(connected.bot, updates.update(text="Hi! Do you ship to Portugal?"))

    draft = Draft.objects.get()
    assert (draft.status, draft.auto_sent, draft.decided_by) == ("sent", True, None)
    [call] = fake_telegram.calls("sendMessage")
    assert call.params["text"] == draft.final_text == draft.text
    assert Event.objects.get(name="draft.sent").payload["auto"] is True


def test_no_automatic_draft_when_the_organization_has_it_off(connected, deliver):
    deliver(connected.bot, updates.update(text="Hi! Do you ship to Portugal?"))

    assert not Draft.objects.exists()


def test_group_messages_get_no_automatic_draft(connected, deliver, auto_draft_on):
    deliver(connected.bot, updates.update(text="Who here handles shipping?", chat=updates.GROUP))

    assert Message.objects.get().chat.kind == "supergroup"
    assert not Draft.objects.exists()


def test_one_message_is_drafted_once_even_when_its_event_comes_again(
    connected, deliver, auto_draft_on, django_capture_on_commit_callbacks
):
    deliver(connected.bot, updates.update(text="Hi! Do you ship to Portugal?"))
    event = Event.objects.get(name="message.received")

    with django_capture_on_commit_callbacks(execute=True):
        auto_draft_on_inbound(event)

    assert Draft.objects.count() == 1


def test_a_second_message_gets_a_fresh_draft_replacing_the_first(connected, deliver, auto_draft_on):
    deliver(connected.bot, updates.update(text="Hi! Do you ship to Portugal?"))
    deliver(connected.bot, updates.update(text="And to Spain?"))

    first, second = Draft.objects.order_by("created_at")
    assert (first.status, second.status) == ("superseded", "ready")
    assert second.context["lines"][-1]["text"] == "And to Spain?"


def test_the_organizations_rate_limit_silently_skips_automatic_drafts(connected, deliver):
    AISettings.objects.create(
        organization=connected.owner.organization, auto_draft=True, org_drafts_per_minute=1
    )
    deliver(connected.bot, updates.update(text="Hi! Do you ship to Portugal?"))
    Draft.objects.update(status=Draft.Status.REJECTED)

    deliver(connected.bot, updates.update(text="Hello?"))

    assert Draft.objects.count() == 1
