"""Trend alarms on weekly count series (one series per area x category).

Method (a quasi-Poisson log-linear baseline in the spirit of Farrington et
al. 1996 and Noufaily et al. 2013):

1. For the week ``t`` under test, fit on the series' own history up to two
   weeks before (``t - 1`` and ``t`` are left out so that a rise cannot hide
   in its own baseline), at most ``TRAIN_WEEKS`` weeks back. With two years
   of history or more (``SEASON_WEEKS``) the baseline is a Poisson GLM
   ``log mu = a + b * years + c * sin(2 pi doy) + d * cos(2 pi doy)``.
   With less the season cannot be estimated, and a trend line through a year
   of a seasonal series points the wrong way in spring (half of all families
   of 20 unchanged series alarmed in early June). The baseline is then local:
   the same log-linear fit to the last ``LOCAL_WEEKS`` weeks only (a level
   alone below ``LOCAL_TREND_WEEKS``), which follows a season where it is
   nearly straight. Its error where the season bends is *measured* on the
   series' own history: the local fit is made at every earlier week, its
   forecast two weeks ahead is compared with what came, and the excess of the
   squared errors over the model variance (pooled over the series, one
   standard error up) is added to the forecast's log-variance. With no
   earlier week to learn from, a fixed ``FALLBACK_DELTA2`` is used. The
   dispersion of a 13-week window has few degrees of freedom, so it is taken
   ``LOCAL_PHI_INFLATION`` (two) standard errors up. The simulation keeps the
   false-alarm rate at or below ``q`` from 8 to 156 weeks of history, at the
   price of power with short history (docs/performance.md).
2. Overdispersion: ``phi = max(1, phi_hat * (1 + PHI_INFLATION * sqrt(2 /
   (n - p))))`` with ``phi_hat = Pearson chi^2 / (n - p)``. ``phi_hat`` is
   itself estimated (relative standard error about ``sqrt(2 / (n - p))``);
   using it one standard error up keeps the far tail honest (without it the
   simulated false-alarm rate exceeds ``q`` under negative binomial noise).
   Poisson variance is the floor, so the floor is applied to that upper value
   (the upper bound of a parameter restricted to ``phi >= 1`` is
   ``max(1, unrestricted upper bound)``). Applying the floor first and then
   inflating it (as earlier versions did) charged Poisson-like series for an
   overdispersion the data did not show.
3. The predictive distribution of a count is negative binomial with mean
   ``mu`` and variance ``phi * mu + mu^2 * v``, where ``v`` is the variance of
   the predicted log-mean (``x' Cov(beta) x``), so the uncertainty of the
   baseline widens the threshold.
4. Two upper-tail p-values: the week alone (``p1``), and the sum of weeks
   ``t - 1`` and ``t`` (``p2``, catches a rise that is spread over two weeks).
   They are combined with Simes's test, ``min(1, 2 * min(p1, p2), max(p1,
   p2))`` (:func:`combine_windows`). The sum contains the week, so the two
   statistics are positively dependent (for independent weekly counts with
   log-concave distributions, e.g. Poisson, the pair ``(Y_t, Y_{t-1} + Y_t)``
   is MTP2), and under such dependence Simes's test keeps its level (Sarkar
   1998; Benjamini & Yekutieli 2001). It is never larger than the Bonferroni
   ``2 * min(p1, p2)`` used before and is smaller when both windows are
   small, which is what a sustained rise looks like in its second week.
   Weeks with fewer than ``min_count`` reports (in both windows) get p = 1.
5. Benjamini–Hochberg over all series in the same week; an alarm is an
   adjusted p-value at most ``q``. Under no change in any series, BH keeps
   the chance of one or more false alarms in a week at most ``q``.

The simulation in ``trygg.analysis.evaluation`` (run by ``bench/`` and, smaller,
by the tests) checks that the weekly false-alarm rate stays at or below ``q``,
also with stronger overdispersion and with thin series, and compares the
detection of a doubling within two weeks with an oracle that knows the true
baseline and noise distribution and uses the same tests and the same BH.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betainc, gammainc

from trygg.analysis.fdr import DEFAULT_Q, benjamini_hochberg

__all__ = ["TrendAlarms", "combine_windows", "series_pvalues", "trend_alarms", "upper_tail"]

#: Longest history used for a baseline, in weeks.
TRAIN_WEEKS = 156
#: Fewest weeks of history for any baseline.
MIN_TRAIN_WEEKS = 8
#: Default smallest count (in the week or the two weeks) that can raise an alarm.
MIN_COUNT = 3
#: Weeks of history from which the season is modelled; less uses the local baseline.
SEASON_WEEKS = 104
#: Window of the local baseline with shorter history, in weeks.
LOCAL_WEEKS = 13
#: Fewest weeks in a local window for a slope.
LOCAL_TREND_WEEKS = 8
#: Standard errors added to the dispersion of a local window (few degrees of freedom, far tail).
LOCAL_PHI_INFLATION = 2.0
#: Most earlier weeks used to measure the local baseline's forecast error.
BACKTEST_ORIGINS = 52
#: Extra log-variance of a local forecast without any earlier week to measure it on.
FALLBACK_DELTA2 = 0.05
#: How many standard errors of the dispersion estimate to add to it.
PHI_INFLATION = 1.0
_YEAR = 365.2425
#: Largest last IRLS step of a fitted series (a diverging fit moves by about one per iteration).
_CONVERGED = 1e-6
#: A fitted log-mean below this in a week of history (under 2e-9 reports a week) means separation.
_SEPARATED = -20.0


@dataclass(frozen=True)
class TrendAlarms:
    """Alarms for the last ``n_weeks`` weeks of each series.

    Arrays have shape ``(n_series, n_weeks)``; column ``k`` is the week
    ``week_starts[k]``.

    Attributes
    ----------
    week_starts : ndarray of datetime64[D]
    observed : ndarray of int64
    expected : ndarray of float64
        Baseline mean for the week.
    p_value : ndarray of float64
        Series p-value (see the module docstring); NaN without enough history
        or where ``unfit``.
    p_adjusted : ndarray of float64
        Benjamini–Hochberg adjusted over the series of the same week.
    alarm : ndarray of bool
    q : float
    unfit : ndarray of bool
        The week had enough history, but the series' reports were too few or
        too concentrated to fit a baseline (expected and p-value are NaN; the
        series is not tested that week and not counted by Benjamini–Hochberg).
    method : str
    """

    week_starts: NDArray[np.datetime64]
    observed: NDArray[np.int64]
    expected: NDArray[np.float64]
    p_value: NDArray[np.float64]
    p_adjusted: NDArray[np.float64]
    alarm: NDArray[np.bool_]
    q: float
    unfit: NDArray[np.bool_]
    method: str = "quasi-poisson-glm-trend-season (local with <2 years, backtest-widened)+nb-predictive+simes+bh"


def upper_tail(y: ArrayLike, mean: ArrayLike, var: ArrayLike) -> NDArray[np.float64]:
    """``P(Y >= y)`` for a negative binomial with the given mean and variance.

    Falls back to the Poisson where ``var <= mean``.

    Examples
    --------
    >>> upper_tail([0, 3, 10], [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]).round(4).tolist()
    [1.0, 0.3233, 0.0]
    """
    ya = np.asarray(y, dtype=np.float64)
    mu = np.maximum(np.asarray(mean, dtype=np.float64), 1e-12)
    v = np.asarray(var, dtype=np.float64)
    ya, mu, v = np.broadcast_arrays(ya, mu, v)
    out = np.ones(ya.shape)
    pos = ya >= 1
    nb = pos & (v > mu * (1 + 1e-9))
    po = pos & ~nb
    out[po] = gammainc(ya[po], mu[po])
    size = mu[nb] ** 2 / (v[nb] - mu[nb])
    prob = mu[nb] / v[nb]
    # P(Y >= y) = I_{1-p}(y, size) for NB(size, p).
    out[nb] = betainc(ya[nb], size, 1.0 - prob)
    return out


def combine_windows(p1: ArrayLike, p2: ArrayLike) -> NDArray[np.float64]:
    """Simes's combination of the one-week and the two-week p-value.

    ``min(1, 2 * min(p1, p2), max(p1, p2))``: valid for positively dependent
    tests (see the module docstring), never above Bonferroni's ``2 * min``.

    Examples
    --------
    >>> combine_windows([0.01, 0.002, 0.3], [0.5, 0.003, 0.2]).tolist()
    [0.02, 0.003, 0.3]
    """
    a = np.asarray(p1, dtype=np.float64)
    b = np.asarray(p2, dtype=np.float64)
    return np.minimum(1.0, np.minimum(2.0 * np.minimum(a, b), np.maximum(a, b)))


def _design(days: NDArray[np.float64], origin: float, season: bool, trend: bool) -> NDArray[np.float64]:
    cols = [np.ones_like(days)]
    if trend:
        cols.append((days - origin) / _YEAR)
    if season:
        ang = 2 * np.pi * days / _YEAR
        cols += [np.sin(ang), np.cos(ang)]
    return np.column_stack(cols)


def _solve(a: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Batched ``a x = b`` for ``a`` (S, p, p), ``b`` (S, p), and which systems were regular.

    A singular system (a series whose reports the model can separate, e.g. one spike in an
    otherwise empty history) gets the least-squares solution and ``False``; the others are
    solved exactly as a batch would solve them.
    """
    try:
        x = np.asarray(np.linalg.solve(a, b[..., None])[..., 0], dtype=np.float64)
        return x, np.ones(a.shape[0], dtype=np.bool_)
    except np.linalg.LinAlgError:
        out = np.empty_like(b)
        regular = np.ones(a.shape[0], dtype=np.bool_)
        for i in range(a.shape[0]):
            try:
                out[i] = np.linalg.solve(a[i], b[i])
            except np.linalg.LinAlgError:
                out[i] = np.linalg.lstsq(a[i], b[i], rcond=None)[0]
                regular[i] = False
        return out, regular


def _inverse(a: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Batched inverse of ``a`` (S, p, p); a singular matrix gets its pseudo-inverse and ``False``."""
    try:
        inv = np.asarray(np.linalg.inv(a), dtype=np.float64)
        return inv, np.ones(a.shape[0], dtype=np.bool_)
    except np.linalg.LinAlgError:
        out = np.empty_like(a)
        regular = np.ones(a.shape[0], dtype=np.bool_)
        for i in range(a.shape[0]):
            try:
                out[i] = np.linalg.inv(a[i])
            except np.linalg.LinAlgError:
                out[i] = np.linalg.pinv(a[i])
                regular[i] = False
        return out, regular


def _fit(
    x: NDArray[np.float64], y: NDArray[np.float64], iters: int = 25, inflation: float | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Batched Poisson IRLS: shared design ``x`` (T, p), counts ``y`` (S, T).

    Returns coefficients (S, p), inverse information (S, p, p), phi (S,) and
    which series were fitted (S,). A series is not fitted when its reports
    are too few or too concentrated for the model (the maximum likelihood
    estimate does not exist: the iterations diverge or the information matrix
    is singular) or the fit is not finite; its other values are then
    meaningless. A series without any report is fitted: its mean tends to
    zero, which the callers floor (``0.5 / weeks``).

    Examples
    --------
    >>> x = _design(7.0 * np.arange(13.0), 0.0, False, True)
    >>> y = np.zeros((3, 13)); y[0] = 4; y[1, -1] = 2  # steady; one report week at the end; none
    >>> _fit(x, y)[3].tolist()
    [True, False, True]
    """
    s, t = y.shape
    p = x.shape[1]
    mean = np.maximum(y.mean(axis=1), 0.5 / t)
    beta = np.zeros((s, p))
    beta[:, 0] = np.log(mean)
    ridge = 1e-8 * np.eye(p)
    # x_tp * x_tq per week, flattened: the weighted information sum_t mu_st x_tp x_tq of every series
    # is then one matrix product (BLAS) instead of a three-operand einsum loop.
    xx = (x[:, :, None] * x[:, None, :]).reshape(t, p * p)
    regular = np.ones(s, dtype=bool)
    step = np.full(s, np.inf)
    for _ in range(iters):
        eta = beta @ x.T
        mu = np.exp(np.clip(eta, -30, 30))
        z = eta + (y - mu) / mu
        a = (mu @ xx).reshape(s, p, p) + ridge
        b = (mu * z) @ x
        bad = ~(np.isfinite(a).all(axis=(1, 2)) & np.isfinite(b).all(axis=1))  # a diverged series
        if bad.any():
            a[bad], b[bad] = np.eye(p), 0.0
            regular &= ~bad
        new, ok = _solve(a, b)
        regular &= ok
        step = np.max(np.abs(new - beta), axis=1)
        beta = new
        if np.max(step) < 1e-8:
            break
    eta = beta @ x.T
    mu = np.exp(np.clip(eta, -30, 30))
    info = (mu @ xx).reshape(s, p, p) + ridge
    bad = ~np.isfinite(info).all(axis=(1, 2))
    if bad.any():
        info[bad] = np.eye(p)
        regular &= ~bad
    cov, ok = _inverse(info)
    regular &= ok
    dof = max(t - p, 1)
    phi_hat = ((y - mu) ** 2 / np.maximum(mu, 1e-12)).sum(axis=1) / dof
    # phi is itself estimated (relative sd about sqrt(2 / dof)); one sd up keeps the far tail
    # honest. Poisson (phi = 1) is the floor of that upper value, not a value to inflate.
    up = PHI_INFLATION if inflation is None else inflation
    phi = np.maximum(1.0, phi_hat * (1.0 + up * np.sqrt(2.0 / dof)))
    finite = np.isfinite(beta).all(axis=1) & np.isfinite(cov).all(axis=(1, 2)) & np.isfinite(phi)
    empty = y.sum(axis=1) == 0
    # Separation: the fit drives some weeks without reports towards a mean of zero (the ridge
    # stops it at a huge slope), so the forecast is an artefact, however well it "converged".
    separated = (eta < _SEPARATED).any(axis=1)
    fitted = finite & (empty | (regular & (step < _CONVERGED) & ~separated))
    return beta, cov, phi, fitted


def _local_fit(
    windows: NDArray[np.float64], ahead_weeks: tuple[int, ...]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Local log-linear fit on windows of consecutive weeks (rows).

    Returns the mean and the log-variance of the fit at ``ahead_weeks`` weeks
    after the window's last week, shape (rows, len(ahead_weeks)), phi and
    which windows could be fitted (see :func:`_fit`).
    """
    w = windows.shape[1]
    trend = w >= LOCAL_TREND_WEEKS
    days = 7.0 * (np.arange(w, dtype=np.float64) - (w - 1))
    x = _design(days, 0.0, False, trend)
    beta, cov, phi, fitted = _fit(x, windows, inflation=LOCAL_PHI_INFLATION)
    xp = _design(7.0 * np.asarray(ahead_weeks, dtype=np.float64), 0.0, False, trend)
    mu = np.exp(np.clip(beta @ xp.T, -30, 30))
    v_log = np.einsum("kp,spq,kq->sk", xp, cov, xp) * phi[:, None]
    return mu, v_log, phi, fitted


BacktestCache = dict[int, tuple[NDArray[np.float64], NDArray[np.float64]]]


def _backtest(y: NDArray[np.float64], w: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """For every week ``o``: the local fit of the ``w`` weeks ending at ``o - 2`` forecast for ``o``.

    Returns ``excess = (y_o - mu)^2 - model variance`` and ``weight = mu^2``,
    shape (series, weeks), NaN where week ``o`` has no full window before it
    or that window could not be fitted (its forecast would weigh as much as
    it is meaningless).
    """
    s, t = y.shape
    excess = np.full((s, t), np.nan)
    weight = np.full((s, t), np.nan)
    origins = np.arange(w + 1, t)
    if origins.size == 0:
        return excess, weight
    win = np.lib.stride_tricks.sliding_window_view(y, w, axis=1)[:, origins - 1 - w]  # (S, O, w)
    mu, v_log, phi, fitted = _local_fit(win.reshape(-1, w), (2,))
    mu = mu[:, 0].reshape(s, -1)
    v_log = v_log[:, 0].reshape(s, -1)
    phi = phi.reshape(s, -1)
    fitted = fitted.reshape(s, -1)
    excess[:, origins] = np.where(fitted, (y[:, origins] - mu) ** 2 - phi * mu - mu * mu * v_log, np.nan)
    weight[:, origins] = np.where(fitted, mu * mu, np.nan)
    return excess, weight


def _pooled_delta2(excess: NDArray[np.float64], weight: NDArray[np.float64]) -> float:
    """Extra log-variance ``delta^2`` pooled over forecasts, one standard error up (at least 0)."""
    ok = np.isfinite(excess) & (weight > 0)
    if not ok.any():
        return FALLBACK_DELTA2
    e, wt = excess[ok], weight[ok]
    total = float(wt.sum())
    d2 = float(e.sum() / total)
    wn = wt / total
    n_eff = 1.0 / float((wn * wn).sum())
    se = float(np.sqrt(max(float((wn * (e / wt - d2) ** 2).sum()), 0.0) / max(n_eff, 1.0)))
    return max(0.0, d2 + se)


def _local_baseline(
    y: NDArray[np.float64], week: int, start: int, cache: BacktestCache | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Baseline with less than ``SEASON_WEEKS`` of history: a local level and slope, widened.

    The season cannot be estimated, so the baseline is the local log-linear
    fit to the last ``LOCAL_WEEKS`` weeks of history, which follows the
    season where it is nearly straight. Where it bends, the extrapolation is
    off; how far is measured on the history itself: the same fit is made at
    every earlier week with a full window, its forecast two weeks ahead (the
    gap of the test) compared with the count, and the excess of the squared
    errors over the model variance, pooled over all series and the last
    ``BACKTEST_ORIGINS`` weeks, is an extra variance ``delta^2`` of the
    log-mean; it is added to the forecast's log-variance one standard error
    up. With no earlier week to learn from, ``delta^2`` is
    ``FALLBACK_DELTA2``, about the largest bend of a strong season.
    """
    end = week - 1
    w = min(LOCAL_WEEKS, end - start)
    mu, v_log, phi, fitted = _local_fit(y[:, end - w : end], (1, 2))
    mu = np.maximum(mu, 0.5 / w)
    if cache is None:
        cache = {}
    if w not in cache:
        cache[w] = _backtest(y, w)
    excess, weight = cache[w]
    lo = max(start + w + 1, end - BACKTEST_ORIGINS)
    delta2 = _pooled_delta2(excess[:, lo:end], weight[:, lo:end])
    return mu, v_log + delta2, phi, fitted


def series_pvalues(
    counts: ArrayLike,
    week_starts: ArrayLike,
    week: int,
    *,
    min_count: int = MIN_COUNT,
    backtest: BacktestCache | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Baseline and p-value of week index ``week`` for each series.

    Parameters
    ----------
    counts : array_like, shape (n_series, n_weeks_total)
    week_starts : array_like of datetime64[D], length n_weeks_total
    week : int
        Index of the week under test.
    min_count : int
    backtest : dict, optional
        Cache of the short-history forecast errors; pass the same dict for
        every week of the same counts to compute them once.

    Returns
    -------
    expected, p : ndarray, shape (n_series,)
        NaN where there is too little history, and for a series whose
        reports are too few or too concentrated to fit a baseline (e.g. one
        or two weeks with reports in years of history): such a series is
        not tested rather than compared with a baseline that does not exist.
    """
    y = np.asarray(counts, dtype=np.float64)
    days = np.asarray(week_starts, dtype="datetime64[D]").astype(np.int64).astype(np.float64)
    s = y.shape[0]
    end = week - 1  # weeks [start, end) train; end - 1 .. week are left out
    start = max(0, end - TRAIN_WEEKS)
    n_train = end - start
    if n_train < MIN_TRAIN_WEEKS or week < 1:
        return np.full(s, np.nan), np.full(s, np.nan)
    if n_train >= SEASON_WEEKS:
        train_days = days[start:end]
        x = _design(train_days, float(train_days[-1]), True, True)
        beta, cov, phi, fitted = _fit(x, y[:, start:end])
        xp = _design(days[week - 1 : week + 1], float(train_days[-1]), True, True)  # (2, p)
        eta = beta @ xp.T  # (S, 2)
        mu = np.maximum(np.exp(np.clip(eta, -30, 30)), 0.5 / n_train)
        v_log = np.einsum("kp,spq,kq->sk", xp, cov, xp) * phi[:, None]
    else:
        mu, v_log, phi, fitted = _local_baseline(y, week, start, backtest)
    var = phi[:, None] * mu + mu * mu * v_log
    obs = y[:, week - 1 : week + 1]
    p1 = upper_tail(obs[:, 1], mu[:, 1], var[:, 1])
    # Two-week sum: the log-means of neighbouring weeks are almost fully correlated.
    mu2 = mu.sum(axis=1)
    v2 = phi * mu2 + mu2 * mu2 * v_log.mean(axis=1)
    p2 = upper_tail(obs.sum(axis=1), mu2, v2)
    p = combine_windows(p1, p2)
    unfit = ~fitted | ~np.isfinite(mu[:, 1]) | ~np.isfinite(p)
    expected = np.where(unfit, np.nan, mu[:, 1])
    p[unfit] = np.nan
    # A series below the smallest count that can alarm is not tested (p = 1), whether or not a baseline
    # could be fitted: "unfit" is said only of series that could have raised an alarm.
    low = (obs[:, 1] < min_count) & (obs.sum(axis=1) < min_count)
    p[low] = 1.0
    return expected, p


def trend_alarms(
    counts: ArrayLike,
    week_starts: ArrayLike,
    *,
    n_weeks: int = 1,
    q: float = DEFAULT_Q,
    min_count: int = MIN_COUNT,
    baseline_for_all: bool = True,
) -> TrendAlarms:
    """Alarms for the last ``n_weeks`` weeks of every weekly series.

    Parameters
    ----------
    counts : array_like, shape (n_series, n_weeks_total)
        Weekly counts, oldest week first; one row per area x category.
    week_starts : array_like of datetime64[D]
        Monday of each week.
    n_weeks : int
        How many of the latest weeks to test.
    q : float
        False discovery rate across the series of a week.
    min_count : int
        Smallest count in the week (or the two weeks) that can raise an alarm.
    baseline_for_all : bool
        False: fit only the series that can raise an alarm in a tested week (at least `min_count`
        in it or in it and the week before); the others get p = 1 (as always) and no expected
        value (NaN). The alarms and adjusted p-values are the same; with thousands of sparse series
        (many areas × categories) it is many times faster.

    Returns
    -------
    TrendAlarms

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> weeks = np.arange(np.datetime64("2021-01-04"), np.datetime64("2024-01-01"), 7)
    >>> y = rng.poisson(10, size=(3, weeks.size)); y[0, -1] = 40
    >>> trend_alarms(y, weeks).alarm[:, -1].tolist()
    [True, False, False]

    A series with one week of reports in three years has no baseline to compare with:

    >>> y[1] = 0; y[1, 40] = 6; y[1, -1] = 6
    >>> trend_alarms(y, weeks).unfit[:, -1].tolist()
    [False, True, False]
    """
    y = np.asarray(counts)
    if y.ndim != 2:
        raise ValueError(f"counts must be (series, weeks), got shape {y.shape}.")
    ws = np.asarray(week_starts, dtype="datetime64[D]")
    if ws.size != y.shape[1]:
        raise ValueError(f"need one week start per column: {ws.size} starts for {y.shape[1]} weeks.")
    n_weeks = max(1, min(n_weeks, y.shape[1]))
    weeks = range(y.shape[1] - n_weeks, y.shape[1])
    expected = np.full((y.shape[0], n_weeks), np.nan)
    p = np.full((y.shape[0], n_weeks), np.nan)
    cache: BacktestCache = {}
    yf = y.astype(np.float64)
    for k, w in enumerate(weeks):
        if baseline_for_all or w - 1 - max(0, w - 1 - TRAIN_WEEKS) < MIN_TRAIN_WEEKS:  # (too short: all NaN)
            expected[:, k], p[:, k] = series_pvalues(yf, ws, w, min_count=min_count, backtest=cache)
            continue
        obs = yf[:, w - 1 : w + 1]
        can = (obs[:, 1] >= min_count) | (obs.sum(axis=1) >= min_count)
        p[~can, k] = 1.0
        if can.any():
            expected[can, k], p[can, k] = series_pvalues(yf[can], ws, w, min_count=min_count)
    history = np.array([w >= 1 and (w - 1) - max(0, w - 1 - TRAIN_WEEKS) >= MIN_TRAIN_WEEKS for w in weeks])
    unfit = np.isnan(p) & history[None, :]
    p_adj = np.column_stack([benjamini_hochberg(p[:, k]) for k in range(n_weeks)])
    alarm = np.nan_to_num(p_adj, nan=1.0) <= q
    return TrendAlarms(
        week_starts=ws[-n_weeks:],
        observed=y[:, -n_weeks:].astype(np.int64),
        expected=expected,
        p_value=p,
        p_adjusted=p_adj,
        alarm=alarm,
        q=q,
        unfit=unfit,
    )
