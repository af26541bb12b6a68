"""Generating a reply draft (the ``agents`` queue's task body) and the sweeper of lost ones.

``draft_generate`` runs outside any long transaction: the provider call (up to the org's
``request_timeout``) holds no database lock. A Redis lock per draft keeps a redelivered task or
the sweeper from calling the provider twice while a generation is in flight, and the final write
is conditional on the draft still being ``pending``.

Timing. ``model_ms`` is the provider call; ``overhead_ms`` is everything else measured up to the
final write (loading the draft and settings, context gathering, prompt rendering, output
review). ``benchmarks/ai_drafts.py`` measures request + generation end to end, that write
included, minus ``model_ms``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from accounts.errors import ValidationError
from agents import guardrails
from agents.context import reply_facts_for
from agents.llm import Completion, CompletionRequest, LLMError, get_provider
from agents.models import AISettings, Draft, Usage
from agents.payloads import draft_payload
from agents.pricing import cost_estimate
from agents.prompts import render_reply_prompt
from agents.selectors import ai_settings_get
from agents.usage import usage_record
from automation.events import emit
from config.redis_connection import redis_client
from messaging.models import Chat

logger = logging.getLogger(__name__)

# Generation in flight is guarded by a Redis key this much longer than the provider timeout,
# so a redelivered task or the sweeper does not call the provider twice for one draft.
LOCK_MARGIN_SECONDS = 60
# LocalProvider's finish_reason for an instruction it cannot apply.
INSTRUCTION_NOT_APPLIED = "instruction_not_applied"


def enqueue_generation(draft_id: int) -> None:
    from agents.tasks import draft_generate as draft_generate_task

    try:
        draft_generate_task.delay(draft_id)
    except Exception:
        # The broker being down must not fail the request; the sweeper re-enqueues it.
        logger.exception("Could not enqueue draft %s; the sweeper will", draft_id)


def _previous_text(draft: Draft) -> str:
    """The text a regeneration improves on: the parent's, or (retrying a failed regeneration)
    the grandparent's. One small query, only for drafts with a parent."""
    if draft.parent_id is None:
        return ""
    row = Draft.objects.filter(pk=draft.parent_id).values_list("text", "parent__text").first()
    if row is None:
        return ""
    return row[0] or row[1] or ""


def _failure_reason(error: LLMError) -> str:
    reason = error.reason
    # Providers may already say when (agents.providers.openai does); say it once.
    if error.code == "rate_limited" and error.retry_after and "try again" not in reason:
        reason = f"{reason.rstrip('.')}; try again in {max(1, round(error.retry_after))} s."
    return reason


def draft_generate(*, draft_id: int) -> Draft | None:
    """Write the draft: gather context, render the prompt, call the provider, review the output,
    record usage, then ``ready`` (``draft.generated``) or ``failed`` with a readable reason
    (``draft.failed``). Idempotent: a draft that is not ``pending`` (or that another worker is
    generating right now) is returned as it is. Automatic drafts on an auto-send channel are
    approved right after (``draft_approve`` with ``actor=None``).
    """
    started = time.perf_counter()
    # Every join costs here (ORM compile + planning, ~1 ms each): only what the facts need.
    # The organization is the chat's (OrgOwned rows never cross organizations).
    draft = (
        Draft.objects.select_related("organization", "chat", "requested_by")
        .defer("prompt", "context")
        .filter(pk=draft_id)
        .first()
    )
    if draft is None or draft.status != Draft.Status.PENDING:
        return draft
    draft.chat.organization = draft.organization
    settings = ai_settings_get(draft.organization)
    lock = redis_client().lock(
        f"{django_settings.REDIS_KEY_PREFIX}:agents:draft-generate:{draft.pk}",
        timeout=settings.request_timeout + LOCK_MARGIN_SECONDS,
        blocking=False,
    )
    if not lock.acquire():
        return draft
    try:
        draft = _generate(draft, settings, started)
    except Exception:
        # A bug or an unreachable database mid-way must not leave the draft spinning: fail it
        # (the member can retry) and let the task's logs carry the traceback.
        logger.exception("Draft %s: generation failed", draft.pk)
        draft = _fail_unexpectedly(draft)
    finally:
        try:
            lock.release()
        except Exception:  # expired while the provider was slow: nothing left to release
            logger.warning("Draft %s: generation lock expired before release", draft.pk)
    if (
        draft.status == Draft.Status.READY
        and draft.trigger == Draft.Trigger.AUTO
        and auto_send_enabled(draft.chat)
    ):
        try:
            from agents.services.drafts import draft_approve

            draft = draft_approve(draft=draft, actor=None)
        except ValidationError as error:  # blocked chat, bot gone: a member decides
            logger.info("Draft %s not auto-sent: %s", draft.pk, error.message)
    return draft


def auto_send_enabled(chat: Chat) -> bool:
    from agents import selectors

    return selectors.auto_send_enabled(chat)


def _generate(draft: Draft, settings: AISettings, started: float) -> Draft:
    facts = reply_facts_for(
        chat=draft.chat,
        member=draft.requested_by,
        settings=settings,
        instruction=draft.instruction,
        previous_draft=_previous_text(draft),
    )
    prompt = render_reply_prompt(facts)
    provider = get_provider(draft.organization)
    request = CompletionRequest(
        messages=prompt.messages,
        facts=facts,
        timeout=float(settings.request_timeout),
    )
    completion: Completion | None = None
    failure = ""
    model_started = time.perf_counter()
    try:
        completion = provider.complete(request)
    except LLMError as error:
        failure = _failure_reason(error)
    except Exception:
        logger.exception("Draft %s: the provider %s failed unexpectedly", draft.pk, provider.name)
        failure = "The AI provider failed unexpectedly; try again."
    model_ms = (time.perf_counter() - model_started) * 1000
    notes: list[str] = []
    text = ""
    if completion is not None:
        review = guardrails.review_output(text=completion.text, settings=settings)
        notes = review.notes
        if completion.finish_reason == INSTRUCTION_NOT_APPLIED:
            # The offline drafter knows a few instructions; the member must not think it
            # followed one it did not ("as a haiku").
            notes = [f"The built-in drafter could not follow “{draft.instruction}”.", *notes]
        text = review.text.strip()
        if review.blocked_reason:
            failure = review.blocked_reason
        elif not text:
            failure = "The draft came back empty after the tone rules were applied; try again."
    model = completion.model if completion is not None and completion.model else provider.model
    overhead_ms = (time.perf_counter() - started) * 1000 - model_ms
    fields = {
        "status": Draft.Status.FAILED if failure else Draft.Status.READY,
        "text": "" if failure else text,
        "failure_reason": failure,
        "guardrail_notes": notes,
        "provider": provider.name,
        "model": model,
        "prompt_version": prompt.version,
        "prompt": prompt.as_dicts(),
        "context": asdict(facts),
        "prompt_tokens": completion.usage.prompt_tokens if completion else 0,
        "completion_tokens": completion.usage.completion_tokens if completion else 0,
        "cost_usd": _cost(provider.name, model, completion),
        "overhead_ms": round(overhead_ms),
        "model_ms": round(model_ms),
        "updated_at": timezone.now(),
    }
    with transaction.atomic():
        # Conditional: a draft finished meanwhile by someone else (an expired lock) is kept.
        if not Draft.objects.filter(pk=draft.pk, status=Draft.Status.PENDING).update(**fields):
            return Draft.objects.get(pk=draft.pk)
        for name, value in fields.items():
            setattr(draft, name, value)
        if completion is not None:
            usage_record(
                organization=draft.organization,
                user=draft.requested_by,
                kind=Usage.Kind.DRAFT,
                provider=provider.name,
                model=draft.model,
                usage=completion.usage,
                draft=draft,
            )
        if failure:
            emit(draft.organization, "draft.failed", {"draft": draft_payload(draft)})
        elif _newer_draft_exists(draft):
            # Finished out of order: a newer request (which superseded the ready drafts of
            # its time) is on offer instead; this one goes straight to the history.
            draft.status = Draft.Status.SUPERSEDED
            draft.save(update_fields=["status", "updated_at"])
        else:
            emit(draft.organization, "draft.generated", {"draft": draft_payload(draft)})
    return draft


def _fail_unexpectedly(draft: Draft) -> Draft:
    reason = "Drafting failed unexpectedly; try again."
    with transaction.atomic():
        changed = Draft.objects.filter(pk=draft.pk, status=Draft.Status.PENDING).update(
            status=Draft.Status.FAILED, failure_reason=reason, updated_at=timezone.now()
        )
        draft = Draft.objects.select_related("organization", "chat").get(pk=draft.pk)
        if changed:
            emit(draft.organization, "draft.failed", {"draft": draft_payload(draft)})
    return draft


def _newer_draft_exists(draft: Draft) -> bool:
    return (
        Draft.objects.filter(
            organization_id=draft.organization_id,
            chat_id=draft.chat_id,
            created_at__gt=draft.created_at,
        )
        .exclude(pk=draft.pk)
        .exists()
    )


def _cost(provider: str, model: str, completion: Completion | None) -> Decimal:
    """As ``agents.usage.usage_record`` computes it for the usage row."""
    if completion is None or provider == "local":
        return Decimal("0")
    return cost_estimate(model, completion.usage)


def drafts_requeue_stale(*, older_than_seconds: int = 120, give_up_seconds: int = 900) -> int:
    """Periodic: enqueue again drafts ``pending`` for longer than ``older_than_seconds`` (the
    task was lost: broker down at commit, a worker killed); fail those pending for longer than
    ``give_up_seconds`` so the inbox offers a retry instead of waiting forever. Returns how many
    were re-enqueued."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=give_up_seconds)
    with transaction.atomic():
        for draft in (
            Draft.objects.select_for_update(skip_locked=True)
            .filter(status=Draft.Status.PENDING, created_at__lt=cutoff)
            .select_related("organization")[:500]
        ):
            draft.status = Draft.Status.FAILED
            draft.failure_reason = "The draft was not generated in time; try again."
            draft.save(update_fields=["status", "failure_reason", "updated_at"])
            emit(draft.organization, "draft.failed", {"draft": draft_payload(draft)})
    stale = list(
        Draft.objects.filter(
            status=Draft.Status.PENDING,
            created_at__lt=now - timedelta(seconds=older_than_seconds),
        ).values_list("pk", flat=True)[:500]
    )
    for pk in stale:
        enqueue_generation(pk)
    return len(stale)
