"""Per-organization cap on trigger runs per minute (``AUTOMATION_RUNS_PER_MINUTE``).

A fixed one-minute window counted in Redis, shared by every worker: a bulk import that emits
100,000 ``contact.created`` events must not let one organization's automations fill the queue
in front of everyone else's. A run over the cap waits (status "retrying") until the next
window instead of failing; it is not an error anyone has to act on.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

from config.redis_connection import redis_client

logger = logging.getLogger(__name__)


def runs_per_minute() -> int:
    return int(getattr(settings, "AUTOMATION_RUNS_PER_MINUTE", 600))


def run_slot_take(organization_id: int, *, now: float | None = None) -> float:
    """Take a slot for one run; 0 when taken, else the seconds until the next window.

    Redis being down lets runs through (logged): automations matter more than the cap.
    """
    now = time.time() if now is None else now
    window = int(now // 60)
    key = f"{settings.REDIS_KEY_PREFIX}:automation:runs:{organization_id}:{window}"
    try:
        pipe = redis_client().pipeline()
        pipe.incr(key)
        pipe.expire(key, 120)
        count = pipe.execute()[0]
    except Exception:
        logger.exception("Automation rate limit unavailable; letting the run through")
        return 0.0
    if count <= runs_per_minute():
        return 0.0
    return (window + 1) * 60 - now
