"""A small map of areas drawn on the server as inline SVG: no script, no tiles, readable at 360 px.

Used by the settings pages to show the municipality's boundary and its districts (and the districts
a file would add, before they are stored).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import shapely
from markupsafe import Markup, escape
from shapely.geometry import Polygon

WIDTH = 600.0


@dataclass(frozen=True)
class MapShape:
    label: str
    geom: shapely.Geometry  # WGS 84
    css: str = "area"  # area | outline | new | bad


def _rings(geom: shapely.Geometry) -> list[list[tuple[float, float]]]:
    rings = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            rings.append(list(part.exterior.coords))
            rings.extend(list(r.coords) for r in part.interiors)
    return rings


def areas_svg(shapes: Sequence[MapShape], title: str) -> Markup:
    """An inline SVG of `shapes` (the first ones drawn below), scaled to fit, north up."""
    shapes = [s for s in shapes if s.geom is not None and not s.geom.is_empty]
    if not shapes:
        return Markup("")
    minx, miny, maxx, maxy = shapely.union_all([s.geom.envelope for s in shapes]).bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    w = max((maxx - minx) * kx, 1e-9)
    h = max(maxy - miny, 1e-9)
    scale = WIDTH / w
    height = h * scale
    tolerance = max(w, h) / 800

    def xy(lon: float, lat: float) -> str:
        return f"{(lon - minx) * kx * scale:.1f},{(maxy - lat) * scale:.1f}"

    paths = []
    for s in shapes:
        geom = shapely.simplify(s.geom, tolerance, preserve_topology=True)
        d = " ".join("M" + " L".join(xy(x, y) for x, y in ring) + "Z" for ring in _rings(geom))
        paths.append(f'<path class="svgmap-{escape(s.css)}" d="{d}"><title>{escape(s.label)}</title></path>')
    return Markup(f'<svg class="svgmap" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH:.0f} '
                  f'{height:.0f}" preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>'
                  + "".join(paths) + "</svg>")
