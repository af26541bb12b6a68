"""Link previews as the inbox uses them: recorded per organization, cached for a day, fetched
after a message with links is committed, announced live and read in one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from automation.models import Event
from messaging.linkpreview import selectors
from messaging.linkpreview.services import link_preview_fetch, message_urls
from messaging.linkpreview.tasks import link_previews_fetch
from messaging.models import LinkPreview, Message
from messaging.services.inbound import InboundMessage, message_record
from messaging.tests.factories import ChatFactory, LinkPreviewFactory, MessageFactory

pytestmark = pytest.mark.django_db

ARTICLE = (
    '<html><head><meta property="og:title" content="Q3 pricing">'
    '<meta property="og:description" content="New plans."><meta property="og:site_name" '
    'content="Acme"></head></html>'
)


def test_a_message_with_a_link_gets_a_card_and_the_chat_hears_of_it(fake_website):
    url = fake_website.page("/pricing", ARTICLE)
    message = MessageFactory(text=f"Have a look: {url}")

    link_previews_fetch(message.pk)

    preview = LinkPreview.objects.get(organization=message.organization)
    assert (preview.url, preview.status, preview.title) == (url, "ok", "Q3 pricing")
    assert preview.site_name == "Acme"
    event = Event.objects.get(organization=message.organization, name="link_preview.fetched")
    assert event.payload["message"] == message.pk
    assert event.payload["chat"] == message.chat_id
    assert event.payload["previews"][0]["title"] == "Q3 pricing"


def test_a_url_is_fetched_once_a_day_per_organization(fake_website):
    url = fake_website.page("/pricing", ARTICLE)
    chat = ChatFactory()
    MessageFactory.create_batch(2, chat=chat, text=url)

    for message in Message.objects.filter(chat=chat):
        link_previews_fetch(message.pk)

    assert fake_website.paths() == ["/pricing"]
    LinkPreview.objects.update(fetched_at=timezone.now() - timedelta(hours=25))
    link_preview_fetch(organization=chat.organization, url=url)
    assert fake_website.paths() == ["/pricing", "/pricing"]


def test_another_organization_fetches_its_own_copy(fake_website):
    url = fake_website.page("/pricing", ARTICLE)

    link_previews_fetch(MessageFactory(text=url).pk)
    link_previews_fetch(MessageFactory(text=url).pk)

    assert LinkPreview.objects.count() == 2


def test_a_refused_link_is_recorded_without_a_request_or_event(guarded_website):
    guarded_website.page("/admin", ARTICLE)
    message = MessageFactory(text=f"http://127.0.0.1:{guarded_website.port}/admin")

    link_previews_fetch(message.pk)

    preview = LinkPreview.objects.get()
    assert preview.status == "refused"
    assert "loopback" in preview.error
    assert guarded_website.requests == []
    assert not Event.objects.filter(name="link_preview.fetched").exists()


def test_a_page_without_a_title_is_recorded_as_failed(fake_website):
    url = fake_website.page("/bare", "<html><body>Nothing to show</body></html>")

    preview = link_preview_fetch(organization=MessageFactory().organization, url=url)

    assert preview.status == "failed"
    assert not preview.has_card


def test_recording_an_inbound_message_with_a_link_fetches_its_preview(
    fake_website, django_capture_on_commit_callbacks
):
    url = fake_website.page("/pricing", ARTICLE)
    chat = ChatFactory()

    with django_capture_on_commit_callbacks(execute=True):
        message_record(
            chat=chat,
            data=InboundMessage(
                telegram_message_id=42, sent_at=timezone.now(), text=f"Pricing: {url}"
            ),
        )

    assert LinkPreview.objects.get(organization=chat.organization).title == "Q3 pricing"


def test_messages_without_links_fetch_nothing(fake_website, django_capture_on_commit_callbacks):
    chat = ChatFactory()

    with django_capture_on_commit_callbacks(execute=True):
        message_record(
            chat=chat,
            data=InboundMessage(telegram_message_id=43, sent_at=timezone.now(), text="Hi there"),
        )

    assert not LinkPreview.objects.exists()
    assert fake_website.requests == []


def test_links_come_from_text_and_telegram_entities_in_order():
    text = "🙂 see acme.com/a, https://b.example/x). and [docs] https://c.example/y"
    message = MessageFactory.build(
        text=text,
        entities=[
            {"type": "url", "offset": 7, "length": 10},  # UTF-16 offsets: the emoji counts 2
            {"type": "text_link", "offset": 0, "length": 2, "url": "https://hidden.example/"},
        ],
    )

    assert message_urls(message) == [
        "http://acme.com/a",
        "https://hidden.example/",
        "https://b.example/x",
    ]


def test_link_previews_for_returns_the_cards_of_each_message_in_one_query(
    django_assert_num_queries,
):
    chat = ChatFactory()
    first = LinkPreviewFactory(organization=chat.organization, url="https://a.example/")
    second = LinkPreviewFactory(organization=chat.organization, url="https://b.example/")
    LinkPreviewFactory(organization=chat.organization, url="https://c.example/", status="failed")
    LinkPreviewFactory(url="https://d.example/")  # another organization's
    with_links = MessageFactory(
        chat=chat, text="https://b.example/ https://a.example/ https://c.example/"
    )
    other_org_link = MessageFactory(chat=chat, text="https://d.example/")
    plain = MessageFactory(chat=chat, text="no links")

    with django_assert_num_queries(1):
        cards = selectors.link_previews_for([with_links, other_org_link, plain])

    assert cards == {with_links.pk: [second, first]}


def test_the_card_partial_escapes_what_the_page_said():
    preview = LinkPreviewFactory.build(
        pk=7,
        url="https://a.example/",
        title="<script>alert(1)</script>",
        image_url="https://a.example/i.png",
    )

    html = render_to_string("messaging/_link_preview.html", {"preview": preview})

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'referrerpolicy="no-referrer"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_the_inbox_fetches_a_messages_cards_as_a_partial(make_member, client):
    member = make_member("viewer")
    client.force_login(member.user)
    chat = ChatFactory(bot__organization=member.organization)
    LinkPreviewFactory(organization=member.organization, url="https://a.example/", title="A card")
    message = MessageFactory(chat=chat, text="https://a.example/")
    theirs = MessageFactory(text="https://a.example/")

    html = client.get(f"/messages/{message.pk}/link-previews/").content.decode()

    assert "A card" in html
    assert client.get(f"/messages/{theirs.pk}/link-previews/").status_code == 404
