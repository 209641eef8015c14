"""The fast mode of the kernel density (see :mod:`trygg.analysis.kde`).

Lattice
-------
The points are binned to a lattice of nodes ``x0 + c/2 + k * delta`` (and
likewise in y) with ``delta = c / s`` for a whole subdivision ``s`` of the
cell size ``c``; every ``s``-th node is a cell centre. The density at the
nodes is a convolution of the binned grids with the kernel sampled at node
offsets (FFT, real transforms, padded so that nothing wraps around and the
kernel is never cut), read at the cell centres.

Two ways of binning, each with a bound on its error relative to the peak of
one point's kernel:

* ``"taylor"`` (Gaussian): each point goes to its nearest node and the grids
  hold the moments ``sum w ex^a ey^b`` (offsets in nodes, ``a + b <= p``);
  the kernel terms are the Taylor terms of the Gaussian, Hermite functions,
  and separate in x and y, so each grid needs only a transform along x and
  the sums over ``a`` only one along y. The remainder is bounded by
  ``sum_{n > p} u^n sum_{a+b=n} M_a M_b / (a! b!)`` with ``u = delta / 2h``
  and ``M_k = max |He_k(z) exp(-z^2/2)|``.
* ``"linear"`` (both kernels): each point is shared among its four nodes with
  bilinear ("cloud-in-cell") weights, one grid. The density is then the
  bilinear interpolant of the kernel at the point, whose error is at most
  ``delta^2 / 8 * (max|K_xx| + max|K_yy|)``: ``(delta / 2h)^2`` of the peak
  for the Gaussian, ``(delta / h)^2`` for the quartic (its second derivatives
  reach ``8 / h^2`` of the peak, also where they jump at the edge). For the
  quartic the template is the kernel minus ``delta^2 / 12`` times its
  Laplacian, which removes the average of the binning's second-order error
  (``delta^2 / 2 * ex (1 - ex) K_xx`` and likewise in y, ``1/6`` on average):
  the worst case over point positions falls to ``QUARTIC_LINEAR * (delta /
  h)^2`` (a test checks the constant).

The bound is divided by the smallest density one point gives its nearest
cell centre (a point can lie in a cell's corner) and must stay under
``TOLERANCE``. Among the (binning, ``s``, ``p``) that satisfy it the plan
with the least estimated work wins.

Sum by points
-------------
When the kernel covers few cells, binning would need a fine lattice (for
the quartic, whose second derivative jumps at its edge, no binning does
better than about ``(delta / h)^2``), and the compiled sum by points of
:mod:`trygg.analysis.kde_compiled` is cheaper: ``"scatter"`` adds every
point's kernel over its whole support (exact; reported as ``mode="exact"``),
``"truncated"`` (Gaussian) stops at the radius where the tail falls under
``TOLERANCE`` times the share above, about 3.7 standard deviations instead
of 7. Its work is about one vectorised multiply-add per point and centre
of the square around the point; the plan compares it with the lattice.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import cache

import numpy as np
import scipy.fft as sfft
from numpy.typing import NDArray

from trygg.analysis.grid import Grid

__all__ = ["COMPILED_MIN_POINTS", "TOLERANCE", "Plan", "density_by", "fast_density", "plan"]

#: Bound on the relative error the fast mode allows itself.
TOLERANCE = 0.95e-3
#: Largest lattice (nodes incl. padding); memory is about 6 float64 arrays of this size.
MAX_NODES = 9_000_000
#: Worst error of one point binned linearly, over the peak, per ``(delta / h)^2``, for the quartic
#: with the corrected template (measured over point positions; 0.69 as ``h / delta`` grows).
QUARTIC_LINEAR = 0.72
#: From this many points the lattice is binned by the compiled loops of
#: :mod:`trygg.analysis.kde_compiled`; below, by NumPy (no Numba import or cache load, ~0.5 s).
COMPILED_MIN_POINTS = 200_000
#: Work (ns) charged once to the compiled sum by points: importing Numba and loading its cache.
_COST_COMPILED_START = 30e6
#: Most moment values (grids x nodes) binned in one pass over the points (8 bytes each).
_MOMENT_VALUES = 8_000_000
#: Highest Taylor order tried.
MAX_ORDER = 6
#: The Gaussian is evaluated to this many standard deviations (tail < 3e-11 of the peak).
GAUSS_SUPPORT = 7.0
#: Terms of the remainder series summed (u <= 1/2 in use: the rest is below 1e-12).
_TERMS = 48
#: ``(min x, max x, min y, max y)`` of the points.
Box = tuple[float, float, float, float]
#: Estimated work in ns (measured on x86_64): per point (Taylor; linear, compiled), per point and
#: moment grid, per node and transform (growing with the lattice: it no longer fits the caches);
_COST_POINT, _COST_LINEAR_POINT, _COST_MOMENT, _COST_FFT, _FFT_NODES = 35.0, 12.0, 1.5, 6.0, 4e6
#: the compiled sum by points: per point (ordering), per point and thread (quartic, Gaussian),
#: and per point, thread and centre of its square.
_COST_SCATTER_POINT, _COST_SCATTER_CELL = 25.0, 0.22
_SCATTER_KERNEL_POINT = {"quartic": 12.0, "gaussian": 38.0}
#: Threads of the sum by points (as in :mod:`trygg.analysis.kde_compiled`).
_SCATTER_THREADS = max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class Plan:
    """How the fast mode computes one density: ``method``, subdivision, order, estimated ns."""

    method: str
    sub: int
    order: int
    cost: float


def _norm(h: float, kernel: str) -> float:
    return 3.0 / (math.pi * h * h) if kernel == "quartic" else 1.0 / (2.0 * math.pi * h * h)


def _support(h: float, kernel: str) -> float:
    return h if kernel == "quartic" else GAUSS_SUPPORT * h


@cache
def _remainder_coefficients() -> tuple[float, ...]:
    """``C_n = sum_{a+b=n} M_a M_b / (a! b!)`` with ``M_k = max_z |He_k(z) exp(-z^2/2)|``."""
    z = np.linspace(0.0, 20.0, 40_001)
    g = np.exp(-z * z / 2)
    m = [float(np.abs(he * g).max()) for he in _hermite(_TERMS, z)]
    return tuple(
        sum(m[a] * m[n - a] / (math.factorial(a) * math.factorial(n - a)) for a in range(n + 1))
        for n in range(_TERMS + 1)
    )


def _hermite(p: int, z: NDArray[np.float64]) -> list[NDArray[np.float64]]:
    """Probabilists' Hermite polynomials ``He_0 .. He_p`` at ``z``."""
    out = [np.ones_like(z), z.copy()]
    for k in range(1, p):
        out.append(z * out[k] - k * out[k - 1])
    return out[: p + 1]


def taylor_bound(u: float, p: int) -> float:
    """Bound on the Gaussian's Taylor remainder of order ``p`` over the peak, ``u = delta / 2h``.

    Examples
    --------
    >>> taylor_bound(0.25, 4) < 1e-3 < taylor_bound(0.25, 3)
    True
    """
    c = _remainder_coefficients()
    return sum(c[n] * u**n for n in range(p + 1, _TERMS + 1))


def _peak_share(h: float, kernel: str, grid: Grid, box: Box) -> float:
    """Smallest density one point gives its nearest cell centre, over the kernel's peak.

    A point in a cell's corner is half a cell from the centre along each axis;
    a point outside the grid (as far out as the farthest) that much farther.
    """
    c = grid.cell_size
    out_x = max(0.0, grid.x0 - box[0], box[1] - (grid.x0 + grid.n_cols * c))
    out_y = max(0.0, grid.y0 - box[2], box[3] - (grid.y0 + grid.n_rows * c))
    r2 = ((out_x + c / 2) ** 2 + (out_y + c / 2) ** 2) / (h * h)
    if kernel == "gaussian":
        return math.exp(-r2 / 2.0)
    return max(0.0, 1.0 - r2) ** 2


def _node_range(lo: float, hi: float, origin: float, delta: float, out: int, reach: int) -> tuple[int, int]:
    """Nodes of the points between ``lo`` and ``hi`` that can reach an output node."""
    k_lo = max(math.floor((lo - origin) / delta), -reach - 1)
    k_hi = min(math.floor((hi - origin) / delta) + 1, out - 1 + reach)
    return k_lo, max(k_lo, k_hi)


def _lattice_nodes(grid: Grid, box: Box, s: int, reach_m: float) -> float:
    """FFT size of the lattice with subdivision ``s`` for points in ``box``."""
    delta = grid.cell_size / s
    reach = int(math.ceil(reach_m / delta))
    qr, qc = (grid.n_rows - 1) * s + 1, (grid.n_cols - 1) * s + 1
    ax = _axis(*_node_range(box[0], box[1], grid.x0 + grid.cell_size / 2, delta, qc, reach), grid.n_cols, s, reach)
    ay = _axis(*_node_range(box[2], box[3], grid.y0 + grid.cell_size / 2, delta, qr, reach), grid.n_rows, s, reach)
    return float(ax.length * ay.length)


def _scatter_cells(reach: float, grid: Grid, box: Box) -> float:
    """Centres in the square of half-width ``reach`` around a point (within the extent)."""
    r = 2 * math.floor(reach / grid.cell_size) + 1
    span_x = (max(box[1], grid.x0 + grid.n_cols * grid.cell_size) - min(box[0], grid.x0)) / grid.cell_size + 1
    span_y = (max(box[3], grid.y0 + grid.n_rows * grid.cell_size) - min(box[2], grid.y0)) / grid.cell_size + 1
    return min(r, span_x, grid.n_cols) * min(r, span_y, grid.n_rows)


def _scatter_cost(n_points: int, reach: float, kernel: str, grid: Grid, box: Box) -> float:
    per_thread = _SCATTER_KERNEL_POINT[kernel] + _scatter_cells(reach, grid, box) * _COST_SCATTER_CELL
    return _COST_COMPILED_START + n_points * (_COST_SCATTER_POINT + per_thread / _SCATTER_THREADS) + grid.n_cells


def truncated_reach(h: float, share: float) -> float:
    """Gaussian support (metres) whose dropped tail stays within ``TOLERANCE * share`` of the peak.

    Examples
    --------
    >>> round(truncated_reach(1.0, 1.0), 2)
    3.73
    """
    return h * min(GAUSS_SUPPORT, math.sqrt(2.0 * (-math.log(TOLERANCE) - math.log(share))))


def plan(n_points: int, grid: Grid, h: float, kernel: str, box: Box | None = None) -> Plan:
    """The cheapest way to compute the density within ``TOLERANCE`` (or exactly).

    ``box`` is ``(min x, max x, min y, max y)`` of the points (default: the grid).

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 100.0, 500, 500)
    >>> [plan(1_000_000, g, h, "gaussian").method for h in (100.0, 500.0)]
    ['truncated', 'taylor']
    >>> plan(1_000_000, g, 800.0, "quartic").method, plan(1_000_000, g, 2000.0, "quartic").sub
    ('scatter', 2)
    """
    if box is None:
        box = (grid.x0, grid.x0 + grid.n_cols * grid.cell_size, grid.y0, grid.y0 + grid.n_rows * grid.cell_size)
    hc = h / grid.cell_size
    share = _peak_share(h, kernel, grid, box)
    reach = _support(h, kernel)
    best = Plan("scatter", 1, 0, _scatter_cost(n_points, reach, kernel, grid, box))
    if share <= 0:
        return best
    if kernel == "gaussian" and truncated_reach(h, share) < reach:
        cost = _scatter_cost(n_points, truncated_reach(h, share), kernel, grid, box)
        if cost < best.cost:
            best = Plan("truncated", 1, 0, cost)
    for s in range(1, 65):
        nodes = _lattice_nodes(grid, box, s, reach)
        if nodes > MAX_NODES:
            break
        fft = _COST_FFT * (1.0 + nodes / _FFT_NODES)
        u = 1.0 / (2.0 * s * hc)
        lin = QUARTIC_LINEAR * (2.0 * u) ** 2 if kernel == "quartic" else u * u
        if lin <= TOLERANCE * share:
            cost = n_points * _COST_LINEAR_POINT + nodes * 3 * fft
            if cost < best.cost:
                best = Plan("linear", s, 1, cost)
        if kernel == "gaussian":
            for p in range(MAX_ORDER + 1):
                if taylor_bound(u, p) <= TOLERANCE * share:
                    m = (p + 1) * (p + 2) // 2
                    ffts = 0.5 * m + 0.5 * (p + 1) + 1
                    cost = n_points * (_COST_POINT + m * _COST_MOMENT) + nodes * ffts * fft
                    if cost < best.cost:
                        best = Plan("taylor", s, p, cost)
                    break
    return best


def fast_density(
    x: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64], grid: Grid, h: float, kernel: str
) -> tuple[NDArray[np.float64], Plan]:
    """Density at the cell centres by the cheapest plan; see the module docstring."""
    if x.size == 0:
        return np.zeros(grid.shape), Plan("scatter", 1, 0, 0.0)
    box = (float(x.min()), float(x.max()), float(y.min()), float(y.max()))
    pl = plan(x.size, grid, h, kernel, box)
    return density_by(pl, x, y, w, grid, h, kernel, box), pl


def density_by(
    pl: Plan, x: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64], grid: Grid, h: float,
    kernel: str, box: Box,
) -> NDArray[np.float64]:
    """Density at the cell centres by the given plan (``box``: the points' extent)."""
    if pl.method in ("scatter", "truncated"):
        from trygg.analysis.kde_compiled import scatter_density  # imports Numba: only when needed

        reach = _support(h, kernel) if pl.method == "scatter" else truncated_reach(h, _peak_share(h, kernel, grid, box))
        return scatter_density(x, y, w, grid, h, kernel, reach) * _norm(h, kernel)
    return _lattice(x, y, w, grid, h, kernel, pl, box)


# ---------------------------------------------------------------- lattice


@dataclass(frozen=True)
class _Axis:
    """One lattice axis: binned nodes ``lo .. lo + size - 1``, kernel offsets ``off_lo ..
    off_lo + off_n - 1``, FFT length, and the cell centres ``c0 .. c1`` (node ``c * sub``) the
    points reach, centre ``c0`` at index ``t0`` of the convolution."""

    lo: int
    size: int
    off_lo: int
    off_n: int
    length: int
    c0: int
    c1: int
    t0: int


def _axis(k_min: int, k_max: int, n_cells: int, sub: int, reach: int) -> _Axis:
    out = (n_cells - 1) * sub + 1
    off_lo = max(-reach, -k_max)
    off_hi = max(off_lo, min(reach, out - 1 - k_min))
    off_n = off_hi - off_lo + 1
    c0 = max(0, -(-(k_min + off_lo) // sub))
    c1 = min(n_cells - 1, (k_max + off_hi) // sub)
    # Index of node q in the linear convolution: q - k_min - off_lo.
    t0 = c0 * sub - k_min - off_lo
    t1 = c1 * sub - k_min - off_lo
    size = k_max - k_min + 1
    length = sfft.next_fast_len(max(size + off_n - 1 - t0, t1 + 1, 1), real=True)
    return _Axis(k_min, size, off_lo, off_n, length, c0, c1, t0)


def _lattice(
    x: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64], grid: Grid, h: float, kernel: str,
    pl: Plan, box: Box,
) -> NDArray[np.float64]:
    s = pl.sub
    delta = grid.cell_size / s
    reach = int(math.ceil(_support(h, kernel) / delta))
    linear = pl.method == "linear"
    # Linear binning: the node at or below; Taylor: the nearest node.
    shift = 0.0 if linear else 0.5
    ix, ex = _nodes(x, grid.x0 + grid.cell_size / 2 - shift * delta, delta)
    iy, ey = _nodes(y, grid.y0 + grid.cell_size / 2 - shift * delta, delta)
    if not linear:
        ex -= 0.5
        ey -= 0.5
    qr, qc = (grid.n_rows - 1) * s + 1, (grid.n_cols - 1) * s + 1
    lo_x = math.floor((box[0] - grid.x0 - grid.cell_size / 2) / delta) - 1
    hi_x = math.floor((box[1] - grid.x0 - grid.cell_size / 2) / delta) + 1
    lo_y = math.floor((box[2] - grid.y0 - grid.cell_size / 2) / delta) - 1
    hi_y = math.floor((box[3] - grid.y0 - grid.cell_size / 2) / delta) + 1
    if lo_x < -reach - 1 or hi_x > qc - 1 + reach or lo_y < -reach - 1 or hi_y > qr - 1 + reach:
        # Points beyond the kernel's reach of every centre cannot contribute.
        keep = (ix >= -reach - 1) & (ix <= qc - 1 + reach) & (iy >= -reach - 1) & (iy <= qr - 1 + reach)
        ix, iy, ex, ey, w = ix[keep], iy[keep], ex[keep], ey[keep], w[keep]
    out = np.zeros(grid.shape)
    if ix.size == 0:
        return out
    extra = 1 if linear else 0
    ax = _axis(int(ix.min()), int(ix.max()) + extra, grid.n_cols, s, reach)
    ay = _axis(int(iy.min()), int(iy.max()) + extra, grid.n_rows, s, reach)
    if ax.c0 > ax.c1 or ay.c0 > ay.c1:
        return out
    flat = iy
    flat -= ay.lo
    flat *= ax.size
    flat += ix
    flat -= ax.lo
    if linear:
        spec = _linear_spectrum(_bin_linear(flat, ex, ey, w, ay.size, ax.size), h, kernel, delta, ax, ay)
    else:
        spec = _taylor_spectrum(flat, ex, ey, w, ax, ay, h, delta, pl.order)
    # Inverse transform along y, keep the rows of cell centres, then along x.
    rows = sfft.ifft(spec, axis=0, workers=-1)[ay.t0 : ay.t0 + (ay.c1 - ay.c0) * s + 1 : s]
    full = sfft.irfft(rows, n=ax.length, axis=1, workers=-1)
    dens = full[:, ax.t0 : ax.t0 + (ax.c1 - ax.c0) * s + 1 : s]
    # FFT round-off leaves tiny negative values where the density is 0.
    out[ay.c0 : ay.c1 + 1, ax.c0 : ax.c1 + 1] = np.maximum(dens, 0.0)
    return out


def _nodes(v: NDArray[np.float64], origin: float, delta: float) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Node at or below each coordinate and the offset from it, in nodes (``[0, 1)``)."""
    f = v - origin
    f *= 1.0 / delta
    k = np.floor(f)
    f -= k
    return k.astype(np.intp), f


def _forward(a: NDArray[np.float64], ax: _Axis, ay: _Axis) -> NDArray[np.complex128]:
    """2-D real FFT zero-padded to the lattice's lengths (rows past ``a`` never transformed)."""
    f = sfft.rfft(a, n=ax.length, axis=1, workers=-1)
    return np.asarray(sfft.fft(f, n=ay.length, axis=0, workers=-1))


def _bin_linear(
    flat: NDArray[np.intp], ex: NDArray[np.float64], ey: NDArray[np.float64], w: NDArray[np.float64],
    n_rows: int, n_cols: int,
) -> NDArray[np.float64]:
    """Cloud-in-cell: each point's weight shared among its four nodes (``flat`` is the lower-left one)."""
    if flat.size >= COMPILED_MIN_POINTS:
        from trygg.analysis.kde_compiled import cic_bin  # imports Numba: only when it pays

        return cic_bin(flat, ex, ey, w, n_rows, n_cols)
    n = n_rows * n_cols
    wy1 = w * ey
    wy0 = w - wy1
    wy1x = wy1 * ex
    wy1 -= wy1x
    wy0x = wy0 * ex
    wy0 -= wy0x
    shape = (n_rows, n_cols)
    grid: NDArray[np.float64] = np.bincount(flat, wy0, minlength=n).reshape(shape).astype(np.float64, copy=False)
    grid[:, 1:] += np.bincount(flat, wy0x, minlength=n).reshape(shape)[:, :-1]
    grid[1:, :] += np.bincount(flat, wy1, minlength=n).reshape(shape)[:-1, :]
    grid[1:, 1:] += np.bincount(flat, wy1x, minlength=n).reshape(shape)[:-1, :-1]
    return grid


def _bin_moments(
    flat: NDArray[np.intp], ex: NDArray[np.float64], ey: NDArray[np.float64], w: NDArray[np.float64],
    n_nodes: int, n_cols: int, powers: list[tuple[int, int]],
) -> NDArray[np.float64]:
    """``sum w ex^a ey^b`` at each node for every ``(a, b)`` of ``powers``: shape ``(len(powers), n_nodes)``."""
    if flat.size >= COMPILED_MIN_POINTS:
        from trygg.analysis.kde_compiled import moment_grids  # imports Numba: only when it pays

        return moment_grids(flat, ex, ey, w, n_nodes, n_cols, powers)
    return np.stack([np.bincount(flat, w * ex**a * ey**b, minlength=n_nodes) for a, b in powers])


def _offsets(a: _Axis, delta: float) -> NDArray[np.float64]:
    return np.asarray((a.off_lo + np.arange(a.off_n)) * delta, dtype=np.float64)


def _linear_spectrum(
    grid: NDArray[np.float64], h: float, kernel: str, delta: float, ax: _Axis, ay: _Axis
) -> NDArray[np.complex128]:
    fm = _forward(grid, ax, ay)
    ox, oy = _offsets(ax, delta), _offsets(ay, delta)
    if kernel == "gaussian":
        gx = np.exp(-ox * ox / (2 * h * h))
        gy = np.exp(-oy * oy / (2 * h * h))
        fm *= sfft.rfft(gx, n=ax.length)[None, :]
        fm *= sfft.fft(gy, n=ay.length)[:, None]
        return fm * _norm(h, kernel)
    r2 = (ox[None, :] ** 2 + oy[:, None] ** 2) / (h * h)
    u = np.clip(1.0 - r2, 0.0, None)
    # Minus delta^2 / 12 times the Laplacian (16 r^2 - 8) / h^2 inside the disc: see QUARTIC_LINEAR.
    template = u * u - np.where(u > 0, (delta / h) ** 2 / 12.0 * (16.0 * r2 - 8.0), 0.0)
    fm *= _forward(_norm(h, kernel) * template, ax, ay)
    return fm


def _taylor_spectrum(
    flat: NDArray[np.intp], ex: NDArray[np.float64], ey: NDArray[np.float64], w: NDArray[np.float64],
    ax: _Axis, ay: _Axis, h: float, delta: float, p: int,
) -> NDArray[np.complex128]:
    """Sum over the moments of FFT(moment grid) x FFT(Gaussian Taylor term), separably."""
    n = ax.size * ay.size

    def terms(a: _Axis, axis_len: int, real: bool) -> list[NDArray[np.complex128]]:
        o = _offsets(a, delta) / h
        g = np.exp(-o * o / 2)
        he = _hermite(p, o)
        r = delta / h
        out = []
        for k in range(p + 1):
            f = he[k] * g * (r**k / math.factorial(k))
            out.append(sfft.rfft(f, n=axis_len) if real else sfft.fft(f, n=axis_len))
        return out

    tx = terms(ax, ax.length, True)
    ty = terms(ay, ay.length, False)
    # The moments (a, b), a + b <= p, by b then a; as many grids per pass as _MOMENT_VALUES allows.
    powers = [(a, b) for b in range(p + 1) for a in range(p + 1 - b)]
    per_pass = max(1, _MOMENT_VALUES // n)
    grids: dict[tuple[int, int], NDArray[np.float64]] = {}

    total: NDArray[np.complex128] | None = None
    for b in range(p + 1):
        row_sum: NDArray[np.complex128] | None = None
        for a in range(p + 1 - b):
            if (a, b) not in grids:
                todo = powers[powers.index((a, b)) :][:per_pass]
                grids = dict(zip(todo, _bin_moments(flat, ex, ey, w, n, ax.size, todo), strict=True))
            m = grids.pop((a, b)).reshape(ay.size, ax.size)
            fm = sfft.rfft(m, n=ax.length, axis=1, workers=-1)
            fm *= tx[a][None, :]
            if row_sum is None:
                row_sum = fm
            else:
                row_sum += fm
        assert row_sum is not None
        col = sfft.fft(row_sum, n=ay.length, axis=0, workers=-1)
        col *= ty[b][:, None]
        if total is None:
            total = col
        else:
            total += col
    assert total is not None
    return total * _norm(h, "gaussian")
