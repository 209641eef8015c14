"""Map layers from the analysis grids: kernel-density bands and Gi* hot-spot cells in WGS 84."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from trygg.analysis.getis_ord import COLD, HOT, gi_star
from trygg.analysis.grid import Grid, grid_counts, grid_for_points
from trygg.analysis.kde import kernel_density, scott_bandwidth
from trygg.domain.geo import many_to_wgs84
from trygg.lagesbild.model import DensityBand, HotCell

#: Side of a Getis-Ord cell in metres.
HOTSPOT_CELL = 250.0
#: Side of a kernel-density cell in metres (the smallest; see `MAX_DENSITY_CELLS`).
DENSITY_CELL = 150.0
#: Most cells of a density grid. Points spread over a region (tens of kilometres) get larger cells, so that
#: cutting the bands stays fast; their bandwidth is then kilometres, so the bands lose no detail.
MAX_DENSITY_CELLS = 40_000
#: Lower edges of the density bands as shares of the maximum density.
DENSITY_BANDS = (0.1, 0.3, 0.5, 0.7, 0.9)
#: Fewest points for a hot-spot or density analysis.
MIN_POINTS = 5


def _to_wgs84(geom: shapely.Geometry) -> shapely.Geometry:
    def fn(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        lon, lat = many_to_wgs84(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.set_precision(shapely.transform(geom, fn), 1e-6)


def cell_ring(grid: Grid, col: int, row: int) -> tuple[tuple[float, float], ...]:
    """The outline of one grid cell in WGS 84, counter-clockwise, closed."""
    s = grid.cell_size
    x0, y0 = grid.x0 + col * s, grid.y0 + row * s
    xs = np.array([x0, x0 + s, x0 + s, x0, x0])
    ys = np.array([y0, y0, y0 + s, y0 + s, y0])
    lon, lat = many_to_wgs84(xs, ys)
    return tuple((round(float(a), 6), round(float(b), 6)) for a, b in zip(lon, lat, strict=True))


def hotspot_grid(x: NDArray[np.float64], y: NDArray[np.float64], cell: float = HOTSPOT_CELL) -> Grid:
    """The aligned grid over the points, one empty cell of margin on each side."""
    xs = np.concatenate([x, [x.min() - cell, x.max() + cell]])
    ys = np.concatenate([y, [y.min() - cell, y.max() + cell]])
    return grid_for_points(xs, ys, cell)


def hot_cells(x: NDArray[np.float64], y: NDArray[np.float64], prev_x: NDArray[np.float64],
              prev_y: NDArray[np.float64], area_name_at: Any, q: float) -> tuple[tuple[HotCell, ...], str]:
    """Gi* hot and cold cells of the points; each hot cell says whether it was hot in the previous period."""
    if x.size < MIN_POINTS:
        return (), "exact"
    grid = hotspot_grid(x, y)
    counts = grid_counts(x, y, grid)
    gi = gi_star(counts, q=q)
    was_hot = np.zeros(grid.shape, dtype=bool)
    if prev_x.size >= MIN_POINTS:
        was_hot = gi_star(grid_counts(prev_x, prev_y, grid), q=q).classes == HOT
    rows, cols = np.nonzero((gi.classes == HOT) | (gi.classes == COLD))
    xs, ys = grid.centres()
    cells: list[HotCell] = []
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        cls = "hot" if gi.classes[r, c] == HOT else "cold"
        cx, cy = float(xs[c]), float(ys[r])
        cells.append(HotCell(cell_ring(grid, c, r), cls, round(float(gi.z[r, c]), 2), int(counts[r, c]),
                             cls == "hot" and not bool(was_hot[r, c]), area_name_at(cx, cy), cx, cy))
    cells.sort(key=lambda h: (h.cls != "hot", -h.z if h.cls == "hot" else h.z))
    return tuple(cells), gi.inference


def density_cell(width: float, height: float, cell: float = DENSITY_CELL, max_cells: int | None = None) -> float:
    """The cell side for a density grid over `width` × `height` metres: `cell`, or larger (whole metres)
    so that the grid has at most about `max_cells` (`MAX_DENSITY_CELLS`) cells."""
    need = float(np.sqrt(max(width, 0.0) * max(height, 0.0) / (max_cells or MAX_DENSITY_CELLS)))
    return cell if need <= cell else float(np.ceil(need))


def density_bands(x: NDArray[np.float64], y: NDArray[np.float64],
                  cell: float = DENSITY_CELL) -> tuple[tuple[DensityBand, ...], float | None, float]:
    """Quartic kernel density of the points, cut into bands of the maximum and merged per band.

    Returns (bands, bandwidth, the cell side used: `cell`, or larger for points spread over a region).
    """
    if x.size < MIN_POINTS or (np.ptp(x) == 0 and np.ptp(y) == 0):
        return (), None, cell
    h = max(scott_bandwidth(x, y, "quartic"), cell / 2.0)
    xs = np.concatenate([x, [x.min() - h, x.max() + h]])
    ys = np.concatenate([y, [y.min() - h, y.max() + h]])
    cell = density_cell(float(np.ptp(xs)), float(np.ptp(ys)), cell)
    grid = grid_for_points(xs, ys, cell)
    kd = kernel_density(x, y, grid, bandwidth=h, kernel="quartic", mode="fast")
    dens = kd.density
    top = float(dens.max())
    if not top > 0:
        return (), h, cell
    share = dens / top
    cx, cy = grid.centres()
    bands: list[DensityBand] = []
    edges = (*DENSITY_BANDS, 1.0 + 1e-9)
    for level, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True), start=1):
        rows, cols = np.nonzero((share >= lo) & (share < hi))
        if rows.size == 0:
            continue
        half = cell / 2.0
        boxes = shapely.box(cx[cols] - half, cy[rows] - half, cx[cols] + half, cy[rows] + half)
        # the cells of a grid are a coverage (no overlaps): merged by their shared edges, the same
        # polygons as a general union (equal once normalised) in a fraction of the time
        merged = _to_wgs84(shapely.coverage_union_all(boxes))
        bands.append(DensityBand(level, shapely.geometry.mapping(merged), lo))
    return tuple(bands), float(h), cell
