"""What a hot spot is about: its nearest known place, main categories, time pattern and trend.

The Gi* cells say *where* reports cluster; this module says what a reader needs to act on one:
which place it is, what is reported there, when, and whether it is growing. Pure functions over
report columns (no database); the nearest place is looked up by the service from the gazetteer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from trygg.lagesbild.model import HotCell


def _(message: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return message


#: Four time-of-week bands (local time), each an English msgid. Evenings and nights run 18–06;
#: the weekend night band runs from Friday 18:00 to Monday 06:00.
WEEKDAY_DAY = _("weekdays, daytime")
WEEKDAY_NIGHT = _("weekday evenings and nights")
WEEKEND_DAY = _("weekends, daytime")
WEEKEND_NIGHT = _("weekend evenings and nights")
MIN_REPORTS_FOR_PATTERN = 5


def time_band(weekday: NDArray[np.int64], hour: NDArray[np.int64]) -> NDArray[np.object_]:
    """The band of each report from its local weekday (Monday 0) and hour.

    >>> bands = time_band(np.array([0, 4, 5, 6, 0, 2]), np.array([10, 22, 12, 2, 3, 20]))
    >>> [b.split()[0] for b in bands.tolist()]
    ['weekdays,', 'weekend', 'weekends,', 'weekend', 'weekend', 'weekday']
    """
    night = (hour >= 18) | (hour < 6)
    weekend_night = ((weekday == 4) & (hour >= 18)) | ((weekday >= 5) & night) | ((weekday == 0) & (hour < 6))
    out = np.full(weekday.shape, WEEKDAY_DAY, dtype=object)
    out[night] = WEEKDAY_NIGHT
    out[(weekday >= 5) & ~night] = WEEKEND_DAY
    out[weekend_night] = WEEKEND_NIGHT
    return out


@dataclass(frozen=True)
class CellReports:
    """The current and previous period's precise reports (SWEREF 99 TM) with category and local time."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    category: NDArray[np.object_]
    weekday: NDArray[np.int64]
    hour: NDArray[np.int64]
    prev_x: NDArray[np.float64]
    prev_y: NDArray[np.float64]


def profile_cells(cells: Sequence[HotCell], reports: CellReports, cell_size: float) -> tuple[HotCell, ...]:
    """The hot cells with their main categories, time pattern and previous-period count filled in."""
    half = cell_size / 2
    out: list[HotCell] = []
    for c in cells:
        if c.cls != "hot":
            out.append(c)
            continue
        inside = (np.abs(reports.x - c.x) <= half) & (np.abs(reports.y - c.y) <= half)
        before = int(((np.abs(reports.prev_x - c.x) <= half) & (np.abs(reports.prev_y - c.y) <= half)).sum())
        cats, counts = np.unique(reports.category[inside].astype(str), return_counts=True)
        order = np.argsort(-counts, kind="stable")
        top = tuple(str(cats[i]) for i in order[:2])
        pattern, share = "", 0.0
        if int(inside.sum()) >= MIN_REPORTS_FOR_PATTERN:
            bands = time_band(reports.weekday[inside], reports.hour[inside])
            names, n = np.unique(bands.astype(str), return_counts=True)
            best = int(np.argmax(n))
            pattern, share = str(names[best]), float(n[best] / n.sum())
        out.append(replace(c, top_categories=top, pattern=pattern, pattern_share=round(share, 2),
                           previous_count=before))
    return tuple(out)


def nearest_places(cells: Sequence[HotCell], places: Sequence[tuple[str, float, float]],
                   max_distance: float = 600.0) -> tuple[HotCell, ...]:
    """Each hot cell with the nearest known place (name, x, y in SWEREF 99 TM) within `max_distance` m."""
    if not places:
        return tuple(cells)
    names = [p[0] for p in places]
    px = np.array([p[1] for p in places])
    py = np.array([p[2] for p in places])
    out: list[HotCell] = []
    for c in cells:
        if c.cls != "hot":
            out.append(c)
            continue
        d = np.hypot(px - c.x, py - c.y)
        i = int(np.argmin(d))
        out.append(replace(c, place=names[i], place_distance=int(round(float(d[i]), -1)))
                   if d[i] <= max_distance else c)
    return tuple(out)
