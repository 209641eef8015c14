"""Trend alarms: tail probabilities, the baseline, and a seeded simulation of the rates."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from trygg.analysis.evaluation import simulate_alarms
from trygg.analysis.trends import combine_windows, series_pvalues, trend_alarms, upper_tail


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


def test_simes_combination_is_never_above_bonferroni_and_keeps_its_level() -> None:
    rng = np.random.default_rng(3)
    p1, p2 = rng.uniform(size=(2, 1000))
    c = combine_windows(p1, p2)
    assert np.all(c <= np.minimum(1, 2 * np.minimum(p1, p2)) + 1e-15) and np.all(c >= np.minimum(p1, p2))
    # Positively correlated one-sided z-tests (the week and the two-week sum: rho = 1/sqrt(2)).
    z1, z0 = rng.standard_normal((2, 200_000))
    p = combine_windows(stats.norm.sf(z1), stats.norm.sf((z1 + z0) / np.sqrt(2)))
    for a in (0.01, 0.05):
        assert np.mean(p <= a) <= a * 1.05  # Bonferroni would give about 2a minus the overlap; Simes <= a


def _se(rate: float, n: int) -> float:
    return float(np.sqrt(rate * (1 - rate) / n))


@pytest.mark.parametrize(
    ("nb_size", "level", "levels", "runs"),
    [(10.0, 20.0, (2.0, 30.0), 200), (30.0, 4.0, (2.0, 5.0), 100), (None, 4.0, (2.0, 5.0), 100)],
    ids=["nb-size-10", "nb-thin-series", "poisson-thin-series"],
)
def test_false_alarm_rate_at_most_nominal_in_harder_nulls(
    nb_size: float | None, level: float, levels: tuple[float, float], runs: int
) -> None:
    """Stronger overdispersion than the default simulation, and only thin (2-5 a week) series.

    Seeded; the bound is q plus two binomial standard errors of a rate q over the tested weeks.
    """
    s = simulate_alarms(runs=runs, level=level, levels=levels, nb_size=nb_size, test_weeks=4, seed=5)
    assert s.false_alarm_rate <= s.q + 2 * _se(s.q, s.tested_weeks)
    assert s.oracle_false_alarm_rate <= s.q + 2 * _se(s.q, s.tested_weeks)


def test_false_alarm_rate_at_most_nominal_and_doubling_found_where_the_oracle_finds_it() -> None:
    """Seeded simulation (20 series, 3 years of history, see trygg.analysis.evaluation).

    At 20 reports a week with Poisson noise the oracle (true baseline, same tests and BH) finds a
    doubling within two weeks almost always; ours must find it in at least 90 % of runs.
    """
    s = simulate_alarms(runs=120, n_series=20, level=20.0, test_weeks=4, nb_size=None, seed=11)
    assert s.false_alarm_rate <= s.q + 2 * _se(s.q, s.tested_weeks)
    assert s.oracle_detection_rate >= 0.97
    assert s.detection_rate >= 0.90


def test_overdispersed_doubling_found_close_to_the_oracle() -> None:
    """NB(size 30) noise at 60 reports a week: ours within sampling error of the oracle, never above it."""
    s = simulate_alarms(runs=120, n_series=20, level=60.0, test_weeks=4, seed=11)
    assert s.false_alarm_rate <= s.q + 2 * _se(s.q, s.tested_weeks)
    se = _se(s.oracle_detection_rate, s.runs)
    assert s.oracle_detection_rate - 3 * se - 0.05 <= s.detection_rate <= s.oracle_detection_rate + 2 * se
    assert s.detection_rate >= 0.85


def test_fitting_only_the_series_that_can_alarm_gives_the_same_alarms() -> None:
    rng = np.random.default_rng(5)
    weeks = np.arange(np.datetime64("2021-01-04"), np.datetime64("2024-01-01"), 7)
    y = rng.poisson(rng.gamma(0.3, 2.0, size=(300, 1)), size=(300, weeks.size))  # mostly sparse series
    y[:6, -3:] += 12  # planted rises
    y[6, :] = 0  # an empty series
    y[7, :] = 0
    y[7, 3] = 1  # a lone old report
    full = trend_alarms(y, weeks, n_weeks=4)
    fast = trend_alarms(y, weeks, n_weeks=4, baseline_for_all=False)
    assert full.alarm.sum() >= 6 and (full.alarm == fast.alarm).all()
    np.testing.assert_allclose(np.nan_to_num(fast.p_adjusted, nan=2.0), np.nan_to_num(full.p_adjusted, nan=2.0),
                               rtol=1e-9, atol=1e-12)
    fitted = ~np.isnan(fast.expected)
    np.testing.assert_allclose(fast.expected[fitted], full.expected[fitted], rtol=1e-6)
