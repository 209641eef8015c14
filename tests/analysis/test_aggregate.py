"""Counts by area x category x period, hour of week, rates and comparisons."""

from __future__ import annotations

import numpy as np
import pytest

from trygg.analysis.aggregate import (
    compare_periods,
    count_cube,
    hour_of_week,
    period_index,
    period_starts,
    rates_per_1000,
    split_by_area_type,
)


def _days(*s: str) -> np.ndarray:
    return np.array(s, dtype="datetime64[D]")


@pytest.mark.parametrize(
    ("period", "day", "start"),
    [
        ("week", "2024-03-10", "2024-03-04"),
        ("month", "2024-03-10", "2024-03-01"),
        ("quarter", "2024-05-31", "2024-04-01"),
        ("year", "2024-12-31", "2024-01-01"),
    ],
)
def test_period_starts(period: str, day: str, start: str) -> None:
    i = period_index(_days(day), period)  # type: ignore[arg-type]
    assert str(period_starts(i, period)[0]) == start  # type: ignore[arg-type]


def test_cube_counts_and_includes_empty_periods() -> None:
    t = _days("2024-01-01", "2024-01-02", "2024-02-15", "2024-04-01")
    c = count_cube([0, 0, 1, 1], [1, 1, 0, 1], t, period="month", n_areas=3)
    assert c.counts.shape == (3, 2, 4)
    assert c.counts[0, 1, 0] == 2 and c.counts[1, 0, 1] == 1 and c.counts[1, 1, 3] == 1
    assert c.counts.sum() == 4


def test_comparison_with_previous_and_last_year() -> None:
    t = np.concatenate([np.full(4, np.datetime64("2023-03-06")), np.full(2, np.datetime64("2024-02-26")),
                        np.full(6, np.datetime64("2024-03-04"))])
    c = count_cube(np.zeros(12, int), np.zeros(12, int), t, period="week")
    cmp = compare_periods(c)
    assert str(cmp.start) == "2024-03-04"
    assert (cmp.current[0, 0], cmp.previous[0, 0], cmp.last_year[0, 0]) == (6.0, 2.0, 4.0)
    assert cmp.change_previous[0, 0] == pytest.approx(2.0)
    assert cmp.change_last_year[0, 0] == pytest.approx(0.5)


def test_hour_of_week_puts_monday_first() -> None:
    t = np.array(["2024-01-01T00:10", "2024-01-03T13:00", "2024-01-07T23:00"], dtype="datetime64[m]")
    h = hour_of_week(t)
    assert h.shape == (7, 24) and h[0, 0] == 1 and h[2, 13] == 1 and h[6, 23] == 1


def test_rates_per_1000() -> None:
    np.testing.assert_allclose(rates_per_1000([3, 9], [1500, 3000]), [2.0, 3.0])


def test_split_by_area_type_leaves_out_type_3() -> None:
    s = split_by_area_type(np.array([[1, 2], [3, 4], [5, 6]]), [1, 3, 5], [10, 20, 30])
    assert s.low.tolist() == [1, 2] and s.high.tolist() == [5, 6]
    assert (s.low_population, s.high_population) == (10.0, 30.0)
