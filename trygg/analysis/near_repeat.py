"""Near-repeat analysis: the Knox test as in Ratcliffe's Near Repeat Calculator.

Every unordered pair of events is put in one cell of a table by its distance
(rows) and its time apart in days (columns):

* rows: "same location" (distance exactly 0), then one row per distance band
  ``[0, e1)`` (excluding 0), ``[e1, e2)``, ... and a last row "more than the
  last edge", ``d >= e_last``;
* columns: one per time band ``[0, t1)``, ``[t1, t2)``, ... and a last column
  ``dt >= t_last``.

Bands are half-open, ``[lower, upper)``, in both distance and days: a pair
exactly on an edge goes into the upper band. That is what the Calculator
computes, whatever its labels say ("0 to 7" days holds 0..6 days apart; "1 to
100" metres holds 0 < d < 100).

Expected counts come from Monte Carlo permutation of the times among the
events (seeded); the p-value of a cell is ``(#{sim >= observed} + 1) / (P +
1)`` as in the Calculator.

``nrc_compatible=True`` reproduces the Calculator's observed table exactly:
coordinates and distances are computed in single precision (float32) and
times are whole days. The default uses exact double precision with the same
band rules.

How it is fast: the pairs closer than the last distance edge are found once
with a k-d tree; a permutation only re-reads the times of those pairs. The
last row needs no pairs at all: the number of pairs of *all* events in each
time band follows from the sorted times, does not change when the times are
permuted, and the last row is that minus the rows above.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

__all__ = ["KnoxResult", "knox", "pairs_by_time_band"]

Metric = Literal["manhattan", "euclidean"]

#: Default number of permutations.
PERMUTATIONS = 99


@dataclass(frozen=True)
class KnoxResult:
    """Knox table of pair counts by distance band and time band.

    Tables have ``len(distance_edges) + 2`` rows (same location, each band,
    more than the last edge) and ``len(time_edges) + 1`` columns (each band,
    more than the last edge).

    Attributes
    ----------
    observed : ndarray of int64
    expected : ndarray of float64
        Mean over the permutations.
    ratio : ndarray of float64
        ``observed / expected`` (NaN where expected is 0).
    p_value : ndarray of float64
        ``(#{sim >= observed} + 1) / (permutations + 1)``; NaN with no permutations.
    distance_edges, time_edges : tuple of float
    metric : str
    permutations : int
    seed : int or None
    nrc_compatible : bool
    n_events : int
    """

    observed: NDArray[np.int64]
    expected: NDArray[np.float64]
    ratio: NDArray[np.float64]
    p_value: NDArray[np.float64]
    distance_edges: tuple[float, ...]
    time_edges: tuple[float, ...]
    metric: str
    permutations: int
    seed: int | None
    nrc_compatible: bool
    n_events: int

    @property
    def row_labels(self) -> list[str]:
        """Row labels: same location, each band ``[lower, upper)``, more than the last edge."""
        e = [0.0, *self.distance_edges]
        mid = [f"[{_fmt(a)}, {_fmt(b)})" for a, b in zip(e[:-1], e[1:], strict=True)]
        return ["same location", *mid, f">= {_fmt(e[-1])}"]

    @property
    def col_labels(self) -> list[str]:
        """Column labels: each band ``[lower, upper)`` days, more than the last edge."""
        e = [0.0, *self.time_edges]
        mid = [f"[{_fmt(a)}, {_fmt(b)})" for a, b in zip(e[:-1], e[1:], strict=True)]
        return [*mid, f">= {_fmt(e[-1])}"]


def _fmt(v: float) -> str:
    return f"{v:g}"


def _check_edges(edges: ArrayLike, what: str) -> NDArray[np.float64]:
    e = np.asarray(edges, dtype=np.float64).ravel()
    if e.size == 0 or not np.all(np.isfinite(e)) or e[0] <= 0 or np.any(np.diff(e) <= 0):
        raise ValueError(f"{what} edges must be positive and increasing, got {e.tolist()}; pass e.g. 100,200,300.")
    return e


def pairs_by_time_band(t: ArrayLike, time_edges: ArrayLike) -> NDArray[np.int64]:
    """Number of pairs of all events in each time band (and beyond the last edge).

    Needs no pair list: for sorted times, the pairs closer than ``edge`` are
    counted with a binary search. The result does not change when the times
    are permuted among the events.

    Examples
    --------
    >>> pairs_by_time_band([0, 1, 5, 20], [2, 10]).tolist()
    [1, 2, 3]
    """
    ts = np.sort(np.asarray(t, dtype=np.float64))
    n = ts.size
    edges = _check_edges(time_edges, "time")
    idx = np.arange(n)
    below = np.array([int((np.searchsorted(ts, ts + e, side="left") - idx - 1).sum()) for e in edges], dtype=np.int64)
    total = n * (n - 1) // 2
    cum = np.concatenate([below, [total]])
    return np.diff(np.concatenate([[0], cum])).astype(np.int64)


def _close_pairs(
    x: NDArray[np.float64], y: NDArray[np.float64], limit: float, metric: Metric, single: bool
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
    """Pairs ``i < j`` closer than ``limit`` and their distances."""
    pts = np.column_stack([x, y])
    tree = cKDTree(pts)
    # A little slack: the exact test below decides, in the chosen precision.
    slack = limit * 1e-6 + 1e-6
    pairs = tree.query_pairs(limit + slack, p=1.0 if metric == "manhattan" else 2.0, output_type="ndarray")
    i = pairs[:, 0].astype(np.int32)
    j = pairs[:, 1].astype(np.int32)
    del pairs
    if single:
        xf, yf = x.astype(np.float32), y.astype(np.float32)
        dx = np.abs(xf[i] - xf[j])
        dy = np.abs(yf[i] - yf[j])
        d32 = dx + dy if metric == "manhattan" else np.sqrt(dx * dx + dy * dy)
        d = d32.astype(np.float64)
    else:
        dx = np.abs(x[i] - x[j])
        dy = np.abs(y[i] - y[j])
        d = dx + dy if metric == "manhattan" else np.hypot(dx, dy)
    keep = d < limit
    return i[keep], j[keep], d[keep]


def _time_array(t: NDArray[np.float64]) -> NDArray[Any]:
    """Times shifted to start at 0, in the smallest exact dtype."""
    t0 = t - t.min()
    if np.all(t0 == np.round(t0)):
        span = t0.max()
        if span < 2**15:
            return t0.astype(np.int16)
        if span < 2**31:
            return t0.astype(np.int32)
    return t0


def knox(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike,
    *,
    distance_edges: ArrayLike,
    time_edges: ArrayLike,
    metric: Metric = "manhattan",
    permutations: int = PERMUTATIONS,
    seed: int | None = None,
    nrc_compatible: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> KnoxResult:
    """Knox test of space-time clustering (near repeats).

    Parameters
    ----------
    x, y : array_like
        Projected coordinates in metres.
    t : array_like
        Times in days (e.g. days since some date; fractions allowed unless
        ``nrc_compatible``).
    distance_edges : array_like
        Upper edges of the distance bands in metres, increasing.
    time_edges : array_like
        Upper edges of the time bands in days, increasing.
    metric : {"manhattan", "euclidean"}
    permutations : int
        Monte Carlo permutations of the times (0 for the observed table only).
    seed : int or None
    nrc_compatible : bool
        Single-precision distances and whole days, as the Calculator.
    progress : callable, optional
        Called as ``progress(done, total)`` after each permutation.

    Returns
    -------
    KnoxResult

    Examples
    --------
    >>> r = knox([0, 0], [0, 100], [0, 3], distance_edges=[100, 200], time_edges=[3, 6], permutations=0)
    >>> r.observed.tolist()
    [[0, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0]]
    """
    xa = np.asarray(x, dtype=np.float64).ravel()
    ya = np.asarray(y, dtype=np.float64).ravel()
    ta = np.asarray(t, dtype=np.float64).ravel()
    n = xa.size
    if not (ya.size == n and ta.size == n):
        raise ValueError(f"x, y and t must have the same length, got {n}, {ya.size} and {ta.size}.")
    if n < 2:
        raise ValueError(f"the Knox test needs 2 or more events, got {n}.")
    if metric not in ("manhattan", "euclidean"):
        raise ValueError(f"metric must be 'manhattan' or 'euclidean', got {metric!r}.")
    if not (np.isfinite(xa).all() and np.isfinite(ya).all() and np.isfinite(ta).all()):
        raise ValueError("coordinates or times contain NaN or infinity; drop those events first.")
    if permutations < 0:
        raise ValueError(f"permutations must be 0 or more, got {permutations}.")
    d_edges = _check_edges(distance_edges, "distance")
    t_edges = _check_edges(time_edges, "time")
    if nrc_compatible and np.any(ta != np.floor(ta)):
        raise ValueError("nrc_compatible needs whole days; pass dates without a time of day.")
    n_rows, n_cols = d_edges.size + 2, t_edges.size + 1

    i, j, d = _close_pairs(xa, ya, float(d_edges[-1]), metric, nrc_compatible)
    # Row of each close pair: 0 same location, k for [e_{k-1}, e_k).
    row = np.where(d == 0, 0, np.searchsorted(d_edges, d, side="right") + 1)
    order = np.argsort(row, kind="stable")
    i, j = i[order], j[order]
    bounds = np.searchsorted(row[order], np.arange(n_rows))  # start of each row
    del d, row, order
    all_pairs = pairs_by_time_band(ta, t_edges)
    tt = _time_array(ta)
    # Python scalars keep the comparison in the small dtype of the times.
    edges_cast = [float(e) for e in t_edges] if tt.dtype.kind == "f" else [int(np.ceil(e)) for e in t_edges]

    def table(times: NDArray[Any]) -> NDArray[np.int64]:
        dt = np.abs(times[i] - times[j])
        out = np.zeros((n_rows, n_cols), dtype=np.int64)
        for r in range(n_rows - 1):
            seg = dt[bounds[r] : bounds[r + 1]]
            below = [np.count_nonzero(seg < e) for e in edges_cast]
            out[r, :-1] = np.diff(np.array([0, *below]))
            out[r, -1] = seg.size - below[-1]
        out[-1] = all_pairs - out[:-1].sum(axis=0)
        return out

    observed = table(tt)
    rng = np.random.default_rng(seed)
    sims = np.empty((permutations, n_rows, n_cols), dtype=np.int64)
    for p in range(permutations):
        sims[p] = table(rng.permutation(tt))
        if progress is not None:
            progress(p + 1, permutations)
    if permutations:
        expected = sims.mean(axis=0)
        p_value = ((sims >= observed).sum(axis=0) + 1) / (permutations + 1)
    else:
        expected = np.full(observed.shape, np.nan)
        p_value = np.full(observed.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    return KnoxResult(
        observed=observed,
        expected=expected,
        ratio=ratio,
        p_value=p_value,
        distance_edges=tuple(float(e) for e in d_edges),
        time_edges=tuple(float(e) for e in t_edges),
        metric=metric,
        permutations=permutations,
        seed=seed,
        nrc_compatible=nrc_compatible,
        n_events=n,
    )
