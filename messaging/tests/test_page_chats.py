"""The chats pages: list, transcript, and the composer handing over to message_send."""

from django.urls import reverse

from messaging.models import Message
from messaging.tests import updates
from messaging.tests.factories import ChatFactory, MessageFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_chat_list_shows_chats_newest_first(client, connected, deliver, make_member):
    deliver(connected.bot, updates.update(text="private hello"))
    deliver(connected.bot, updates.update(text="group hello", chat=updates.GROUP))
    viewer = make_member("viewer", organization=connected.bot.organization)
    client.force_login(viewer.user)

    page = client.get(reverse("messaging:chat_list"), follow=True).content.decode()

    assert page.index("Acme × Globex deal room") < page.index("Anna Petrova")


def test_the_transcript_shows_messages_with_sender_and_replies(client, connected, deliver):
    first = updates.message("What is the price?")
    deliver(connected.bot, updates.update(payload=first))
    deliver(connected.bot, updates.update(text="Hello?", reply_to_message=first))
    client.force_login(connected.owner.user)
    chat_id = Message.objects.first().chat_id

    page = client.get(
        reverse("messaging:chat_detail", args=[chat_id]), follow=True
    ).content.decode()

    assert "What is the price?" in page and "Hello?" in page
    assert "bubble-quote" in page
    assert "Anna Petrova" in page


def test_the_composer_queues_and_sends_a_message(
    client, connected, deliver, django_capture_on_commit_callbacks
):
    deliver(connected.bot, updates.update(text="hi"))
    client.force_login(connected.owner.user)
    chat_id = Message.objects.get().chat_id

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("messaging:inbox_send", args=[chat_id]), {"text": "Hi Anna!"}, **HTMX
        )

    assert response.status_code == 200
    sent = Message.objects.get(direction="out")
    assert (sent.text, sent.sender_user, sent.status) == ("Hi Anna!", connected.owner.user, "sent")
    assert connected.telegram.calls("sendMessage")[-1].params["text"] == "Hi Anna!"


def test_an_empty_message_is_refused_next_to_the_composer(client, connected):
    chat = ChatFactory(bot=connected.bot)
    client.force_login(connected.owner.user)

    response = client.post(reverse("messaging:inbox_send", args=[chat.pk]), {"text": "  "}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#composer-error"
    assert "Write a message" in response.content.decode()
    assert not Message.objects.exists()


def test_a_viewer_sees_no_composer_and_cannot_send(client, connected, make_member):
    chat = ChatFactory(bot=connected.bot)
    viewer = make_member("viewer", organization=connected.bot.organization)
    client.force_login(viewer.user)

    page = client.get(
        reverse("messaging:chat_detail", args=[chat.pk]), follow=True
    ).content.decode()
    response = client.post(reverse("messaging:inbox_send", args=[chat.pk]), {"text": "hi"}, **HTMX)

    assert "composer" not in page
    assert response.status_code == 403


def test_the_chat_list_query_count_is_constant(client, connected, django_assert_max_num_queries):
    for _ in range(15):
        MessageFactory(chat=ChatFactory(bot=connected.bot))
    client.force_login(connected.owner.user)

    # The inbox list: one query for the rows, one per row hook (the deal chips), the filters'
    # bots, tags and deal stages, the newest event id for the live socket — however many chats.
    with django_assert_max_num_queries(17):
        assert client.get(reverse("messaging:inbox")).status_code == 200


def test_another_organizations_chat_is_404(client, connected, make_member):
    other = make_member("owner")
    chat = ChatFactory(bot=connected.bot)
    client.force_login(other.user)

    assert (
        client.get(reverse("messaging:chat_detail", args=[chat.pk]), follow=True).status_code == 404
    )
