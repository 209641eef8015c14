"""Trend alarms: tail probabilities, the baseline, and a seeded simulation of the rates."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from trygg.analysis.evaluation import simulate_alarms
from trygg.analysis.trends import series_pvalues, trend_alarms, upper_tail


def test_upper_tail_matches_scipy() -> None:
    y = np.array([0, 1, 5, 12, 30])
    np.testing.assert_allclose(upper_tail(y, 6.0, 6.0), stats.poisson.sf(y - 1, 6.0), rtol=1e-10)
    size, p = 6.0**2 / (15.0 - 6.0), 6.0 / 15.0
    np.testing.assert_allclose(upper_tail(y, 6.0, 15.0), stats.nbinom.sf(y - 1, size, p), rtol=1e-9)


def _weeks(n: int) -> np.ndarray:
    return np.datetime64("2021-01-04") + 7 * np.arange(n)


def test_baseline_follows_season_and_trend() -> None:
    weeks = _weeks(170)
    years = np.arange(170) / 52.18
    mu = 20 * (1 + 0.4 * np.sin(2 * np.pi * years)) * 1.1**years
    y = np.random.default_rng(0).poisson(np.tile(mu, (50, 1)))
    expected, p = series_pvalues(y, weeks, 169)
    assert np.median(expected) == pytest.approx(mu[169], rel=0.05)
    assert np.all((p >= 0) & (p <= 1))


def test_too_little_history_gives_no_p_value() -> None:
    y = np.ones((2, 5))
    r = trend_alarms(y, _weeks(5))
    assert np.isnan(r.p_value).all() and not r.alarm.any()


def test_a_few_reports_never_alarm() -> None:
    y = np.zeros((1, 120))
    y[0, -1] = 2
    assert not trend_alarms(y, _weeks(120)).alarm.any()


def test_mismatched_week_starts_are_refused() -> None:
    with pytest.raises(ValueError, match="week start"):
        trend_alarms(np.ones((2, 10)), _weeks(9))


def test_false_alarm_rate_at_most_nominal_and_doubling_found_within_two_weeks() -> None:
    """Seeded simulation (20 series, 3 years of history, NB noise, see trygg.analysis.evaluation).

    480 tested weeks: the binomial standard error of a 5 % rate is 1 %, so the
    false-alarm rate may exceed 0.05 by two of those (0.02) by chance alone.
    """
    s = simulate_alarms(runs=120, n_series=20, level=60.0, test_weeks=4, seed=11)
    assert s.false_alarm_rate <= 0.05 + 0.02
    assert s.detection_rate >= 0.90
