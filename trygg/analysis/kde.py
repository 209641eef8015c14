"""Kernel density on a regular grid, evaluated at the cell centres.

Kernels (2-D, each integrating to 1, ``r`` the distance, ``h`` the bandwidth):

* ``"quartic"`` (biweight): ``3 / (pi h^2) * (1 - r^2/h^2)^2`` for ``r < h``,
  0 beyond; ``h`` is the search radius.
* ``"gaussian"``: ``1 / (2 pi h^2) * exp(-r^2 / (2 h^2))``; ``h`` is the
  standard deviation along each axis.

The density is ``sum_i w_i K(c - p_i)`` in points per square metre at each
cell centre ``c``; multiply by ``1e6`` for points per km^2.

Bandwidth rule (when none is given): Scott's rule for 2-D data with a robust
scale, ``sigma = n^(-1/6) * sqrt((s_x^2 + s_y^2) / 2)`` where each ``s`` is
``min(standard deviation, IQR / 1.349)``. For the quartic kernel the radius
``h = sqrt(8) * sigma`` gives the same standard deviation per axis. The
bandwidth is never below half a cell.

Modes
-----
``"exact"`` is the direct kernel sum (Gaussian: as a product of two matrices
of one-dimensional kernel values, which is exact because the Gaussian
separates; quartic: over point pairs found with a k-d tree).

``"fast"`` bins the points to a lattice of ``s`` x ``s`` nodes per cell and
convolves with the kernel sampled at node offsets by FFT, reading the result
at the cell centres (see :mod:`trygg.analysis.kde_fast`): the Gaussian by a
Taylor expansion of order ``p`` around the nearest node or by linear
("cloud-in-cell") binning, the quartic by linear binning. ``s`` and ``p`` are
chosen from the bandwidth so that a bound on the error stays under 1e-3 of
the density one point gives its nearest cell centre, at the least estimated
work. When the kernel covers only a few cells a compiled sum by points is
cheaper and is used instead: over the whole support (exact, reported as
``mode="exact"``), or for the Gaussian cut where its tail falls under the
same 1e-3 (see :mod:`trygg.analysis.kde_compiled`). The FFT covers the whole
kernel support (or the whole grid), so no mass is lost there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trygg.analysis.grid import Grid
from trygg.analysis.kde_fast import fast_density

__all__ = ["KernelDensity", "kernel_density", "scott_bandwidth"]

Kernel = Literal["quartic", "gaussian"]
Mode = Literal["fast", "exact"]

@dataclass(frozen=True)
class KernelDensity:
    """Kernel density at the cell centres of a grid.

    Attributes
    ----------
    density : ndarray, shape (n_rows, n_cols)
        Points (or weights) per square metre.
    bandwidth : float
        Bandwidth in metres (quartic radius, Gaussian standard deviation).
    kernel : str
        ``"quartic"`` or ``"gaussian"``.
    mode : str
        ``"fast"`` or ``"exact"``: how it was computed.
    bandwidth_rule : str
        ``"given"`` or ``"scott-robust"``.
    """

    density: NDArray[np.float64]
    bandwidth: float
    kernel: str
    mode: str
    bandwidth_rule: str


def scott_bandwidth(x: ArrayLike, y: ArrayLike, kernel: Kernel = "quartic") -> float:
    """Bandwidth by Scott's rule with a robust scale (see the module docstring).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(scott_bandwidth(rng.normal(0, 100, 10_000), rng.normal(0, 100, 10_000), "gaussian"))
    21
    """
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    n = xa.size
    if n < 2:
        raise ValueError("a bandwidth rule needs 2 or more points; pass the bandwidth instead.")

    def scale(a: NDArray[np.float64]) -> float:
        q75, q25 = np.percentile(a, [75, 25])
        sd = float(a.std(ddof=1))
        iqr = float(q75 - q25) / 1.349
        return min(sd, iqr) if iqr > 0 else sd

    sigma = n ** (-1.0 / 6.0) * math.sqrt((scale(xa) ** 2 + scale(ya) ** 2) / 2.0)
    return sigma * math.sqrt(8.0) if kernel == "quartic" else sigma


def kernel_density(
    x: ArrayLike,
    y: ArrayLike,
    grid: Grid,
    *,
    bandwidth: float | None = None,
    kernel: Kernel = "quartic",
    mode: Mode = "fast",
    weights: ArrayLike | None = None,
) -> KernelDensity:
    """Kernel density of points at the cell centres of ``grid``.

    Parameters
    ----------
    x, y : array_like
        Projected coordinates in metres.
    grid : Grid
        Where to evaluate; points outside it still contribute.
    bandwidth : float, optional
        In metres. By default Scott's robust rule, at least half a cell.
    kernel : {"quartic", "gaussian"}
    mode : {"fast", "exact"}
    weights : array_like, optional
        One weight per point (default 1).

    Returns
    -------
    KernelDensity

    Examples
    --------
    >>> from trygg.analysis.grid import grid_for_points
    >>> xs, ys = np.array([0.0, 100.0, 1000.0]), np.array([0.0, 50.0, 990.0])
    >>> g = grid_for_points(xs, ys, 100.0)
    >>> fast = kernel_density(xs, ys, g, bandwidth=300.0).density
    >>> exact = kernel_density(xs, ys, g, bandwidth=300.0, mode="exact").density
    >>> bool(np.abs(fast - exact).max() < 1e-3 * exact.max())
    True
    """
    xa = np.asarray(x, dtype=np.float64).ravel()
    ya = np.asarray(y, dtype=np.float64).ravel()
    w = np.ones_like(xa) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if xa.shape != ya.shape or xa.shape != w.shape:
        raise ValueError("x, y and weights must have the same length.")
    if kernel not in ("quartic", "gaussian"):
        raise ValueError(f"kernel must be 'quartic' or 'gaussian', got {kernel!r}.")
    rule = "given"
    if bandwidth is None:
        bandwidth = max(scott_bandwidth(xa, ya, kernel), grid.cell_size / 2.0)
        rule = "scott-robust"
    h = float(bandwidth)
    if not h > 0:
        raise ValueError(f"bandwidth must be positive, got {bandwidth!r}.")
    if mode == "exact":
        dens = _exact(xa, ya, w, grid, h, kernel)
    elif mode == "fast":
        dens, plan = fast_density(xa, ya, w, grid, h, kernel)
        if plan.method == "scatter":
            mode = "exact"
    else:
        raise ValueError(f"mode must be 'fast' or 'exact', got {mode!r}.")
    return KernelDensity(density=dens, bandwidth=h, kernel=kernel, mode=mode, bandwidth_rule=rule)


# ---------------------------------------------------------------- kernels


def _norm(h: float, kernel: Kernel) -> float:
    return 3.0 / (math.pi * h * h) if kernel == "quartic" else 1.0 / (2.0 * math.pi * h * h)


# ---------------------------------------------------------------- exact


def _exact(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    w: NDArray[np.float64],
    grid: Grid,
    h: float,
    kernel: Kernel,
) -> NDArray[np.float64]:
    cx, cy = grid.centres()
    if kernel == "gaussian":
        out = np.zeros(grid.shape)
        chunk = max(1, 4_000_000 // max(grid.n_cols, grid.n_rows))
        for i in range(0, x.size, chunk):
            sl = slice(i, i + chunk)
            gx = np.exp(-((cx[:, None] - x[None, sl]) ** 2) / (2 * h * h))
            gy = np.exp(-((cy[:, None] - y[None, sl]) ** 2) / (2 * h * h)) * w[None, sl]
            out += gy @ gx.T
        return out * _norm(h, kernel)
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack([x, y]))
    xx, yy = np.meshgrid(cx, cy)
    centres = np.column_stack([xx.ravel(), yy.ravel()])
    flat = np.zeros(grid.n_cells)
    chunk = 4096
    for i in range(0, centres.shape[0], chunk):
        ctree = cKDTree(centres[i : i + chunk])
        sdm = ctree.sparse_distance_matrix(tree, h, output_type="ndarray")
        d2 = sdm["v"] ** 2
        val = np.where(d2 < h * h, (1.0 - d2 / (h * h)) ** 2, 0.0) * w[sdm["j"]]
        flat[i : i + chunk] += np.bincount(sdm["i"], val, minlength=min(chunk, centres.shape[0] - i))
    return flat.reshape(grid.shape) * _norm(h, kernel)


