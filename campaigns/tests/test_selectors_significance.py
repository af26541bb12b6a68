"""A/B significance: the two-proportion z-test against variant A, with known p-values."""

from __future__ import annotations

import pytest

from campaigns.selectors import significance, two_proportion_p_value


@pytest.mark.parametrize(
    ("a_replied", "a_n", "b_replied", "b_n", "expected"),
    [
        (20, 100, 35, 100, 0.0175),
        (10, 50, 12, 50, 0.6292),
        (30, 200, 50, 200, 0.0124),
        (50, 100, 30, 100, 0.0039),
        (40, 400, 40, 400, 1.0),
        (5, 40, 20, 40, 0.0003),
    ],
)
def test_p_value_matches_the_textbook_z_test(a_replied, a_n, b_replied, b_n, expected):
    assert two_proportion_p_value(a_replied, a_n, b_replied, b_n) == pytest.approx(
        expected, abs=0.0001
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [((0, 100), (0, 100)), ((100, 100), (100, 100)), ((0, 0), (5, 50))],
)
def test_p_value_is_one_when_the_test_cannot_tell(a, b):
    assert two_proportion_p_value(a[0], a[1], b[0], b[1]) == 1.0


@pytest.mark.parametrize(
    ("b_replied", "b_n", "a_replied", "a_n", "significant", "note"),
    [
        (35, 100, 20, 100, True, "B's reply rate is higher, p = 0.02"),
        (30, 100, 50, 100, True, "B's reply rate is lower, p = 0.004"),
        (12, 50, 10, 50, False, "no significant difference (p = 0.63)"),
        (20, 29, 2, 100, False, "not enough data yet (n < 30 per variant)"),
        (20, 100, 2, 29, False, "not enough data yet (n < 30 per variant)"),
        (20, 40, 5, 40, True, "B's reply rate is higher, p < 0.001"),
    ],
)
def test_significance_in_plain_language(b_replied, b_n, a_replied, a_n, significant, note):
    result = significance("B", b_replied, b_n, a_replied, a_n)
    assert result.significant is significant
    assert result.note == note
