"""``/api/v1/inbox/`` and the inbox actions on ``/api/v1/chats/{id}/…``."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from messaging.models import Chat, Message
from messaging.services import inbox
from messaging.services.inbound import InboundMessage, message_record
from messaging.tests.factories import ChatFactory, TelegramBotFactory

_ids = iter(range(1, 100_000))


@pytest.fixture
def me(make_member):
    return make_member("bidi")


@pytest.fixture
def api(me, jwt_client):
    return jwt_client(me.user, me.organization)


@pytest.fixture
def bot(me):
    return TelegramBotFactory(organization=me.organization)


def receive(chat: Chat, text: str = "Hello", minutes_ago: int = 0) -> Message:
    sent_at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    data = InboundMessage(telegram_message_id=next(_ids), sent_at=sent_at, text=text)
    return message_record(chat=chat, data=data)[0]


def chat_with(bot, text: str = "Hello", **fields) -> Chat:
    chat = ChatFactory(organization=bot.organization, bot=bot, **fields)
    receive(chat, text)
    return chat


def test_the_inbox_lists_rows_with_preview_and_unread(api, bot):
    chat = chat_with(bot, "What is the price?")

    response = api.get("/api/v1/inbox/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == chat.pk
    assert row["last_message"]["text"] == "What is the price?"
    assert row["last_message"]["direction"] == "in"
    assert (row["unread_count"], row["status"], row["assigned_to"]) == (1, "open", None)
    assert row["contact"]["id"] == chat.contact_id
    assert row["bot"] == {"id": bot.pk, "username": bot.username}
    assert row["extras"] == {}


def test_the_inbox_pages_with_a_cursor(api, bot):
    for _ in range(3):
        chat_with(bot)

    first = api.get("/api/v1/inbox/?page_size=2").json()
    second = api.get(first["next"]).json()

    ids = [r["id"] for r in first["results"]] + [r["id"] for r in second["results"]]
    assert len(ids) == len(set(ids)) == 3


def test_the_inbox_filters(api, me, bot):
    mine = chat_with(bot)
    chat_with(bot)
    inbox.chat_assign(chat=mine, assignee=me.user, actor=me.user)

    response = api.get("/api/v1/inbox/?assignee=mine&unread=true")

    assert [r["id"] for r in response.json()["results"]] == [mine.pk]


def test_a_bad_filter_is_a_400_with_field_errors(api):
    response = api.get("/api/v1/inbox/?status=closed")

    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_one_inbox_row(api, bot):
    chat = chat_with(bot)
    inbox_chat_done = chat_with(bot)
    Chat.objects.filter(pk=inbox_chat_done.pk).update(status="done")

    assert api.get(f"/api/v1/inbox/{chat.pk}/").json()["id"] == chat.pk
    assert api.get(f"/api/v1/inbox/{inbox_chat_done.pk}/").json()["status"] == "done"


def test_another_organizations_chat_is_a_404(api, make_member):
    outsider = make_member("owner")
    chat = chat_with(TelegramBotFactory(organization=outsider.organization))

    assert api.get(f"/api/v1/inbox/{chat.pk}/").status_code == 404
    assert api.post(f"/api/v1/chats/{chat.pk}/done/").status_code == 404
    assert api.get(f"/api/v1/chats/{chat.pk}/messages/").status_code == 404


def test_assign_done_reopen_snooze_answer_with_the_row(api, me, bot):
    chat = chat_with(bot)

    row = api.post(f"/api/v1/chats/{chat.pk}/assign/", {"assignee": me.user.pk}, format="json")
    assert row.status_code == 200, row.content
    assert row.json()["assigned_to"]["id"] == me.user.pk

    assert api.post(f"/api/v1/chats/{chat.pk}/done/").json()["status"] == "done"
    assert api.post(f"/api/v1/chats/{chat.pk}/reopen/").json()["status"] == "open"
    until = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    row = api.post(f"/api/v1/chats/{chat.pk}/snooze/", {"until": until}, format="json").json()
    assert row["status"] == "snoozed" and row["snoozed_until"]


def test_assigning_to_a_non_member_is_a_400(api, bot, make_member):
    chat = chat_with(bot)
    stranger = make_member("owner")

    for assignee in (stranger.user.pk, 999_999):
        response = api.post(
            f"/api/v1/chats/{chat.pk}/assign/", {"assignee": assignee}, format="json"
        )
        assert response.status_code == 400
        assert "assignee" in response.json()["error"]["fields"]


def test_snoozing_into_the_past_is_a_400(api, bot):
    chat = chat_with(bot)
    past = (timezone.now() - datetime.timedelta(hours=1)).isoformat()

    response = api.post(f"/api/v1/chats/{chat.pk}/snooze/", {"until": past}, format="json")

    assert response.status_code == 400
    assert "until" in response.json()["error"]["fields"]


def test_a_viewer_reads_but_cannot_assign_or_close(make_member, jwt_client, bot, me):
    viewer = make_member("viewer", organization=me.organization)
    api = jwt_client(viewer.user, me.organization)
    chat = chat_with(bot)

    assert api.post(f"/api/v1/chats/{chat.pk}/done/").status_code == 403
    assert (
        api.post(
            f"/api/v1/chats/{chat.pk}/assign/", {"assignee": viewer.user.pk}, format="json"
        ).status_code
        == 403
    )
    response = api.post(f"/api/v1/chats/{chat.pk}/read/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["unread_count"] == 0


def test_read_up_to_a_message_and_mark_unread(api, bot):
    chat = chat_with(bot)
    first = chat.messages.get()
    receive(chat)

    row = api.post(f"/api/v1/chats/{chat.pk}/read/", {"message": first.pk}, format="json").json()
    assert (row["unread_count"], row["last_read_message_id"]) == (1, first.pk)

    row = api.post(f"/api/v1/chats/{chat.pk}/unread/").json()
    assert row["manual_unread"] is True


def test_reading_a_message_of_another_organization_is_a_400(api, bot, make_member):
    chat = chat_with(bot)
    outsider = make_member("owner")
    foreign = receive(chat_with(TelegramBotFactory(organization=outsider.organization)))

    response = api.post(f"/api/v1/chats/{chat.pk}/read/", {"message": foreign.pk}, format="json")

    assert response.status_code == 400
    assert "message" in response.json()["error"]["fields"]


def test_unread_totals(api, bot):
    chat_with(bot)
    receive(chat_with(bot))

    assert api.get("/api/v1/inbox/unread/").json() == {"chats": 2, "messages": 3}


def test_search(api, bot):
    chat = chat_with(bot, "The contract is signed", title="Globex")

    body = api.get("/api/v1/inbox/search/?q=contract").json()

    [hit] = body["messages"]
    assert (hit["chat"], hit["chat_title"]) == (chat.pk, "Globex")
    assert "contract" in hit["snippet"]
    assert [c["id"] for c in api.get("/api/v1/inbox/search/?q=globex").json()["chats"]] == [chat.pk]


def test_search_needs_a_query(api):
    response = api.get("/api/v1/inbox/search/?q=")

    assert response.status_code == 400
    assert "q" in response.json()["error"]["fields"]


def test_transcript_pages_scroll_up_and_jump(api, bot):
    chat = ChatFactory(organization=bot.organization, bot=bot)
    messages = [receive(chat, f"m{i}", minutes_ago=100 - i) for i in range(60)]

    newest = api.get(f"/api/v1/chats/{chat.pk}/messages/").json()
    assert [m["text"] for m in newest["results"]][-1] == "m59"
    assert (len(newest["results"]), newest["has_older"]) == (50, True)

    older = api.get(f"/api/v1/chats/{chat.pk}/messages/?before={messages[10].pk}").json()
    assert [m["text"] for m in older["results"]] == [f"m{i}" for i in range(10)]
    assert older["has_older"] is False

    around = api.get(f"/api/v1/chats/{chat.pk}/messages/?around={messages[30].pk}").json()
    assert len(around["results"]) == 51 and around["has_newer"] is True


def test_transcript_refuses_a_non_numeric_position(api, bot):
    chat = chat_with(bot)

    response = api.get(f"/api/v1/chats/{chat.pk}/messages/?before=abc")

    assert response.status_code == 400
    assert "before" in response.json()["error"]["fields"]
