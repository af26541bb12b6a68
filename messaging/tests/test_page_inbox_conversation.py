"""The inbox conversation: sending from the composer (htmx), refusals next to it, older pages,
one bubble for live events, templates, and the context panel's contact, tags, notes and
deals (the pipelines panel registered through messaging.inbox_panels)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.models import Note
from messaging.models import Message
from messaging.services import sending
from messaging.tests import updates
from messaging.tests.factories import ChatFactory, MessageFactory
from pipelines.models import Deal
from pipelines.services.deals import deal_create

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_composer_sends_and_answers_with_the_new_bubble(
    client, connected, deliver, django_capture_on_commit_callbacks
):
    deliver(connected.bot, updates.update(text="hi"))
    chat_id = Message.objects.get().chat_id
    client.force_login(connected.owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("messaging:inbox_send", args=[chat_id]), {"text": "Hi Anna!"}, **HTMX
        )

    sent = Message.objects.get(direction="out")
    assert f'id="message-{sent.pk}"' in response.content.decode()
    assert connected.telegram.calls("sendMessage")[-1].params["text"] == "Hi Anna!"


def test_a_reply_quotes_the_message_replied_to(client, connected, deliver):
    deliver(connected.bot, updates.update(text="What is the price?"))
    question = Message.objects.get()
    client.force_login(connected.owner.user)

    response = client.post(
        reverse("messaging:inbox_send", args=[question.chat_id]),
        {"text": "€100", "reply_to": question.pk},
        **HTMX,
    )

    assert Message.objects.get(direction="out").reply_to == question
    assert "bubble-quote" in response.content.decode()


def test_sending_to_a_blocked_chat_shows_the_reason_next_to_the_composer(client, connected):
    chat = ChatFactory(bot=connected.bot, is_blocked=True)
    client.force_login(connected.owner.user)

    response = client.post(
        reverse("messaging:inbox_send", args=[chat.pk]), {"text": "Hello?"}, **HTMX
    )

    assert response["HX-Retarget"] == "#composer-error"
    assert "blocked the bot" in response.content.decode()
    assert not Message.objects.exists()


def test_an_oversized_attachment_is_refused(client, connected, monkeypatch):
    chat = ChatFactory(bot=connected.bot)
    client.force_login(connected.owner.user)
    monkeypatch.setattr("messaging.services.sending.MAX_UPLOAD_BYTES", 10)  # where the rule is
    upload = SimpleUploadedFile("big.pdf", b"x" * 11, content_type="application/pdf")

    response = client.post(
        reverse("messaging:inbox_send", args=[chat.pk]), {"attachment": upload}, **HTMX
    )

    assert "up to 50 MB" in response.content.decode()
    assert not Message.objects.exists()


def test_scrolling_up_loads_the_page_before_the_oldest_shown(client, connected):
    chat = ChatFactory(bot=connected.bot)
    messages = [MessageFactory(chat=chat, text=f"Message {n}") for n in range(60)]
    client.force_login(connected.owner.user)

    page = client.get(reverse("messaging:inbox_chat", args=[chat.pk])).content.decode()
    older = client.get(
        reverse("messaging:inbox_messages", args=[chat.pk]) + f"?before={messages[10].pk}"
    ).content.decode()

    assert "Message 59" in page and "Message 5<" not in page
    assert "data-older-url" in page
    assert "Message 9<" in older and "Message 10<" not in older


def test_one_bubble_renders_for_a_live_event(client, connected):
    chat = ChatFactory(bot=connected.bot)
    message = MessageFactory(chat=chat, text="Live one", edited_at=chat.created_at)
    client.force_login(connected.owner.user)

    html = client.get(
        reverse("messaging:inbox_message", args=[chat.pk, message.pk])
    ).content.decode()

    assert "Live one" in html and "edited" in html


def test_a_failed_message_shows_its_reason_and_retry(client, connected):
    chat = ChatFactory(bot=connected.bot)
    failed = MessageFactory(
        chat=chat,
        direction="out",
        status="failed",
        failure_reason="Bad Request: chat not found",
        sender_contact=None,
    )
    client.force_login(connected.owner.user)

    html = client.get(
        reverse("messaging:inbox_message", args=[chat.pk, failed.pk])
    ).content.decode()

    assert "chat not found" in html
    assert reverse("messaging:message_retry", args=[failed.pk]) in html


def test_templates_come_rendered_for_the_chat(client, connected):
    from messaging.services.templates import response_template_create

    chat = ChatFactory(bot=connected.bot, contact__first_name="Anna")
    response_template_create(
        organization=connected.bot.organization,
        actor=connected.owner.user,
        name="Greeting",
        body="Hi {{contact.first_name}}!",
        shortcut="/hi",
    )
    client.force_login(connected.owner.user)

    html = client.get(reverse("messaging:inbox_templates", args=[chat.pk]) + "?q=/h")

    assert 'data-template-text="Hi Anna!"' in html.content.decode()


def test_the_context_panel_adds_notes_and_tags_to_the_contact(client, connected):
    chat = ChatFactory(bot=connected.bot)
    client.force_login(connected.owner.user)

    client.post(reverse("messaging:inbox_note_add", args=[chat.pk]), {"body": "Met at a fair"})
    panel = client.post(
        reverse("messaging:inbox_tag_add", args=[chat.pk]), {"tags": "vip, investor"}
    ).content.decode()

    assert Note.objects.get().contact == chat.contact
    assert sorted(chat.contact.tags.values_list("name", flat=True)) == ["investor", "vip"]
    assert "Met at a fair" in panel


def test_the_context_panel_edits_the_contact(client, connected):
    chat = ChatFactory(bot=connected.bot, contact__first_name="Anna")
    client.force_login(connected.owner.user)

    client.post(
        reverse("messaging:inbox_contact_edit", args=[chat.pk]),
        {"first_name": "Anna", "last_name": "Petrova", "title": "CFO", "emails": "a@x.io"},
    )

    chat.contact.refresh_from_db()
    assert (chat.contact.last_name, chat.contact.title) == ("Petrova", "CFO")
    assert chat.contact.emails == ["a@x.io"]


def test_the_deals_panel_creates_a_deal_from_the_chat_and_moves_it(client, connected):
    chat = ChatFactory(bot=connected.bot)
    owner = connected.owner.user
    client.force_login(owner)

    panel = client.post(
        reverse("pipelines:inbox_deal_create", args=[chat.pk]),
        {"title": "Pilot", "value": "5000"},
        follow=True,
    ).content.decode()
    deal = Deal.objects.get()
    next_stage = deal.pipeline.stages.exclude(pk=deal.stage_id).order_by("position").first()
    client.post(
        reverse("pipelines:inbox_deal_move", args=[chat.pk, deal.pk]), {"stage": next_stage.pk}
    )

    assert list(deal.contacts.all()) == [chat.contact]
    assert "Pilot" in panel and "Create deal from chat" in panel
    deal.refresh_from_db()
    assert deal.stage == next_stage


def test_the_inbox_row_carries_the_open_deals_stage_chip(client, connected):
    chat = ChatFactory(bot=connected.bot, title="Deal chat")
    MessageFactory(chat=chat)
    deal = deal_create(
        organization=connected.bot.organization,
        actor=connected.owner.user,
        title="Pilot",
        contacts=[chat.contact],
    )
    client.force_login(connected.owner.user)

    html = client.get(reverse("messaging:inbox_row", args=[chat.pk])).content.decode()

    assert "inbox-chip-stage" in html and deal.stage.name in html


def test_the_composer_limit_matches_the_sending_service():
    from messaging.views import inbox

    assert inbox.MAX_UPLOAD_BYTES == sending.MAX_UPLOAD_BYTES


def test_a_refused_deal_shows_why_in_the_panel(client, connected):
    chat = ChatFactory(bot=connected.bot)
    client.force_login(connected.owner.user)

    response = client.post(
        reverse("pipelines:inbox_deal_create", args=[chat.pk]), {"title": "X", "value": "abc"}
    )

    assert response.status_code == 200
    assert "Enter the value as a number." in response.content.decode()
    assert not Deal.objects.exists()
