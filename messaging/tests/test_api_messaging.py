from messaging.tests import updates
from messaging.tests.factories import AttachmentFactory, ChatFactory, MessageFactory


def test_chats_and_messages_are_listed(jwt_client, connected, deliver):
    deliver(connected.bot, updates.update(text="hello api"))
    api = jwt_client(connected.owner.user)

    chats = api.get("/api/v1/chats/").json()["results"]
    messages = api.get(f"/api/v1/messages/?chat={chats[0]['id']}").json()["results"]

    assert chats[0]["title"] == "Anna Petrova"
    assert messages[0]["text"] == "hello api"
    assert messages[0]["direction"] == "in"


def test_attachments_carry_a_download_url_once_stored(jwt_client, connected):
    attachment = AttachmentFactory(message=MessageFactory(chat=ChatFactory(bot=connected.bot)))
    api = jwt_client(connected.owner.user)

    [message] = api.get("/api/v1/messages/").json()["results"]

    assert message["attachments"][0]["download_url"] == f"/attachments/{attachment.pk}/download/"


def test_the_message_list_query_count_is_constant(
    jwt_client, connected, django_assert_max_num_queries
):
    chat = ChatFactory(bot=connected.bot)
    for _ in range(20):
        AttachmentFactory(message=MessageFactory(chat=chat))
    api = jwt_client(connected.owner.user)

    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/messages/").status_code == 200


def test_disconnecting_through_the_api_removes_the_webhook(jwt_client, connected):
    api = jwt_client(connected.owner.user)

    response = api.delete(f"/api/v1/telegram-bots/{connected.bot.pk}/")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert len(connected.telegram.calls("deleteWebhook")) == 2  # connect (polling) + disconnect
