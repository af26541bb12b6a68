"""The one rate limiter every Telegram send goes through (people, campaigns, agents, commands).

Telegram limits a bot to about 30 messages a second overall, 1 a second per chat and 20 a
minute per group; above that it answers 429 and may throttle the bot for a while. Every process
that sends (Celery workers on several hosts, the polling command replying to /start) shares
these limits, so the buckets live in Redis and one Lua script checks and takes a token from all
buckets of a send at once: either every bucket has a token and all are taken, or none is taken
and the caller learns how long to wait. Two workers can therefore never both take "the last"
token, and a send blocked by its chat does not use up a token of the bot.

Each bucket is a token bucket of capacity one, stored the GCRA way (one number: the
"theoretical arrival time" of the next token, in Redis's own clock, so workers' clocks do not
matter). Capacity one means sends are paced evenly instead of bursting: with a burst capacity
``b`` a bucket would let ``b`` sends through at once and then the full rate, i.e. more than the
limit within one window. Sends are paced at ``limit * (1 - headroom)``. Half the headroom lets
a sender that woke up a little late (a busy worker) catch up on the pace it missed, instead of
losing that time for good.

Pacing tokens is not enough for "never above the limit as Telegram counts": a request reaches
Telegram some time after its token, and that delay varies (a worker descheduled on a busy
machine, a slow network), so two requests paced 34 ms apart can arrive 5 ms apart. Each bucket
therefore also keeps a log of its recent sends and when each was answered (``release``). A
request arrives between its token and its answer, so a new token is only given while fewer than
``limit`` earlier sends were answered within the last window or are still in flight; then no
window of the limit's length can hold more than the limit, however late requests arrive. When
answers come back quickly this rule never binds and the pace decides; when they are slow it
lowers the rate instead of breaking the limit.

Campaigns must never starve people replying in the inbox. Their runner takes a token from a
per-bot "campaign share" bucket (``acquire_campaign``, paced at ``CAMPAIGN_SEND_SHARE`` of the
bot's rate) before it even creates a message, so campaign messages reach the telegram queue no
faster than the share and an inbox reply always finds the rest of the bot's rate free and no
backlog queued in front of it. Delivery of a campaign message then also pays into a second
share bucket with its own window log (``campaign=True``): messages queued at an even pace can
still reach workers unevenly, and this is what keeps them within the share as Telegram counts.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.conf import settings

from config.redis_connection import redis_client

# Per bucket i, KEYS[2i-1] is its pacing key (GCRA timestamp) and KEYS[2i] its window log (a
# sorted set: send id → when that send's answer came back, or, while in flight, the time it is
# given up on). ARGV: the send id, the in-flight cap, then per bucket: interval, slack, limit,
# window (times in microseconds). Returns the wait in microseconds (0 = tokens taken).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local send_id, inflight = ARGV[1], tonumber(ARGV[2])
local buckets = #KEYS / 2
local wait = 0
local tats = {}
for i = 1, buckets do
  local base = 2 + (i - 1) * 4
  local interval, slack = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2])
  local limit, window = tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4])
  local tat = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  if tat < now - slack then tat = now - slack end
  tats[i] = tat
  if tat - now > wait then wait = tat - now end
  local log = KEYS[2 * i]
  redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
  if redis.call('ZCARD', log) >= limit then
    local oldest = tonumber(redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')[2])
    local until_free = oldest + window - now
    if oldest > now then until_free = 50000 end  -- still in flight: ask again shortly
    if until_free > wait then wait = until_free end
  end
end
if wait > 0 then return wait end
for i = 1, buckets do
  local base = 2 + (i - 1) * 4
  local next_tat = tats[i] + tonumber(ARGV[base + 1])
  local window = tonumber(ARGV[base + 4])
  redis.call('SET', KEYS[2 * i - 1], string.format('%d', next_tat), 'PX',
    math.ceil((next_tat - now) / 1000) + 1000)
  redis.call('ZADD', KEYS[2 * i], now + inflight, send_id)
  redis.call('PEXPIRE', KEYS[2 * i], math.ceil((window + inflight) / 1000) + 1000)
end
return 0
"""

# KEYS: the window logs of a send. ARGV[1]: the send id. Records that its answer came back.
_RELEASE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
for _, log in ipairs(KEYS) do
  redis.call('ZADD', log, 'XX', now, ARGV[1])
end
return 0
"""

# KEYS[1]: bucket. ARGV[1]: pause in microseconds. Pushes the bucket's next token out.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < until_ then
  local ttl_ms = math.ceil(tonumber(ARGV[1]) / 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%d', until_), 'PX', ttl_ms)
end
return 0
"""

GROUP_KINDS = frozenset({"group", "supergroup", "channel"})
# A send not released within this long (its worker died) stops holding its place in the window
# rule; longer than any Bot API call can take (client.READ_TIMEOUT plus connect and write).
INFLIGHT_CAP_US = 60_000_000


@dataclass(frozen=True)
class Limits:
    """Telegram's limits as configured; ``headroom`` is the share we stay below them."""

    per_bot: float  # messages per second, whole bot
    per_chat: float  # messages per second, one chat
    per_group_minute: float  # messages per minute, one group
    headroom: float

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            per_bot=settings.TELEGRAM_RATE_PER_BOT,
            per_chat=settings.TELEGRAM_RATE_PER_CHAT,
            per_group_minute=settings.TELEGRAM_RATE_PER_GROUP_MINUTE,
            headroom=settings.TELEGRAM_RATE_HEADROOM,
        )

    def interval_us(self, per_second: float) -> int:
        """Microseconds between two sends paced at ``per_second`` less the headroom."""
        return round(1_000_000 / (per_second * (1 - self.headroom)))

    def slack_us(self, window_seconds: float) -> int:
        """How far (µs) a late sender may catch up in a bucket whose limit counts per
        ``window_seconds``: half of what the headroom saves over one window."""
        return round(window_seconds * 1_000_000 * self.headroom / 2)


def _key(*parts: object) -> str:
    return ":".join([settings.REDIS_KEY_PREFIX, "tg-rate", *map(str, parts)])


def bot_key(bot_id: int) -> str:
    return _key("bot", bot_id)


@dataclass(frozen=True)
class _Bucket:
    key: str
    interval_us: int  # pacing: time between two tokens
    slack_us: int
    limit: int  # the hard rule: at most ``limit`` sends whose request may reach Telegram …
    window_us: int  # … within any window of this length


def _per_window(limit: float, window: float) -> tuple[int, int]:
    """(count, window in µs) for "``limit`` per ``window`` seconds" (below 1: 1 per 1/limit)."""
    if limit >= 1:
        return int(limit), round(window * 1_000_000)
    return 1, round(window / limit * 1_000_000)


def _buckets(
    bot_id: int, chat_id: int, chat_kind: str, limits: Limits, campaign: bool = False
) -> list[_Bucket]:
    buckets = [
        _Bucket(
            bot_key(bot_id),
            limits.interval_us(limits.per_bot),
            limits.slack_us(1),
            *_per_window(limits.per_bot, 1),
        ),
        _Bucket(
            _key("chat", bot_id, chat_id),
            limits.interval_us(limits.per_chat),
            limits.slack_us(1),
            *_per_window(limits.per_chat, 1),
        ),
    ]
    if campaign:
        buckets.append(_campaign_out_bucket(bot_id, limits))
    if chat_kind in GROUP_KINDS:
        buckets.append(
            _Bucket(
                _key("group", bot_id, chat_id),
                limits.interval_us(limits.per_group_minute / 60),
                limits.slack_us(60),
                *_per_window(limits.per_group_minute, 60),
            )
        )
    return buckets


def acquire(
    *,
    bot_id: int,
    chat_id: int,
    chat_kind: str = "private",
    send_id: str = "",
    limits: Limits | None = None,
    campaign: bool = False,
) -> float:
    """Take a token from every bucket a message to ``chat_id`` through ``bot_id`` needs.

    Returns 0.0 when the tokens were taken (send now, then ``release`` with the same
    ``send_id`` when Telegram answered), otherwise the seconds to wait before asking again;
    nothing was taken then. Groups, supergroups and channels also pay into the per-group
    bucket (per minute); campaign messages (``campaign``) also into the bot's campaign share
    at delivery, so they reach Telegram within the share in every window."""
    limits = limits or Limits.from_settings()
    buckets = _buckets(bot_id, chat_id, chat_kind, limits, campaign)
    keys = [key for b in buckets for key in (b.key, f"{b.key}:log")]
    args = [send_id or uuid.uuid4().hex, INFLIGHT_CAP_US]
    for b in buckets:
        args += [b.interval_us, b.slack_us, b.limit, b.window_us]
    wait_us = redis_client().eval(_ACQUIRE, len(keys), *keys, *args)
    return int(wait_us) / 1_000_000


def release(
    *,
    bot_id: int,
    chat_id: int,
    chat_kind: str = "private",
    send_id: str,
    campaign: bool = False,
) -> None:
    """The request of ``send_id`` is answered (or failed): it can no longer reach Telegram
    later, so the window rule counts it from now instead of from its in-flight cap."""
    buckets = _buckets(bot_id, chat_id, chat_kind, Limits.from_settings(), campaign)
    keys = [f"{b.key}:log" for b in buckets]
    redis_client().eval(_RELEASE, len(keys), *keys, send_id)


def acquire_blocking(
    *,
    bot_id: int,
    chat_id: int,
    chat_kind: str = "private",
    max_wait: float,
    send_id: str = "",
    limits: Limits | None = None,
    campaign: bool = False,
) -> float:
    """Wait (sleeping) for the tokens as long as each single wait is at most ``max_wait``.

    Returns 0.0 once the tokens are taken, or the wait that was too long to sleep through
    (the caller reschedules itself instead of holding a worker)."""
    while True:
        wait = acquire(
            bot_id=bot_id,
            chat_id=chat_id,
            chat_kind=chat_kind,
            send_id=send_id,
            limits=limits,
            campaign=campaign,
        )
        if wait == 0 or wait > max_wait:
            return wait
        time.sleep(wait)


def campaign_key(bot_id: int) -> str:
    return _key("campaign", bot_id)


# How far (µs) a campaign runner that fell behind (a slow commit, a busy worker) may catch up:
# a few tokens, which delivery's own campaign bucket smooths out again.
CAMPAIGN_RUNNER_SLACK_US = 250_000


def _campaign_bucket(bot_id: int, limits: Limits, share: float) -> _Bucket:
    """The runner's pace: the share less the headroom, so messages are created a little slower
    than delivery may send them and no backlog builds up in front of the inbox."""
    rate = limits.per_bot * share
    return _Bucket(
        campaign_key(bot_id),
        limits.interval_us(rate),
        CAMPAIGN_RUNNER_SLACK_US,
        *_per_window(rate, 1),
    )


def _campaign_out_bucket(bot_id: int, limits: Limits) -> _Bucket:
    """The campaign share as delivery takes it (with the bot's bucket, in the same script):
    the runner's pacing keeps the queue short, this one holds the share at Telegram however
    unevenly queued messages reach the workers. Paced at the share itself (no headroom): its
    window rule is what keeps arrivals within the share, and a pace just above the runner's
    means delivery never falls behind the messages the runner creates."""
    rate = limits.per_bot * settings.CAMPAIGN_SEND_SHARE
    return _Bucket(
        _key("campaign-out", bot_id),
        round(1_000_000 / rate),
        limits.slack_us(1),
        *_per_window(rate, 1),
    )


def acquire_campaign(
    *, bot_id: int, limits: Limits | None = None, share: float | None = None
) -> float:
    """Take a token of ``bot_id``'s campaign share (``CAMPAIGN_SEND_SHARE`` of its per-second
    limit), before a campaign message is even created.

    Campaign messages then enter the telegram queue no faster than the share, so delivery never
    holds a backlog of them in front of a member's reply: the bot bucket always has at least
    ``1 - share`` of its rate left for the inbox. Same pacing and window rule as ``acquire``
    (with a little slack, ``CAMPAIGN_RUNNER_SLACK_US``); the window log counts tokens from when
    they were given, since what follows is only a queued task.
    Returns 0.0 when the token was taken, else the seconds to wait."""
    limits = limits or Limits.from_settings()
    bucket = _campaign_bucket(
        bot_id, limits, settings.CAMPAIGN_SEND_SHARE if share is None else share
    )
    keys = [bucket.key, f"{bucket.key}:log"]
    args = [uuid.uuid4().hex, 0, bucket.interval_us, bucket.slack_us, bucket.limit]
    wait_us = redis_client().eval(_ACQUIRE, len(keys), *keys, *args, bucket.window_us)
    return int(wait_us) / 1_000_000


def acquire_campaign_blocking(
    *, bot_id: int, max_wait: float, limits: Limits | None = None, share: float | None = None
) -> float:
    """``acquire_campaign``, sleeping through waits of at most ``max_wait`` each; returns 0.0
    once the token is taken or the (longer) wait the caller should come back after."""
    while True:
        wait = acquire_campaign(bot_id=bot_id, limits=limits, share=share)
        if wait == 0 or wait > max_wait:
            return wait
        time.sleep(wait)


def pause_bot(*, bot_id: int, seconds: float) -> None:
    """Hold every send of ``bot_id`` for ``seconds`` (Telegram answered 429 ``retry_after``);
    campaigns too stop queueing messages meanwhile, so no backlog builds up in the pause."""
    for key in (bot_key(bot_id), campaign_key(bot_id)):
        redis_client().eval(_PAUSE, 1, key, round(seconds * 1_000_000))
