"""The "Call a webhook" trigger action delivers the run's context as trigger.fired."""

import pytest

from accounts.errors import ValidationError
from automation.models import WebhookDelivery
from automation.registry import ActionContext, ActionError, action_types
from automation.tests.factories import WebhookEndpointFactory
from tests.fakes.webhook_receiver import receiver_endpoint

pytestmark = pytest.mark.django_db


def _context(organization, run_id=7):
    return ActionContext(
        organization=organization,
        actor=None,
        trigger_id=3,
        run_id=run_id,
        context={
            "event": {"id": 11, "name": "deal.won", "actor_id": None, "created_at": None},
            "payload": {"deal": {"id": 5}},
        },
    )


def _action():
    return action_types()["webhook.call"]


def test_the_action_sends_the_event_and_payload_to_the_endpoint(
    webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint = receiver_endpoint(webhook_receiver)

    with django_capture_on_commit_callbacks(execute=True):
        result = _action().run(_context(endpoint.organization), {"endpoint": endpoint.pk})

    [received] = webhook_receiver.received
    assert received.verified
    assert received.headers["webhook-id"] == "msg_run_7"
    assert received.payload["type"] == "trigger.fired"
    assert received.payload["data"] == {
        "trigger": 3,
        "run": 7,
        "event": {"id": 11, "name": "deal.won", "actor_id": None, "created_at": None},
        "payload": {"deal": {"id": 5}},
    }
    assert result.startswith("Sent to")


def test_a_retried_run_does_not_call_the_endpoint_twice(django_capture_on_commit_callbacks):
    endpoint = WebhookEndpointFactory()
    ctx = _context(endpoint.organization)

    with django_capture_on_commit_callbacks(execute=False):
        _action().run(ctx, {"endpoint": endpoint.pk})
        _action().run(ctx, {"endpoint": endpoint.pk})

    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1


def test_the_preview_writes_nothing():
    endpoint = WebhookEndpointFactory(description="CRM sync")

    text = _action().preview(_context(endpoint.organization), {"endpoint": endpoint.pk})

    assert text == "Would send the event and its payload to CRM sync"
    assert not WebhookDelivery.objects.exists()


def test_another_organizations_endpoint_is_refused_when_the_trigger_is_saved():
    endpoint = WebhookEndpointFactory()
    other = WebhookEndpointFactory()

    with pytest.raises(ValidationError) as error:
        _action().clean(endpoint.organization, {"endpoint": other.pk})

    assert "endpoint" in error.value.fields


def test_a_disabled_endpoint_fails_the_action():
    endpoint = WebhookEndpointFactory(enabled=False)

    with pytest.raises(ActionError, match="disabled"):
        _action().run(_context(endpoint.organization), {"endpoint": endpoint.pk})
