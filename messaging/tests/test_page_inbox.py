"""The inbox pages: the three panes render, filters, permissions, other organizations' chats,
the live row partial, marking read on open, and the old chat URLs leading here."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.tests.factories import TagFactory
from messaging.models import ChatReadState
from messaging.services.inbound import InboundMessage, message_record
from messaging.services.inbox import chat_assign, chat_mark_done
from messaging.tests.factories import ChatFactory, TelegramBotFactory

_ids = iter(range(1, 100_000))


@pytest.fixture
def me(make_member):
    return make_member("owner")


@pytest.fixture
def bot(me):
    return TelegramBotFactory(organization=me.organization, username="acme_sales_bot")


def chat_with(bot, text: str = "Hello", minutes_ago: int = 0, **fields):
    chat = ChatFactory(organization=bot.organization, bot=bot, **fields)
    receive(chat, text, minutes_ago=minutes_ago)
    return chat


def receive(chat, text: str = "Hello", minutes_ago: int = 0):
    sent_at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    data = InboundMessage(telegram_message_id=next(_ids), sent_at=sent_at, text=text)
    return message_record(chat=chat, data=data)[0]


def test_the_inbox_lists_chats_newest_first_with_preview_and_unread(client, me, bot):
    chat_with(bot, "Old question", minutes_ago=30, title="Older chat")
    newer = chat_with(bot, "Fresh question", minutes_ago=1, title="Newer chat")
    receive(newer, "Are you there?")
    client.force_login(me.user)

    page = client.get(reverse("messaging:inbox")).content.decode()

    assert page.index("Newer chat") < page.index("Older chat")
    assert "Are you there?" in page
    assert 'aria-label="2 unread"' in page


def test_opening_a_chat_shows_its_transcript_and_marks_it_read(client, me, bot):
    chat = chat_with(bot, "What is the price?")
    client.force_login(me.user)

    page = client.get(reverse("messaging:inbox_chat", args=[chat.pk])).content.decode()

    assert "What is the price?" in page
    assert 'id="composer"' in page
    assert ChatReadState.objects.get(chat=chat, user=me.user).read_inbound_count == 1
    assert 'aria-label="1 unread"' not in page


def test_the_mine_filter_shows_only_my_chats(client, me, bot):
    mine = chat_with(bot, title="Mine")
    chat_with(bot, title="Somebody else's")
    chat_assign(chat=mine, assignee=me.user, actor=me.user)
    client.force_login(me.user)

    page = client.get(reverse("messaging:inbox") + "?assignee=mine").content.decode()

    assert f'id="inbox-row-{mine.pk}"' in page
    assert "Somebody else" not in page


def test_done_chats_leave_the_open_list_and_show_under_done(client, me, bot):
    done = chat_with(bot, title="Closed one")
    chat_mark_done(chat=done, actor=me.user)
    client.force_login(me.user)

    open_page = client.get(reverse("messaging:inbox")).content.decode()
    done_page = client.get(reverse("messaging:inbox") + "?status=done").content.decode()

    assert "Closed one" not in open_page
    assert "Closed one" in done_page


def test_the_tag_filter_keeps_chats_whose_contact_has_the_tag(client, me, bot):
    tagged = chat_with(bot, title="Tagged")
    chat_with(bot, title="Plain")
    tag = TagFactory(organization=me.organization, name="vip")
    tagged.contact.tags.add(tag)
    client.force_login(me.user)

    page = client.get(reverse("messaging:inbox") + f"?tag={tag.pk}").content.decode()

    assert "Tagged" in page and "Plain" not in page


def test_another_organizations_chat_is_not_found(client, me, make_member):
    other = make_member("owner")
    foreign = chat_with(TelegramBotFactory(organization=other.organization))
    client.force_login(me.user)

    for url in (
        reverse("messaging:inbox_chat", args=[foreign.pk]),
        reverse("messaging:inbox_row", args=[foreign.pk]),
        reverse("messaging:inbox_messages", args=[foreign.pk]),
        reverse("messaging:inbox_context", args=[foreign.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("messaging:inbox_action", args=[foreign.pk, "done"]))
    assert response.status_code == 404


def test_the_row_partial_renders_one_fresh_row_and_says_if_it_still_matches(client, me, bot):
    chat = chat_with(bot, "Hi there", title="Row chat")
    client.force_login(me.user)
    url = reverse("messaging:inbox_row", args=[chat.pk])

    fresh = client.get(url).content.decode()
    chat_mark_done(chat=chat, actor=me.user)
    gone = client.get(url).content.decode()

    assert 'data-match="1"' in fresh and "Hi there" in fresh
    assert 'data-match="0"' in gone


def test_a_viewer_cannot_mark_a_chat_done(client, bot, make_member):
    viewer = make_member("viewer", organization=bot.organization)
    chat = chat_with(bot)
    client.force_login(viewer.user)

    response = client.post(
        reverse("messaging:inbox_action", args=[chat.pk, "done"]), HTTP_HX_REQUEST="true"
    )

    chat.refresh_from_db()
    assert chat.status == "open"
    assert "inbox-action-error" in response.content.decode()


def test_a_viewer_sees_the_inbox_without_a_composer(client, bot, make_member):
    viewer = make_member("viewer", organization=bot.organization)
    chat = chat_with(bot, "Read only")
    client.force_login(viewer.user)

    page = client.get(reverse("messaging:inbox_chat", args=[chat.pk])).content.decode()

    assert "Read only" in page and 'id="composer"' not in page


def test_mark_unread_flags_the_chat_for_me(client, me, bot):
    chat = chat_with(bot)
    client.force_login(me.user)
    client.get(reverse("messaging:inbox_chat", args=[chat.pk]))

    client.post(reverse("messaging:inbox_action", args=[chat.pk, "unread"]), HTTP_HX_REQUEST="true")

    assert ChatReadState.objects.get(chat=chat, user=me.user).manual_unread
    totals = client.get(reverse("messaging:inbox_unread")).json()
    assert totals["chats"] == 1


def test_snooze_tomorrow_hides_the_chat_until_then(client, me, bot):
    chat = chat_with(bot)
    client.force_login(me.user)

    client.post(
        reverse("messaging:inbox_action", args=[chat.pk, "snooze"]),
        {"until": "tomorrow"},
        HTTP_HX_REQUEST="true",
    )

    chat.refresh_from_db()
    assert chat.status == "snoozed"
    assert timezone.localtime(chat.snoozed_until).hour == 9


def test_the_old_chat_urls_lead_to_the_inbox(client, me, bot):
    chat = chat_with(bot)
    client.force_login(me.user)

    assert client.get(reverse("messaging:chat_list")).url == reverse("messaging:inbox")
    detail = client.get(reverse("messaging:chat_detail", args=[chat.pk]))
    assert detail.url == reverse("messaging:inbox_chat", args=[chat.pk])


def test_search_finds_messages_and_opens_the_chat_around_the_hit(client, me, bot):
    chat = chat_with(bot, "The invoice is attached", minutes_ago=5)
    hit = receive(chat, "Payment terms are net 30")
    client.force_login(me.user)

    results = client.get(reverse("messaging:inbox_search") + "?q=payment").content.decode()
    around = client.get(
        reverse("messaging:inbox_chat", args=[chat.pk]) + f"?message={hit.pk}"
    ).content.decode()

    assert f"?message={hit.pk}" in results
    assert "is-highlighted" in around


def test_the_nav_shows_the_inbox_with_its_unread_badge(client, me, bot):
    chat_with(bot)
    client.force_login(me.user)

    page = client.get(reverse("dashboard")).content.decode()
    badge = client.get(reverse("messaging:inbox_unread"), HTTP_HX_REQUEST="true")

    assert reverse("messaging:inbox_unread") in page and ">Inbox<" in page
    assert badge.content.decode().strip() == "1"
