"""The kernel density's loops over points, compiled (see :mod:`trygg.analysis.kde`).

Three loops: the kernel sum point by point (``scatter_density``) and the
binning of the fast mode's lattice, cloud-in-cell (``cic_bin``) or by
moments of the offsets (``moment_grids``), one pass over the points each.

Each point adds its kernel to the cell centres within the kernel's support:
for the quartic every centre closer than ``h``, for the Gaussian every
centre within ``GAUSS_SUPPORT * h`` along both axes (see
:mod:`trygg.analysis.kde_fast`; the tail beyond is below 3e-11 of the peak).
The work is about one vectorised multiply-add per point and centre of the
square around it, so this
is the cheapest exact method when the kernel covers few cells, which is
where binning to a lattice would need a very fine lattice to stay accurate
(the quartic's second derivative jumps at its edge, which limits any
binning to an error of about ``(lattice step / h)^2`` of the peak).

The loops are compiled by Numba once per installation (cached next to this
module; the module is imported only when needed, as Numba takes a quarter of
a second to import) and release the GIL, so the points are split among threads, each
with its own output grid, summed at the end. No Numba threading layer is
used: a web server may call this from several threads at once.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from trygg.analysis.grid import Grid

__all__ = ["WORKERS", "cic_bin", "moment_grids", "scatter_density", "warm_up"]

#: Threads summing points (each holds one output grid).
WORKERS = 2
#: Fewest points per thread worth a thread of their own.
_MIN_CHUNK = 50_000

_jit = njit(cache=True, nogil=True, fastmath=False, error_model="numpy")


def scatter_density(
    x: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64], grid: Grid, h: float, kernel: str,
    reach_m: float,
) -> NDArray[np.float64]:
    """``sum_i w_i K(c - p_i)`` over the centres ``c`` closer than ``reach_m``, unnormalised (``K(0) = 1``)."""
    c = grid.cell_size
    # Positions in cells, centre (row r, col k) at (r, k).
    fc = (x - grid.x0) / c - 0.5
    fr = (y - grid.y0) / c - 0.5
    hc = h / c
    reach = reach_m / c
    fn = quartic if kernel == "quartic" else gaussian
    n = x.size
    workers = max(1, min(WORKERS, os.cpu_count() or 1, n // _MIN_CHUNK))
    fc, fr, w = _by_row(fc, fr, w, grid.n_rows)
    bounds = np.linspace(0, n, workers + 1).astype(np.intp)

    def run(k: int) -> NDArray[np.float64]:
        out = np.zeros(grid.shape)
        a, b = bounds[k], bounds[k + 1]
        fn(fc[a:b], fr[a:b], w[a:b], hc, reach, out)
        return out

    return _summed(run, workers)


@_jit
def _by_row(fc: Any, fr: Any, w: Any, n_rows: int) -> Any:  # pragma: no cover - compiled
    """Copies of the points ordered by their nearest row (counting sort), so that neighbours share rows in cache."""
    n = fc.size
    key = np.empty(n, np.int32)
    start = np.zeros(n_rows + 3, np.int64)
    for i in range(n):
        r = int(math.floor(min(max(fr[i] + 0.5, -1.0), float(n_rows)))) + 1
        key[i] = r
        start[r + 1] += 1
    for r in range(1, n_rows + 3):
        start[r] += start[r - 1]
    xs, ys, ws = np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        r = key[i]
        k = start[r]
        xs[k], ys[k], ws[k] = fc[i], fr[i], w[i]
        start[r] = k + 1
    return xs, ys, ws


@_jit
def quartic(fc: Any, fr: Any, w: Any, hc: float, reach: float, out: Any) -> None:  # pragma: no cover - compiled
    """Add ``w max(0, 1 - d^2/h^2)^2`` to the centres in the square around each point (cells as units).

    The square (rather than the disc) keeps the inner loop free of branches, so it runs on vector units.
    """
    n_rows, n_cols = out.shape
    inv = 1.0 / (hc * hc)
    dxx = np.empty(int(2.0 * reach) + 3)
    for i in range(fc.size):
        px, py, wi = fc[i], fr[i], w[i]
        r_lo, r_hi = _span(py, reach, n_rows)
        k_lo, k_hi = _span(px, reach, n_cols)
        m = k_hi - k_lo + 1
        for t in range(m):
            dx = k_lo + t - px
            dxx[t] = dx * dx * inv
        for r in range(r_lo, r_hi + 1):
            dy = r - py
            base = 1.0 - dy * dy * inv
            row = out[r, k_lo : k_hi + 1]
            for t in range(m):
                u = max(base - dxx[t], 0.0)
                row[t] += wi * u * u


@_jit
def gaussian(fc: Any, fr: Any, w: Any, hc: float, reach: float, out: Any) -> None:  # pragma: no cover - compiled
    """Add ``w exp(-d^2 / 2h^2)`` to the centres in the square of half-width ``reach`` (cells as units).

    The Gaussian separates: per point one row of factors along x and one
    factor per row, each row following ``g(k + 1) = g(k) q(k)``,
    ``q(k + 1) = q(k) exp(-1/h^2)`` (three exponentials per axis and point).
    """
    n_rows, n_cols = out.shape
    inv = 0.5 / (hc * hc)
    step = math.exp(-2.0 * inv)
    gx = np.empty(int(2.0 * reach) + 3)
    for i in range(fc.size):
        px, py, wi = fc[i], fr[i], w[i]
        r_lo, r_hi = _span(py, reach, n_rows)
        k_lo, k_hi = _span(px, reach, n_cols)
        if k_hi < k_lo or r_hi < r_lo:
            continue
        m = k_hi - k_lo + 1
        d = k_lo - px
        g = math.exp(-d * d * inv)
        q = math.exp(-(2.0 * d + 1.0) * inv)
        for t in range(m):
            gx[t] = g
            g *= q
            q *= step
        d = r_lo - py
        gy = wi * math.exp(-d * d * inv)
        qy = math.exp(-(2.0 * d + 1.0) * inv)
        for r in range(r_lo, r_hi + 1):
            row = out[r, k_lo : k_hi + 1]
            for t in range(m):
                row[t] += gy * gx[t]
            gy *= qy
            qy *= step


@_jit
def _span(p: float, reach: float, n: int) -> tuple[int, int]:  # pragma: no cover - compiled
    """Indices of the centres within ``reach`` of ``p``, clipped to ``0 .. n - 1`` (empty if ``hi < lo``)."""
    lo = max(0, int(math.ceil(max(p - reach, -1.0))))
    hi = min(n - 1, int(math.floor(min(p + reach, float(n)))))
    return lo, hi


def cic_bin(
    flat: NDArray[np.intp], ex: NDArray[np.float64], ey: NDArray[np.float64], w: NDArray[np.float64],
    n_rows: int, n_cols: int,
) -> NDArray[np.float64]:
    """Cloud-in-cell: each point's weight shared among the nodes ``flat``, ``+ 1``, ``+ n_cols``, ``+ n_cols + 1``
    of an ``(n_rows, n_cols)`` grid with bilinear weights from the offsets ``ex, ey`` in ``[0, 1)``."""
    out = np.zeros(n_rows * n_cols)
    _cic(flat, ex, ey, w, n_cols, out)
    return out.reshape(n_rows, n_cols)


@_jit
def _cic(flat: Any, ex: Any, ey: Any, w: Any, n_cols: int, out: Any) -> None:  # pragma: no cover - compiled
    for i in range(flat.size):
        f = flat[i]
        a = ex[i]
        wb = w[i] * ey[i]
        w0 = w[i] - wb
        out[f] += w0 - w0 * a
        out[f + 1] += w0 * a
        out[f + n_cols] += wb - wb * a
        out[f + n_cols + 1] += wb * a


def moment_grids(
    flat: NDArray[np.intp], ex: NDArray[np.float64], ey: NDArray[np.float64], w: NDArray[np.float64],
    n_nodes: int, n_cols: int, powers: list[tuple[int, int]],
) -> NDArray[np.float64]:
    """``sum w ex^a ey^b`` at each node ``flat`` for every ``(a, b)`` of ``powers``: shape ``(len(powers), n_nodes)``.

    The points are visited row by row of the lattice (rows of ``n_cols`` nodes; a counting sort
    first), so that the grids' rows being added to stay in the cache; two threads take half the
    points each.
    """
    pa = np.array([a for a, _ in powers], dtype=np.int64)
    pb = np.array([b for _, b in powers], dtype=np.int64)
    n = flat.size
    workers = max(1, min(WORKERS, os.cpu_count() or 1, n // _MIN_CHUNK))
    bounds = np.linspace(0, n, workers + 1).astype(np.intp)

    def run(k: int) -> NDArray[np.float64]:
        out = np.zeros((len(powers), n_nodes))
        a, b = bounds[k], bounds[k + 1]
        _moments(flat[a:b], ex[a:b], ey[a:b], w[a:b], n_cols, pa, pb, out)
        return out

    return _summed(run, workers)


def _summed(run: Any, workers: int) -> NDArray[np.float64]:
    """``run(0) + ... + run(workers - 1)``, the runs on threads of their own."""
    if workers == 1:
        result: NDArray[np.float64] = run(0)
        return result
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(run, range(workers)))
    total: NDArray[np.float64] = parts[0]
    for p in parts[1:]:
        total += p
    return total


@_jit
def _moments(flat: Any, ex: Any, ey: Any, w: Any, n_cols: int, pa: Any, pb: Any, out: Any) -> None:  # pragma: no cover
    n = flat.size
    n_rows = out.shape[1] // n_cols + 1
    inv = 1.0 / n_cols
    key = np.empty(n, np.int32)
    start = np.zeros(n_rows + 1, np.int64)
    for i in range(n):
        # flat // n_cols without a division per point.
        r = int(flat[i] * inv)
        if (r + 1) * n_cols <= flat[i]:
            r += 1
        elif r * n_cols > flat[i]:
            r -= 1
        key[i] = r
        start[r + 1] += 1
    for r in range(1, n_rows + 1):
        start[r] += start[r - 1]
    fs, xs, ys, ws = np.empty(n, np.int64), np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        r = key[i]
        k = start[r]
        fs[k], xs[k], ys[k], ws[k] = flat[i], ex[i], ey[i], w[i]
        start[r] = k + 1
    top = max(pa.max(), pb.max()) + 1
    px = np.empty(top)
    py = np.empty(top)
    for i in range(n):
        px[0] = ws[i]
        py[0] = 1.0
        for k in range(1, top):
            px[k] = px[k - 1] * xs[i]
            py[k] = py[k - 1] * ys[i]
        f = fs[i]
        for k in range(pa.size):
            out[k, f] += px[pa[k]] * py[pb[k]]


def warm_up() -> None:
    """Compile every loop for the argument types the kernel density passes, so the cache holds them.

    ``scripts/setup`` calls it: the first call in a process then loads machine code instead of
    compiling it (a few seconds).
    """
    g = Grid(0.0, 0.0, 1.0, 4, 4)
    x = np.array([1.2, 2.7, 40.0])
    w = np.ones(3)
    for kernel in ("quartic", "gaussian"):
        scatter_density(x, x, w, g, 1.5, kernel, 3.0)
    flat = np.array([0, 5, 10], dtype=np.intp)
    cic_bin(flat, x % 1.0, x % 1.0, w, 4, 4)
    moment_grids(flat, x % 1.0, x % 1.0, w, 16, 4, [(0, 0), (1, 0), (0, 1)])
