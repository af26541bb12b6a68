"""Fractional ranks: always strictly between, ordered byte-wise, short."""

from __future__ import annotations

import random

import pytest

from pipelines.ranking import MAX_RANK_LEN, RankError, rank_between, rank_sequence


def _c_sorted(ranks: list[str]) -> bool:
    return ranks == sorted(ranks, key=lambda r: r.encode("ascii"))


def test_thousands_of_random_inserts_keep_order_and_short_ranks():
    rng = random.Random(4)
    ranks: list[str] = []
    for _ in range(5000):
        i = rng.randint(0, len(ranks))
        before = ranks[i - 1] if i else None
        after = ranks[i] if i < len(ranks) else None
        rank = rank_between(before, after)
        assert (before is None or before < rank) and (after is None or rank < after)
        ranks.insert(i, rank)
    assert _c_sorted(ranks)
    assert len(set(ranks)) == len(ranks)
    assert max(map(len, ranks)) <= 8


@pytest.mark.parametrize("end", ["top", "bottom"])
def test_inserting_at_one_end_grows_one_digit_per_61_inserts(end):
    ranks = [rank_between(None, None)]
    for _ in range(3000):
        if end == "top":
            ranks.insert(0, rank_between(None, ranks[0]))
        else:
            ranks.append(rank_between(ranks[-1], None))
    assert _c_sorted(ranks) and len(set(ranks)) == len(ranks)
    assert max(map(len, ranks)) <= 3000 // 61 + 2


def test_the_same_gap_halves():
    low, high = "1", "2"
    for _ in range(100):
        high = rank_between(low, high)
        assert low < high
    assert len(high) <= 25  # ~one digit per 6 halvings (log2 62 ≈ 5.95)


def test_rank_sequence_is_even_increasing_and_unique():
    ranks = rank_sequence(10_000)
    assert _c_sorted(ranks) and len(set(ranks)) == 10_000
    assert max(map(len, ranks)) <= 3 < MAX_RANK_LEN
    # there is room at both ends and between every pair
    assert rank_between(None, ranks[0]) < ranks[0]
    assert rank_between(ranks[-1], None) > ranks[-1]
    assert ranks[10] < rank_between(ranks[10], ranks[11]) < ranks[11]


@pytest.mark.parametrize(
    ("before", "after"), [("b", "a"), ("a", "a"), ("a0", None), ("", None), ("a-", None)]
)
def test_bad_bounds_are_refused(before, after):
    with pytest.raises(RankError):
        rank_between(before, after)
