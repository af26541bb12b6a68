"""Executing trigger runs: the event subscriber that creates them, and the Celery-side runner.

``triggers_dispatch`` (a batch subscriber of every event) finds the enabled event triggers of
each event's organization in one query, applies loop protection, and inserts one run per
(trigger, "event:<id>"): a redispatch finds the run taken and does nothing.

``run_execute`` locks the run (skip locked: a duplicate task returns at once), takes a slot of
the organization's rate limit, builds the context, evaluates the conditions, then runs the
actions in order, each in its own savepoint, as the member the trigger acts for. The run's
whole attempt is one transaction: a worker crash rolls back the log and the effects together
and the sweeper starts the attempt again. Transient errors retry from the failed action
(actions that succeeded are never done twice); other errors fail the run at once.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from accounts.permissions import Role
from automation.events import emit, subscriber
from automation.models import Event, Trigger, TriggerRun
from automation.registry import (
    ActionContext,
    ActionError,
    ActionType,
    TransientActionError,
    action_types,
)
from automation.triggers.conditions import conditions_evaluate
from automation.triggers.context import context_build, render_text
from automation.triggers.loops import chain_running, loop_reason
from automation.triggers.ratelimit import run_slot_take
from automation.triggers.scheduling import runs_create, runs_enqueue_on_commit, trigger_next_run
from automation.triggers.services import run_payload

logger = logging.getLogger(__name__)

SUBSCRIBER_NAME = "automation.triggers"
Status = TriggerRun.Status
# Backoff between attempts of a run whose action failed transiently: 10 s, 20 s, 40 s, …
RETRY_BASE_SECONDS = 10
RETRY_MAX_SECONDS = 3600


def max_attempts() -> int:
    return int(getattr(settings, "AUTOMATION_RUN_MAX_ATTEMPTS", 5))


@subscriber(SUBSCRIBER_NAME, batch=True)
def triggers_dispatch(events: list[Event]) -> None:
    """Create (idempotently) the runs of every enabled event trigger listening to ``events``."""
    organization_ids = {event.organization_id for event in events}
    names = {event.name for event in events}
    triggers: dict[tuple[int, str], list[Trigger]] = {}
    for trigger in Trigger.objects.filter(
        organization_id__in=organization_ids,
        event_name__in=names,
        enabled=True,
        when=Trigger.When.EVENT,
    ).only("pk", "organization_id", "event_name"):
        triggers.setdefault((trigger.organization_id, trigger.event_name), []).append(trigger)
    if not triggers:
        return
    now = timezone.now()
    rows: list[TriggerRun] = []
    for event in events:
        chain = list(event.trigger_chain or [])
        for trigger in triggers.get((event.organization_id, event.name), []):
            reason = loop_reason(chain, trigger.pk)
            rows.append(
                TriggerRun(
                    organization_id=event.organization_id,
                    trigger_id=trigger.pk,
                    event_id=event.pk,
                    dedupe_key=f"event:{event.pk}",
                    status=Status.LOOP if reason else Status.PENDING,
                    error=reason,
                    payload=event.payload,
                    trigger_chain=chain,
                    created_at=now,
                    finished_at=now if reason else None,
                )
            )
    runs_enqueue_on_commit(runs_create(rows))


@subscriber("automation.triggers.reschedule", events=["organization.updated"])
def triggers_reschedule(event: Event) -> None:
    """A new time zone moves every scheduled trigger of the organization to its new clock."""
    if "time_zone" not in (event.payload.get("changed") or []):
        return
    now = timezone.now()
    triggers = list(
        Trigger.objects.filter(
            organization_id=event.organization_id, enabled=True, when=Trigger.When.CRON
        ).select_related("organization")
    )
    for trigger in triggers:
        trigger.next_run_at = trigger_next_run(trigger, after=now)
    Trigger.objects.bulk_update(triggers, ["next_run_at"])


def _run_as(trigger: Trigger) -> User:
    """The member the trigger's actions act as; ``ActionError`` when there is none."""
    organization_id = trigger.organization_id
    if trigger.created_by_id is not None:
        membership = (
            Membership.objects.filter(
                organization_id=organization_id, user_id=trigger.created_by_id
            )
            .select_related("user")
            .first()
        )
        if membership is not None:
            return membership.user
    if trigger.builtin:
        owner = (
            Membership.objects.filter(organization_id=organization_id, role=Role.OWNER)
            .select_related("user")
            .order_by("created_at")
            .first()
        )
        if owner is not None:
            return owner.user
        raise ActionError("The organization has no owner for built-in automations to act as.")
    raise ActionError(
        "The member who created this automation is no longer in the organization. A manager "
        "can open it and save it again to have it act as them."
    )


def _event_name(trigger: Trigger, run: TriggerRun) -> str:
    if run.event_id is not None and run.event is not None:
        return run.event.name
    if trigger.when == Trigger.When.RELATIVE:
        return trigger.relative_kind
    if trigger.when == Trigger.When.CRON:
        return "schedule"
    return trigger.event_name


def run_context(trigger: Trigger, run: TriggerRun) -> dict[str, Any]:
    event = run.event if run.event_id is not None else None
    return context_build(
        trigger.organization,
        event_name=_event_name(trigger, run),
        payload=run.payload,
        event_id=event.pk if event else None,
        actor_id=event.actor_id if event else None,
        created_at=event.created_at if event else run.created_at,
    )


def params_render(action_type: ActionType, params: dict[str, Any], context: dict) -> dict:
    """Text params with ``{{ subject.field }}`` placeholders filled in from the context."""
    text_params = {p.name for p in action_type.params if p.kind in ("text", "textarea")}
    return {
        name: render_text(value, context)
        if name in text_params and isinstance(value, str)
        else value
        for name, value in params.items()
    }


def action_missing_subjects(action_type: ActionType, context: dict[str, Any]) -> list[str]:
    return [need for need in action_type.needs if not isinstance(context.get(need), dict)]


def _retry_delay(attempts: int, retry_after: float | None) -> float:
    backoff = min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)
    backoff *= random.uniform(0.9, 1.1)  # noqa: S311 - jitter, not security
    return max(backoff, retry_after or 0)


def _enqueue_later(run_id: int, delay: float) -> None:
    def enqueue() -> None:
        from automation.tasks import trigger_run_execute

        try:
            trigger_run_execute.apply_async((run_id,), countdown=max(delay, 0))
        except Exception:
            logger.exception("Could not enqueue trigger run %s; the sweeper will", run_id)

    transaction.on_commit(enqueue)


def _finish(run: TriggerRun, status: str, now: datetime, error: str = "") -> None:
    run.status = status
    run.error = error
    # The actions' own time, for the run log (``now`` is when the attempt started).
    run.finished_at = max(timezone.now(), now)
    run.next_attempt_at = None


def run_execute(run_id: int) -> TriggerRun | None:
    """Do one attempt of a run (see the module docstring). Returns the run as it ended this
    attempt, or None when it is gone or another worker holds it."""
    with transaction.atomic():
        run = (
            TriggerRun.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("trigger", "trigger__organization", "event")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status not in (Status.PENDING, Status.RETRYING):
            return run
        now = timezone.now()
        if (
            run.status == Status.RETRYING
            and run.next_attempt_at is not None
            and run.next_attempt_at > now + timedelta(seconds=1)
        ):
            return run  # an early duplicate; the task scheduled for that time runs it
        trigger = run.trigger
        if not trigger.enabled:
            _finish(run, Status.SKIPPED, now, "The automation was disabled before it ran.")
            run.save()
            return run
        wait = run_slot_take(trigger.organization_id)
        if wait > 0:
            run.status = Status.RETRYING
            run.next_attempt_at = now + timedelta(seconds=wait)
            run.error = "Waiting: the organization's automations reached their limit per minute."
            run.save(update_fields=["status", "next_attempt_at", "error"])
            _enqueue_later(run.pk, wait)
            return run
        _attempt(run, trigger, now)
        run.save()
        Trigger.objects.filter(pk=trigger.pk).update(last_run_at=now)
        if run.status == Status.FAILED:
            with chain_running(list(run.trigger_chain), trigger.pk):
                emit(trigger.organization, "trigger_run.failed", {"run": run_payload(run)})
        elif run.status == Status.RETRYING:
            _enqueue_later(run.pk, (run.next_attempt_at - now).total_seconds())
        return run


def _attempt(run: TriggerRun, trigger: Trigger, now: datetime) -> None:
    run.attempts += 1
    run.started_at = run.started_at or now
    run.error = ""
    try:
        context = run_context(trigger, run)
    except Exception as error:  # a subject's resolve failed: a bug to see in the log
        logger.exception("Trigger run %s: building the context failed", run.pk)
        _finish(run, Status.FAILED, now, f"Could not read the records of this event: {error}")
        return
    if not run.actions_result:
        passed, run.conditions_result = conditions_evaluate(trigger.conditions, context)
        if not passed:
            _finish(run, Status.SKIPPED, now)
            return
    results: list[dict[str, Any]] = list(run.actions_result) or [
        {
            "index": index,
            "type": spec.get("type", ""),
            "status": "pending",
            "result": "",
            "error": "",
            "attempts": 0,
        }
        for index, spec in enumerate(trigger.actions)
    ]
    run.actions_result = results
    try:
        actor = _run_as(trigger)
    except ActionError as error:
        for result in results:
            if result["status"] != "succeeded":
                result["status"] = "skipped"
        _finish(run, Status.FAILED, now, str(error))
        return
    registry = action_types()
    action_context = ActionContext(
        organization=trigger.organization,
        actor=actor,
        trigger_id=trigger.pk,
        run_id=run.pk,
        context=context,
    )
    for index, spec in enumerate(trigger.actions):
        if index >= len(results):  # the trigger gained actions since the first attempt
            results.append(
                {
                    "index": index,
                    "type": spec.get("type", ""),
                    "status": "pending",
                    "result": "",
                    "error": "",
                    "attempts": 0,
                }
            )
        result = results[index]
        if result["status"] == "succeeded":
            continue
        result["attempts"] = result.get("attempts", 0) + 1
        try:
            result["result"] = _action_run(registry, spec, action_context, context, run, trigger)
            result["status"] = "succeeded"
            result["error"] = ""
        except TransientActionError as error:
            result["status"] = "failed"
            result["error"] = str(error)
            if run.attempts >= max_attempts():
                _skip_rest(results, index)
                _finish(
                    run,
                    Status.FAILED,
                    now,
                    f"Action {index + 1} kept failing after {run.attempts} attempts: {error}",
                )
                return
            run.status = Status.RETRYING
            run.error = f"Action {index + 1} will be tried again: {error}"
            run.next_attempt_at = now + timedelta(
                seconds=_retry_delay(run.attempts, error.retry_after)
            )
            return
        except ActionError as error:
            result["status"] = "failed"
            result["error"] = str(error)
            _skip_rest(results, index)
            _finish(run, Status.FAILED, now, f"Action {index + 1} failed: {error}")
            return
        except Exception as error:
            logger.exception("Trigger run %s: action %s raised", run.pk, spec.get("type"))
            result["status"] = "failed"
            result["error"] = f"Unexpected error ({type(error).__name__})."
            _skip_rest(results, index)
            _finish(run, Status.FAILED, now, f"Action {index + 1} failed unexpectedly.")
            return
    _finish(run, Status.SUCCEEDED, now)


def _skip_rest(results: list[dict[str, Any]], failed_index: int) -> None:
    for result in results[failed_index + 1 :]:
        if result["status"] != "succeeded":
            result["status"] = "skipped"


def _action_run(
    registry: dict[str, ActionType],
    spec: dict[str, Any],
    action_context: ActionContext,
    context: dict[str, Any],
    run: TriggerRun,
    trigger: Trigger,
) -> str:
    action_type = registry.get(spec.get("type", ""))
    if action_type is None:
        raise ActionError(f"The action {spec.get('type')!r} is no longer available.")
    missing = action_missing_subjects(action_type, context)
    if missing:
        raise ActionError(f"This event has no {', '.join(missing)} to act on.")
    params = params_render(action_type, spec.get("params") or {}, context)
    with transaction.atomic(), chain_running(list(run.trigger_chain), trigger.pk):
        return str(action_type.run(action_context, params) or "")


def runs_sweep(*, now: datetime | None = None, older_than_seconds: int = 120) -> int:
    """Re-enqueue runs stuck pending, or retrying past their time (a lost task, a broker
    outage, a worker killed mid-attempt). Returns how many were enqueued."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    pending = TriggerRun.objects.filter(status=Status.PENDING, created_at__lt=cutoff).filter(
        next_attempt_at__isnull=True
    ) | TriggerRun.objects.filter(
        status__in=[Status.PENDING, Status.RETRYING], next_attempt_at__lt=cutoff
    )
    ids = list(pending.order_by("id").values_list("pk", flat=True)[:500])
    # Stamped, so the next sweep leaves them to the tasks just enqueued for a while.
    TriggerRun.objects.filter(pk__in=ids).update(next_attempt_at=now)
    from automation.tasks import trigger_run_execute

    for run_id in ids:
        trigger_run_execute.delay(run_id)
    return len(ids)
