"""Survey estimates: the share answering yes to an indicator, per area.

The 95 % interval is Wilson's score interval,
``(p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)``, which keeps
within [0, 1] and behaves for small samples and shares near 0 or 1.

With weights the share is the weighted mean and ``n`` is Kish's effective
sample size ``(sum w)^2 / sum w^2``. The comparison with a normal value (a
reference share) is a score test ``z = (p - p0) / sqrt(p0 (1 - p0) / n)``,
two-sided; ``differs`` when the interval excludes the normal value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr, ndtri

__all__ = ["ShareEstimate", "indicator_shares", "wilson_interval"]

#: Confidence level of the intervals.
CONFIDENCE = 0.95


@dataclass(frozen=True)
class ShareEstimate:
    """Per-area share with interval; arrays have one value per area.

    Attributes
    ----------
    share, lower, upper : ndarray
        Estimate and Wilson interval (NaN for areas without answers).
    n : ndarray
        Number of answers.
    n_effective : ndarray
        Kish effective sample size (equals ``n`` without weights).
    normal : ndarray or None
        The normal value compared with.
    z, p_value : ndarray or None
        Score test against the normal value.
    differs : ndarray of bool or None
        Interval excludes the normal value.
    confidence : float
    """

    share: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    n: NDArray[np.int64]
    n_effective: NDArray[np.float64]
    normal: NDArray[np.float64] | None
    z: NDArray[np.float64] | None
    p_value: NDArray[np.float64] | None
    differs: NDArray[np.bool_] | None
    confidence: float


def wilson_interval(
    share: ArrayLike, n: ArrayLike, confidence: float = CONFIDENCE
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Wilson score interval for a share ``share`` out of ``n`` (may be fractional).

    Examples
    --------
    >>> lo, hi = wilson_interval(0.5, 100)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.4038, 0.5962)
    """
    p = np.asarray(share, dtype=np.float64)
    nn = np.asarray(n, dtype=np.float64)
    z = float(ndtri(0.5 + confidence / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        den = 1.0 + z * z / nn
        centre = (p + z * z / (2 * nn)) / den
        half = z * np.sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / den
    ok = nn > 0
    return np.where(ok, centre - half, np.nan), np.where(ok, centre + half, np.nan)


def indicator_shares(
    answer: ArrayLike,
    area: ArrayLike,
    *,
    n_areas: int | None = None,
    weights: ArrayLike | None = None,
    normal: ArrayLike | float | None = None,
    confidence: float = CONFIDENCE,
) -> ShareEstimate:
    """Share of ``answer == True`` per area, with Wilson interval.

    Parameters
    ----------
    answer : array_like of bool (or 0/1)
        One answer per respondent; NaN answers are left out.
    area : array_like of int
        Area code ``0 .. n_areas-1`` of each respondent.
    weights : array_like, optional
        Survey weights.
    normal : float or array_like, optional
        Normal value per area (or one for all) to compare with.

    Examples
    --------
    >>> r = indicator_shares([1, 0, 1, 1], [0, 0, 1, 1], normal=0.5)
    >>> r.share.tolist(), r.n.tolist()
    ([0.5, 1.0], [2, 2])
    """
    y = np.asarray(answer, dtype=np.float64)
    a = np.asarray(area, dtype=np.int64)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=np.float64)
    ok = ~np.isnan(y) & ~np.isnan(w)
    y, a, w = y[ok], a[ok], w[ok]
    na = (int(a.max()) + 1 if a.size else 0) if n_areas is None else n_areas
    n = np.bincount(a, minlength=na).astype(np.int64)
    sw = np.bincount(a, w, minlength=na)
    sw2 = np.bincount(a, w * w, minlength=na)
    swy = np.bincount(a, w * y, minlength=na)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(sw > 0, swy / sw, np.nan)
        n_eff = np.where(sw2 > 0, sw * sw / sw2, 0.0)
    lo, hi = wilson_interval(share, n_eff, confidence)
    z = p = differs = norm = None
    if normal is not None:
        norm = np.broadcast_to(np.asarray(normal, dtype=np.float64), share.shape).copy()
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (share - norm) / np.sqrt(norm * (1 - norm) / n_eff)
        p = 2.0 * ndtr(-np.abs(z))
        differs = (norm < lo) | (norm > hi)
    return ShareEstimate(share, lo, hi, n, n_eff, norm, z, p, differs, confidence)
