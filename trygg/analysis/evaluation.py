"""Simulation of the trend alarms: false-alarm rate and detection of a rise.

Each run makes ``n_series`` weekly series over ``history_weeks`` weeks of
history plus the weeks under test. Series have a level drawn uniformly from
``levels`` (default 2 to 30 a week; series 0 has ``level``), a seasonal swing
of +-30 % and a 5 % yearly trend, with negative binomial noise (variance
``mu + mu^2 / nb_size``, default 30; ``nb_size=None`` gives Poisson noise).

* False alarms: no series changes; the rate is the share of tested weeks in
  which one or more series alarms (the family-wise rate BH bounds by ``q``).
* Detection: series 0 is multiplied by ``factor`` from the first tested week
  on; detected when it alarms in that week or the next one.
* Oracle: the same two tests (the week, and the sum of the week and the one
  before), combined the same way (:func:`trygg.analysis.trends.combine_windows`),
  with the same ``min_count`` and the same Benjamini–Hochberg across the
  series, but with the true baseline mean and the exact noise distribution
  (:func:`oracle_pvalues`) instead of a fitted baseline. No method that sees
  the same counts and uses these tests with this error control can do better,
  so the gap between ``detection_rate`` and ``oracle_detection_rate`` is what
  estimating the baseline costs, and the oracle's shortfall from 1 is the
  limit of the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

from trygg.analysis.fdr import DEFAULT_Q, benjamini_hochberg
from trygg.analysis.trends import MIN_COUNT, BacktestCache, combine_windows, series_pvalues, upper_tail

__all__ = ["AlarmSimulation", "oracle_pvalues", "simulate_alarms"]

NB_SIZE = 30.0


@dataclass(frozen=True)
class AlarmSimulation:
    """Outcome of :func:`simulate_alarms`.

    Attributes
    ----------
    false_alarm_rate : float
        Share of tested weeks without any change with one or more alarms.
    tested_weeks : int
        Number of (run, week) tests behind ``false_alarm_rate``.
    detection_rate : float
        Share of runs in which the changed series alarmed within two weeks.
    oracle_false_alarm_rate, oracle_detection_rate : float
        The same for the oracle (true baseline and noise distribution, same
        tests and BH) on the same simulated counts.
    runs : int
    n_series, level, levels, factor, q, nb_size, seed
        The settings.
    """

    false_alarm_rate: float
    tested_weeks: int
    detection_rate: float
    oracle_false_alarm_rate: float
    oracle_detection_rate: float
    runs: int
    n_series: int
    level: float
    levels: tuple[float, float]
    factor: float
    q: float
    nb_size: float | None
    seed: int | None


def _series(rng: np.random.Generator, days: NDArray[np.float64], levels: NDArray[np.float64]) -> NDArray[np.float64]:
    years = (days - days[0]) / 365.2425
    phase = rng.uniform(0, 2 * np.pi, size=(levels.size, 1))
    mu = levels[:, None] * (1 + 0.3 * np.sin(2 * np.pi * years[None, :] + phase)) * (1.05 ** years[None, :])
    return mu


def _draw(rng: np.random.Generator, mu: NDArray[np.float64], nb_size: float | None) -> NDArray[np.float64]:
    if nb_size is None:
        return rng.poisson(mu).astype(np.float64)
    return rng.poisson(rng.gamma(nb_size, mu / nb_size)).astype(np.float64)


def _nb_pmf(k: NDArray[np.float64], mu: NDArray[np.float64], size: float) -> NDArray[np.float64]:
    logp = (
        gammaln(k + size) - gammaln(size) - gammaln(k + 1)
        + size * np.log(size / (size + mu)) + k * np.log(mu / (size + mu))
    )
    return np.asarray(np.exp(logp), dtype=np.float64)


def oracle_pvalues(
    observed: ArrayLike, mean: ArrayLike, nb_size: float | None, *, min_count: int = MIN_COUNT
) -> NDArray[np.float64]:
    """Series p-values with the baseline and noise distribution known exactly.

    Parameters
    ----------
    observed, mean : array_like, shape (n_series, 2)
        Counts and true means of weeks ``t - 1`` and ``t``.
    nb_size : float or None
        Negative binomial size of the noise (variance ``mu + mu^2 / size``);
        None for Poisson.
    min_count : int
        As in :func:`trygg.analysis.trends.series_pvalues`.

    Returns
    -------
    ndarray, shape (n_series,)
        :func:`~trygg.analysis.trends.combine_windows` of the exact upper tail
        of week ``t`` and of the two-week sum (for negative binomial noise the
        sum's distribution is the exact convolution of the two weeks).

    Examples
    --------
    >>> oracle_pvalues([[4, 12]], [[5.0, 5.0]], None).round(4).tolist()
    [0.0109]
    """
    obs = np.asarray(observed, dtype=np.float64)
    mu = np.maximum(np.asarray(mean, dtype=np.float64), 1e-12)
    if obs.shape != mu.shape or obs.ndim != 2 or obs.shape[1] != 2:
        raise ValueError(f"observed and mean must both be (series, 2), got {obs.shape} and {mu.shape}.")
    var = mu if nb_size is None else mu + mu * mu / nb_size
    total = obs.sum(axis=1)
    p1 = upper_tail(obs[:, 1], mu[:, 1], var[:, 1])
    if nb_size is None:
        p2 = upper_tail(total, mu.sum(axis=1), mu.sum(axis=1))
    else:
        # P(Y1 + Y2 >= s) = sum_{k < s} P(Y1 = k) P(Y2 >= s - k) + P(Y1 >= s).
        k = np.arange(max(int(total.max()), 1), dtype=np.float64)[None, :]
        below = k < total[:, None]
        tail2 = np.where(below, upper_tail(total[:, None] - k, mu[:, 1:], var[:, 1:]), 0.0)
        p2 = (_nb_pmf(k, mu[:, :1], nb_size) * tail2).sum(axis=1) + upper_tail(total, mu[:, 0], var[:, 0])
        p2 = np.minimum(p2, 1.0)
    p = combine_windows(p1, p2)
    p[(obs[:, 1] < min_count) & (total < min_count)] = 1.0
    return p


def simulate_alarms(
    *,
    runs: int = 200,
    n_series: int = 20,
    level: float = 20.0,
    levels: tuple[float, float] = (2.0, 30.0),
    factor: float = 2.0,
    history_weeks: int = 156,
    test_weeks: int = 4,
    q: float = DEFAULT_Q,
    nb_size: float | None = NB_SIZE,
    seed: int | None = None,
) -> AlarmSimulation:
    """Simulate the trend alarms and the oracle (see the module docstring).

    Examples
    --------
    >>> s = simulate_alarms(runs=5, n_series=5, seed=1)
    >>> 0.0 <= s.false_alarm_rate <= 1.0 and 0.0 <= s.oracle_detection_rate <= 1.0 and s.runs == 5
    True
    """
    rng = np.random.default_rng(seed)
    total = history_weeks + test_weeks
    weeks = np.datetime64("2020-01-06") + 7 * np.arange(total)
    days = weeks.astype(np.int64).astype(np.float64)
    false_weeks = np.zeros(2, dtype=np.int64)  # ours, oracle
    detected = np.zeros(2, dtype=np.int64)
    for _ in range(runs):
        lv = rng.uniform(levels[0], levels[1], n_series)
        lv[0] = level
        mu = _series(rng, days, lv)
        null = _draw(rng, mu, nb_size)
        changed = null.copy()
        mu_up = mu[0, history_weeks:] * factor
        changed[0, history_weeks:] = _draw(rng, mu_up[None, :], nb_size)[0]
        # Stack both worlds: one fit per tested week serves both.
        both = np.vstack([null, changed])
        mu_both = np.vstack([mu, mu])  # the oracle knows the baseline, not the change
        hit = np.zeros(2, dtype=bool)
        cache: BacktestCache = {}
        for w in range(history_weeks, total):
            _, p = series_pvalues(both, weeks, w, backtest=cache)
            p_oracle = oracle_pvalues(both[:, w - 1 : w + 1], mu_both[:, w - 1 : w + 1], nb_size)
            for i, pv in enumerate((p, p_oracle)):
                false_weeks[i] += bool((benjamini_hochberg(pv[:n_series]) <= q).any())
                if w < history_weeks + 2:
                    hit[i] |= bool(benjamini_hochberg(pv[n_series:])[0] <= q)
        detected += hit
    n_tests = runs * test_weeks
    return AlarmSimulation(
        false_alarm_rate=float(false_weeks[0]) / n_tests,
        tested_weeks=n_tests,
        detection_rate=float(detected[0]) / runs,
        oracle_false_alarm_rate=float(false_weeks[1]) / n_tests,
        oracle_detection_rate=float(detected[1]) / runs,
        runs=runs,
        n_series=n_series,
        level=level,
        levels=(float(levels[0]), float(levels[1])),
        factor=factor,
        q=q,
        nb_size=nb_size,
        seed=seed,
    )
