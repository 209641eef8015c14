"""Effect evaluation of a place-based measure: difference-in-differences on counts.

The treated area (e.g. a circle around a place that got new lighting) and one or
more comparison areas each have a count per period (month). The model is a
Poisson GLM with a fixed effect per unit and per period and one effect of the
measure::

    log mu[i, t] = a[i] + g[t] + d * treated[i] * after[t]

so the comparison areas absorb the seasons, the trend and anything else that
moves the whole town, and ``exp(d)`` is the *rate ratio*: how many reports the
treated area had after the start per report it would have had without the
measure. The model is fitted by iteratively reweighted least squares (IRLS,
NumPy only). Counts of reports are over-dispersed (near-repeat follow-ups,
busy weekends), so the standard error is scaled by the quasi-Poisson dispersion
``phi = max(1, Pearson chi^2 / (n - p))`` and the 95 % interval uses the
t distribution with ``n - p`` degrees of freedom.

A permutation test checks the result without the Poisson assumption: the
monthly log ratio treated/comparison (with 0.5 added to every count) is
compared between the after and the before months, and the after/before labels
are shuffled ``permutations`` times (seeded). The p-value is two-sided.

An effect is *found* when the interval excludes 1 (no change).

Examples
--------
>>> rng = np.random.default_rng(3)
>>> season = 10 * (1 + 0.3 * np.sin(np.arange(48) * 2 * np.pi / 12))
>>> after = np.arange(48) >= 24
>>> treated = rng.poisson(season * np.where(after, 0.6, 1.0))
>>> comparison = rng.poisson(3 * season)
>>> r = did_effect(treated, comparison[None, :], after, seed=1)
>>> bool(r.found), bool(r.upper < 1)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

__all__ = ["CONFIDENCE", "PERMUTATIONS", "EffectEstimate", "NotEstimable", "describe_effect", "did_effect",
           "rate_ratio_ci"]

#: Confidence level of the interval of the rate ratio.
CONFIDENCE = 0.95
#: Shuffles of the after/before labels in the permutation test.
PERMUTATIONS = 1999
_MAX_ITER = 50
_TOL = 1e-8


class NotEstimable(ValueError):
    """The counts cannot give a rate ratio: ``reason`` says which part of the data is missing.

    ``reason`` is one of ``"periods"`` (no period with reports before or after the start),
    ``"treated_before"``, ``"treated_after"``, ``"comparison_before"``, ``"comparison_after"``
    (no report in that part: the estimate would be 0 or infinite) or ``"interval"`` (so few
    reports that the interval is unbounded in floating point).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


#: Largest |log rate ratio| bound that ``exp`` keeps finite (exp(709) is about 8e307).
_MAX_LOG = 700.0


@dataclass(frozen=True)
class EffectEstimate:
    """The estimated effect of a measure on the treated area.

    Attributes
    ----------
    rate_ratio : float
        ``exp(d)``: reports after the start per report expected without the measure.
    lower, upper : float
        The confidence interval of the rate ratio.
    p_value : float
        Two-sided p-value of the GLM (quasi-Poisson, t test) for no change.
    permutation_p : float
        Two-sided p-value of the permutation test (NaN with too few periods).
    found : bool
        True when the interval excludes 1.
    dispersion : float
        The quasi-Poisson ``phi`` used to widen the interval.
    treated_before, treated_after : int
        Reports in the treated area before and after the start.
    comparison_before, comparison_after : int
        Reports in all comparison areas together.
    expected_after : float
        Reports the model expects in the treated area after the start without the measure.
    periods_before, periods_after : int
    n_comparison : int
        Number of comparison areas.
    confidence : float
    permutations : int
    seed : int | None
    """

    rate_ratio: float
    lower: float
    upper: float
    p_value: float
    permutation_p: float
    found: bool
    dispersion: float
    treated_before: int
    treated_after: int
    comparison_before: int
    comparison_after: int
    expected_after: float
    periods_before: int
    periods_after: int
    n_comparison: int
    confidence: float
    permutations: int
    seed: int | None

    @property
    def change(self) -> float:
        """Relative change, ``rate_ratio - 1`` (-0.4 = 40 % fewer)."""
        return self.rate_ratio - 1.0

    @property
    def prevented(self) -> float:
        """Expected minus observed reports after the start (negative: more than expected)."""
        return self.expected_after - self.treated_after


def _irls(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Poisson GLM with log link: coefficients and fitted means."""
    mu = y + 0.5
    eta = np.log(mu)
    beta: NDArray[np.float64] = np.zeros(x.shape[1])
    for _ in range(_MAX_ITER):
        z = eta + (y - mu) / mu
        xtw = x.T * mu
        try:
            new = np.linalg.solve(xtw @ x, xtw @ z)
        except np.linalg.LinAlgError:
            new, *_ = np.linalg.lstsq(x * np.sqrt(mu)[:, None], z * np.sqrt(mu), rcond=None)
        eta = np.clip(x @ new, -30, 30)
        mu = np.exp(eta)
        done = np.max(np.abs(new - beta)) < _TOL
        beta = np.asarray(new, dtype=np.float64)
        if done:
            break
    return beta, mu


def _permutation_p(treated: NDArray[np.float64], comparison: NDArray[np.float64], after: NDArray[np.bool_],
                   permutations: int, seed: int | None) -> float:
    if after.sum() < 2 or (~after).sum() < 2 or permutations <= 0:
        return float("nan")
    ratio = np.log(treated + 0.5) - np.log(comparison + 0.5)
    observed = ratio[after].mean() - ratio[~after].mean()
    rng = np.random.default_rng(seed)
    labels = np.array([rng.permutation(after) for _ in range(permutations)])
    sums = labels @ ratio
    k = after.sum()
    sims = sums / k - (ratio.sum() - sums) / (ratio.size - k)
    extreme = np.sum(np.abs(sims) >= abs(observed) - 1e-12)
    return float((extreme + 1) / (permutations + 1))


def did_effect(
    treated: ArrayLike,
    comparison: ArrayLike,
    after: ArrayLike,
    *,
    confidence: float = CONFIDENCE,
    permutations: int = PERMUTATIONS,
    seed: int | None = None,
) -> EffectEstimate:
    """Difference-in-differences of counts: the rate ratio of the measure with its interval.

    Parameters
    ----------
    treated : array_like of int, shape (n_periods,)
        Counts in the treated area per period.
    comparison : array_like of int, shape (n_comparison, n_periods)
        Counts in each comparison area per period.
    after : array_like of bool, shape (n_periods,)
        True for the periods from the start of the measure on.
    confidence : float
    permutations : int
        Shuffles in the permutation test (0 to skip it).
    seed : int, optional
        Seed of the permutation test.

    Returns
    -------
    EffectEstimate

    Raises
    ------
    ValueError
        When the shapes do not match or there are no periods before or after the start.
    NotEstimable
        (a ``ValueError``) when the treated or the comparison areas have no report before or
        after the start, or so few reports that the interval is unbounded: the rate ratio
        would be 0, infinite or meaningless, so none is given.

    Examples
    --------
    >>> try:
    ...     did_effect([3, 2, 0, 0], [[5, 5, 5, 5]], [False, False, True, True])
    ... except NotEstimable as exc:
    ...     print(exc.reason)
    treated_after
    """
    t = np.asarray(treated, dtype=np.float64)
    c = np.atleast_2d(np.asarray(comparison, dtype=np.float64))
    a = np.asarray(after, dtype=bool)
    if t.ndim != 1 or c.shape[1] != t.size or a.size != t.size:
        raise ValueError(f"treated {t.shape}, comparison {c.shape} and after {a.shape} do not match.")
    if a.all() or not a.any():
        raise ValueError("need periods both before and after the start of the measure.")
    if t.sum() == 0 or c.sum() == 0:
        raise ValueError("the treated and the comparison areas both need reports.")
    for reason, total, where, when in (
            ("treated_before", t[~a].sum(), "the treated area", "before"),
            ("treated_after", t[a].sum(), "the treated area", "after"),
            ("comparison_before", c[:, ~a].sum(), "the comparison areas", "before"),
            ("comparison_after", c[:, a].sum(), "the comparison areas", "after")):
        if total == 0:
            raise NotEstimable(reason, f"{where} {'has' if where.endswith('area') else 'have'} no report "
                                       f"{when} the start: a rate ratio of 0 or infinity cannot be estimated. "
                                       "Choose a larger radius, more categories or a longer period.")
    keep_units = c.sum(axis=1) > 0
    c = c[keep_units]
    y_all = np.vstack([t, c])  # (units, periods)
    keep_t = y_all.sum(axis=0) > 0  # a period with no report anywhere carries no information
    y_all, a_k = y_all[:, keep_t], a[keep_t]
    n_units, n_periods = y_all.shape
    # Design: intercept, unit dummies (1..), period dummies (1..), treated x after.
    rows = n_units * n_periods
    unit = np.repeat(np.arange(n_units), n_periods)
    period = np.tile(np.arange(n_periods), n_units)
    x = np.zeros((rows, n_units + n_periods))
    x[:, 0] = 1.0
    for u in range(1, n_units):
        x[unit == u, u] = 1.0
    for p in range(1, n_periods):
        x[period == p, n_units - 1 + p] = 1.0
    x[:, -1] = ((unit == 0) & a_k[period]).astype(float)
    y = y_all.ravel()
    beta, mu = _irls(x, y)
    dof = max(rows - x.shape[1], 1)
    phi = max(1.0, float(np.sum((y - mu) ** 2 / mu)) / dof)
    info = x.T @ (x * mu[:, None])
    unit_vec = np.zeros(info.shape[0])
    unit_vec[-1] = 1.0
    try:
        var_d = float(np.linalg.solve(info, unit_vec)[-1]) * phi
    except np.linalg.LinAlgError:
        var_d = float(np.linalg.pinv(info)[-1, -1]) * phi
    d = float(beta[-1])
    se = float(np.sqrt(max(var_d, 0.0)))
    q = float(stats.t.ppf(0.5 + confidence / 2, dof))
    p_value = float(2 * stats.t.sf(abs(d) / se, dof)) if se > 0 else 0.0
    treated_rows = unit == 0
    post = treated_rows & a_k[period]
    expected = float(np.sum(mu[post]) / np.exp(d))
    if not (np.isfinite(d) and np.isfinite(se) and abs(d) + q * se <= _MAX_LOG):
        raise NotEstimable("interval", "too few reports for an interval of the rate ratio: it would be "
                                       "unbounded. Choose a larger radius, more categories or a longer period.")
    lower, upper = float(np.exp(d - q * se)), float(np.exp(d + q * se))
    perm = _permutation_p(t, c.sum(axis=0), a, permutations, seed)
    return EffectEstimate(
        rate_ratio=float(np.exp(d)), lower=lower, upper=upper, p_value=p_value, permutation_p=perm,
        found=bool(upper < 1.0 or lower > 1.0), dispersion=phi,
        treated_before=int(t[~a].sum()), treated_after=int(t[a].sum()),
        comparison_before=int(c[:, ~a].sum()), comparison_after=int(c[:, a].sum()),
        expected_after=expected, periods_before=int((~a).sum()), periods_after=int(a.sum()),
        n_comparison=int(c.shape[0]), confidence=confidence, permutations=permutations, seed=seed,
    )


def _num(value: float, lang: str, digits: int = 2) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "sv" else text


def describe_effect(r: EffectEstimate, lang: str = "sv", *, what: str = "", where: str = "",
                    start: str = "") -> str:
    """A plain-language sentence about the estimate, in Swedish (``sv``) or English.

    Examples
    --------
    >>> r = did_effect([10] * 12 + [5] * 12, [[30] * 24], [False] * 12 + [True] * 12, permutations=0)
    >>> describe_effect(r, "en", what="reports", where="in the park", start="1 March 2024").split(" than")[0]
    'After 1 March 2024, reports in the park were 50 % lower'
    """
    pct = round(abs(r.change) * 100)
    ci = f"{_num(r.lower, lang)}–{_num(r.upper, lang)}"
    level = round(r.confidence * 100)
    if lang == "sv":
        head = f"Efter {start}, " if start else "Efter starten, "
        subject = f"{what or 'rapporterna'}{' ' + where if where else ''}"
        direction = "lägre" if r.change < 0 else "högre"
        body = (f"{head}var {subject} {pct} % {direction} än väntat utifrån jämförelseområdena "
                f"(kvot {_num(r.rate_ratio, lang)}, {level} % konfidensintervall {ci}). ")
        if r.found:
            verdict = ("Det är en tydlig minskning: intervallet utesluter att ingenting ändrats."
                       if r.change < 0 else
                       "Det är en tydlig ökning: intervallet utesluter att ingenting ändrats.")
        else:
            verdict = ("Ingen säker förändring: intervallet rymmer både en minskning och en ökning, "
                       "så skillnaden kan vara slumpen.")
        return body + verdict
    head = f"After {start}, " if start else "After the start, "
    subject = f"{what or 'reports'}{' ' + where if where else ''}"
    direction = "lower" if r.change < 0 else "higher"
    body = (f"{head}{subject} were {pct} % {direction} than expected from the comparison areas "
            f"(rate ratio {_num(r.rate_ratio, lang)}, {level} % confidence interval {ci}). ")
    if r.found:
        verdict = ("This is a clear decrease: the interval rules out no change." if r.change < 0 else
                   "This is a clear increase: the interval rules out no change.")
    else:
        verdict = ("No clear change: the interval holds both a decrease and an increase, so the "
                   "difference may be chance.")
    return body + verdict


def rate_ratio_ci(after: int, before: int, *, exposure_ratio: float = 1.0,
                  confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Rate ratio of two Poisson counts with an exact (conditional binomial) interval.

    ``exposure_ratio`` is the length of the after period over the before period.

    Examples
    --------
    >>> rr, lo, hi = rate_ratio_ci(50, 100)
    >>> round(rr, 2), lo < 0.5 < hi, hi < 1
    (0.5, True, True)
    """
    n = after + before
    if n == 0 or before == 0:
        return float("nan"), float("nan"), float("nan")
    alpha = 1 - confidence
    lo_p = stats.beta.ppf(alpha / 2, after, before + 1) if after > 0 else 0.0
    hi_p = stats.beta.ppf(1 - alpha / 2, after + 1, before) if before > 0 else 1.0
    scale = 1.0 / exposure_ratio
    rr = after / before * scale
    return float(rr), float(lo_p / (1 - lo_p) * scale), float(hi_p / (1 - hi_p) * scale)
