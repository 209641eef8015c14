"""Indicator values computed from the data at any date.

* ``report_category``: reports of the category in the indicator's area (or area types, or the
  whole municipality) in the 365 days up to the date — a yearly count, comparable with a baseline
  counted over a year;
* ``survey``: the answer-weighted mean of the latest survey year up to the date's year over the
  indicator's area (or area types, or all areas);
* ``manual``: the latest figure entered on or before the date.

`progress` is how far the value has moved from the baseline towards the target (0 = at the
baseline, 1 = target reached); it is None without a baseline or target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from trygg.plans.evidence import local_midnight
from trygg.storage import plans as store
from trygg.storage.reports import ReportFilter, count_reports
from trygg.storage.schema import Indicator

WINDOW_DAYS = 365


@dataclass(frozen=True)
class Reading:
    value: float | None
    on: date
    basis: str  # e.g. "2023-06-01–2024-05-31", "survey 2023 (n = 412)", "entered 2024-04-30"
    progress: float | None
    status: str  # reached | improving | worse | unchanged | no_data | no_baseline
    #: The basis for pages: an English msgid with {placeholders} and their values, translated where shown.
    basis_msgid: str = ""
    basis_params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "on": self.on.isoformat(), "basis": self.basis,
                "progress": None if self.progress is None else round(self.progress, 3), "status": self.status}


def progress_of(value: float | None, baseline: float | None, target: float | None) -> tuple[float | None, str]:
    if value is None:
        return None, "no_data"
    if baseline is None:
        return None, "no_baseline"
    if target is None or target == baseline:
        return None, "unchanged" if value == baseline else ("improving" if target is None else "worse")
    p = (value - baseline) / (target - baseline)
    if p >= 1:
        return p, "reached"
    if p > 0:
        return p, "improving"
    if p < 0:
        return p, "worse"
    return p, "unchanged"


def _(message: str) -> str:
    """Mark an English msgid for extraction; it is translated where it is shown."""
    return message


SURVEY_BASIS = _("survey {year} (n = {n})")
ENTERED_BASIS = _("entered {date}")


def raw_value(session: Session, ind: Indicator, on: date) -> tuple[float | None, str]:
    value, basis, _msgid, _params = described_value(session, ind, on)
    return value, basis


def described_value(session: Session, ind: Indicator,
                    on: date) -> tuple[float | None, str, str, dict[str, Any]]:
    """(value, basis as the API states it, the basis's msgid for pages, its parameters)."""
    if ind.source_kind == "report_category":
        start = on - timedelta(days=WINDOW_DAYS - 1)
        flt = ReportFilter(start=local_midnight(start), end=local_midnight(on + timedelta(days=1)),
                           categories=(ind.category,) if ind.category else (),
                           area_ids=(ind.area_id,) if ind.area_id else (),
                           area_types=tuple(ind.area_types or ()) if not ind.area_id else ())
        period = f"{start.isoformat()}–{on.isoformat()}"
        return float(count_reports(session, flt)), period, "{period}", {"period": period}
    if ind.source_kind == "survey":
        rows = store.survey_years(session, ind.survey_indicator or "",
                                  area_ids=(ind.area_id,) if ind.area_id else (),
                                  area_types=tuple(ind.area_types or ()) if not ind.area_id else ())
        rows = [r for r in rows if r[0] <= on.year]
        if not rows:
            return None, "", "", {}
        year, value, n, _scale = rows[-1]
        return round(value, 1), f"survey {year} (n = {n})", SURVEY_BASIS, {"year": year, "n": n}
    values = store.indicator_values(session, ind.id, until=on)
    if not values:
        return None, "", "", {}
    last = values[-1]
    day = last.on_date.isoformat()
    return float(last.value), f"entered {day}", ENTERED_BASIS, {"date": day}


def reading(session: Session, ind: Indicator, on: date) -> Reading:
    """The indicator's value on `on` with its progress from baseline towards target."""
    value, basis, msgid, params = described_value(session, ind, on)
    progress, status = progress_of(value, ind.baseline, ind.target)
    return Reading(value, on, basis, progress, status, msgid, params)


def series(session: Session, ind: Indicator, dates: list[date]) -> list[Reading]:
    return [reading(session, ind, d) for d in dates]
