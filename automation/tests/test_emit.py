import pytest
from django.db import transaction

from accounts import services
from accounts.tests.factories import OrganizationFactory, UserFactory
from automation.catalog import sample_payload
from automation.events import emit
from automation.models import Event


def test_emit_in_a_transaction_that_rolls_back_leaves_no_event_and_dispatches_nothing(
    transactional_db, recording_subscriber
):
    calls = recording_subscriber("recorder")
    organization = OrganizationFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        emit(organization, "organization.updated", sample_payload("organization.updated"))
        raise RuntimeError("the use case failed after emitting")

    assert not Event.objects.exists()
    assert calls == []


def test_a_committed_event_is_dispatched_exactly_once(transactional_db, recording_subscriber):
    calls = recording_subscriber("recorder")
    organization = OrganizationFactory()

    with transaction.atomic():
        event = emit(organization, "organization.updated", sample_payload("organization.updated"))
        assert calls == []  # nothing leaves before the commit

    event.refresh_from_db()
    assert calls == [event.pk]
    assert event.dispatched_at is not None


def test_a_service_commit_dispatches_each_of_its_events(transactional_db, recording_subscriber):
    calls = recording_subscriber("recorder")

    organization = services.organization_create(name="Acme", owner=UserFactory())

    events = list(Event.objects.filter(organization=organization).order_by("pk"))
    # Then what apps add on organization_created (the default pipeline's pipeline.created).
    assert [e.name for e in events][:2] == ["organization.created", "member.joined"]
    assert calls == [e.pk for e in events]
    assert all(e.dispatched_at is not None for e in events)


def test_emitting_an_event_missing_from_the_catalogue_is_refused(db):
    organization = OrganizationFactory()

    with pytest.raises(ValueError, match=r"automation/catalog"):
        emit(organization, "organization.exploded", {})

    assert not Event.objects.exists()


def test_the_event_records_its_catalogue_version_and_actor(db):
    organization = OrganizationFactory()
    actor = UserFactory()

    event = emit(
        organization, "organization.updated", sample_payload("organization.updated"), actor
    )

    assert (event.version, event.actor) == (1, actor)
