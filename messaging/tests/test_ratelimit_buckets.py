"""The shared Telegram rate limiter, against the real Redis of the test run."""

from __future__ import annotations

import threading
import time

import pytest

from messaging import ratelimit
from messaging.ratelimit import Limits


def limits(**overrides: float) -> Limits:
    values = {"per_bot": 1000.0, "per_chat": 1000.0, "per_group_minute": 60_000.0, "headroom": 0}
    return Limits(**(values | overrides))


def test_first_send_goes_at_once_and_the_next_to_that_chat_waits_the_chat_interval():
    lim = limits(per_chat=1)

    assert ratelimit.acquire(bot_id=1, chat_id=10, limits=lim) == 0
    wait = ratelimit.acquire(bot_id=1, chat_id=10, limits=lim)

    assert 0.9 < wait <= 1.0


def test_a_send_refused_by_its_chat_takes_no_token_from_the_bot():
    lim = limits(per_bot=10, per_chat=1)
    assert ratelimit.acquire(bot_id=1, chat_id=10, limits=lim) == 0
    assert ratelimit.acquire(bot_id=1, chat_id=10, limits=lim) > 0.5

    time.sleep(0.11)  # one bot interval: the bot has exactly one token again

    assert ratelimit.acquire(bot_id=1, chat_id=11, limits=lim) == 0


def test_the_bot_bucket_paces_sends_to_different_chats():
    lim = limits(per_bot=5)

    assert ratelimit.acquire(bot_id=1, chat_id=1, limits=lim) == 0
    wait = ratelimit.acquire(bot_id=1, chat_id=2, limits=lim)

    assert 0.15 < wait <= 0.2


def test_bots_have_separate_buckets():
    lim = limits(per_bot=1)

    assert ratelimit.acquire(bot_id=1, chat_id=1, limits=lim) == 0
    assert ratelimit.acquire(bot_id=2, chat_id=1, limits=lim) == 0


def test_groups_also_pay_into_the_per_minute_group_bucket():
    lim = limits(per_group_minute=6)  # one every 10 s

    assert ratelimit.acquire(bot_id=1, chat_id=-100, chat_kind="supergroup", limits=lim) == 0
    wait = ratelimit.acquire(bot_id=1, chat_id=-100, chat_kind="supergroup", limits=lim)

    assert 9.5 < wait <= 10


def test_private_chats_ignore_the_group_limit():
    lim = limits(per_group_minute=6)

    assert ratelimit.acquire(bot_id=1, chat_id=7, limits=lim) == 0
    time.sleep(0.01)

    assert ratelimit.acquire(bot_id=1, chat_id=7, limits=lim) == 0


def test_headroom_paces_sends_below_the_limit():
    lim = limits(per_chat=1, headroom=0.2)

    ratelimit.acquire(bot_id=1, chat_id=1, limits=lim)

    assert ratelimit.acquire(bot_id=1, chat_id=1, limits=lim) > 1.1  # 1.25 s less the slack


def test_pausing_a_bot_holds_all_its_chats_for_retry_after():
    ratelimit.pause_bot(bot_id=1, seconds=3)

    wait = ratelimit.acquire(bot_id=1, chat_id=99, limits=limits())

    assert 2.9 < wait <= 3


def test_limits_come_from_settings(settings):
    settings.TELEGRAM_RATE_PER_BOT = 2
    settings.TELEGRAM_RATE_PER_CHAT = 100
    settings.TELEGRAM_RATE_HEADROOM = 0

    assert ratelimit.acquire(bot_id=1, chat_id=1) == 0
    assert 0.45 < ratelimit.acquire(bot_id=1, chat_id=2) <= 0.5


def test_acquire_blocking_sleeps_through_short_waits_and_gives_back_long_ones():
    lim = limits(per_chat=10)
    ratelimit.acquire(bot_id=1, chat_id=1, limits=lim)
    started = time.monotonic()

    assert ratelimit.acquire_blocking(bot_id=1, chat_id=1, max_wait=1, limits=lim) == 0
    assert time.monotonic() - started >= 0.09
    assert ratelimit.acquire_blocking(bot_id=1, chat_id=1, max_wait=0.01, limits=lim) > 0.01


def test_concurrent_senders_take_the_single_token_exactly_once():
    lim = limits(per_chat=0.5)
    barrier = threading.Barrier(8)
    results: list[float] = []

    def send() -> None:
        barrier.wait()
        results.append(ratelimit.acquire(bot_id=1, chat_id=1, limits=lim))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(0) == 1


@pytest.mark.parametrize("rate", [50.0])
def test_many_threads_sending_flat_out_stay_within_the_limit_and_near_it(rate):
    lim = limits(per_bot=rate, headroom=0.03)
    stamps: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + 2

    def send(worker: int) -> None:
        chat = 0
        while time.monotonic() < stop:
            chat += 1
            ticket = {"bot_id": 1, "chat_id": worker * 10_000 + chat, "send_id": f"{worker}:{chat}"}
            if ratelimit.acquire_blocking(**ticket, max_wait=1, limits=lim) == 0:
                with lock:
                    stamps.append(time.monotonic())
                ratelimit.release(**ticket)  # the answer came back

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stamps.sort()
    # Never more than the limit in any one-second window (half-open, starting at each send).
    most_in_a_second = max(
        sum(1 for s in stamps[i:] if s < start + 1) for i, start in enumerate(stamps)
    )
    assert most_in_a_second <= rate
    assert len(stamps) / (stamps[-1] - stamps[0]) >= 0.95 * rate


def test_an_unanswered_send_holds_its_place_in_the_window_until_answered():
    lim = limits(per_bot=2, headroom=0)  # at most 2 in any second

    assert ratelimit.acquire(bot_id=1, chat_id=1, send_id="a", limits=lim) == 0
    time.sleep(0.5)
    assert ratelimit.acquire(bot_id=1, chat_id=2, send_id="b", limits=lim) == 0
    time.sleep(0.5)
    # The pace allows a third, but "a" and "b" may still be on their way to Telegram.
    assert 0 < ratelimit.acquire(bot_id=1, chat_id=3, send_id="c", limits=lim) <= 0.05

    ratelimit.release(bot_id=1, chat_id=1, send_id="a")
    ratelimit.release(bot_id=1, chat_id=2, send_id="b")

    # "a" may have arrived just now: a whole window must pass from its answer.
    assert 0.9 < ratelimit.acquire(bot_id=1, chat_id=3, send_id="c", limits=lim) <= 1.0


def test_quick_answers_leave_the_pace_in_charge():
    lim = limits(per_bot=2, headroom=0)
    for n, chat in enumerate((1, 2)):
        assert ratelimit.acquire(bot_id=1, chat_id=chat, send_id=str(n), limits=lim) == 0
        ratelimit.release(bot_id=1, chat_id=chat, send_id=str(n))
        time.sleep(0.5)

    wait = ratelimit.acquire(bot_id=1, chat_id=3, send_id="2", limits=lim)

    assert wait < 0.05  # the first answer is a second old: the window has room


def test_releasing_an_unknown_send_changes_nothing():
    ratelimit.release(bot_id=1, chat_id=1, send_id="never-taken")

    assert ratelimit.acquire(bot_id=1, chat_id=1, limits=limits()) == 0
