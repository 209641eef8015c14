"""The årshjul: the plan's activities month by month, with the recurring patterns in the data.

Patterns come from all reports:

* *seasonal peaks*: months in which a category has at least ``PEAK`` times its average monthly
  rate (per day, so February is not penalised), e.g. the summer peak of disorder;
* *special days*: calendar days with at least ``SPIKE`` times the category's usual daily rate in
  that month and at least ``MIN_SPIKE`` reports over the years, e.g. New Year's Eve;
* *known dates* every municipality plans for (Valborg, midsummer, school start, New Year's
  Eve), each with the rise the data shows on that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from trygg.domain.lru import Lru
from trygg.domain.msgid import _
from trygg.storage import versions
from trygg.storage.lagesbild import data_version
from trygg.storage.reports import ReportFilter, report_arrays
from trygg.storage.schema import ActionPlan, Activity

PEAK = 1.25
SPIKE = 2.5
MIN_SPIKE = 10
MIN_CATEGORY = 100  # reports before a category's season is judged


_DAYS_IN_MONTH = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
#: Recurring dates (month, day, English msgid) that plans usually prepare for.
KNOWN_DATES: tuple[tuple[int, int, str], ...] = (
    (4, 30, _("Valborg (Walpurgis Night)")),
    (6, 14, _("School summer holiday begins")),
    (6, 20, _("Midsummer Eve (around 20–26 June)")),
    (8, 20, _("School start")),
    (12, 31, _("New Year's Eve")),
)


@dataclass(frozen=True)
class Peak:
    category: str
    months: tuple[int, ...]
    index: float  # the highest monthly rate over the average


@dataclass(frozen=True)
class SpecialDay:
    month: int
    day: int
    categories: tuple[str, ...]
    ratio: float  # the highest ratio over the usual daily rate
    label: str = ""  # English msgid of a known date


def _(message: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return message


#: The yearly process of the collaboration (docs: DOMAIN.md, cadence table), month by month: the
#: follow-up of last year's plan, the new plan from the lägesbild, signing, the analyses every four
#: months, the police's autumn survey and the yearly lägesbild that the next plan builds on.
PROCESS: dict[int, tuple[str, ...]] = {
    1: (_("Follow-up of last year's plan: which measures went with which changes"),),
    2: (_("New action plan drafted from the joint lägesbild"),),
    3: (_("Plan and citizen promise signed and published"),),
    4: (_("Analysis of the first four months"),),
    8: (_("Analysis of the second four months"),),
    9: (_("Safety survey (trygghetsmätning) in the field"),),
    10: (_("Survey results in; citizen promise followed up"),),
    11: (_("Yearly lägesbild: reports and survey together"),),
    12: (_("Analysis of the year; input to next year's plan"),),
}


@dataclass(frozen=True)
class MonthRow:
    month: int
    activities: list[Activity] = field(default_factory=list)  # every activity running in the month
    peaks: list[Peak] = field(default_factory=list)
    days: list[SpecialDay] = field(default_factory=list)
    process: tuple[str, ...] = ()  # the yearly process's steps this month (English msgids)
    starts: list[Activity] = field(default_factory=list)  # activities that begin this month
    ends: list[Activity] = field(default_factory=list)  # … and end this month (all-year ones excluded)


@dataclass(frozen=True)
class YearWheel:
    year: int
    months: list[MonthRow]
    peaks: list[Peak]
    days: list[SpecialDay]
    all_year: list[Activity] = field(default_factory=list)  # activities running all twelve months

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "months": [
            {"month": m.month, "activities": [{"id": a.id, "title": a.title, "kind": a.kind} for a in m.activities],
             "peaks": [{"category": p.category, "index": round(p.index, 2)} for p in m.peaks],
             "days": [{"day": d.day, "categories": list(d.categories), "ratio": round(d.ratio, 1),
                       "label": d.label} for d in m.days]} for m in self.months]}


def active_months(a: Activity, year: int) -> list[int]:
    start = a.period_start or date(year, 1, 1)
    end = a.period_end or date(year, 12, 31)
    if end.year < year or start.year > year:
        return []
    lo = 1 if start.year < year else start.month
    hi = 12 if end.year > year else end.month
    return list(range(lo, hi + 1))


def seasonal_patterns(times: np.ndarray, categories: np.ndarray) -> tuple[list[Peak], list[SpecialDay]]:
    """Seasonal peaks and special days of reports (times as local datetime64)."""
    if times.size == 0:
        return [], []
    d = times.astype("datetime64[D]")
    month = d.astype("datetime64[M]").astype(np.int64) % 12  # 0 = January
    dom = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    years = {m: len(set((d[month == m].astype("datetime64[Y]")).tolist())) for m in range(12)}
    peaks: list[Peak] = []
    spikes: dict[tuple[int, int], tuple[list[str], float]] = {}
    for c in sorted(set(categories.tolist())):
        sel = categories == c
        if sel.sum() < MIN_CATEGORY:
            continue
        counts = np.bincount(month[sel], minlength=12).astype(float)
        n_years = np.array([max(years[m], 1) for m in range(12)], dtype=float)
        daily = counts / (_DAYS_IN_MONTH * n_years)
        index = daily / daily.mean() if daily.mean() > 0 else daily
        hot = tuple(int(m) + 1 for m in np.flatnonzero(index >= PEAK))
        if hot:
            peaks.append(Peak(str(c), hot, float(index.max())))
        by_day = np.bincount(month[sel] * 31 + dom[sel] - 1, minlength=12 * 31).reshape(12, 31).astype(float)
        for m in range(12):
            usual = daily[m] * n_years[m]
            if usual <= 0:
                continue
            ratio = by_day[m] / usual
            for k in np.flatnonzero((ratio >= SPIKE) & (by_day[m] >= MIN_SPIKE)):
                key = (m + 1, int(k) + 1)
                cats, best = spikes.get(key, ([], 0.0))
                spikes[key] = ([*cats, str(c)], max(best, float(ratio[k])))
    labels = {(m, dd): label for m, dd, label in KNOWN_DATES}
    days = [SpecialDay(m, dd, tuple(cats), r, labels.get((m, dd), "")) for (m, dd), (cats, r) in sorted(spikes.items())]
    for m, dd, label in KNOWN_DATES:
        if (m, dd) not in spikes:
            days.append(SpecialDay(m, dd, (), 0.0, label))
    days.sort(key=lambda s: (s.month, s.day))
    return peaks, days


#: The patterns of every report, per database and data version (every plan's wheel shows the same).
_PATTERNS: Lru[tuple[list[Peak], list[SpecialDay]]] = Lru(8)


def _all_patterns(session: Session) -> tuple[list[Peak], list[SpecialDay]]:
    arrays = report_arrays(session, ReportFilter())
    local = arrays.time + np.timedelta64(1, "h")  # Swedish winter time is close enough for day bins
    cats = np.asarray([str(c) for c in arrays.category], dtype=object)
    return seasonal_patterns(local, cats)


def year_wheel(session: Session, plan: ActionPlan) -> YearWheel:
    cached = _PATTERNS.get_or_compute((versions.database_key(session), data_version(session)),
                                      lambda: _all_patterns(session))
    peaks, days = list(cached[0]), list(cached[1])  # the caller's own lists
    months = []
    spans = {a.id: active_months(a, plan.year) for a in plan.activities}
    all_year = [a for a in plan.activities if len(spans[a.id]) == 12]
    for m in range(1, 13):
        running = [a for a in plan.activities if m in spans[a.id]]
        partial = [a for a in running if len(spans[a.id]) < 12]
        months.append(MonthRow(m, running, [p for p in peaks if m in p.months], [s for s in days if s.month == m],
                               PROCESS.get(m, ()), [a for a in partial if spans[a.id][0] == m],
                               [a for a in partial if spans[a.id][-1] == m and spans[a.id][0] != m]))
    return YearWheel(plan.year, months, peaks, days, all_year)
