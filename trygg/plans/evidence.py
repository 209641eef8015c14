"""The evidence a plan rests on: a frozen snapshot of the lägesbild figures when it was drafted.

`snapshot(session, as_of)` computes, from the reports of the 12 months before `as_of` and the 12
months before those:

* counts per category and per category × area-type group (1–2, 3, 4–5) with the change and an
  exact test of the change (conditional binomial, Benjamini–Hochberg over all groups);
* the monthly trend of each category over the 24 months;
* hot spots: Getis-Ord Gi* (`trygg.analysis.getis_ord`) per category on a 250 m grid, hot cells
  joined into places, named after the nearest known place;
* the latest survey indicators per area-type group against the national normal value.

The result is plain JSON (stored in `ActionPlan.evidence`), so a plan keeps the picture it was
built on even when later reports change the figures. Every plan page shows the current problems (the
snapshot as of today): a computed snapshot is kept per date and data versions
(`trygg.storage.plans.evidence_version`), and each caller gets its own copy.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from scipy import ndimage, stats

from trygg.analysis.aggregate import count_cube
from trygg.analysis.fdr import benjamini_hochberg
from trygg.analysis.getis_ord import HOT, gi_star
from trygg.analysis.grid import cell_indices, grid_counts, grid_for_points
from trygg.domain import clock
from trygg.domain.geo import many_to_sweref, to_wgs84
from trygg.domain.lru import Lru
from trygg.domain.msgid import _
from trygg.storage import plans as store
from trygg.storage.reports import ReportFilter, report_arrays
from trygg.storage.schema import Area

TIMEZONE = ZoneInfo("Europe/Stockholm")
GROUPS: dict[str, tuple[int, ...]] = {"1-2": (1, 2), "3": (3,), "4-5": (4, 5)}
CELL_M = 250.0
MIN_HOTSPOT_CATEGORY = 30  # reports in the period before a category is searched for hot spots
MIN_HOTSPOT_REPORTS = 15
MAX_HOTSPOTS = 15
MIN_INCREASE_COUNT = 10
Q = 0.05



#: English names (msgids) of the survey indicators the police's trygghetsmätning asks.
SURVEY_LABELS: dict[str, str] = {
    "unsafe_outdoors_evening": _("Unsafe outdoors late in the evening (%)"),
    "worry_crime": _("Worried about crime (%)"),
    "confidence_police": _("High confidence in the police (%)"),
    "problem_intoxicated_outdoors": _("Intoxicated people outdoors (index 0–6)"),
    "problem_youth_gangs": _("Youth gangs disturbing order (index 0–6)"),
    "problem_women_harassed": _("Women being harassed (index 0–6)"),
    "problem_littering": _("Littering (index 0–6)"),
    "problem_vandalism": _("Vandalism (index 0–6)"),
}
#: Survey indicators where a higher value is better (all others: lower is better).
HIGHER_IS_BETTER = frozenset({"confidence_police"})


def local_midnight(d: date) -> datetime:
    return datetime.combine(d, time(0), TIMEZONE).astimezone(UTC)


def data_as_of(session: Any, today: date | None = None) -> date:
    """'Now' for the lägesbild: today, or the day after the last report when the data ends earlier."""
    today = today or clock.today()
    _, last = store.report_time_range(session)
    if last is None:
        return today
    return min(today, last.astimezone(TIMEZONE).date() + timedelta(days=1))


def _binom_p(cur: int, prev: int) -> float:
    n = cur + prev
    return float(stats.binomtest(cur, n, 0.5).pvalue) if n else 1.0


def _change(cur: int, prev: int) -> float | None:
    return round(cur / prev - 1.0, 4) if prev else None


_CACHE: Lru[dict[str, Any]] = Lru(16)


def snapshot(session: Any, as_of: date, *, months: int = 12) -> dict[str, Any]:
    """The lägesbild figures as of `as_of` (exclusive): see the module docstring."""
    key = (store.evidence_version(session), as_of, months)
    return copy.deepcopy(_CACHE.get_or_compute(key, lambda: _compute(session, as_of, months)))


def _compute(session: Any, as_of: date, months: int) -> dict[str, Any]:
    end = as_of
    start = _months_back(end, months)
    prev_start = _months_back(start, months)
    arrays = report_arrays(session, ReportFilter(start=local_midnight(prev_start), end=local_midnight(end)))
    areas = store.areas_by_id(session)
    first, _ = store.report_time_range(session)
    # Without data for the whole previous period a change would only show where the data begins.
    covered = first is not None and first <= local_midnight(prev_start) + timedelta(days=7)
    area_type = np.array([areas[a].area_type if a in areas else None for a in arrays.area_id.tolist()],
                         dtype=object)
    t = arrays.time.astype("datetime64[D]")
    current = arrays.time >= np.datetime64(local_midnight(start).replace(tzinfo=None), "s")
    cats = np.array([str(c) for c in arrays.category], dtype=object)
    categories = sorted(set(cats.tolist()))
    by_cat: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    for c in categories:
        m = cats == c
        cur, prev = int((m & current).sum()), int((m & ~current).sum())
        by_cat.append({"category": c, "current": cur, "previous": prev, "change": _change(cur, prev),
                       "p": _binom_p(cur, prev)})
        for g, types in GROUPS.items():
            mg = m & np.isin(area_type, types)
            cur, prev = int((mg & current).sum()), int((mg & ~current).sum())
            if cur + prev == 0:
                continue
            groups.append({"category": c, "group": g, "area_types": list(types), "current": cur,
                           "previous": prev, "change": _change(cur, prev), "p": _binom_p(cur, prev)})
    for rows in (by_cat, groups):
        adj = benjamini_hochberg(np.array([r["p"] for r in rows])) if rows else np.array([])
        for r, p in zip(rows, adj.tolist(), strict=True):
            r["p_adjusted"] = round(float(p), 6)
            r["p"] = round(float(r["p"]), 6)
            r["significant"] = bool(covered and p <= Q)
            if not covered:
                r["change"], r["direction"] = None, "unknown"
            else:
                r["direction"] = ("up" if r["current"] > r["previous"] else
                                  "down" if r["current"] < r["previous"] else "flat")
    return {
        "as_of": as_of.isoformat(),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "previous_period": {"start": prev_start.isoformat(), "end": start.isoformat(), "covered": covered},
        "totals": {"current": int(current.sum()), "previous": int((~current).sum())},
        "categories": by_cat,
        "groups": groups,
        "monthly": _monthly(cats, t, categories, prev_start, end),
        "hotspots": _hotspots(session, arrays, cats, current, areas),
        "surveys": _surveys(session, as_of),
        "method": ("12 months before the date against the 12 months before those; exact binomial test, "
                   "Benjamini–Hochberg q = 0.05; Gi* hot spots on a 250 m grid (exact conditional test, FDR q 0.05)."),
    }


def _months_back(d: date, months: int) -> date:
    m = d.year * 12 + (d.month - 1) - months
    return date(m // 12, m % 12 + 1, min(d.day, 28))


def _monthly(cats: np.ndarray, t: np.ndarray, categories: list[str], lo: date, hi: date) -> dict[str, Any]:
    if not categories:
        return {"months": [], "counts": {}}
    code = {c: i for i, c in enumerate(categories)}
    cube = count_cube(np.zeros(len(cats), dtype=np.int64), np.array([code[c] for c in cats], dtype=np.int64),
                      t, period="month", n_areas=1, n_categories=len(categories),
                      first=np.datetime64(lo, "D"), last=np.datetime64(hi - timedelta(days=1), "D"))
    months = [str(s)[:7] for s in cube.starts]
    return {"months": months, "counts": {c: cube.counts[0, i, :].tolist() for c, i in code.items()}}


def _hotspots(session: Any, arrays: Any, cats: np.ndarray, current: np.ndarray,
              areas: dict[int, Area]) -> list[dict[str, Any]]:
    if not current.any():
        return []
    x, y = arrays.x[current], arrays.y[current]
    grid = grid_for_points(x, y, CELL_M)
    if grid.n_cells < 4:
        return []
    places = store.list_places(session)
    px, py = (many_to_sweref(np.array([p.lon for p in places]), np.array([p.lat for p in places]))
              if places else (np.empty(0), np.empty(0)))
    cur_cats, cur_areas = cats[current], arrays.area_id[current]
    found: list[dict[str, Any]] = []
    for c in sorted(set(cur_cats.tolist())):
        m = cur_cats == c
        if m.sum() < MIN_HOTSPOT_CATEGORY:
            continue
        counts = grid_counts(x[m], y[m], grid)
        gi = gi_star(counts)
        labels, n = ndimage.label(gi.classes == HOT, structure=np.ones((3, 3)))
        if n == 0:
            continue
        col, row = cell_indices(x[m], y[m], grid)
        point_label = np.where(col >= 0, labels[row, col], 0)
        ids = cur_areas[m]
        spots = []
        for k in range(1, n + 1):
            inside = point_label == k
            total = int(inside.sum())
            if total < MIN_HOTSPOT_REPORTS:
                continue
            cx, cy = float(np.median(x[m][inside])), float(np.median(y[m][inside]))
            values, freq = np.unique(ids[inside], return_counts=True)
            area_id = int(values[np.argmax(freq)])
            area = areas.get(area_id)
            place = ""
            if len(places):
                d = np.hypot(px - cx, py - cy)
                if d.min() <= 600:
                    place = places[int(np.argmin(d))].name
            lon, lat = to_wgs84(cx, cy)
            spots.append({"category": c, "count": total, "lon": round(lon, 5), "lat": round(lat, 5),
                          "cells": int((labels == k).sum()), "z": round(float(gi.z[labels == k].max()), 2),
                          "area_id": area_id if area else None, "area_name": area.name if area else "",
                          "area_type": area.area_type if area else None, "place": place})
        spots.sort(key=lambda s: -s["count"])
        found.extend(spots[:3])
    found.sort(key=lambda s: -s["count"])
    return found[:MAX_HOTSPOTS]


def _surveys(session: Any, as_of: date) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for indicator in store.survey_indicator_names(session):
        for group, types in (("all", ()), *GROUPS.items()):
            rows = [r for r in store.survey_years(session, indicator, area_types=types) if r[0] <= as_of.year]
            if not rows:
                continue
            year, value, n, scale = rows[-1]
            prev = rows[-2] if len(rows) > 1 else None
            out.append({"indicator": indicator, "group": group, "year": year, "value": round(value, 2),
                        "n": n, "scale": scale, "previous": round(prev[1], 2) if prev else None})
    return out


def focus_evidence(evidence: dict[str, Any] | None, categories: list[str] | None,
                   area_types: list[int] | None) -> dict[str, Any]:
    """The part of a plan's evidence a focus area rests on (its categories and area types)."""
    if not evidence:
        return {}
    cats = set(categories or [])
    types = set(area_types or [])

    def fits(types_of_row: list[int] | None) -> bool:
        return not types or not types_of_row or bool(types & set(types_of_row))

    return {
        "as_of": evidence.get("as_of"),
        "categories": [r for r in evidence.get("categories", []) if r["category"] in cats],
        "groups": [r for r in evidence.get("groups", []) if r["category"] in cats and fits(r["area_types"])],
        "hotspots": [h for h in evidence.get("hotspots", [])
                     if h["category"] in cats and fits([h["area_type"]] if h["area_type"] else None)],
    }
