"""Every server-drawn chart keeps all its text inside the picture (issue 18: "chart axis titles are cut off").

Each chart of the documents (lägesbild, plan, follow-up, effect evaluation, walk map) is drawn with long
Swedish labels and saved as SVG exactly as the documents save it as PNG (`figures.save`: same size,
same crop). Every ``<text>`` element's box — measured with the font the chart uses, anchored and rotated
as the SVG says — must lie inside the SVG's viewBox.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pytest
import shapely
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath

from trygg.lagesbild.model import AreaTypeGroup, CategoryCount, DensityBand, WeekCount
from trygg.reports import charts, plan_charts
from trygg.reports.maps import lagesbild_map
from trygg.reports.walk_pdf import walk_map_png
from trygg.storage.lagesbild import AreaProfile

SVG = "{http://www.w3.org/2000/svg}"
LONG = ["Ordningsstörning / störande grupp", "Trafik: buskörning, mopeder, biltr\u00e4ffar",
        "Våld/hot i offentlig miljö", "Alkohol/tobak till minderåriga", "Skadegörelse / klotter"]


def _apply(transform: str, point: tuple[float, float]) -> tuple[float, float]:
    """An SVG ``transform`` (translate and rotate, as matplotlib writes them) applied to a point."""
    ops = re.findall(r"(translate|rotate)\(([^)]*)\)", transform)
    assert "".join(f"{k}({v})" for k, v in ops).replace(" ", "") == transform.replace(" ", ""), transform
    x, y = point
    for kind, args in reversed(ops):  # the rightmost transform applies first
        v = [float(a) for a in args.replace(",", " ").split()]
        if kind == "translate":
            x, y = x + v[0], y + (v[1] if len(v) > 1 else 0.0)
        else:
            cx, cy = (v[1], v[2]) if len(v) == 3 else (0.0, 0.0)
            c, s = math.cos(math.radians(v[0])), math.sin(math.radians(v[0]))
            x, y = cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c
    return x, y


def text_boxes(svg: bytes) -> tuple[tuple[float, float, float, float], list[tuple[str, tuple[float, ...]]]]:
    """(viewBox, [(text, (x0, y0, x1, y1)) for every <text>]) of a matplotlib SVG with texts kept as text."""
    root = ET.fromstring(svg)
    vx, vy, vw, vh = (float(v) for v in root.attrib["viewBox"].split())
    out = []
    for el in root.iter(f"{SVG}text"):
        text = "".join(el.itertext())
        if not text.strip():
            continue
        style = dict(p.split(":", 1) for p in el.attrib.get("style", "").split(";") if ":" in p)
        style = {k.strip(): v.strip() for k, v in style.items()}
        size = float(style["font-size"].removesuffix("px"))
        family = style.get("font-family", "DejaVu Sans").split(",")[0].strip("'\" ")
        ext = TextPath((0, 0), text, size=size, prop=FontProperties(family=family)).get_extents()
        anchor = {"start": 0.0, "middle": 0.5, "end": 1.0}[style.get("text-anchor", "start")]
        x, y = float(el.attrib.get("x", 0)), float(el.attrib.get("y", 0))
        x0 = -anchor * ext.width
        # Text-local box: baseline at y (SVG y grows downwards: ascent is above, i.e. negative).
        corners = [(x0, -ext.y1), (x0 + ext.width, -ext.y1), (x0, -ext.y0), (x0 + ext.width, -ext.y0)]
        pts = [_apply(el.attrib.get("transform", ""), (x + cx, y + cy)) for cx, cy in corners]
        out.append((text, (min(p[0] for p in pts), min(p[1] for p in pts),
                           max(p[0] for p in pts), max(p[1] for p in pts))))
    return (vx, vy, vx + vw, vy + vh), out


def outside(svg: bytes, slack: float = 0.5) -> list[str]:
    (vx0, vy0, vx1, vy1), boxes = text_boxes(svg)
    assert boxes, "the chart has no text to check"
    return [f"{t!r} at {tuple(round(v, 1) for v in b)} outside {(vx0, vy0, vx1, vy1)}" for t, b in boxes
            if b[0] < vx0 - slack or b[1] < vy0 - slack or b[2] > vx1 + slack or b[3] > vy1 + slack]


WEEKS = [WeekCount(date(2026, 5, 18) + timedelta(weeks=i), 150 + 9 * (i % 7), i % 5 == 0) for i in range(27)]
CATEGORIES = [CategoryCount(code, 500 - 40 * i, 480 - 30 * i, 400) for i, code in enumerate(LONG)]
GROUPS = [AreaTypeGroup("challenged", 12000, 700, 880, 690), AreaTypeGroup("advantaged", 20000, 600, 860, 620)]
MONTHS = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(36)]
SQUARE = "MULTIPOLYGON(((12.27 58.28, 12.30 58.28, 12.30 58.295, 12.27 58.295, 12.27 58.28)))"
CHARTS: dict[str, Callable[[], bytes]] = {
    "weekly": lambda: charts.weekly_chart(WEEKS, label="Rapporter per vecka", alarm_label="Vecka med trendlarm",
                                          date_label=lambda d: f"{d:%d} okt.", fmt="svg"),
    "categories": lambda: charts.category_chart(CATEGORIES, name=str, fmt="svg",
                                                labels=("Denna period", "Föregående period", "Samma period i fjol")),
    "area_types": lambda: charts.area_type_chart(
        GROUPS, names={"challenged": "Typ 1–2 (utmanade)", "advantaged": "Typ 4–5 (gynnade)"},
        labels=("Denna period", "Föregående period", "Samma period i fjol"),
        ylabel="Rapporter per 1 000 invånare", fmt="svg"),
    "heatmap": lambda: charts.heatmap_chart(np.arange(168).reshape(7, 24) % 11, hour_label="Timme på dygnet",
                                            day_names=["mån", "tis", "ons", "tors", "fre", "lör", "sön"], fmt="svg"),
    "paired_bars": lambda: plan_charts.paired_bars(LONG, [50, 40, 30, 20, 10], [45, 44, 20, 25, 12], fmt="svg",
                                                   current_label="2022", previous_label="2021"),
    "evaluation": lambda: plan_charts.evaluation_chart(
        MONTHS, [10 - (m >= 24) * 5 for m in range(36)], [30] * 36, [m >= 24 for m in range(36)],
        treated_label="Inom 300 m från Kronogårds torg", comparison_label="Jämförelseområden (skalade)",
        start_label="Åtgärden startar", fmt="svg"),
    "lagesbild_map": lambda: lagesbild_map(
        [AreaProfile(1, "T1", "Kronogårds Torg-Frälsegården", 1, 3000, True, None, None, SQUARE)],
        density=[DensityBand(4, {"type": "Polygon", "coordinates": [[[12.28, 58.285], [12.29, 58.285],
                                                                     [12.29, 58.29], [12.28, 58.285]]]}, 0.5)],
        hot_cells=[], legend={"hot": "Brännpunkt (Gi*)", "cold": "Kall fläck (Gi*)", "points": "Rapporter",
                              "density": "Rapporttäthet (KDE)"}, fmt="svg"),
    "walk_map": lambda: walk_map_png(SimpleNamespace(  # type: ignore[arg-type]
        area=SimpleNamespace(geom=shapely.from_wkt(SQUARE)),
        route=shapely.LineString([(12.271, 58.281), (12.299, 58.281), (12.299, 58.2949)]),
        observations=[SimpleNamespace(lon=lon, lat=lat, status=s) for lon, lat, s in
                      ((12.2999, 58.2949, "open"), (12.2701, 58.2801, "resolved"), (12.299, 58.281, "in_progress"))]),
        fmt="svg"),
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_text_lies_inside_the_picture(name: str) -> None:
    assert outside(CHARTS[name]()) == []


def test_the_check_finds_a_cut_axis_title() -> None:
    """The check itself: an axis title pushed off a figure saved without the crop is reported."""
    import io

    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))  # no room left for the title
    ax.plot([0, 1], [0, 1])
    ax.set_ylabel("Rapporter per 1 000 invånare")
    buf = io.BytesIO()
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg")
    assert any("Rapporter per 1 000 invånare" in line for line in outside(buf.getvalue()))
