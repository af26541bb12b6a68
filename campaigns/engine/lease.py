"""One live runner per campaign: a Redis lease with a random token, renewed while working.

A runner that dies simply stops renewing; the lease expires after ``TTL_MS`` and the next
task (the hand-over countdown or ``campaigns_tick``) takes over. A runner that stalled past
its lease loses it and stops at its next renewal. Even two runners at once could not send a
step twice (row locks and the ``CampaignSend`` unique constraint see to that); the lease only
keeps them from wasting work on each other.
"""

from __future__ import annotations

import uuid

from django.conf import settings

from config.redis_connection import redis_client

TTL_MS = 15_000

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def lease_key(campaign_id: int) -> str:
    return f"{settings.REDIS_KEY_PREFIX}:campaign-runner:{campaign_id}"


class Lease:
    def __init__(self, campaign_id: int) -> None:
        self.key = lease_key(campaign_id)
        self.token = uuid.uuid4().hex

    def acquire(self) -> bool:
        return bool(redis_client().set(self.key, self.token, nx=True, px=TTL_MS))

    def renew(self) -> bool:
        """Extend the lease; False when it was lost (expired and taken by another runner)."""
        return bool(redis_client().eval(_RENEW, 1, self.key, self.token, TTL_MS))

    def release(self) -> None:
        redis_client().eval(_RELEASE, 1, self.key, self.token)


def is_held(campaign_id: int) -> bool:
    return bool(redis_client().exists(lease_key(campaign_id)))
