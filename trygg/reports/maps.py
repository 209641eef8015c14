"""The lägesbild map drawn with matplotlib in SWEREF 99 TM: area outlines and labels, density bands,
hot-spot cells and report points. No basemap (nothing is fetched)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from numpy.typing import NDArray

from trygg.domain.geo import many_to_sweref
from trygg.lagesbild.model import DensityBand, HotCell
from trygg.reports.figures import Format, save
from trygg.storage.lagesbild import AreaProfile

AREA_TYPE_COLOURS = {1: "#b2182b", 2: "#ef8a62", 3: "#bababa", 4: "#67a9cf", 5: "#2166ac"}
DENSITY_COLOURS = {1: "#fee8c8", 2: "#fdbb84", 3: "#fc8d59", 4: "#e34a33", 5: "#b30000"}


def _sweref(geom: shapely.Geometry) -> shapely.Geometry:
    def fn(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = many_to_sweref(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)


def _patch(geom: shapely.Geometry, **style: object) -> PathPatch:
    verts: list[NDArray[np.float64]] = []
    codes: list[NDArray[np.uint8]] = []
    polys = list(getattr(geom, "geoms", [geom]))
    for poly in polys:
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            c = np.full(len(xy), Path.LINETO, dtype=np.uint8)
            c[0] = Path.MOVETO
            c[-1] = Path.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    return PathPatch(Path(np.concatenate(verts), np.concatenate(codes)), **style)


def lagesbild_map(areas: Sequence[AreaProfile], *, density: Sequence[DensityBand] = (),
                  hot_cells: Sequence[HotCell] = (), points_x: NDArray[np.float64] | None = None,
                  points_y: NDArray[np.float64] | None = None, legend: dict[str, str] | None = None,
                  focus: Sequence[int] | None = None, width_in: float = 7.2, fmt: Format = "png") -> bytes:
    """PNG of the map. `focus` (area ids) zooms to those areas; `legend` maps hot/cold/points/density to labels."""
    fig = Figure(figsize=(width_in, width_in * 0.72))
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.set_axis_off()
    geoms = [_sweref(shapely.from_wkt(a.wkt)) for a in areas]
    for a, g in zip(areas, geoms, strict=True):
        colour = AREA_TYPE_COLOURS.get(a.area_type or 0, "#dddddd")
        ax.add_patch(_patch(g, facecolor=colour, alpha=0.12, edgecolor="none"))
        ax.add_patch(_patch(g, facecolor="none", edgecolor="#1d2733", linewidth=0.6))
    for band in density:
        g = _sweref(shapely.geometry.shape(band.geometry))
        if not g.is_empty:
            ax.add_patch(_patch(g, facecolor=DENSITY_COLOURS.get(band.level, "#fc8d59"), alpha=0.55,
                                edgecolor="none"))
    for cell in hot_cells:
        x, y = many_to_sweref(np.array([p[0] for p in cell.ring]), np.array([p[1] for p in cell.ring]))
        colour = "#b00020" if cell.cls == "hot" else "#2166ac"
        ax.fill(x, y, facecolor=colour, alpha=0.45, edgecolor=colour, linewidth=0.4)
    if points_x is not None and points_y is not None and points_x.size:
        ax.scatter(points_x, points_y, s=3, color="#222222", alpha=0.7, linewidths=0)
    for a, g in zip(areas, geoms, strict=True):
        p = g.representative_point()
        name = a.name if len(a.name) <= 22 else a.name.split("-")[0] + "…"
        ax.text(p.x, p.y, name, fontsize=5.5, ha="center", va="center", color="#1d2733",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.6, "edgecolor": "none"},
                clip_on=True)
    chosen = [g for a, g in zip(areas, geoms, strict=True) if focus is None or a.id in focus] or geoms
    if focus is None and points_x is not None and points_y is not None and points_x.size >= 5:
        # Zoom to where the reports are (1st–99th percentile), not to the whole countryside.
        lo_x, hi_x = np.percentile(points_x, [1, 99])
        lo_y, hi_y = np.percentile(points_y, [1, 99])
        margin = 800.0
        ax.set_xlim(lo_x - margin, hi_x + margin)
        ax.set_ylim(lo_y - margin, hi_y + margin)
    elif chosen:
        minx, miny, maxx, maxy = shapely.union_all(chosen).bounds
        pad = max(maxx - minx, maxy - miny) * 0.04
        ax.set_xlim(minx - pad, maxx + pad)
        ax.set_ylim(miny - pad, maxy + pad)
    if legend:
        from matplotlib.patches import Patch

        handles = [Patch(facecolor="#b00020", alpha=0.45, label=legend["hot"]),
                   Patch(facecolor="#2166ac", alpha=0.45, label=legend["cold"]),
                   Patch(facecolor=DENSITY_COLOURS[4], alpha=0.55, label=legend["density"])]
        ax.legend(handles=handles, fontsize=6, loc="lower left", frameon=True)
    return save(fig, fmt)
