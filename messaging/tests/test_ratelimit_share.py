"""The campaign share of a bot's rate (``acquire_campaign``), against the real Redis."""

from __future__ import annotations

import time

from messaging import ratelimit
from messaging.ratelimit import Limits


def limits(per_bot: float) -> Limits:
    return Limits(per_bot=per_bot, per_chat=1000.0, per_group_minute=60_000.0, headroom=0)


def _drain(bot_id: int, lim: Limits, share: float | None = None) -> tuple[int, float]:
    """Take campaign tokens until one is refused: (tokens taken, the wait asked for)."""
    taken = 0
    while (wait := ratelimit.acquire_campaign(bot_id=bot_id, limits=lim, share=share)) == 0:
        taken += 1
    return taken, wait


def test_campaign_tokens_are_paced_at_the_share_of_the_bots_rate():
    lim = limits(per_bot=10)  # share 0.5 → one campaign token every 0.2 s

    # A runner that fell behind may catch up a little (the slack), then waits for the pace.
    taken, wait = _drain(901, lim, 0.5)
    assert 1 <= taken <= 1 + ratelimit.CAMPAIGN_RUNNER_SLACK_US // 200_000 + 1
    assert 0 < wait <= 0.2
    time.sleep(wait)
    assert ratelimit.acquire_campaign(bot_id=901, limits=lim, share=0.5) == 0
    assert 0.15 < ratelimit.acquire_campaign(bot_id=901, limits=lim, share=0.5) <= 0.2


def test_the_default_share_comes_from_settings(settings):
    settings.CAMPAIGN_SEND_SHARE = 0.25
    lim = limits(per_bot=20)  # 5 a second → 0.2 s apart

    _taken, wait = _drain(902, lim)
    time.sleep(wait)
    assert ratelimit.acquire_campaign(bot_id=902, limits=lim) == 0
    assert 0.15 < ratelimit.acquire_campaign(bot_id=902, limits=lim) <= 0.2


def test_campaign_tokens_leave_the_bot_bucket_for_inbox_sends():
    lim = limits(per_bot=10)
    for _ in range(3):
        assert (
            ratelimit.acquire_campaign_blocking(bot_id=903, max_wait=1, limits=lim, share=0.5) == 0
        )

    # The campaign share took nothing from the bot's own bucket: a reply goes at once.
    assert ratelimit.acquire(bot_id=903, chat_id=1, limits=lim) == 0


def test_blocking_acquire_stays_within_the_share_over_a_second():
    lim = limits(per_bot=20)  # share 0.5 → 10 a second
    started = time.monotonic()
    taken = 0
    while time.monotonic() - started < 1.0:
        assert (
            ratelimit.acquire_campaign_blocking(bot_id=904, max_wait=1, limits=lim, share=0.5) == 0
        )
        taken += 1

    assert 9 <= taken <= 11


def test_a_429_pause_of_the_bot_also_holds_campaign_tokens():
    lim = limits(per_bot=10)
    ratelimit.pause_bot(bot_id=905, seconds=3)

    wait = ratelimit.acquire_campaign(bot_id=905, limits=lim, share=0.5)

    assert 2.5 < wait <= 3


def test_a_long_wait_is_returned_instead_of_slept_through():
    lim = limits(per_bot=1)  # share 0.5 → every 2 s
    assert ratelimit.acquire_campaign_blocking(bot_id=906, max_wait=0.5, limits=lim, share=0.5) == 0

    wait = ratelimit.acquire_campaign_blocking(bot_id=906, max_wait=0.5, limits=lim, share=0.5)

    assert 1.5 < wait <= 2


def test_delivering_campaign_messages_also_pays_into_the_share_but_inbox_sends_do_not(settings):
    settings.CAMPAIGN_SEND_SHARE = 0.5
    lim = limits(per_bot=10)  # bot: every 0.1 s; campaign deliveries: every 0.2 s

    assert ratelimit.acquire(bot_id=907, chat_id=1, limits=lim, campaign=True) == 0
    time.sleep(0.11)  # the bot bucket has a token again, the campaign share not yet
    wait = ratelimit.acquire(bot_id=907, chat_id=2, limits=lim, campaign=True)

    assert 0.05 < wait <= 0.1
    assert ratelimit.acquire(bot_id=907, chat_id=3, limits=lim) == 0  # an inbox reply


def test_campaign_deliveries_never_exceed_the_share_within_a_second_while_in_flight(settings):
    settings.CAMPAIGN_SEND_SHARE = 0.5
    lim = limits(per_bot=4)  # share: 2 per second
    for chat_id in (1, 2):
        assert (
            ratelimit.acquire_blocking(
                bot_id=908,
                chat_id=chat_id,
                max_wait=1,
                limits=lim,
                campaign=True,
                send_id=f"s{chat_id}",
            )
            == 0
        )

    # Both still in flight (never released): a third must wait for them, not just the pace.
    time.sleep(0.6)
    assert ratelimit.acquire(bot_id=908, chat_id=3, limits=lim, campaign=True) > 0
