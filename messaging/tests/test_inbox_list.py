"""Inbox reads: the list (filters, unread, keyset pages, row hooks), transcript pages and
search (messaging.selectors_inbox)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.errors import NotFound, ValidationError
from crm.tests.factories import ContactFactory, TagFactory
from messaging import selectors_inbox
from messaging.models import Chat, Message
from messaging.selectors_inbox import InboxFilters
from messaging.services import inbox
from messaging.services.inbound import InboundMessage, message_record
from messaging.tests.factories import ChatFactory, MessageFactory, TelegramBotFactory

_ids = iter(range(1, 100_000))
NOW = timezone.now()


@pytest.fixture
def me(make_member):
    return make_member("bidi")


@pytest.fixture
def bot(me):
    return TelegramBotFactory(organization=me.organization)


def chat_with(bot, text: str = "Hello", minutes_ago: int = 0, **fields) -> Chat:
    chat = ChatFactory(organization=bot.organization, bot=bot, **fields)
    receive(chat, text, minutes_ago=minutes_ago)
    return chat


def receive(chat: Chat, text: str = "Hello", minutes_ago: int = 0) -> Message:
    sent_at = NOW - datetime.timedelta(minutes=minutes_ago)
    data = InboundMessage(telegram_message_id=next(_ids), sent_at=sent_at, text=text)
    return message_record(chat=chat, data=data)[0]


def ids(me, **filters) -> list[int]:
    rows = selectors_inbox.inbox_list(me.organization, me.user, filters=InboxFilters(**filters))
    return [row.pk for row in rows]


def test_the_inbox_lists_open_chats_newest_activity_first(me, bot):
    older = chat_with(bot, minutes_ago=10)
    newer = chat_with(bot, minutes_ago=1)
    silent = ChatFactory(organization=me.organization, bot=bot)  # no message yet: created_at

    assert ids(me) == [silent.pk, newer.pk, older.pk]


def test_a_row_carries_the_preview_unread_count_and_relations(me, bot):
    chat = chat_with(bot, "First")
    receive(chat, "Second")

    [row] = selectors_inbox.inbox_list(me.organization, me.user, filters=InboxFilters())

    assert (row.last_message_text, row.unread_count, row.manual_unread) == ("Second", 2, False)
    assert row.contact == chat.contact and row.bot == bot and row.assigned_to is None


def test_the_list_is_one_query_however_many_rows(me, bot, django_assert_num_queries):
    for _ in range(5):
        chat_with(bot)

    with django_assert_num_queries(1):
        rows = list(selectors_inbox.inbox_list(me.organization, me.user, filters=InboxFilters()))
        assert [(r.contact.full_name, r.bot.username, r.assigned_to) for r in rows]


def test_mine_and_unassigned(me, bot, make_member):
    colleague = make_member("bidi", organization=me.organization)
    mine = chat_with(bot)
    theirs = chat_with(bot)
    nobodys = chat_with(bot)
    inbox.chat_assign(chat=mine, assignee=me.user, actor=me.user)
    inbox.chat_assign(chat=theirs, assignee=colleague.user, actor=me.user)

    assert ids(me, assignee="mine") == [mine.pk]
    assert ids(me, assignee="unassigned") == [nobodys.pk]


def test_status_filter(me, bot):
    open_chat = chat_with(bot)
    done = chat_with(bot)
    snoozed = chat_with(bot)
    inbox.chat_mark_done(chat=done, actor=me.user)
    inbox.chat_snooze(chat=snoozed, until=NOW + datetime.timedelta(days=1), actor=me.user)

    assert ids(me) == [open_chat.pk]
    assert ids(me, status="done") == [done.pk]
    assert ids(me, status="snoozed") == [snoozed.pk]
    assert sorted(ids(me, status="all")) == sorted([open_chat.pk, done.pk, snoozed.pk])


def test_unread_only_uses_my_read_markers(me, bot, make_member):
    colleague = make_member("bidi", organization=me.organization)
    read = chat_with(bot)
    unread = chat_with(bot)
    flagged = chat_with(bot)
    inbox.chat_mark_read(chat=read, user=me.user)
    inbox.chat_mark_read(chat=flagged, user=me.user)
    inbox.chat_mark_unread(chat=flagged, user=me.user)

    assert sorted(ids(me, unread=True)) == sorted([unread.pk, flagged.pk])
    assert len(ids(colleague, unread=True)) == 3


def test_tag_bot_and_channel_filters(me, bot):
    tag = TagFactory(organization=me.organization)
    tagged = chat_with(bot, contact=ContactFactory(organization=me.organization))
    tagged.contact.tags.add(tag)
    other_bot = TelegramBotFactory(organization=me.organization)
    elsewhere = chat_with(other_bot)

    assert ids(me, tag=tag.pk) == [tagged.pk]
    assert ids(me, bot=other_bot.pk) == [elsewhere.pk]
    assert len(ids(me, channel="telegram")) == 2


def test_unknown_filter_values_are_refused():
    with pytest.raises(ValidationError) as error:
        InboxFilters(assignee="everyone", status="closed")

    assert set(error.value.fields) == {"assignee", "status"}


def test_another_organizations_chats_never_appear(me, bot, make_member):
    chat_with(bot)
    outsider = make_member("owner")
    chat_with(TelegramBotFactory(organization=outsider.organization))

    assert len(ids(me)) == 1


def test_pages_follow_each_other_without_gaps_or_repeats(me, bot):
    chats = [chat_with(bot, minutes_ago=i % 3) for i in range(7)]  # ties on the time
    seen: list[int] = []
    cursor = None
    while True:
        page = selectors_inbox.inbox_page(
            me.organization, me.user, filters=InboxFilters(), cursor=cursor, limit=3
        )
        seen += [row.pk for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break

    assert seen == ids(me)
    assert sorted(seen) == sorted(c.pk for c in chats)


def test_a_broken_cursor_is_a_validation_error(me):
    with pytest.raises(ValidationError):
        selectors_inbox.inbox_page(
            me.organization, me.user, filters=InboxFilters(), cursor="not-a-cursor"
        )


def test_other_apps_add_to_rows_through_a_hook(me, bot):
    chat = chat_with(bot)
    calls = []

    def stage_chip(organization, rows):
        calls.append(len(rows))
        return {rows[0].pk: {"stage": "Negotiation"}}

    # Its own name: unregistering "deal" would take the pipelines app's hook away for the run.
    selectors_inbox.register_inbox_row_hook("test-chip", stage_chip)
    try:
        page = selectors_inbox.inbox_page(me.organization, me.user, filters=InboxFilters())
    finally:
        selectors_inbox.unregister_inbox_row_hook("test-chip")

    assert page.rows[0].pk == chat.pk
    assert page.rows[0].inbox_extras["test-chip"] == {"stage": "Negotiation"}
    assert calls == [1]


def test_unread_total_for_the_title_badge(me, bot):
    first = chat_with(bot)
    receive(first)
    chat_with(bot)
    read = chat_with(bot)
    inbox.chat_mark_read(chat=read, user=me.user)

    assert selectors_inbox.inbox_unread_total(me.organization, me.user) == {
        "chats": 2,
        "messages": 3,
    }


# --- transcript pages -----------------------------------------------------------------------


@pytest.fixture
def transcript(bot):
    chat = ChatFactory(organization=bot.organization, bot=bot)
    messages = [receive(chat, f"m{i}", minutes_ago=100 - i) for i in range(12)]
    return chat, messages


def test_the_newest_page_comes_oldest_first(transcript):
    chat, _ = transcript

    page = selectors_inbox.chat_messages_page(chat, limit=5)

    assert [m.text for m in page.messages] == ["m7", "m8", "m9", "m10", "m11"]
    assert page.has_older is True


def test_scrolling_up_continues_before_the_first_message(transcript):
    chat, messages = transcript

    page = selectors_inbox.chat_messages_page(chat, before_id=messages[3].pk, limit=5)

    assert [m.text for m in page.messages] == ["m0", "m1", "m2"]
    assert page.has_older is False


def test_jumping_to_a_message_shows_its_neighbours(transcript):
    chat, messages = transcript

    page = selectors_inbox.messages_around(chat, messages[6].pk, n=2)

    assert [m.text for m in page.messages] == ["m4", "m5", "m6", "m7", "m8"]
    assert (page.has_older, page.has_newer) == (True, True)


def test_a_message_of_another_chat_is_not_found(transcript, bot):
    chat, _ = transcript
    other = receive(ChatFactory(organization=bot.organization, bot=bot))

    with pytest.raises(NotFound):
        selectors_inbox.chat_messages_page(chat, before_id=other.pk)
    with pytest.raises(NotFound):
        selectors_inbox.messages_around(chat, other.pk)


# --- search ---------------------------------------------------------------------------------


def test_search_finds_chats_by_title_username_and_contact_name(me, bot):
    by_title = ChatFactory(organization=me.organization, bot=bot, title="Acme deal room")
    by_username = ChatFactory(organization=me.organization, bot=bot, username="acmebuyer")
    by_contact = ChatFactory(
        organization=me.organization,
        bot=bot,
        contact=ContactFactory(organization=me.organization, first_name="Acmeline"),
    )
    ChatFactory(organization=me.organization, bot=bot, title="Other")

    result = selectors_inbox.inbox_search(me.organization, me.user, "acme")

    assert {c.pk for c in result.chats} == {by_title.pk, by_username.pk, by_contact.pk}


def test_search_finds_messages_by_word_and_word_beginning(me, bot):
    chat = ChatFactory(organization=me.organization, bot=bot)
    hit = receive(chat, "Could you send the pricing sheet?")
    receive(chat, "Thanks")

    for q in ("pricing", "Pric", "send sheet"):
        result = selectors_inbox.inbox_search(me.organization, me.user, q)
        assert [h.message.pk for h in result.messages] == [hit.pk], q

    [found] = selectors_inbox.inbox_search(me.organization, me.user, "pricing").messages
    assert found.message.chat == chat
    assert "pricing sheet" in found.snippet


def test_search_falls_back_to_fragments_inside_words(me, bot):
    chat = ChatFactory(organization=me.organization, bot=bot)
    hit = receive(chat, "Our microservices are ready")

    result = selectors_inbox.inbox_search(me.organization, me.user, "service")

    assert [h.message.pk for h in result.messages] == [hit.pk]


def test_search_stays_in_the_organization(me, bot, make_member):
    receive(ChatFactory(organization=me.organization, bot=bot), "budget approved")
    outsider = make_member("owner")
    outsider_bot = TelegramBotFactory(organization=outsider.organization)
    receive(ChatFactory(organization=outsider.organization, bot=outsider_bot), "budget approved")

    result = selectors_inbox.inbox_search(me.organization, me.user, "budget")

    assert len(result.messages) == 1
    assert result.messages[0].message.organization_id == me.organization.pk


def test_deleted_messages_are_not_found(me, bot):
    chat = ChatFactory(organization=me.organization, bot=bot)
    MessageFactory(chat=chat, text="secret plan", deleted_at=NOW)

    assert selectors_inbox.inbox_search(me.organization, me.user, "secret").messages == []
