"""Trend alarms with short history keep their nominal false-alarm rate (seasons included).

The full table (300 runs per history length) is in docs/performance.md; these
runs are small and the bound is q plus two binomial standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from trygg.analysis.evaluation import simulate_alarms
from trygg.analysis.trends import trend_alarms


def _bound(q: float, n: int) -> float:
    return q + 2 * float(np.sqrt(q * (1 - q) / n))


@pytest.mark.parametrize("history", [8, 26, 52, 78])
def test_false_alarm_rate_at_most_nominal_with_short_history(history: int) -> None:
    s = simulate_alarms(runs=40, history_weeks=history, test_weeks=4, seed=2024)
    print(f"\n{history} weeks: false alarms {s.false_alarm_rate:.3f} of {s.tested_weeks} weeks "
          f"(oracle {s.oracle_false_alarm_rate:.3f}); detection {s.detection_rate:.2f}")
    assert s.false_alarm_rate <= _bound(s.q, s.tested_weeks)


@pytest.mark.parametrize("history", [26, 52])
def test_an_ordinary_summer_does_not_raise_alarms_in_early_june(history: int) -> None:
    """Twenty unchanged series with a summer peak, tested in the first week of June."""
    families, alarmed = 40, 0
    for seed in range(families):
        rng = np.random.default_rng(seed)
        test_week = np.datetime64("2025-06-02")
        weeks = test_week - 7 * np.arange(history + 1)[::-1]
        doy = (weeks - weeks.astype("datetime64[Y]")).astype(int)
        season = 1 + 0.4 * np.cos(2 * np.pi * (doy - 196) / 365.25)  # peak mid July
        level = rng.uniform(4, 30, (20, 1))
        y = rng.poisson(rng.gamma(30.0, level * season / 30.0))
        alarmed += bool(trend_alarms(y, weeks).alarm[:, -1].any())
    assert alarmed / families <= _bound(0.05, families), alarmed


def test_a_doubling_is_still_found_with_one_year_of_history() -> None:
    rng = np.random.default_rng(3)
    weeks = np.datetime64("2024-01-01") + 7 * np.arange(53)
    y = rng.poisson(20, (10, 53))
    y[0, -2:] = rng.poisson(60, 2)
    r = trend_alarms(y, weeks)
    assert r.alarm[0, -1] and not r.alarm[1:, -1].any()
