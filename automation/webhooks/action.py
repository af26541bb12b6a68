"""The "Call a webhook" trigger action: sends the run's context to one of the organization's
endpoints as a ``trigger.fired`` message, through the same signed, retried deliveries as
events. Its message id is per run, so a retried run does not call the endpoint twice."""

from __future__ import annotations

import secrets
from typing import Any

from accounts.errors import ValidationError
from accounts.models import Organization
from automation.models import WebhookEndpoint
from automation.registry import (
    ActionContext,
    ActionError,
    ActionType,
    Param,
    register_action,
)

EVENT_TYPE = "trigger.fired"


def _endpoint_choices(organization: Organization) -> list[tuple[str, str]]:
    return [
        (str(pk), description or url)
        for pk, description, url in WebhookEndpoint.objects.filter(
            organization=organization
        ).values_list("pk", "description", "url")
    ]


def _endpoint(organization: Organization, value: Any) -> WebhookEndpoint | None:
    try:
        return WebhookEndpoint.objects.filter(organization=organization, pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _clean(organization: Organization, params: dict[str, Any]) -> dict[str, Any]:
    endpoint = _endpoint(organization, params.get("endpoint"))
    if endpoint is None:
        message = "Choose one of this organization's webhook endpoints."
        raise ValidationError(message, fields={"endpoint": [message]})
    return {**params, "endpoint": endpoint.pk}


def _target(ctx: ActionContext, params: dict[str, Any]) -> WebhookEndpoint:
    endpoint = _endpoint(ctx.organization, params.get("endpoint"))
    if endpoint is None:
        raise ActionError("The webhook endpoint no longer exists.")
    if not endpoint.enabled:
        raise ActionError(f"The webhook endpoint {endpoint} is disabled.")
    return endpoint


def _data(ctx: ActionContext) -> dict[str, Any]:
    context = ctx.context
    return {
        "trigger": ctx.trigger_id,
        "run": ctx.run_id,
        "event": context.get("event"),
        "payload": context.get("payload"),
    }


def _run(ctx: ActionContext, params: dict[str, Any]) -> str:
    from automation.webhooks.services import delivery_call

    endpoint = _target(ctx, params)
    message_id = (
        f"msg_run_{ctx.run_id}" if ctx.run_id is not None else f"msg_run_{secrets.token_hex(8)}"
    )
    delivery = delivery_call(
        endpoint=endpoint, message_id=message_id, event_type=EVENT_TYPE, data=_data(ctx)
    )
    if delivery is None:
        return f"Already sent to {endpoint} (this run called it before a retry)"
    return f"Sent to {endpoint} (delivery {delivery.pk})"


def _preview(ctx: ActionContext, params: dict[str, Any]) -> str:
    return f"Would send the event and its payload to {_target(ctx, params)}"


def register() -> None:
    register_action(
        ActionType(
            key="webhook.call",
            label="Call a webhook",
            needs=(),
            params=(
                Param(
                    "endpoint",
                    "Endpoint",
                    kind="choice",
                    choices=_endpoint_choices,
                    help="Receives the event and its payload as a signed trigger.fired message.",
                ),
            ),
            run=_run,
            preview=_preview,
            clean=_clean,
            description="POST the event that fired the trigger to one of your webhook endpoints.",
        )
    )
