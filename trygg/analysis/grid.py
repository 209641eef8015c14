"""Regular square grids in projected metres.

The grid is aligned to multiples of the cell size: its origin (the lower-left
corner of cell ``(col=0, row=0)``) is ``(floor(min_x / cell) * cell,
floor(min_y / cell) * cell)``. It has just enough columns and rows to cover the
bounding box of the points; empty cells are part of the grid. Row 0 is the
bottom row. A point lying exactly on the upper (right or top) edge of the grid
goes into the last column or row, every other point into the half-open cell
``[x0 + col * cell, x0 + (col + 1) * cell)``.

Arrays laid out on the grid have shape ``(n_rows, n_cols)`` and are indexed
``[row, col]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Grid", "cell_indices", "grid_counts", "grid_for_points"]


@dataclass(frozen=True)
class Grid:
    """A regular grid of square cells.

    Attributes
    ----------
    x0, y0 : float
        Lower-left corner of cell ``(0, 0)``, a multiple of ``cell_size``.
    cell_size : float
        Side of a cell in metres.
    n_cols, n_rows : int
        Number of columns (along x) and rows (along y).
    """

    x0: float
    y0: float
    cell_size: float
    n_cols: int
    n_rows: int

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_rows, n_cols)``, the shape of arrays laid out on the grid."""
        return (self.n_rows, self.n_cols)

    @property
    def n_cells(self) -> int:
        """Number of cells."""
        return self.n_rows * self.n_cols

    def centres(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Cell-centre coordinates along x (length ``n_cols``) and y (``n_rows``)."""
        xs = self.x0 + (np.arange(self.n_cols, dtype=np.float64) + 0.5) * self.cell_size
        ys = self.y0 + (np.arange(self.n_rows, dtype=np.float64) + 0.5) * self.cell_size
        return xs.astype(np.float64), ys.astype(np.float64)


def grid_for_points(x: ArrayLike, y: ArrayLike, cell_size: float) -> Grid:
    """The aligned grid that covers the bounding box of the points.

    Parameters
    ----------
    x, y : array_like
        Projected coordinates in metres.
    cell_size : float
        Side of a cell in metres, > 0.

    Returns
    -------
    Grid

    Examples
    --------
    >>> g = grid_for_points([120.0, 390.0], [-5.0, 200.0], 100.0)
    >>> (g.x0, g.y0, g.n_cols, g.n_rows)
    (100.0, -100.0, 3, 3)
    """
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if not cell_size > 0 or not math.isfinite(cell_size):
        raise ValueError(f"cell_size must be a positive number, got {cell_size!r}; pass e.g. 250.")
    if xa.size == 0 or xa.shape != ya.shape:
        raise ValueError(
            f"need one or more points with x and y of equal length, got {xa.size} x and {ya.size} y values."
        )
    if not (np.isfinite(xa).all() and np.isfinite(ya).all()):
        raise ValueError("coordinates contain NaN or infinity; drop or fix those rows first.")
    min_x, max_x = float(xa.min()), float(xa.max())
    min_y, max_y = float(ya.min()), float(ya.max())
    x0 = math.floor(min_x / cell_size) * cell_size
    y0 = math.floor(min_y / cell_size) * cell_size
    n_cols = max(1, math.ceil((max_x - x0) / cell_size))
    n_rows = max(1, math.ceil((max_y - y0) / cell_size))
    # Guard against rounding in the division: the last cell must reach max.
    while x0 + n_cols * cell_size < max_x:
        n_cols += 1
    while y0 + n_rows * cell_size < max_y:
        n_rows += 1
    return Grid(float(x0), float(y0), float(cell_size), int(n_cols), int(n_rows))


def cell_indices(x: ArrayLike, y: ArrayLike, grid: Grid) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Column and row of each point; points outside the grid get -1.

    Examples
    --------
    >>> g = Grid(0.0, 0.0, 100.0, 3, 2)
    >>> cell_indices([0.0, 99.9, 300.0, 301.0], [0.0, 50.0, 200.0, 0.0], g)
    (array([ 0,  0,  2, -1]), array([ 0,  0,  1, -1]))
    """
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    col = np.floor((xa - grid.x0) / grid.cell_size).astype(np.intp)
    row = np.floor((ya - grid.y0) / grid.cell_size).astype(np.intp)
    x_end = grid.x0 + grid.n_cols * grid.cell_size
    y_end = grid.y0 + grid.n_rows * grid.cell_size
    col[(col == grid.n_cols) & (xa <= x_end)] = grid.n_cols - 1
    row[(row == grid.n_rows) & (ya <= y_end)] = grid.n_rows - 1
    outside = (col < 0) | (col >= grid.n_cols) | (row < 0) | (row >= grid.n_rows)
    col[outside] = -1
    row[outside] = -1
    return col, row


def grid_counts(x: ArrayLike, y: ArrayLike, grid: Grid) -> NDArray[np.int64]:
    """Number of points in each cell, shape ``(n_rows, n_cols)``.

    Points outside the grid are ignored.

    Examples
    --------
    >>> g = grid_for_points([0.0, 50.0, 150.0], [0.0, 10.0, 10.0], 100.0)
    >>> grid_counts([0.0, 50.0, 150.0], [0.0, 10.0, 10.0], g)
    array([[2, 1]])
    """
    col, row = cell_indices(x, y, grid)
    inside = col >= 0
    flat = row[inside] * grid.n_cols + col[inside]
    return np.bincount(flat, minlength=grid.n_cells).reshape(grid.shape).astype(np.int64)
