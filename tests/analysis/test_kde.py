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
