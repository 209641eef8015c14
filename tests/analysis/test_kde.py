"""Kernel density: exact mode equals a direct kernel sum, fast mode is within 1e-3 of it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trygg.analysis.grid import Grid, grid_for_points
from trygg.analysis.kde import kernel_density, scott_bandwidth


def _direct(x: np.ndarray, y: np.ndarray, grid: Grid, h: float, kernel: str) -> np.ndarray:
    cx, cy = grid.centres()
    xx, yy = np.meshgrid(cx, cy)
    d2 = (xx[..., None] - x) ** 2 + (yy[..., None] - y) ** 2
    if kernel == "gaussian":
        return np.exp(-d2 / (2 * h * h)).sum(axis=-1) / (2 * math.pi * h * h)
    u = np.clip(1 - d2 / (h * h), 0, None)
    return (u * u).sum(axis=-1) * 3 / (math.pi * h * h)


def _points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    c = rng.uniform(0, 3000, (5, 2))
    k = rng.integers(0, 5, n)
    return c[k, 0] + rng.normal(0, 200, n), c[k, 1] + rng.normal(0, 200, n)


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("h", [40.0, 150.0, 700.0])
def test_exact_mode_equals_the_direct_sum(kernel: str, h: float) -> None:
    x, y = _points(300, 1)
    g = grid_for_points(x, y, 100.0)
    ours = kernel_density(x, y, g, bandwidth=h, kernel=kernel, mode="exact").density  # type: ignore[arg-type]
    ref = _direct(x, y, g, h, kernel)
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-9 * ref.max())


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("h", [60.0, 120.0, 300.0, 800.0, 1500.0, 3300.0, 20_000.0, 1e6])
def test_fast_mode_is_within_1e3_of_exact(kernel: str, h: float) -> None:
    x, y = _points(2000, 2)
    g = grid_for_points(x, y, 100.0)
    fast = kernel_density(x, y, g, bandwidth=h, kernel=kernel).density  # type: ignore[arg-type]
    exact = kernel_density(x, y, g, bandwidth=h, kernel=kernel, mode="exact").density  # type: ignore[arg-type]
    assert np.abs(fast - exact).max() <= 1e-3 * exact.max()


def test_gaussian_matches_scipy() -> None:
    from scipy.stats import multivariate_normal

    x, y = _points(200, 3)
    g = grid_for_points(x, y, 150.0)
    h = 250.0
    cx, cy = g.centres()
    xx, yy = np.meshgrid(cx, cy)
    centres = np.column_stack([xx.ravel(), yy.ravel()])
    ref = sum(multivariate_normal([a, b], h * h).pdf(centres) for a, b in zip(x, y, strict=True))
    ours = kernel_density(x, y, g, bandwidth=h, kernel="gaussian", mode="exact").density
    np.testing.assert_allclose(ours.ravel(), ref, rtol=1e-9, atol=1e-12 * ref.max())


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 60),
    st.floats(300.0, 900.0),
    st.sampled_from(["quartic", "gaussian"]),
    st.integers(0, 10_000),
)
def test_mass_is_conserved_when_the_grid_holds_the_kernel(n: int, h: float, kernel: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(4000, 6000, n), rng.uniform(4000, 6000, n)
    g = Grid(0.0, 0.0, 50.0, 200, 200)
    fast = kernel_density(x, y, g, bandwidth=h, kernel=kernel).density.sum()  # type: ignore[arg-type]
    exact = kernel_density(x, y, g, bandwidth=h, kernel=kernel, mode="exact").density.sum()  # type: ignore[arg-type]
    assert abs(fast - exact) <= 1e-3 * exact
    # The cell-centre sum approximates the integral (1 per point) to the Riemann error.
    assert abs(exact * 50.0**2 - n) < 1e-2 * n


def test_large_bandwidth_loses_no_mass_inside_the_grid() -> None:
    """KDEpy's FFTKDE truncates wide kernels; here the FFT covers the whole grid."""
    x, y = np.array([10.0]), np.array([10.0])
    g = Grid(0.0, 0.0, 20.0, 100, 100)
    h = 5000.0
    d = kernel_density(x, y, g, bandwidth=h, kernel="gaussian").density
    far = math.exp(-(1980.0**2 + 1980.0**2) / (2 * h * h)) / (2 * math.pi * h * h)
    assert d[-1, -1] == pytest.approx(far, rel=1e-6)


def test_weights_scale_the_density() -> None:
    x, y = _points(50, 4)
    g = grid_for_points(x, y, 100.0)
    a = kernel_density(x, y, g, bandwidth=400.0).density
    b = kernel_density(x, y, g, bandwidth=400.0, weights=np.full(50, 2.0)).density
    np.testing.assert_allclose(b, 2 * a, rtol=1e-9, atol=1e-20)


def test_scott_rule_is_used_and_named_when_no_bandwidth() -> None:
    x, y = _points(500, 5)
    r = kernel_density(x, y, grid_for_points(x, y, 100.0))
    assert r.bandwidth_rule == "scott-robust"
    assert r.bandwidth == pytest.approx(max(scott_bandwidth(x, y, "quartic"), 50.0))


def test_bad_kernel_is_refused() -> None:
    with pytest.raises(ValueError, match="kernel"):
        kernel_density([0.0], [0.0], Grid(0, 0, 1, 2, 2), bandwidth=1.0, kernel="box")  # type: ignore[arg-type]


# ---------------------------------------------------------------- small bandwidths (sub-cell lattice, exact by offsets)

SMALL_CELLS = [0.3, 0.6, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0]


def _worst_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Clusters, points on cell corners and edges, and a stack of points at one spot."""
    rng = np.random.default_rng(seed)
    x, y = _points(n, seed)
    x, y = x / 3 + 500, y / 3 + 500
    k = n // 4
    x[:k], y[:k] = np.round(x[:k], -2), np.round(y[:k], -2)  # corners of 100 m cells
    x[k : 2 * k] = np.round(x[k : 2 * k], -2) + 50.0  # mid-edge
    x[-20:], y[-20:] = x[0] + 0.5, y[0] + 0.5
    return x + rng.uniform(-1e-3, 1e-3, n), y


@pytest.fixture(params=["cheapest", "lattice", "compiled-lattice", "points"])
def plan_choice(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The plan the cost model picks, a lattice forced (the sum by points priced out; binned by NumPy or
    by the compiled loops), or the sum by points."""
    from trygg.analysis import kde_fast

    if request.param in ("lattice", "compiled-lattice"):
        monkeypatch.setattr(kde_fast, "_COST_SCATTER_POINT", math.inf)
    if request.param == "compiled-lattice":
        monkeypatch.setattr(kde_fast, "COMPILED_MIN_POINTS", 0)
    elif request.param == "points":
        monkeypatch.setattr(kde_fast, "_COST_POINT", math.inf)
        monkeypatch.setattr(kde_fast, "_COST_LINEAR_POINT", math.inf)
    return str(request.param)


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("cells", SMALL_CELLS)
def test_fast_mode_is_within_1e3_of_exact_at_small_bandwidths(kernel: str, cells: float, plan_choice: str) -> None:
    x, y = _worst_points(400, 7)
    g = grid_for_points(x, y, 100.0)
    h = cells * 100.0
    fast = kernel_density(x, y, g, bandwidth=h, kernel=kernel)  # type: ignore[arg-type]
    ref = _direct(x, y, g, h, kernel)
    assert np.abs(fast.density - ref).max() <= 1e-3 * ref.max()
    assert fast.density.shape == g.shape and (fast.density >= 0).all()


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("cells", [0.6, 1.0, 2.0, 4.0, 9.0, 15.0, 31.0])
@pytest.mark.parametrize("where", [(0.0, 0.0), (0.5, 0.5), (50.0, 0.0), (50.0, 50.0), (37.3, 81.1)])
def test_a_single_point_anywhere_in_its_cell(
    kernel: str, cells: float, where: tuple[float, float], plan_choice: str
) -> None:
    """One point (the worst case for binning: no neighbours to average the error away)."""
    g = Grid(0.0, 0.0, 100.0, 61, 61)
    x, y = np.array([3000.0 + where[0]]), np.array([3000.0 + where[1]])
    h = cells * 100.0
    fast = kernel_density(x, y, g, bandwidth=h, kernel=kernel).density  # type: ignore[arg-type]
    ref = _direct(x, y, g, h, kernel)
    assert np.abs(fast - ref).max() <= 1e-3 * ref.max()


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("cells", [0.8, 1.5, 3.0, 8.0])
def test_mass_is_conserved_at_small_bandwidths(kernel: str, cells: float, plan_choice: str) -> None:
    rng = np.random.default_rng(11)
    n = 300
    x, y = rng.uniform(2500, 3500, n), rng.uniform(2500, 3500, n)
    g = Grid(0.0, 0.0, 100.0, 60, 60)
    h = cells * 100.0
    fast = kernel_density(x, y, g, bandwidth=h, kernel=kernel).density.sum()  # type: ignore[arg-type]
    exact = _direct(x, y, g, h, kernel).sum()
    assert abs(fast - exact) <= 1e-3 * exact
    # The kernel integrates to one: the cell sums hold one point each (to the Riemann error).
    assert fast * 100.0**2 == pytest.approx(n, rel=2e-2 if cells < 1 else 1e-3)


def test_points_outside_the_grid_still_count(plan_choice: str) -> None:
    x, y = np.array([-150.0, 1250.0, 500.0]), np.array([500.0, 500.0, -3000.0])
    g = Grid(0.0, 0.0, 100.0, 10, 10)
    for kernel, h in (("gaussian", 80.0), ("gaussian", 300.0), ("quartic", 250.0), ("quartic", 900.0)):
        fast = kernel_density(x, y, g, bandwidth=h, kernel=kernel).density  # type: ignore[arg-type]
        ref = _direct(x, y, g, h, kernel)
        assert ref.max() > 0
        assert np.abs(fast - ref).max() <= 1e-3 * ref.max()


def test_the_plan_follows_the_bandwidth() -> None:
    from trygg.analysis.kde_fast import QUARTIC_LINEAR, TOLERANCE, plan, taylor_bound, truncated_reach

    g = Grid(0.0, 0.0, 100.0, 500, 500)
    n = 1_000_000
    quartic = {c: plan(n, g, c * 100.0, "quartic") for c in (3, 8, 16, 50)}
    # A kernel over few cells: the exact sum by points; wider: a lattice, finer the narrower the kernel.
    assert quartic[3].method == quartic[8].method == "scatter"
    assert {quartic[c].method for c in (16, 50)} == {"linear"}
    assert quartic[16].sub > quartic[50].sub
    assert all(QUARTIC_LINEAR * (1 / (quartic[c].sub * c)) ** 2 <= TOLERANCE for c in (16, 50))
    for cells in (3, 20):
        gauss = plan(n, g, cells * 100.0, "gaussian")
        u = 1 / (2 * gauss.sub * cells)
        bound = u * u if gauss.method == "linear" else taylor_bound(u, gauss.order)
        assert gauss.method in ("linear", "taylor") and bound <= TOLERANCE
    assert plan(n, g, 300.0, "gaussian").method == "taylor"
    # Narrow Gaussians: the sum by points, cut where the tail is under the tolerance.
    assert plan(n, g, 100.0, "gaussian").method == "truncated"
    assert truncated_reach(100.0, 0.9) < 4 * 100.0
    # Few points: the sum by points wins even for wide kernels.
    assert plan(1000, g, 800.0, "quartic").method == "scatter"


def test_taylor_bound_covers_the_actual_remainder() -> None:
    """One point in a cell's corner, Taylor terms to order p: the error stays under the bound."""
    from trygg.analysis.kde_fast import _hermite, taylor_bound

    h = 1.0
    for u in (0.1, 0.25, 0.4):
        e = 2 * u * h * 0.5  # offset delta/2 = u h on each axis
        d = np.linspace(-8, 8, 641)
        dx, dy = np.meshgrid(d, d)
        exact = np.exp(-((dx - e) ** 2 + (dy - e) ** 2) / 2)
        hx, hy = _hermite(8, dx), _hermite(8, dy)
        g = np.exp(-(dx * dx + dy * dy) / 2)
        for p in range(0, 7):
            approx = sum(
                hx[a] * hy[b] * e ** (a + b) / (math.factorial(a) * math.factorial(b))
                for a in range(p + 1) for b in range(p + 1 - a)
            ) * g
            assert np.abs(approx - exact).max() <= taylor_bound(u, p)


@pytest.mark.parametrize("h_nodes", [6.0, 10.0, 27.0, 40.0])
def test_quartic_linear_constant_covers_the_worst_point(h_nodes: float) -> None:
    """One point anywhere between four nodes, corrected template: error <= QUARTIC_LINEAR (delta/h)^2."""
    from trygg.analysis.kde_fast import QUARTIC_LINEAR

    h = h_nodes  # in nodes (delta = 1)
    reach = int(math.ceil(h)) + 2
    o = np.arange(-reach, reach + 1, dtype=float)
    ox, oy = np.meshgrid(o, o)

    def quartic(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
        u = np.clip(1 - (dx * dx + dy * dy) / (h * h), 0, None)
        return u * u

    r2 = (ox * ox + oy * oy) / (h * h)
    template = quartic(ox, oy) - np.where(r2 < 1, (16 * r2 - 8) / (12 * h * h), 0.0)
    rng = np.random.default_rng(3)
    positions = [(a, b) for a in np.linspace(0, 1, 21) for b in np.linspace(0, 1, 21)]
    positions += [tuple(p) for p in rng.random((200, 2))]
    worst = 0.0
    for ex, ey in positions:
        binned = (
            (1 - ex) * (1 - ey) * template
            + ex * (1 - ey) * np.roll(template, 1, axis=1)
            + (1 - ex) * ey * np.roll(template, 1, axis=0)
            + ex * ey * np.roll(template, (1, 1), axis=(0, 1))
        )
        err = np.abs(binned - quartic(ox - ex, oy - ey))[1:-1, 1:-1]
        worst = max(worst, float(err.max()))
    assert worst <= QUARTIC_LINEAR / h**2
    assert worst >= 0.6 / h**2  # the constant is not loose either


def test_kde_fast_docstring_examples_run() -> None:
    import doctest

    from trygg.analysis import kde_fast

    assert doctest.testmod(kde_fast).failed == 0
