"""Build the lägesbild of a filter: load the report columns once, call `trygg.analysis`, cache the result.

    >>> lb = build_lagesbild(session, ReportFilter(), today=date(2026, 11, 27))   # doctest: +SKIP
    >>> lb.period.first_day, lb.total, lb.n_hot                                   # doctest: +SKIP

The result is cached per (filter, period, data version) in the process and in the database
(`trygg.storage.shared_cache`), so every server process reuses a picture that one of them computed:
any new or edited report changes the data version, so a cached picture is never stale. The
categories are those of the database's taxonomy (`trygg.storage.categories`), part of the key too:
a category merged into another is counted under it (its reports keep their own code).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from trygg import __version__
from trygg.analysis.aggregate import (
    CountCube,
    count_cube,
    hour_of_week,
    period_index,
    period_starts,
    rates_per_1000,
    split_by_area_type,
)
from trygg.analysis.fdr import DEFAULT_Q
from trygg.analysis.trends import trend_alarms
from trygg.domain import clock
from trygg.domain.enums import Precision
from trygg.domain.geo import to_sweref, to_wgs84
from trygg.domain.lru import Lru
from trygg.domain.weeks import week_of_local
from trygg.lagesbild.hotspot_profile import CellReports, nearest_places, profile_cells
from trygg.lagesbild.layers import HOTSPOT_CELL, density_bands, hot_cells
from trygg.lagesbild.model import Alarm, AreaCount, AreaTypeGroup, CategoryCount, Lagesbild, WeekCount
from trygg.lagesbild.periods import HISTORY, Period, local64, local_midnight, resolve_period, to_local
from trygg.lagesbild.summary import summarise
from trygg.storage import shared_cache, versions, weekly_counts
from trygg.storage.categories import taxonomy
from trygg.storage.lagesbild import AreaProfile, area_profiles, data_version
from trygg.storage.plans import list_places
from trygg.storage.reports import ReportArrays, ReportFilter, report_arrays
from trygg.storage.weekly_counts import WeeklyRows

#: Weeks shown in the weekly chart (at least; more when the period is longer).
CHART_WEEKS = 26
#: Most recent weeks tested for trend alarms (each week is one batched fit of every series).
ALARM_WEEKS = 13
#: Positions precise enough for hot spots and density (area centroids would make false hot spots).
PRECISE = (str(Precision.EXACT), str(Precision.ADDRESS))


#: Computed pictures (and the meeting's near-repeat tests), keyed by filter and data version.
CACHE: Lru[Any] = Lru(32)


def clear_cache() -> None:
    CACHE.clear()


def build_lagesbild(session: Session, flt: ReportFilter, *, today: date, use_cache: bool = True) -> Lagesbild:
    """The lägesbild of the reports matching `flt` over its period (default: the last complete week)."""
    period = resolve_period(flt.start, flt.end, today)
    tax = taxonomy(session)
    flt = replace(flt, categories=tax.expand(flt.categories))  # a category includes those merged into it
    current = replace(flt, start=period.start, end=period.end)
    version = data_version(session)
    key = ("lagesbild", versions.database_key(session), current, version, tax.version)
    shared_key = shared_cache.cache_key("lagesbild", current)
    shared_version = f"{__version__}:{version}:{tax.version}"
    if use_cache:
        hit = CACHE.get(key)
        if hit is None:  # computed by another server process for the same data?
            hit = shared_cache.get(session, shared_key, shared_version)
            if isinstance(hit, Lagesbild):
                CACHE.put(key, hit)
        if isinstance(hit, Lagesbild):
            return hit
    started = time.perf_counter()
    areas = area_profiles(session)
    history = replace(flt, start=period.start - HISTORY, end=period.end)
    week_rows: WeeklyRows | None = None
    if weekly_counts.answers(flt):  # the weekly series from the counts table, points only where needed
        plan = plan_weeks(period)
        arrays = report_arrays(session, history, plan.point_windows)
        week_rows = weekly_counts.weekly_rows(session, plan.first_full, plan.last_full, flt)
    else:  # a filter the table cannot answer (organisation, status): every report of the history
        arrays = report_arrays(session, history)
    merged = {c.code: tax.canonical(c.code) for c in tax.categories if c.merged_into}
    if merged:  # a merged category's reports keep their code and are counted under the one they went into
        arrays = replace(arrays, category=np.array([merged.get(c, c) for c in arrays.category], dtype=object))
        if week_rows is not None:
            week_rows = replace(week_rows, category=np.array([merged.get(c, c) for c in week_rows.category],
                                                             dtype=object))
    places = tuple((p.name, *to_sweref(p.lon, p.lat)) for p in list_places(session) if p.kind == "place")
    result = compute(arrays, areas, period, category_codes=tax.counted, version=version, started=started,
                     places=places, week_rows=week_rows)
    if use_cache:
        CACHE.put(key, result)
        shared_cache.put(session, shared_key, shared_version, result)
    return result


def category_index(values: NDArray[Any], codes: Sequence[str]) -> NDArray[np.int64]:
    """Index of each category code in the taxonomy (-1 when unknown)."""
    if values.size == 0:
        return np.empty(0, dtype=np.int64)
    position = {c: i for i, c in enumerate(codes)}
    uniq, inverse = np.unique(values.astype(str), return_inverse=True)
    lookup = np.array([position.get(u, -1) for u in uniq], dtype=np.int64)
    return lookup[inverse.ravel()]


def area_index(area_ids: NDArray[np.int64], areas: tuple[AreaProfile, ...]) -> NDArray[np.int64]:
    """Position of each report's area in `areas`; len(areas) for reports outside every listed area."""
    n = len(areas)
    if area_ids.size == 0:
        return np.empty(0, dtype=np.int64)
    top = max(int(area_ids.max()), max((a.id for a in areas), default=0)) + 1
    lookup = np.full(top + 1, n, dtype=np.int64)
    for i, a in enumerate(areas):
        lookup[a.id] = i
    ids = np.where(area_ids < 0, top, area_ids)
    return lookup[ids]


class _AreaLocator:
    def __init__(self, areas: tuple[AreaProfile, ...]) -> None:
        self.names = [a.name for a in areas]
        self.tree = shapely.STRtree([shapely.from_wkt(a.wkt) for a in areas]) if areas else None

    def __call__(self, x: float, y: float) -> str:
        if self.tree is None:
            return ""
        lon, lat = to_wgs84(x, y)
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        return self.names[int(hits[0])] if len(hits) else ""


@dataclass(frozen=True)
class WeekPlan:
    """Where the weekly series of a period's history come from: whole local weeks `first_full` …
    `last_full` (Mondays) from the counts table; the period's own windows (current, previous, last
    year: hot spots, hour of week, the counts of the tables) and the cut weeks at either end of the
    history from the reports' points."""

    first_full: date
    last_full: date
    point_windows: tuple[tuple[datetime, datetime], ...]


def plan_weeks(period: Period) -> WeekPlan:
    start, end = period.start - HISTORY, period.end
    first_monday = _monday(local64(start))
    head_cut = local64(start) != first_monday.astype("datetime64[s]")
    first_full = first_monday + np.timedelta64(7 if head_cut else 0, "D")
    end_monday = _monday(local64(end) - np.timedelta64(1, "s"))
    tail_cut = local64(end) != (end_monday + np.timedelta64(7, "D")).astype("datetime64[s]")
    last_full = end_monday - np.timedelta64(7 if tail_cut else 0, "D")
    windows = [(period.start, period.end), (period.previous().start, period.previous().end),
               (period.last_year().start, period.last_year().end)]
    if head_cut:
        windows.append((start, local_midnight(first_full.astype(date))))
    if tail_cut:
        windows.append((local_midnight(end_monday.astype(date)), end))
    return WeekPlan(first_full.astype(date), last_full.astype(date), tuple(windows))


def _monday(local: np.datetime64) -> np.datetime64:
    return week_of_local(np.atleast_1d(local))[0]


def weekly_cube(rows: WeeklyRows, areas: tuple[AreaProfile, ...], first: np.datetime64,
                last: np.datetime64, category_codes: Sequence[str]) -> CountCube:
    """Counts by area × category × week (the cube `count_cube` would give) from the table's rows."""
    n_areas, n_cats = len(areas) + 1, len(category_codes)
    lo = int(period_index(np.atleast_1d(first), "week")[0])
    hi = int(period_index(np.atleast_1d(last), "week")[0])
    n_p = max(hi - lo + 1, 0)
    pi = period_index(rows.week, "week") - lo
    a = area_index(rows.area_id, areas)
    c = category_index(rows.category, category_codes)
    c = np.where(c < 0, 0, c)  # as count_cube is given by `compute`
    keep = (pi >= 0) & (pi < n_p)
    flat = (a[keep] * n_cats + c[keep]) * n_p + pi[keep]
    counts = np.bincount(flat, weights=rows.count[keep], minlength=n_areas * n_cats * n_p)
    return CountCube(counts=counts.reshape(n_areas, n_cats, n_p).astype(np.int64),
                     starts=period_starts(np.arange(lo, hi + 1), "week"), period="week")


def _window(local: NDArray[np.datetime64], p: Period) -> NDArray[np.bool_]:
    return (local >= local64(p.start)) & (local < local64(p.end))


def compute(arr: ReportArrays, areas: tuple[AreaProfile, ...], period: Period, *, category_codes: Sequence[str],
            version: tuple[int, int, str] = (0, 0, ""), started: float | None = None,
            q: float = DEFAULT_Q, places: Sequence[tuple[str, float, float]] = (),
            week_rows: WeeklyRows | None = None) -> Lagesbild:
    """The lägesbild from report columns covering `period` and its history (pure, no database).

    With `week_rows` (rows of the weekly counts table for the whole weeks of `plan_weeks(period)`)
    the report columns need to cover only ``plan_weeks(period).point_windows``.
    """
    started = time.perf_counter() if started is None else started
    n_areas, n_cats = len(areas), len(category_codes)
    local = to_local(arr.time)
    cat = category_index(arr.category, category_codes)
    aidx = area_index(arr.area_id, areas)
    cur, prev, ly = _window(local, period), _window(local, period.previous()), _window(local, period.last_year())

    def tally(mask: NDArray[np.bool_], index: NDArray[np.int64], n: int) -> NDArray[np.int64]:
        sel = index[mask]
        return np.bincount(sel[sel >= 0], minlength=n)[:n]

    cat_counts = [tally(m, cat, n_cats) for m in (cur, prev, ly)]
    area_counts = [tally(m, aidx, n_areas + 1) for m in (cur, prev, ly)]
    categories = tuple(
        CategoryCount(code, int(cat_counts[0][i]), int(cat_counts[1][i]), int(cat_counts[2][i]))
        for i, code in enumerate(category_codes) if cat_counts[0][i] or cat_counts[1][i] or cat_counts[2][i])
    categories = tuple(sorted(categories, key=lambda c: (-c.current, -c.previous, c.code)))

    # Weekly series (area × category × week, local time) → chart and trend alarms.
    first = local64(period.start - HISTORY)
    last = local64(period.end) - np.timedelta64(1, "s")
    in_cube = np.ones(local.shape, dtype=bool)
    if week_rows is not None:  # whole weeks from the table; from the points only the cut weeks at the ends
        plan = plan_weeks(period)
        week = week_of_local(local)
        in_cube = ((week < np.datetime64(plan.first_full, "D")) | (week > np.datetime64(plan.last_full, "D"))) \
            & (local >= first) & (local <= last)
    cube = count_cube(aidx[in_cube], np.where(cat < 0, 0, cat)[in_cube], local[in_cube], period="week",
                      n_areas=n_areas + 1, n_categories=n_cats, first=first, last=last)
    if week_rows is not None:
        from_table = weekly_cube(week_rows, areas, first, last, category_codes)
        cube = CountCube(counts=cube.counts + from_table.counts, starts=cube.starts, period="week")
    weekly = cube.counts.sum(axis=(0, 1))
    starts = cube.starts
    chart_from = np.datetime64(min(period.first_day, period.last_day - timedelta(weeks=CHART_WEEKS)), "D")
    in_chart = np.flatnonzero(starts + np.timedelta64(6, "D") >= chart_from)
    alarms_per_week = np.zeros(starts.size, dtype=np.int64)
    alarms: list[Alarm] = []
    tested_series = unfit_series = 0
    n_test = min(ALARM_WEEKS, in_chart.size)
    if n_areas and n_test and starts.size >= 10:
        series = cube.counts[:n_areas].reshape(n_areas * n_cats, starts.size)
        ta = trend_alarms(series, starts, n_weeks=n_test, q=q, baseline_for_all=False)  # alarms only
        offset = starts.size - n_test
        alarms_per_week[offset:] = ta.alarm.sum(axis=0)
        first_day = np.datetime64(period.first_day, "D")
        last_day = np.datetime64(period.last_day, "D")
        in_period = (ta.week_starts + np.timedelta64(6, "D") >= first_day) & (ta.week_starts <= last_day)
        reported = series.sum(axis=1) > 0  # a series without any report is not a trend tested
        tested_series = int((np.isfinite(ta.p_value[:, in_period]).any(axis=1) & reported).sum())
        unfit_series = int(ta.unfit[:, in_period].any(axis=1).sum())
        for s, k in zip(*np.nonzero(ta.alarm), strict=True):
            ws = ta.week_starts[k]
            if ws + np.timedelta64(6, "D") < first_day or ws > last_day:
                continue
            a, c = divmod(int(s), n_cats)
            alarms.append(Alarm(ws.astype(date), areas[a].id, areas[a].name, category_codes[c],
                                int(ta.observed[s, k]), float(ta.expected[s, k]), float(ta.p_adjusted[s, k])))
    alarms.sort(key=lambda al: (al.p_adjusted, -al.observed))
    weeks = tuple(WeekCount(starts[i].astype(date), int(weekly[i]), int(alarms_per_week[i])) for i in in_chart)

    # Rates and challenged (1–2) vs advantaged (4–5) areas.
    pops = np.array([a.population or 0 for a in areas], dtype=np.float64)
    types = np.array([a.area_type or 0 for a in areas])
    rates = rates_per_1000(area_counts[0][:n_areas], pops) if n_areas else np.empty(0)
    split = split_by_area_type(np.column_stack([c[:n_areas] for c in area_counts]), types, pops) \
        if n_areas else None
    area_types: tuple[AreaTypeGroup, ...] = ()
    if split is not None:
        area_types = (
            AreaTypeGroup("challenged", int(split.low_population), *(int(v) for v in split.low)),
            AreaTypeGroup("advantaged", int(split.high_population), *(int(v) for v in split.high)),
        )
    how = hour_of_week(local[cur]) if cur.any() else np.zeros((7, 24))

    # Hot spots and density on precise positions.
    precise = np.isin(arr.precision.astype(str), PRECISE) & np.isfinite(arr.x) & np.isfinite(arr.y)
    pc, pp = cur & precise, prev & precise
    locator = _AreaLocator(areas)
    cells, inference = hot_cells(arr.x[pc], arr.y[pc], arr.x[pp], arr.y[pp], locator, q)
    days = local[pc].astype("datetime64[D]")
    cells = nearest_places(profile_cells(cells, CellReports(
        arr.x[pc], arr.y[pc], arr.category[pc].astype(object),
        (days.astype(np.int64) + 3) % 7, (local[pc].astype("datetime64[h]") - days).astype(np.int64),
        arr.x[pp], arr.y[pp]), HOTSPOT_CELL), places)
    bands, bandwidth, density_cell = density_bands(arr.x[pc], arr.y[pc])
    hot_by_area: dict[str, int] = {}
    for cell in cells:
        if cell.cls == "hot":
            hot_by_area[cell.area_name] = hot_by_area.get(cell.area_name, 0) + 1
    area_rows = tuple(
        AreaCount(a.id, a.code, a.name, a.area_type, a.population, a.police_class, int(area_counts[0][i]),
                  int(area_counts[1][i]), int(area_counts[2][i]),
                  None if not np.isfinite(rates[i]) else round(float(rates[i]), 2), hot_by_area.get(a.name, 0))
        for i, a in enumerate(areas))
    total, previous, last_year = (int(m.sum()) for m in (cur, prev, ly))
    summary = summarise(total, previous, last_year, categories, tuple(alarms), cells, area_types)
    return Lagesbild(
        period=period, total=total, previous_total=previous, last_year_total=last_year,
        categories=categories, areas=area_rows, outside_areas=int(area_counts[0][n_areas]),
        weeks=weeks, alarms=tuple(alarms), tested_series=tested_series, unfit_series=unfit_series,
        hour_of_week=tuple(tuple(int(v) for v in row) for row in how),
        area_types=area_types, hot_cells=cells, density=bands, cell_size=HOTSPOT_CELL,
        density_cell_size=density_cell, bandwidth=bandwidth, hotspot_inference=inference, q=q,
        mapped_points=int(pc.sum()), summary=summary, data_version=version,
        computed_at=clock.now(), seconds=round(time.perf_counter() - started, 3))
