"""Open data without login: report counts per area × month × category group, suppressed.

What is published is a fixed family of tables, one per (category group, year): RegSO areas ×
complete calendar months (Europe/Stockholm), with row totals, month totals and a year total, all
passed through ``trygg.analysis.suppression`` (0 or ≥ 5; ≥ 10 for the sensitive groups). Every
view and filter — one area, the municipality level, the CSV, the HTML page — is a slice of those
same suppressed tables, never a new aggregate of the raw reports, so that no two views can be
subtracted from each other to reveal a hidden count. No free text, no points, no time finer
than a month, and the running month is left out until it is over.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from trygg.analysis.suppression import NORMAL_THRESHOLD, SENSITIVE_THRESHOLD, SuppressedTable, suppress
from trygg.domain import clock
from trygg.domain.categories import is_sensitive
from trygg.domain.enums import AreaLevel
from trygg.errors import ValidationError
from trygg.storage import access as access_store
from trygg.storage import areas as area_store
from trygg.storage.schema import Area
from trygg.web.deps import db_session, language
from trygg.web.i18n import TIMEZONE, gettext_for

router = APIRouter(prefix="/api/v1/public", tags=["public open data"])


@dataclass(frozen=True)
class Group:
    code: str
    label: str  # English msgid
    categories: tuple[str, ...]

    @property
    def sensitive(self) -> bool:
        return any(is_sensitive(c) for c in self.categories)

    @property
    def threshold(self) -> int:
        return SENSITIVE_THRESHOLD if self.sensitive else NORMAL_THRESHOLD


# Category groups of the public statistics. Planned events (``event``) are not incidents.
GROUPS: tuple[Group, ...] = (
    Group("violence", "Violence and threats", ("violence", "staff_threat")),
    Group("sexual_offences", "Sexual harassment", ("sexual_harassment",)),
    Group("youth", "Young people at risk", ("youth",)),
    Group("disorder", "Disorder, drugs and alcohol", ("disorder", "narcotics", "alcohol_minors")),
    Group("property", "Vandalism, arson and theft", ("vandalism", "arson", "burglary")),
    Group("environment", "Unsafe places and littering", ("unsafe_place", "littering")),
    Group("traffic", "Traffic", ("traffic",)),
)
GROUPS_BY_CODE = {g.code: g for g in GROUPS}


@dataclass(frozen=True)
class PublicTable:
    group: Group
    year: int
    areas: list[Area]
    months: list[str]  # "YYYY-MM", complete months only
    table: SuppressedTable


def first_open_month(now: datetime | None = None) -> tuple[int, int]:
    """(year, month) of the running month in Stockholm: it and later months are not published."""
    local = (now or clock.now()).astimezone(TIMEZONE)
    return local.year, local.month


def published_years(session: Session, now: datetime | None = None) -> list[int]:
    span = access_store.public_year_span(session)
    if span is None:
        return []
    first = span[0].astimezone(TIMEZONE).year
    open_year, open_month = first_open_month(now)
    last = min(span[1].astimezone(TIMEZONE).year, open_year if open_month > 1 else open_year - 1)
    return list(range(first, last + 1))


def _regso_of(session: Session) -> tuple[list[Area], dict[int, int]]:
    """The RegSO areas in code order and a map from any area id (RegSO or below) to its row."""
    regsos = sorted(area_store.list_areas(session, AreaLevel.REGSO), key=lambda a: a.code)
    row = {a.id: k for k, a in enumerate(regsos)}
    for a in area_store.list_areas(session, None):
        seen = 0
        node: Area | None = a
        while node is not None and node.id not in row and seen < 5:
            node = node.parent
            seen += 1
        if node is not None and node.id in row:
            row[a.id] = row[node.id]
    return regsos, row


def public_table(session: Session, group: Group, year: int, now: datetime | None = None) -> PublicTable:
    """The suppressed table of one category group and year (areas × complete months)."""
    open_year, open_month = first_open_month(now)
    n_months = 12 if year < open_year else (open_month - 1 if year == open_year else 0)
    months = [f"{year}-{m:02d}" for m in range(1, n_months + 1)]
    regsos, row_of = _regso_of(session)
    counts = np.zeros((len(regsos), len(months)), dtype=np.int64)
    if months and regsos:
        start = datetime(year, 1, 1, tzinfo=TIMEZONE).astimezone(UTC)
        end = datetime(year, n_months, 1, tzinfo=TIMEZONE) + timedelta(days=32)
        end = end.replace(day=1).astimezone(UTC)
        for area_id, _cat, when in access_store.public_event_rows(session, group.categories, start, end):
            local = when.astimezone(TIMEZONE)
            if area_id in row_of and local.year == year and local.month <= n_months:
                counts[row_of[area_id], local.month - 1] += 1
    return PublicTable(group, year, regsos, months, suppress(counts, group.threshold))


def _group(code: str) -> Group:
    group = GROUPS_BY_CODE.get(code)
    if group is None:
        raise ValidationError("Unknown category group.", fields={"group": f"one of {', '.join(GROUPS_BY_CODE)}"})
    return group


def _year(session: Session, year: int | None) -> int:
    years = published_years(session)
    if year is None:
        if not years:
            raise ValidationError("There is nothing to publish yet.", fields={"year": "no complete month has data"})
        return years[-1]
    if year not in years:
        raise ValidationError("No published statistics for that year.",
                              fields={"year": f"one of {', '.join(map(str, years)) or 'none yet'}"})
    return year


def table_json(pt: PublicTable, lang: str, area_code: str | None = None,
               level: str = "regso") -> dict[str, Any]:
    """The JSON shape of one published table (hidden numbers are null)."""
    _ = gettext_for(lang)
    t = pt.table
    cells = t.published_cells()
    row_totals = t.published_row_totals()
    rows = [{"area_code": a.code, "area_name": a.name, "counts": list(cells[k]), "total": row_totals[k]}
            for k, a in enumerate(pt.areas) if area_code in (None, a.code)]
    body: dict[str, Any] = {
        "group": pt.group.code, "group_name": _(pt.group.label), "year": pt.year, "level": level,
        "threshold": t.threshold, "months": pt.months,
        "month_totals": t.published_col_totals(), "total": t.published_grand_total(),
        "note": _("null = hidden to protect privacy: a published count is 0 or at least {n}.", n=t.threshold),
    }
    if level == "regso":
        body["rows"] = rows
    return body


@router.get("/groups", summary="Category groups and years of the public statistics")
def groups(request: Request, session: Session = Depends(db_session)) -> dict[str, Any]:
    _ = gettext_for(language(request))
    return {"groups": [{"code": g.code, "name": _(g.label), "categories": list(g.categories),
                        "sensitive": g.sensitive, "threshold": g.threshold} for g in GROUPS],
            "years": published_years(session)}


@router.get("/counts", summary="Suppressed counts per area and month for one category group and year")
def counts(request: Request, session: Session = Depends(db_session),
           group: str = Query("violence", description="Category group code (see /api/v1/public/groups)."),
           year: int | None = Query(None, description="Year; default the latest published."),
           area: str | None = Query(None, max_length=20, description="Only this RegSO area code."),
           level: str = Query("regso", pattern="^(regso|municipality)$",
                              description="regso (areas and totals) or municipality (totals only).")
           ) -> dict[str, Any]:
    g = _group(group)
    pt = public_table(session, g, _year(session, year))
    if area is not None and area not in {a.code for a in pt.areas}:
        raise ValidationError("Unknown area.", fields={"area": "a RegSO code from /api/v1/areas?level=regso"})
    return table_json(pt, language(request), area, level)


CSV_FIELDS = ("group", "year", "month", "area_code", "area_name", "count", "suppressed")


@router.get("/counts.csv", summary="Open data as CSV: every published number, suppressed ones empty",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def counts_csv(session: Session = Depends(db_session),
               group: str = Query("all", description="A category group code or all."),
               year: str = Query("all", pattern="^(all|[0-9]{4})$", description="A year or all.")) -> Response:
    chosen = list(GROUPS) if group == "all" else [_group(group)]
    years = published_years(session) if year == "all" else [_year(session, int(year))]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for g in chosen:
        for y in years:
            pt = public_table(session, g, y)
            t = pt.table
            cells = t.published_cells()
            for k, a in enumerate(pt.areas):
                for m, month in enumerate(pt.months):
                    _csv_row(w, g, y, month, a.code, a.name, cells[k, m])
                _csv_row(w, g, y, "total", a.code, a.name, t.published_row_totals()[k])
            for m, month in enumerate(pt.months):
                _csv_row(w, g, y, month, "total", "", t.published_col_totals()[m])
            _csv_row(w, g, y, "total", "total", "", t.published_grand_total())
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="trygg-public-counts.csv"'})


def _csv_row(w: Any, g: Group, year: int, month: str, code: str, name: str, value: int | None) -> None:
    w.writerow((g.code, year, month, code, name, "" if value is None else value, "" if value is not None else "yes"))
