"""The grid: aligned to the cell size, covering the points, row 0 at the bottom."""

from __future__ import annotations

import numpy as np
import pytest

from trygg.analysis.grid import Grid, cell_indices, grid_counts, grid_for_points


def test_origin_is_a_multiple_of_the_cell_size_below_the_points() -> None:
    g = grid_for_points([1234.0, 1800.0], [-260.0, 10.0], 250.0)
    assert (g.x0, g.y0) == (1000.0, -500.0)
    assert (g.n_cols, g.n_rows) == (4, 3)


def test_point_on_the_upper_edge_goes_into_the_last_cell() -> None:
    g = grid_for_points([0.0, 300.0], [0.0, 200.0], 100.0)
    assert (g.n_cols, g.n_rows) == (3, 2)
    col, row = cell_indices([300.0], [200.0], g)
    assert (int(col[0]), int(row[0])) == (2, 1)


def test_row_zero_is_the_bottom_row_and_empty_cells_are_kept() -> None:
    counts = grid_counts([5.0, 5.0, 295.0], [5.0, 5.0, 195.0], grid_for_points([5.0, 295.0], [5.0, 195.0], 100.0))
    assert counts.shape == (2, 3)
    assert counts[0, 0] == 2 and counts[1, 2] == 1 and counts.sum() == 3


def test_points_outside_a_given_grid_are_ignored() -> None:
    g = Grid(0.0, 0.0, 10.0, 2, 2)
    assert grid_counts([-1.0, 5.0, 25.0], [5.0, 5.0, 5.0], g).sum() == 1


def test_bad_cell_size_says_what_to_pass() -> None:
    with pytest.raises(ValueError, match="positive"):
        grid_for_points([0.0], [0.0], 0.0)


def test_single_point_gives_one_cell() -> None:
    g = grid_for_points([500.0], [500.0], 100.0)
    assert g.shape == (1, 1)
    assert grid_counts([500.0], [500.0], g).tolist() == [[1]]


def test_centres_are_half_a_cell_in() -> None:
    xs, ys = Grid(100.0, 200.0, 50.0, 2, 1).centres()
    assert xs.tolist() == [125.0, 175.0] and ys.tolist() == [225.0]


def test_large_coordinates_align_exactly() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(6_500_000, 6_600_000, 1000)
    g = grid_for_points(x, x, 250.0)
    assert g.x0 % 250.0 == 0 and g.x0 + g.n_cols * 250.0 >= x.max()
