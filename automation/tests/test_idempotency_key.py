"""The public API honours ``Idempotency-Key`` on POST (automation/idempotency.py)."""

from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from automation.idempotency import IdempotencyKeyMiddleware
from automation.models import IdempotencyRecord
from crm.models import Contact

CONTACTS = "/api/v1/contacts/"


def post(client, data: dict, key: str | None = "key-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(CONTACTS, data, format="json", **headers)


def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(make_member, jwt_client):
    owner = make_member("owner")
    client = jwt_client(owner.user)

    first = post(client, {"first_name": "Ada"})
    again = post(client, {"first_name": "Ada"})

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Contact.objects.filter(organization=owner.organization).count() == 1


def test_the_same_key_with_another_body_is_a_422(make_member, jwt_client):
    owner = make_member("owner")
    client = jwt_client(owner.user)
    post(client, {"first_name": "Ada"})

    response = post(client, {"first_name": "Grace"})

    assert response.status_code == 422
    assert response.json() == {"detail": "This Idempotency-Key was used with a different request."}
    assert Contact.objects.filter(organization=owner.organization).count() == 1


def test_a_retry_while_the_first_request_still_runs_is_a_409(make_member, jwt_client):
    owner = make_member("owner")
    client = jwt_client(owner.user)
    post(client, {"first_name": "Ada"})
    IdempotencyRecord.objects.update(status_code=None)  # as if it were still being answered

    response = post(client, {"first_name": "Ada"})

    assert response.status_code == 409
    assert response.json() == {
        "detail": "A request with this Idempotency-Key is still being processed."
    }


def test_without_the_header_every_post_is_processed(make_member, jwt_client):
    owner = make_member("owner")
    client = jwt_client(owner.user)

    post(client, {"first_name": "Ada"}, key=None)
    post(client, {"first_name": "Ada"}, key=None)

    assert Contact.objects.filter(organization=owner.organization).count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_get_requests_ignore_the_header(make_member, jwt_client):
    owner = make_member("owner")

    response = jwt_client(owner.user).get(CONTACTS, HTTP_IDEMPOTENCY_KEY="key-1")

    assert response.status_code == 200
    assert not IdempotencyRecord.objects.exists()


def test_a_key_longer_than_255_characters_is_a_400(make_member, jwt_client):
    owner = make_member("owner")

    response = post(jwt_client(owner.user), {"first_name": "Ada"}, key="k" * 256)

    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_a_validation_error_is_remembered_and_replayed(make_member, jwt_client):
    owner = make_member("owner")
    client = jwt_client(owner.user)

    first = post(client, {"emails": ["nope"]})
    again = post(client, {"emails": ["nope"]})

    assert first.status_code == again.status_code == 400
    assert again["Idempotent-Replayed"] == "true"


def test_two_api_keys_may_use_the_same_key_independently(make_member, api_key_client):
    owner = make_member("owner")
    one = api_key_client(owner, scopes=("read", "write"))
    two = api_key_client(owner, scopes=("read", "write"))

    first = post(one, {"first_name": "Ada"})
    second = post(two, {"first_name": "Ada"})

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert first.json()["id"] != second.json()["id"]


def test_a_server_error_is_not_remembered_so_the_client_may_retry(make_member):
    owner = make_member("owner")
    answers = [HttpResponse("boom", status=500), JsonResponse({"id": 1}, status=201)]
    middleware = IdempotencyKeyMiddleware(lambda request: answers.pop(0))

    def request():
        made = RequestFactory().post(
            CONTACTS, "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY="key-1"
        )
        made.user = owner.user
        return middleware(made)

    failed = request()
    assert not IdempotencyRecord.objects.exists()
    retried = request()

    assert (failed.status_code, retried.status_code) == (500, 201)
    assert IdempotencyRecord.objects.get().status_code == 201
