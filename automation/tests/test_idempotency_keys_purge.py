from datetime import timedelta

from django.utils import timezone

from automation.models import IdempotencyRecord
from automation.tasks import idempotency_keys_purge
from automation.tests.factories import IdempotencyRecordFactory


def test_records_older_than_the_ttl_are_purged(db, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    old = IdempotencyRecordFactory(created_at=timezone.now() - timedelta(hours=25))
    fresh = IdempotencyRecordFactory(created_at=timezone.now() - timedelta(hours=23))

    assert idempotency_keys_purge() == 1

    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert old.pk != fresh.pk


def test_an_expired_key_may_be_used_again_for_a_new_request(make_member, jwt_client, settings):
    owner = make_member("owner")
    client = jwt_client(owner.user)
    client.post("/api/v1/contacts/", {"first_name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    response = client.post(
        "/api/v1/contacts/", {"first_name": "Grace"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 201
