"""The map layers: density bands keep their shape when a region's grid gets larger cells."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from trygg.lagesbild import layers
from trygg.lagesbild.layers import DENSITY_CELL, MAX_DENSITY_CELLS, density_bands, density_cell


def test_a_municipality_keeps_the_finest_cells_and_a_region_gets_larger_ones() -> None:
    assert density_cell(20_000, 15_000) == DENSITY_CELL  # 133 × 100 cells
    side = density_cell(100_000, 60_000)
    assert side > DENSITY_CELL
    assert (100_000 / side) * (60_000 / side) <= MAX_DENSITY_CELLS
    assert density_cell(0, 0) == DENSITY_CELL


def _region_points(seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """1,500 points in ten towns along a 90 km × 45 km region (SWEREF 99 TM metres)."""
    rng = np.random.default_rng(seed)
    towns = np.column_stack([rng.uniform(300_000, 390_000, 10), rng.uniform(6_400_000, 6_445_000, 10)])
    which = rng.integers(0, 10, 1_500)
    xy = towns[which] + rng.normal(0, 1_500, (1_500, 2))
    return xy[:, 0], xy[:, 1]


def _shape(band: layers.DensityBand) -> shapely.Geometry:
    return shapely.geometry.shape(band.geometry)


def test_a_region_s_bands_are_the_bands_of_the_finest_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    x, y = _region_points()
    bands, h, cell = density_bands(x, y)
    assert cell > DENSITY_CELL and h is not None and h > 4 * cell
    monkeypatch.setattr(layers, "MAX_DENSITY_CELLS", 10**9)  # the 150 m grid, as for a municipality
    fine, fine_h, fine_cell = density_bands(x, y)
    assert fine_cell == DENSITY_CELL and fine_h == h
    assert [b.level for b in bands] == [b.level for b in fine]
    for coarse_band, fine_band in zip(bands, fine, strict=True):
        a, b = _shape(coarse_band), _shape(fine_band)
        # the outlines differ by at most about a cell along the edges: a few per cent of the area
        assert shapely.symmetric_difference(a, b).area <= 0.1 * b.area
