"""Hot spots are described (place, categories, time, trend) and named by strength, not by alphabet."""

from __future__ import annotations

import numpy as np

from trygg.lagesbild.hotspot_profile import WEEKDAY_DAY, WEEKEND_NIGHT, CellReports, nearest_places, profile_cells
from trygg.lagesbild.model import HotCell
from trygg.lagesbild.summary import render_summary, strongest_places, summarise


def cell(area: str, z: float, x: float = 0.0, y: float = 0.0, count: int = 10, new: bool = False) -> HotCell:
    ring = ((12.0, 58.0), (12.1, 58.0), (12.1, 58.1), (12.0, 58.1), (12.0, 58.0))
    return HotCell(ring, "hot", z, count, new, area, x, y)


def test_the_strongest_districts_are_named_first_with_their_reason() -> None:
    hot = (cell("Annelund", 3.1), cell("Centrum", 9.5, count=80), cell("Björndalen", 2.5),
           cell("Kronogården", 7.2, count=60, new=True), cell("Centrum", 4.0), cell("Dannebacken", 2.9))
    ranked = strongest_places(hot)
    assert [r["area"] for r in ranked] == ["Centrum", "Kronogården", "Annelund", "Dannebacken"]
    assert ranked[0]["z"] == 9.5 and ranked[0]["count"] == 80 and ranked[1]["new"] is True
    lines = summarise(100, 90, 80, (), (), hot, ())
    text = render_summary(lines, lambda m: m, lambda v, d: str(v), lambda v: f"{v:.0%}", str)
    named = next(t for t in text if "hot-spot cells" in t)
    assert named.index("Centrum (z = 9.5, 80 reports)") < named.index("Kronogården")
    assert "Kronogården (z = 7.2, 60 reports, new)" in named and "Björndalen" not in named


def test_a_hot_cell_gets_its_categories_time_pattern_trend_and_nearest_place() -> None:
    rng = np.random.default_rng(1)
    n = 30
    reports = CellReports(
        x=rng.uniform(-100, 100, n), y=rng.uniform(-100, 100, n),
        category=np.array(["disorder"] * 20 + ["littering"] * 8 + ["violence"] * 2, dtype=object),
        weekday=np.array([5] * 20 + [1] * 10), hour=np.array([23] * 20 + [11] * 10),
        prev_x=np.array([0.0, 10.0, 5000.0]), prev_y=np.array([0.0, 10.0, 5000.0]))
    far = cell("Elsewhere", 2.0, x=9000.0, y=9000.0, count=3)
    profiled = profile_cells((cell("Centrum", 8.0, count=n), far), reports, 250.0)
    c = profiled[0]
    assert c.top_categories == ("disorder", "littering")
    assert c.pattern == WEEKEND_NIGHT and c.pattern_share == round(20 / 30, 2)
    assert c.previous_count == 2
    assert profiled[1].pattern == "" and profiled[1].top_categories == ()  # no reports in it
    placed = nearest_places(profiled, [("Resecentrum", 120.0, 50.0), ("Spikön", 3000.0, 0.0)])
    assert placed[0].place == "Resecentrum" and placed[0].place_distance == 130
    assert placed[1].place == ""  # nothing within 600 m
    assert WEEKDAY_DAY != WEEKEND_NIGHT
