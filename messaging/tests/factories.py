from __future__ import annotations

import factory

from accounts.tests.factories import OrganizationFactory, UserFactory
from crm.tests.factories import ContactFactory
from messaging.models import (
    Attachment,
    Chat,
    ChatMember,
    ChatReadState,
    HistoryImport,
    LinkPreview,
    Message,
    ResponseTemplate,
    TelegramBot,
    TelegramUpdate,
)
from messaging.models.linkpreviews import url_hash


class TelegramBotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TelegramBot

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Sales bot {n}")
    username = factory.Sequence(lambda n: f"sales{n}_bot")
    telegram_id = factory.Sequence(lambda n: 7_000_000_000 + n)
    token = factory.LazyAttribute(lambda bot: f"{bot.telegram_id}:AAH-fake-token-{bot.username}")
    mode = TelegramBot.Mode.POLLING


class TelegramUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TelegramUpdate

    bot = factory.SubFactory(TelegramBotFactory)
    organization = factory.SelfAttribute("bot.organization")
    update_id = factory.Sequence(lambda n: 100_000 + n)
    payload = factory.LazyAttribute(lambda u: {"update_id": u.update_id})


class ChatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chat

    bot = factory.SubFactory(TelegramBotFactory)
    organization = factory.SelfAttribute("bot.organization")
    telegram_chat_id = factory.Sequence(lambda n: 500_000_000 + n)
    kind = Chat.Kind.PRIVATE
    title = ""
    contact = factory.SubFactory(
        ContactFactory,
        organization=factory.SelfAttribute("..organization"),
        telegram_user_id=factory.SelfAttribute("..telegram_chat_id"),
    )


class ChatMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatMember

    chat = factory.SubFactory(ChatFactory, kind=Chat.Kind.GROUP, title="Deal room", contact=None)
    organization = factory.SelfAttribute("chat.organization")
    contact = factory.SubFactory(
        ContactFactory, organization=factory.SelfAttribute("..organization")
    )


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    chat = factory.SubFactory(ChatFactory)
    organization = factory.SelfAttribute("chat.organization")
    direction = Message.Direction.IN
    kind = Message.Kind.TEXT
    text = factory.Faker("sentence")
    telegram_message_id = factory.Sequence(lambda n: n + 1)
    sender_contact = factory.SelfAttribute("chat.contact")
    status = Message.Status.RECEIVED


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    message = factory.SubFactory(MessageFactory, kind=Message.Kind.DOCUMENT)
    organization = factory.SelfAttribute("message.organization")
    kind = Message.Kind.DOCUMENT
    file = factory.django.FileField(filename="terms.pdf", data=b"%PDF-1.4 fake")
    file_name = "terms.pdf"
    mime_type = "application/pdf"
    size = 13
    status = Attachment.Status.STORED


class HistoryImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HistoryImport

    organization = factory.SubFactory(OrganizationFactory)
    file = factory.django.FileField(filename="result.json", data=b'{"messages": []}')


class ChatReadStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatReadState

    chat = factory.SubFactory(ChatFactory)
    organization = factory.SelfAttribute("chat.organization")
    user = factory.SubFactory(UserFactory)


class LinkPreviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinkPreview

    organization = factory.SubFactory(OrganizationFactory)
    url = factory.Sequence(lambda n: f"https://example.com/article-{n}")
    url_hash = factory.LazyAttribute(lambda o: url_hash(o.url))
    title = "Example article"
    description = "What the article is about."
    site_name = "Example"
    status = LinkPreview.Status.OK


class ResponseTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponseTemplate

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Pricing {n}")
    shortcut = factory.Sequence(lambda n: f"/price{n}")
    body = "Hi {{ contact.first_name }}, our pricing starts at $99."
