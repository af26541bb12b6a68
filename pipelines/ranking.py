"""Fractional indexing: a card's position in a column is a string that sorts between its
neighbours, so a move writes one row and never renumbers the others.

Ranks are strings over the base-62 alphabet ``0-9A-Za-z`` (ASCII order, hence the "C"
collation on ``Deal.rank``). A rank is read as a fraction 0.d1d2d3… in base 62; no rank ends
with "0" (the smallest digit), so there is always room below and between any two ranks.
``rank_between`` returns a short string strictly between two ranks: the midpoint between two
cards, one step past the end card at an open end. Inserting at the top or bottom of a column
repeatedly grows ranks by one digit per ~61 inserts at that end, and inserting into the same gap
repeatedly by one digit per ~6 inserts (halving); the move service rebalances a column
(``rank_sequence``) when a rank would get longer than ``MAX_RANK_LEN``.
"""

from __future__ import annotations

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE = len(DIGITS)
_INDEX = {c: i for i, c in enumerate(DIGITS)}
MID = DIGITS[BASE // 2]
# Longer ranks trigger a rebalance of the column; the column stays readable and indexable.
MAX_RANK_LEN = 48


class RankError(ValueError):
    """A rank that is not a base-62 string, or bounds that are not in order."""


def _check(rank: str) -> None:
    if not rank or any(c not in _INDEX for c in rank) or rank[-1] == DIGITS[0]:
        raise RankError(f"Not a valid rank: {rank!r}")


def rank_between(before: str | None, after: str | None) -> str:
    """A rank strictly between ``before`` and ``after`` (either may be None: open end).

    ``before`` is the rank of the card above (smaller), ``after`` of the card below.
    """
    if before is not None:
        _check(before)
    if after is not None:
        _check(after)
    if before is not None and after is not None and not before < after:
        raise RankError(f"Ranks out of order: {before!r} !< {after!r}")
    if before is None and after is None:
        return MID
    if before is None:
        return _decrement(after)  # type: ignore[arg-type]
    if after is None:
        return _increment(before)
    lo = before
    result: list[str] = []
    i = 0
    while True:
        lo_digit = _INDEX[lo[i]] if i < len(lo) else 0
        # Once the prefix is already below ``after``'s, nothing above bounds this digit.
        if "".join(result) < after[:i]:
            hi_digit = BASE
        else:
            hi_digit = _INDEX[after[i]] if i < len(after) else 0
        if hi_digit - lo_digit > 1:
            mid = (lo_digit + hi_digit) // 2
            result.append(DIGITS[mid])
            return "".join(result)
        # No whole digit fits here: keep lo's digit and look one place further.
        result.append(DIGITS[lo_digit])
        i += 1


def _decrement(after: str) -> str:
    """A short rank just below ``after``: one step down at the first digit that allows it.

    Stepping (not halving) toward the start keeps top-of-column inserts growing by one digit
    per ~61 inserts instead of one per ~6.
    """
    prefix = []
    last = len(after) - 1
    for i, char in enumerate(after):
        digit = _INDEX[char]
        if digit >= 2:
            return "".join(prefix) + DIGITS[digit - 1]
        if digit == 1 and i == last:
            return "".join(prefix) + DIGITS[0] + DIGITS[-1]
        prefix.append(char)
    raise AssertionError("unreachable: a valid rank does not end with the smallest digit")


def _increment(before: str) -> str:
    """A short rank just above ``before``: one step up at the first digit that allows it."""
    prefix = []
    for char in before:
        digit = _INDEX[char]
        if digit < BASE - 1:
            return "".join(prefix) + DIGITS[digit + 1]
        prefix.append(char)
    return before + DIGITS[1]


def rank_sequence(count: int) -> list[str]:
    """``count`` evenly spread, increasing ranks of equal length, for (re)ranking a column."""
    if count <= 0:
        return []
    width = 1
    while BASE**width <= count:
        width += 1
    step = BASE**width // (count + 1)
    ranks = []
    for n in range(1, count + 1):
        value = n * step
        digits = []
        for _ in range(width):
            value, d = divmod(value, BASE)
            digits.append(DIGITS[d])
        rank = "".join(reversed(digits)).rstrip(DIGITS[0])
        ranks.append(rank)
    return ranks
