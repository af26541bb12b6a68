"""The sweeper: drafts whose generation task was lost are enqueued again; drafts stuck far too
long are failed so the inbox offers a retry. A generation already in flight is not repeated."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from agents.models import Draft
from agents.services.drafts import draft_generate, draft_request, drafts_requeue_stale
from automation.models import Event
from config.redis_connection import redis_client


def test_a_draft_pending_for_minutes_is_generated_again(chat, member):
    draft = draft_request(chat=chat, actor=member.user)  # its task "lost": never run
    Draft.objects.filter(pk=draft.pk).update(created_at=timezone.now() - dt.timedelta(minutes=3))

    assert drafts_requeue_stale() == 1

    draft.refresh_from_db()
    assert draft.status == Draft.Status.READY


def test_a_recent_pending_draft_is_left_to_its_task(chat, member):
    draft_request(chat=chat, actor=member.user)

    assert drafts_requeue_stale() == 0


def test_a_draft_pending_far_too_long_fails_with_a_reason(chat, member):
    draft = draft_request(chat=chat, actor=member.user)
    Draft.objects.filter(pk=draft.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))

    drafts_requeue_stale()

    draft.refresh_from_db()
    assert draft.status == Draft.Status.FAILED
    assert "try again" in draft.failure_reason
    assert Event.objects.filter(name="draft.failed").exists()


def test_a_generation_in_flight_elsewhere_is_not_repeated(chat, member):
    draft = draft_request(chat=chat, actor=member.user)
    key = f"{settings.REDIS_KEY_PREFIX}:agents:draft-generate:{draft.pk}"
    redis_client().set(key, "another-worker", ex=60)

    again = draft_generate(draft_id=draft.pk)

    assert again.status == Draft.Status.PENDING
    redis_client().delete(key)
