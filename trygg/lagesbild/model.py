"""The lägesbild as frozen dataclasses of plain values (ready for templates, JSON and the PDF)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from trygg.lagesbild.periods import Period


@dataclass(frozen=True)
class CategoryCount:
    code: str
    current: int
    previous: int
    last_year: int


@dataclass(frozen=True)
class AreaCount:
    area_id: int
    code: str
    name: str
    area_type: int | None
    population: int | None
    police_class: str | None
    current: int
    previous: int
    last_year: int
    rate: float | None  # current reports per 1,000 inhabitants
    hot_cells: int


@dataclass(frozen=True)
class WeekCount:
    start: date
    count: int
    alarms: int  # area × category series with an alarm that week


@dataclass(frozen=True)
class Alarm:
    week_start: date
    area_id: int
    area_name: str
    category: str
    observed: int
    expected: float
    p_adjusted: float


@dataclass(frozen=True)
class AreaTypeGroup:
    """Areas of type 1–2 ("challenged") or 4–5 ("advantaged")."""

    key: str  # "challenged" | "advantaged"
    population: int
    current: int
    previous: int
    last_year: int

    def rate(self, which: str = "current") -> float | None:
        value = getattr(self, which)
        return 1000.0 * value / self.population if self.population else None


@dataclass(frozen=True)
class HotCell:
    """A Getis-Ord Gi* cell classed hot or cold; `ring` is the cell outline in WGS 84 (lon, lat)."""

    ring: tuple[tuple[float, float], ...]
    cls: str  # "hot" | "cold"
    z: float
    count: int
    new: bool  # not a hot spot in the previous period
    area_name: str
    x: float  # cell centre, SWEREF 99 TM
    y: float
    # What the hot spot is about (trygg.lagesbild.hotspot_profile): filled for hot cells.
    place: str = ""  # the nearest known place within 600 m
    place_distance: int | None = None  # metres from the cell centre, rounded to 10
    top_categories: tuple[str, ...] = ()  # the one or two most reported categories in the cell
    pattern: str = ""  # the time-of-week band with most reports (an English msgid)
    pattern_share: float = 0.0
    previous_count: int = 0  # reports in the cell in the previous period

    @property
    def centre(self) -> tuple[float, float]:
        """(lon, lat) of the cell: the mean of its outline's corners."""
        ring = self.ring[:-1] if len(self.ring) > 1 and self.ring[0] == self.ring[-1] else self.ring
        return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))


@dataclass(frozen=True)
class DensityBand:
    """Cells of one kernel-density band merged to one (multi)polygon (GeoJSON geometry, WGS 84)."""

    level: int  # 1 (low) … 5 (highest)
    geometry: dict[str, Any]
    share_from: float  # lower bound as a share of the maximum density


@dataclass(frozen=True)
class SummaryLine:
    """One sentence of the text summary: an English msgid with named parameters."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Lagesbild:
    period: Period
    total: int
    previous_total: int
    last_year_total: int
    categories: tuple[CategoryCount, ...]
    areas: tuple[AreaCount, ...]
    outside_areas: int
    weeks: tuple[WeekCount, ...]
    alarms: tuple[Alarm, ...]
    hour_of_week: tuple[tuple[int, ...], ...]  # 7 × 24, Monday first, local time
    area_types: tuple[AreaTypeGroup, ...]
    hot_cells: tuple[HotCell, ...]
    density: tuple[DensityBand, ...]
    cell_size: float
    density_cell_size: float
    bandwidth: float | None
    hotspot_inference: str
    q: float
    mapped_points: int  # reports with an exact or address position in the period (used for hot spots)
    summary: tuple[SummaryLine, ...]
    data_version: tuple[int, int, str]
    computed_at: datetime
    seconds: float
    # District × category series tested for trend alarms in the period, and those whose reports were
    # too few (or too concentrated) to fit a baseline in a week of it (not tested that week).
    tested_series: int = 0
    unfit_series: int = 0

    @property
    def n_hot(self) -> int:
        return sum(1 for c in self.hot_cells if c.cls == "hot")

    @property
    def n_cold(self) -> int:
        return sum(1 for c in self.hot_cells if c.cls == "cold")

    @property
    def new_hot(self) -> tuple[HotCell, ...]:
        return tuple(c for c in self.hot_cells if c.cls == "hot" and c.new)
