"""The compiled kernel sum by points: exact, whatever the threads, for points anywhere."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trygg.analysis import kde_compiled
from trygg.analysis.grid import Grid
from trygg.analysis.kde_compiled import cic_bin, moment_grids, scatter_density


def _direct(x: np.ndarray, y: np.ndarray, w: np.ndarray, grid: Grid, h: float, kernel: str) -> np.ndarray:
    cx, cy = grid.centres()
    xx, yy = np.meshgrid(cx, cy)
    d2 = (xx[..., None] - x) ** 2 + (yy[..., None] - y) ** 2
    if kernel == "gaussian":
        return (np.exp(-d2 / (2 * h * h)) * w).sum(axis=-1)
    u = np.clip(1 - d2 / (h * h), 0, None)
    return (u * u * w).sum(axis=-1)


def _points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inside, on cell corners and edges, and outside the grid on every side."""
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-800, 3800, n), rng.uniform(-800, 3800, n)
    x[:20], y[:20] = np.round(x[:20], -2), np.round(y[:20], -2)
    x[20:40] = np.round(x[20:40], -2) + 50.0
    return x, y, rng.uniform(0.5, 2.0, n)


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("cells", [0.3, 1.0, 2.5, 7.0])
def test_equals_the_direct_sum(kernel: str, cells: float) -> None:
    x, y, w = _points(600, 1)
    g = Grid(0.0, 0.0, 100.0, 30, 25)
    h = cells * 100.0
    reach = h if kernel == "quartic" else 7.0 * h
    ours = scatter_density(x, y, w, g, h, kernel, reach)
    ref = _direct(x, y, w, g, h, kernel)
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-9 * ref.max())


def test_a_truncated_gaussian_drops_only_the_tail() -> None:
    x, y, w = _points(300, 2)
    g = Grid(0.0, 0.0, 100.0, 30, 30)
    h = 150.0
    ours = scatter_density(x, y, w, g, h, "gaussian", 3.0 * h)
    ref = _direct(x, y, w, g, h, "gaussian")
    # Each point loses at most its kernel beyond 3 standard deviations (along an axis).
    assert np.all(ours <= ref + 1e-12)
    assert np.abs(ours - ref).max() <= w.sum() * math.exp(-4.5)


def test_threads_give_the_same_sum(monkeypatch: pytest.MonkeyPatch) -> None:
    x, y, w = _points(5000, 3)
    g = Grid(0.0, 0.0, 50.0, 60, 60)
    monkeypatch.setattr(kde_compiled, "WORKERS", 1)
    one = scatter_density(x, y, w, g, 220.0, "quartic", 220.0)
    monkeypatch.setattr(kde_compiled, "WORKERS", 2)
    monkeypatch.setattr(kde_compiled, "_MIN_CHUNK", 100)
    two = scatter_density(x, y, w, g, 220.0, "quartic", 220.0)
    np.testing.assert_allclose(two, one, rtol=1e-12, atol=1e-12 * one.max())
    assert one.max() > 0


def test_points_far_away_add_nothing() -> None:
    g = Grid(0.0, 0.0, 10.0, 5, 5)
    x, y, w = np.array([1e12, -1e12, 25.0]), np.array([25.0, 1e12, -1e9]), np.ones(3)
    for kernel in ("quartic", "gaussian"):
        assert not scatter_density(x, y, w, g, 20.0, kernel, 140.0).any()


def test_cloud_in_cell_shares_each_weight_among_four_nodes() -> None:
    rng = np.random.default_rng(4)
    n_rows, n_cols = 7, 9
    rows, cols = rng.integers(0, n_rows - 1, 500), rng.integers(0, n_cols - 1, 500)
    ex, ey, w = rng.random(500), rng.random(500), rng.uniform(0.5, 2.0, 500)
    ours = cic_bin(rows * n_cols + cols, ex, ey, w, n_rows, n_cols)
    ref = np.zeros((n_rows, n_cols))
    np.add.at(ref, (rows, cols), w * (1 - ex) * (1 - ey))
    np.add.at(ref, (rows, cols + 1), w * ex * (1 - ey))
    np.add.at(ref, (rows + 1, cols), w * (1 - ex) * ey)
    np.add.at(ref, (rows + 1, cols + 1), w * ex * ey)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)
    assert ours.sum() == pytest.approx(w.sum())


def test_moment_grids_sum_the_powers_of_the_offsets() -> None:
    rng = np.random.default_rng(5)
    n_nodes, n_cols = 60, 6
    flat = rng.integers(0, n_nodes, 2000)
    ex, ey, w = rng.random(2000) - 0.5, rng.random(2000) - 0.5, rng.uniform(0.5, 2.0, 2000)
    powers = [(a, b) for b in range(4) for a in range(4 - b)]
    ours = moment_grids(flat, ex, ey, w, n_nodes, n_cols, powers)
    for k, (a, b) in enumerate(powers):
        ref = np.bincount(flat, w * ex**a * ey**b, minlength=n_nodes)
        np.testing.assert_allclose(ours[k], ref, rtol=1e-10, atol=1e-12)


def test_warm_up_runs_every_loop() -> None:
    kde_compiled.warm_up()
    for fn in (kde_compiled.quartic, kde_compiled.gaussian, kde_compiled._cic, kde_compiled._moments):
        assert fn.signatures, fn


def test_moment_grids_on_threads_give_the_same_sums(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(6)
    flat = rng.integers(0, 400, 5000)
    ex, ey, w = rng.random(5000), rng.random(5000), rng.uniform(0.5, 2.0, 5000)
    powers = [(a, b) for b in range(3) for a in range(3 - b)]
    monkeypatch.setattr(kde_compiled, "WORKERS", 1)
    one = moment_grids(flat, ex, ey, w, 400, 20, powers)
    monkeypatch.setattr(kde_compiled, "WORKERS", 2)
    monkeypatch.setattr(kde_compiled, "_MIN_CHUNK", 100)
    two = moment_grids(flat, ex, ey, w, 400, 20, powers)
    np.testing.assert_allclose(two, one, rtol=1e-12, atol=1e-12)
