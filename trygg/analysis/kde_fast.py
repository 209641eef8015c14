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
  ``delta^2 / 8 * (max|K_xx| + max|K_yy|)``: ``(delta / h)^2`` of the peak
  for the quartic (its second derivatives reach ``8 / h^2`` of the peak,
  also where they jump at the edge), ``(delta / 2h)^2`` for the Gaussian.

The bound is divided by the smallest density one point gives its nearest
cell centre (a point can lie in a cell's corner) and must stay under
``TOLERANCE``. Among the (binning, ``s``, ``p``) that satisfy it the plan
with the least estimated work wins, compared with an exact sum by cell
offsets (``"scatter"``), which is cheapest when the kernel covers few cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import scipy.fft as sfft
from numpy.typing import NDArray

from trygg.analysis.grid import Grid

__all__ = ["TOLERANCE", "Plan", "fast_density", "plan"]

#: Bound on the relative error the fast mode allows itself.
TOLERANCE = 0.95e-3
#: Largest lattice (nodes incl. padding); memory is about 6 float64 arrays of this size.
MAX_NODES = 9_000_000
#: Highest Taylor order tried.
MAX_ORDER = 6
#: The Gaussian is evaluated to this many standard deviations (tail < 3e-11 of the peak).
GAUSS_SUPPORT = 7.0
#: Terms of the remainder series summed (u <= 1/2 in use: the rest is below 1e-12).
_TERMS = 48
#: Estimated work in ns: per point, per point and moment grid, per node and transform,
#: per point and cell offset of the scatter.
_COST_POINT, _COST_MOMENT, _COST_FFT, _COST_SCATTER = 25.0, 5.0, 6.0, 9.0


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


def _peak_share(h_cells: float, kernel: str) -> float:
    """Smallest density one point gives its nearest cell centre, over the kernel's peak."""
    r2 = 0.5 / (h_cells * h_cells)  # (corner distance / h)^2
    if kernel == "gaussian":
        return math.exp(-r2 / 2.0)
    return max(0.0, 1.0 - r2) ** 2


def _lattice_nodes(grid: Grid, s: int, reach: float) -> float:
    """Lattice size for subdivision ``s`` with the kernel's reach (nodes)."""
    r = 2 * math.ceil(reach * s / grid.cell_size)
    return float(((grid.n_rows - 1) * s + 1 + r) * ((grid.n_cols - 1) * s + 1 + r))


def _scatter_offsets(h: float, kernel: str, cell: float) -> int:
    r = _support(h, kernel) / cell + 0.5
    return int(math.pi * r * r) + 4


def plan(n_points: int, grid: Grid, h: float, kernel: str) -> Plan:
    """The cheapest way to compute the density within ``TOLERANCE`` (or exactly).

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 100.0, 500, 500)
    >>> plan(1_000_000, g, 200.0, "gaussian").method, plan(1_000_000, g, 1200.0, "quartic").sub
    ('taylor', 3)
    """
    hc = h / grid.cell_size
    share = _peak_share(hc, kernel)
    reach = _support(h, kernel)
    best = Plan("scatter", 1, 0, n_points * _scatter_offsets(h, kernel, grid.cell_size) * _COST_SCATTER
                + _scatter_offsets(h, kernel, grid.cell_size) * grid.n_cells)
    if share <= 0:
        return best
    for s in range(1, 65):
        nodes = _lattice_nodes(grid, s, reach)
        if nodes > MAX_NODES:
            break
        u = 1.0 / (2.0 * s * hc)
        lin = (2.0 * u) ** 2 if kernel == "quartic" else u * u
        if lin <= TOLERANCE * share:
            cost = n_points * (_COST_POINT + 4 * _COST_MOMENT) + nodes * 3 * _COST_FFT
            if cost < best.cost:
                best = Plan("linear", s, 1, cost)
        if kernel == "gaussian":
            for p in range(MAX_ORDER + 1):
                if taylor_bound(u, p) <= TOLERANCE * share:
                    m = (p + 1) * (p + 2) // 2
                    ffts = 0.5 * m + 0.5 * (p + 1) + 1
                    cost = n_points * (_COST_POINT + m * _COST_MOMENT) + nodes * ffts * _COST_FFT
                    if cost < best.cost:
                        best = Plan("taylor", s, p, cost)
                    break
    return best


def fast_density(
    x: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64], grid: Grid, h: float, kernel: str
) -> tuple[NDArray[np.float64], Plan]:
    """Density at the cell centres by the cheapest plan; see the module docstring."""
    pl = plan(x.size, grid, h, kernel)
    if pl.method == "scatter":
        return _scatter(x, y, w, grid, h, kernel), pl
    return _lattice(x, y, w, grid, h, kernel, pl), pl


# ---------------------------------------------------------------- lattice


@dataclass(frozen=True)
class _Axis:
    """One axis of the lattice: binned nodes ``lo .. lo + size - 1``, kernel offsets, FFT length."""

    lo: int
    size: int
    off_lo: int
    off_n: int
    start: int
    length: int
    out: int


def _axis(k_min: int, k_max: int, out: int, reach: int) -> _Axis:
    lo, size = k_min, k_max - k_min + 1
    off_lo = max(-reach, -k_max)
    off_hi = min(reach, out - 1 - k_min)
    off_n = max(1, off_hi - off_lo + 1)
    start = -k_min - off_lo  # index of output node 0 in the linear convolution
    length = sfft.next_fast_len(max(size + off_n - 1 - start, start + out), real=True)
    return _Axis(lo, size, off_lo, off_n, start, length, out)


def _lattice(
    x: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64], grid: Grid, h: float, kernel: str,
    pl: Plan,
) -> NDArray[np.float64]:
    s = pl.sub
    delta = grid.cell_size / s
    qr, qc = (grid.n_rows - 1) * s + 1, (grid.n_cols - 1) * s + 1
    reach = int(math.ceil(_support(h, kernel) / delta))
    fx = (x - (grid.x0 + grid.cell_size / 2)) / delta
    fy = (y - (grid.y0 + grid.cell_size / 2)) / delta
    linear = pl.method == "linear"
    kx = np.floor(fx) if linear else np.floor(fx + 0.5)
    ky = np.floor(fy) if linear else np.floor(fy + 0.5)
    ex, ey = fx - kx, fy - ky
    # Points beyond the kernel's reach of every centre cannot contribute.
    keep = (kx >= -reach - 1) & (kx <= qc - 1 + reach) & (ky >= -reach - 1) & (ky <= qr - 1 + reach)
    if not keep.all():
        kx, ky, ex, ey, w = kx[keep], ky[keep], ex[keep], ey[keep], w[keep]
    if kx.size == 0:
        return np.zeros(grid.shape)
    ix, iy = kx.astype(np.intp), ky.astype(np.intp)
    extra = 1 if linear else 0
    ax = _axis(int(ix.min()), int(ix.max()) + extra, qc, reach)
    ay = _axis(int(iy.min()), int(iy.max()) + extra, qr, reach)
    flat = (iy - ay.lo) * ax.size + (ix - ax.lo)
    if linear:
        spec = _linear_spectrum(_binned_linear(flat, ex, ey, w, ax, ay), h, kernel, delta, ax, ay)
    else:
        spec = _taylor_spectrum(flat, ex, ey, w, ax, ay, h, delta, pl.order)
    full = sfft.irfft2(spec, s=(ay.length, ax.length), workers=-1)
    dens = full[ay.start : ay.start + qr : s, ax.start : ax.start + qc : s]
    # FFT round-off leaves tiny negative values where the density is 0.
    return np.maximum(dens, 0.0)


def _binned_linear(
    flat: NDArray[np.intp], ex: NDArray[np.float64], ey: NDArray[np.float64], w: NDArray[np.float64],
    ax: _Axis, ay: _Axis,
) -> NDArray[np.float64]:
    """Cloud-in-cell: each point's weight shared among its four nodes."""
    n = ax.size * ay.size
    wy1 = w * ey
    wy0 = w - wy1
    grid = np.bincount(flat, wy0 - wy0 * ex, minlength=n).reshape(ay.size, ax.size)
    grid[:, 1:] += np.bincount(flat, wy0 * ex, minlength=n).reshape(ay.size, ax.size)[:, :-1]
    grid[1:, :] += np.bincount(flat, wy1 - wy1 * ex, minlength=n).reshape(ay.size, ax.size)[:-1, :]
    grid[1:, 1:] += np.bincount(flat, wy1 * ex, minlength=n).reshape(ay.size, ax.size)[:-1, :-1]
    return grid


def _offsets(a: _Axis, delta: float) -> NDArray[np.float64]:
    return (a.off_lo + np.arange(a.off_n)) * delta


def _linear_spectrum(
    grid: NDArray[np.float64], h: float, kernel: str, delta: float, ax: _Axis, ay: _Axis
) -> NDArray[np.complex128]:
    fm = sfft.rfft2(grid, s=(ay.length, ax.length), workers=-1)
    ox, oy = _offsets(ax, delta), _offsets(ay, delta)
    if kernel == "gaussian":
        gx = np.exp(-ox * ox / (2 * h * h))
        gy = np.exp(-oy * oy / (2 * h * h))
        fm *= sfft.rfft(gx, n=ax.length)[None, :]
        fm *= sfft.fft(gy, n=ay.length)[:, None]
        return fm * _norm(h, kernel)
    u = np.clip(1.0 - (ox[None, :] ** 2 + oy[:, None] ** 2) / (h * h), 0.0, None)
    return fm * sfft.rfft2(_norm(h, kernel) * u * u, s=(ay.length, ax.length), workers=-1)


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
    total: NDArray[np.complex128] | None = None
    wy = w
    for b in range(p + 1):
        row_sum: NDArray[np.complex128] | None = None
        wxy = wy
        for a in range(p + 1 - b):
            m = np.bincount(flat, wxy, minlength=n).reshape(ay.size, ax.size)
            fm = sfft.rfft(m, n=ax.length, axis=1, workers=-1) * tx[a][None, :]
            row_sum = fm if row_sum is None else row_sum + fm
            if a < p - b:
                wxy = wxy * ex
        assert row_sum is not None
        col = sfft.fft(row_sum, n=ay.length, axis=0, workers=-1) * ty[b][:, None]
        total = col if total is None else total + col
        if b < p:
            wy = wy * ey
    assert total is not None
    return total * _norm(h, "gaussian")


# ---------------------------------------------------------------- exact by cell offsets


def _scatter(
    x: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64], grid: Grid, h: float, kernel: str
) -> NDArray[np.float64]:
    """Exact kernel sum, one pass over the points per cell offset within the kernel's support."""
    c = grid.cell_size
    rc = int(math.ceil(_support(h, kernel) / c + 0.5))
    col = np.floor((x - grid.x0) / c)
    row = np.floor((y - grid.y0) / c)
    keep = (col >= -rc) & (col < grid.n_cols + rc) & (row >= -rc) & (row < grid.n_rows + rc)
    if not keep.all():
        x, y, w, col, row = x[keep], y[keep], w[keep], col[keep], row[keep]
    pr, pc = grid.n_rows + 2 * rc, grid.n_cols + 2 * rc
    out = np.zeros((pr, pc))
    if x.size == 0:
        return out[rc:-rc, rc:-rc]
    flat = (row.astype(np.intp) + rc) * pc + (col.astype(np.intp) + rc)
    # Offsets from each point to the centre of its own cell.
    dx0 = grid.x0 + (col + 0.5) * c - x
    dy0 = grid.y0 + (row + 0.5) * c - y
    sup2 = _support(h, kernel) ** 2
    for dr in range(-rc, rc + 1):
        dy = dy0 + dr * c
        for dc in range(-rc, rc + 1):
            # Nearest a point of the cell can be to that centre, in cells.
            near = max(0.0, abs(dr) - 0.5) ** 2 + max(0.0, abs(dc) - 0.5) ** 2
            if near * c * c >= sup2:
                continue
            dx = dx0 + dc * c
            r2 = dx * dx + dy * dy
            if kernel == "gaussian":
                val = np.exp(r2 * (-0.5 / (h * h)))
            else:
                val = np.clip(1.0 - r2 / (h * h), 0.0, None)
                val *= val
            val *= w
            part = np.bincount(flat, val, minlength=pr * pc).reshape(pr, pc)
            # The point's cell (r, c) gives to the centre (r + dr, c + dc).
            out[max(0, dr) : pr + min(0, dr), max(0, dc) : pc + min(0, dc)] += part[
                max(0, -dr) : pr + min(0, -dr), max(0, -dc) : pc + min(0, -dc)
            ]
    return out[rc : rc + grid.n_rows, rc : rc + grid.n_cols] * _norm(h, kernel)
