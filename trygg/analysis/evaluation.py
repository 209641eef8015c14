"""Simulation of the trend alarms: false-alarm rate and detection of a rise.

Each run makes ``n_series`` weekly series over ``history_weeks`` weeks of
history plus the weeks under test. Series have a level between 2 and 30 a
week (series 0 has ``level``), a seasonal swing of +-30 % and a 5 % yearly
trend, with negative binomial noise (variance ``mu + mu^2 / nb_size``,
default 30; ``nb_size=None`` gives Poisson noise).

* False alarms: no series changes; the rate is the share of tested weeks in
  which one or more series alarms (the family-wise rate BH bounds by ``q``).
* Detection: series 0 is multiplied by ``factor`` from the first tested week
  on; detected when it alarms in that week or the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from trygg.analysis.fdr import DEFAULT_Q, benjamini_hochberg
from trygg.analysis.trends import series_pvalues

__all__ = ["AlarmSimulation", "simulate_alarms"]

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
    runs : int
    n_series, level, factor, q, nb_size, seed
        The settings.
    """

    false_alarm_rate: float
    tested_weeks: int
    detection_rate: float
    runs: int
    n_series: int
    level: float
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


def simulate_alarms(
    *,
    runs: int = 200,
    n_series: int = 20,
    level: float = 20.0,
    factor: float = 2.0,
    history_weeks: int = 156,
    test_weeks: int = 4,
    q: float = DEFAULT_Q,
    nb_size: float | None = NB_SIZE,
    seed: int | None = None,
) -> AlarmSimulation:
    """Simulate the trend alarms (see the module docstring).

    Examples
    --------
    >>> s = simulate_alarms(runs=5, n_series=5, seed=1)
    >>> 0.0 <= s.false_alarm_rate <= 1.0 and s.runs == 5
    True
    """
    rng = np.random.default_rng(seed)
    total = history_weeks + test_weeks
    weeks = np.datetime64("2020-01-06") + 7 * np.arange(total)
    days = weeks.astype(np.int64).astype(np.float64)
    false_weeks = 0
    detected = 0
    for _ in range(runs):
        levels = rng.uniform(2.0, 30.0, n_series)
        levels[0] = level
        mu = _series(rng, days, levels)
        null = _draw(rng, mu, nb_size)
        changed = null.copy()
        mu_up = mu[0, history_weeks:] * factor
        changed[0, history_weeks:] = _draw(rng, mu_up[None, :], nb_size)[0]
        # Stack both worlds: one fit per tested week serves both.
        both = np.vstack([null, changed])
        hit = False
        for w in range(history_weeks, total):
            _, p = series_pvalues(both, weeks, w)
            adj_null = benjamini_hochberg(p[:n_series])
            false_weeks += bool((adj_null <= q).any())
            if w < history_weeks + 2:
                adj = benjamini_hochberg(p[n_series:])
                hit = hit or bool(adj[0] <= q)
        detected += hit
    return AlarmSimulation(
        false_alarm_rate=false_weeks / (runs * test_weeks),
        tested_weeks=runs * test_weeks,
        detection_rate=detected / runs,
        runs=runs,
        n_series=n_series,
        level=level,
        factor=factor,
        q=q,
        nb_size=nb_size,
        seed=seed,
    )
