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
with a k-d tree and laid out as padded neighbour lists (``_PairCounter``); a
permutation costs about one gather of a small integer per pair, a subtraction
and a compare-and-count per time edge, in cache-sized blocks, on two threads.
The last row needs no pairs at all: the number of pairs of *all* events in each
time band follows from the sorted times, does not change when the times are
permuted, and the last row is that minus the rows above.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
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


#: Pairs handled at a time when distances are computed (temporaries stay small).
_PAIR_CHUNK = 1 << 20


def _close_pairs(
    x: NDArray[np.float64], y: NDArray[np.float64], edges: NDArray[np.float64], metric: Metric, single: bool
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int8]]:
    """Pairs ``i < j`` closer than the last edge and their distance row.

    Row 0 is the same location (distance exactly 0), row ``k`` the band
    ``[e_{k-1}, e_k)``; distances in double precision, or in single
    precision (coordinates and arithmetic) when ``single``.
    """
    limit = float(edges[-1])
    xs, ys = (x.astype(np.float32), y.astype(np.float32)) if single else (x, y)
    # Candidates from the coordinates the test uses: in single precision the
    # rounding to float32 moves points by up to half an ulp (0.03 m near 6e5 m,
    # 0.25 m near 6.5e6 m), far more than any slack, so the tree gets the
    # rounded coordinates. The slack only covers the arithmetic of the test
    # (float32 sums and hypot: a relative error of a few 1e-7); the exact test
    # below decides.
    tree = cKDTree(np.column_stack([xs.astype(np.float64), ys.astype(np.float64)]))
    slack = limit * 1e-6 + 1e-6
    pairs = tree.query_pairs(limit + slack, p=1.0 if metric == "manhattan" else 2.0, output_type="ndarray")
    del tree
    m = pairs.shape[0]
    i_out = np.empty(m, dtype=np.int32)
    j_out = np.empty(m, dtype=np.int32)
    row_out = np.empty(m, dtype=np.int8)
    kept = 0
    for a in range(0, m, _PAIR_CHUNK):
        i = pairs[a : a + _PAIR_CHUNK, 0]
        j = pairs[a : a + _PAIR_CHUNK, 1]
        dx = xs[i] - xs[j]
        np.abs(dx, out=dx)
        dy = ys[i] - ys[j]
        np.abs(dy, out=dy)
        if metric == "manhattan":
            dx += dy
        else:
            np.hypot(dx, dy, out=dx)
        # Single precision as computed, compared with the edges exactly.
        d = dx.astype(np.float64) if single else dx
        keep = d < limit
        if not keep.all():
            i, j, d = i[keep], j[keep], d[keep]
        b = kept + d.size
        i_out[kept:b] = i
        j_out[kept:b] = j
        # Row 0 for distance 0, else 1 + the number of edges at or below d.
        r = row_out[kept:b]
        np.add(np.searchsorted(edges, d, side="right"), 1, out=r, casting="unsafe")
        r[d == 0] = 0
        kept = b
    return i_out[:kept], j_out[:kept], row_out[:kept]


def _time_array(t: NDArray[np.float64], last_edge: float) -> tuple[NDArray[Any], Any]:
    """Times shifted to start at 0 in the smallest exact dtype, and a sentinel time.

    The sentinel is at least the last edge before every time, so a padded
    slot never counts; the dtype holds ``span + last edge``. Whole days use
    integer edges (``dt < e`` is ``dt < ceil(e)`` for integers).
    """
    t0 = t - t.min()
    if np.all(t0 == np.round(t0)):
        e = int(np.ceil(last_edge))
        span = float(t0.max())
        for dtype in (np.int16, np.int32):
            if span + e < np.iinfo(dtype).max:
                return t0.astype(dtype), -e
    return t0, -np.inf


#: Threads counting permuted tables (NumPy releases the GIL while it counts).
WORKERS = 2
#: Pair slots counted per block; a block's scratch arrays stay in the CPU cache.
BLOCK = 1 << 16
#: Widths of the padded neighbour lists (a longer list is split).
WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)


class _PairCounter:
    """The close pairs laid out for counting under permuted times.

    Pairs ``i < j`` are grouped by (distance row, i) with a counting sort
    (COO to CSR, linear time). Each event's
    neighbours ``j`` in a row form a list, split into pieces of at most 64
    and padded to one of ``WIDTHS`` with a sentinel event ``n`` whose time is
    never within the last time edge of any other. Pieces of one row and one
    width form a matrix ``J`` (width x pieces, so that the broadcast runs
    along the long axis) beside the vector ``I`` of
    their events, cut into blocks of about ``BLOCK`` slots. Counting a table
    under permuted times ``t`` is then, per block, one gather ``t[J]``, a
    broadcast subtraction of the small gather ``t[I]``, an absolute value and
    one compare-and-count per time edge, all in the small dtype of the times:
    about one gather per pair, where the plain way needs two and a 2-D
    histogram.
    """

    def __init__(
        self,
        i: NDArray[np.int32],
        j: NDArray[np.int32],
        row: NDArray[np.int8],
        n: int,
        n_rows: int,
        edges: list[Any],
    ) -> None:
        # Group the pairs by (row, i) with a linear-time counting sort (COO -> CSR).
        wide = n_rows * n >= np.iinfo(np.int32).max
        key: NDArray[Any] = row.astype(np.int64 if wide else np.int32)
        key *= n
        key += i
        csr = sparse.coo_array((np.ones(i.size, dtype=np.int8), (key, j)), shape=(n_rows * n, n + 1)).tocsr()
        del key
        j = csr.indices
        self.edges = edges
        self.n = n
        sizes = np.diff(csr.indptr)
        self.row_sizes = sizes.reshape(n_rows, n).sum(axis=1).astype(np.int64)
        # Runs of one event in one row, split into pieces of at most max(WIDTHS).
        w_max = WIDTHS[-1]
        groups = np.flatnonzero(sizes)
        start = csr.indptr[groups].astype(np.int64)
        length = sizes[groups].astype(np.int64)
        del csr, sizes
        n_pieces = -(-length // w_max)
        first = np.repeat(start, n_pieces)
        k = np.arange(first.size) - np.repeat(np.cumsum(n_pieces) - n_pieces, n_pieces)
        p_start = first + k * w_max
        p_len = np.minimum(w_max, np.repeat(start + length, n_pieces) - p_start)
        p_group = np.repeat(groups, n_pieces)
        width_idx = np.searchsorted(WIDTHS, p_len)
        p_row = (p_group // n).astype(np.int64)
        order = np.argsort(p_row * len(WIDTHS) + width_idx, kind="stable")
        group = (p_row * len(WIDTHS) + width_idx)[order]
        bounds = np.flatnonzero(np.diff(group)) + 1
        self.blocks: list[tuple[int, NDArray[np.intp], NDArray[np.intp]]] = []
        for sel in np.split(order, bounds) if order.size else []:  # no pair within the distance bands
            r, w = int(p_row[sel[0]]), WIDTHS[int(width_idx[sel[0]])]
            cols = np.arange(w)
            inside = cols[None, :] < p_len[sel, None]
            pos = np.where(inside, p_start[sel, None] + cols[None, :], 0)
            jm = np.where(inside, j[pos], n).astype(np.intp).T.copy()
            im = (p_group[sel] % n).astype(np.intp)
            step = max(1, BLOCK // w)
            for b in range(0, sel.size, step):
                self.blocks.append((r, im[b : b + step], np.ascontiguousarray(jm[:, b : b + step])))
        self.n_rows = n_rows

    def count(self, times: NDArray[Any]) -> NDArray[np.int64]:
        """``below[r, k]``: pairs of row ``r`` with ``|t_i - t_j| < edges[k]``.

        ``times`` has ``n + 1`` entries, the last the sentinel.
        """
        below = np.zeros((self.n_rows, len(self.edges)), dtype=np.int64)
        dt = np.empty(BLOCK + WIDTHS[-1], dtype=times.dtype)
        hit = np.empty(BLOCK + WIDTHS[-1], dtype=bool)
        for r, im, jm in self.blocks:
            d = dt[: jm.size].reshape(jm.shape)
            h = hit[: jm.size].reshape(jm.shape)
            np.take(times, jm, out=d, mode="clip")
            np.subtract(d, times[im], out=d)
            np.abs(d, out=d)
            for k, edge in enumerate(self.edges):
                np.less(d, edge, out=h)
                below[r, k] += np.count_nonzero(h)
        return below


def _permuted_tables(
    table: Callable[[NDArray[Any]], NDArray[np.int64]],
    tt: NDArray[Any],
    shape: tuple[int, int],
    permutations: int,
    seed: int | None,
    progress: Callable[[int, int], None] | None,
) -> NDArray[np.int64]:
    """Tables under ``permutations`` seeded permutations of the times.

    The permutations are drawn in order in this thread (so a seed gives the
    same tables however many threads count); counting runs on up to
    ``WORKERS`` threads, since NumPy releases the GIL in the gathers and
    compares.
    """
    rng = np.random.default_rng(seed)
    sims = np.empty((permutations, *shape), dtype=np.int64)
    workers = min(WORKERS, os.cpu_count() or 1)
    if workers < 2 or permutations < 2:
        for p in range(permutations):
            sims[p] = table(rng.permutation(tt))
            if progress is not None:
                progress(p + 1, permutations)
        return sims
    with ThreadPoolExecutor(workers) as pool:
        pending: deque[tuple[int, Future[NDArray[np.int64]]]] = deque()
        for p in range(permutations):
            pending.append((p, pool.submit(table, rng.permutation(tt))))
            while len(pending) > 2 * workers or (p == permutations - 1 and pending):
                q, fut = pending.popleft()
                sims[q] = fut.result()
                if progress is not None:
                    progress(q + 1, permutations)
    return sims


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

    i, j, row = _close_pairs(xa, ya, d_edges, metric, nrc_compatible)
    all_pairs = pairs_by_time_band(ta, t_edges)
    tt, sentinel = _time_array(ta, float(t_edges[-1]))
    # Python scalars keep the comparison in the small dtype of the times.
    edges_cast = [float(e) for e in t_edges] if tt.dtype.kind == "f" else [int(np.ceil(e)) for e in t_edges]
    counter = _PairCounter(i, j, row, n, n_rows - 1, edges_cast)
    del i, j, row

    def table(times: NDArray[Any]) -> NDArray[np.int64]:
        padded = np.empty(n + 1, dtype=times.dtype)
        padded[:n] = times
        padded[n] = sentinel
        out = np.zeros((n_rows, n_cols), dtype=np.int64)
        below = counter.count(padded)  # (rows above the last, edges): pairs with dt < edge
        out[:-1, :-1] = np.diff(below, axis=1, prepend=0)
        out[:-1, -1] = counter.row_sizes - below[:, -1]
        out[-1] = all_pairs - out[:-1].sum(axis=0)
        return out

    observed = table(tt)
    sims = _permuted_tables(table, tt, (n_rows, n_cols), permutations, seed, progress)
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
