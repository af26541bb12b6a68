"""The project's Redis as a plain client, for counters, locks and rate limits any app keeps.

(Celery and Channels reach the same server through their own settings.)
"""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def redis_client() -> redis.Redis:
    """One client per process (it pools its connections)."""
    return _client(settings.REDIS_URL)
