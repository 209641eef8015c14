"""Open data without login: published report counts per area × month × category group.

Every number comes from the stored publications, through the suppression gate
(``trygg.publication.gate``): a month is published once, after it has closed and settled, from
reports that have passed triage, one suppressed table per category group (0 or ≥ 5; ≥ 10 for the
sensitive groups); later changes come only by a deliberate, audited republication, marked
``revised``. Every view and filter — one area, the municipality level, the CSV, the HTML page —
is a slice of those stored tables, never a new aggregate of the raw reports. No free text, no
points, no time finer than a month. Reads are rate-limited per client.
"""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from trygg.errors import ValidationError
from trygg.publication.gate import PublicTable, public_table, published_years
from trygg.publication.groups import GROUPS, GROUPS_BY_CODE, Group
from trygg.reports.csv_stream import safe_writer
from trygg.web.deps import language
from trygg.web.i18n import gettext_for
from trygg.web.public_data import limit_public_read, public_db

__all__ = ["GROUPS", "GROUPS_BY_CODE", "Group", "router", "table_json"]

router = APIRouter(prefix="/api/v1/public", tags=["public open data"])


def _group(code: str) -> Group:
    group = GROUPS_BY_CODE.get(code)
    if group is None:
        raise ValidationError("Unknown category group.", fields={"group": f"one of {', '.join(GROUPS_BY_CODE)}"})
    return group


def _year(session: Session, year: int | None) -> int:
    years = published_years(session)
    if year is None:
        if not years:
            raise ValidationError("There is nothing published yet.", fields={"year": "no month is published yet"})
        return years[-1]
    if year not in years:
        raise ValidationError("No published statistics for that year.",
                              fields={"year": f"one of {', '.join(map(str, years)) or 'none yet'}"})
    return year


def table_json(pt: PublicTable, lang: str, area_code: str | None = None,
               level: str = "regso") -> dict[str, Any]:
    """The JSON shape of one published table (hidden numbers are null)."""
    _ = gettext_for(lang)
    rows = [{"area_code": a.code, "area_name": a.name, "counts": pt.cells[k], "total": pt.row_totals[k]}
            for k, a in enumerate(pt.areas) if area_code in (None, a.code)]
    body: dict[str, Any] = {
        "group": pt.group.code, "group_name": _(pt.group.label), "year": pt.year, "level": level,
        "threshold": pt.threshold, "months": pt.month_keys,
        "revised": [m.key for m in pt.months if m.revised],
        "versions": {m.key: {"version": m.version, "published_at": m.published_at} for m in pt.months},
        "month_totals": pt.month_totals, "total": pt.total,
        "note": _("null = hidden to protect privacy: a published count is 0 or at least {n}.", n=pt.threshold),
    }
    if level == "regso":
        body["rows"] = rows
    return body


@router.get("/groups", summary="Category groups and years of the public statistics")
def groups(request: Request, session: Session = Depends(public_db)) -> dict[str, Any]:
    limit_public_read(request, "open_data")
    _ = gettext_for(language(request))
    return {"groups": [{"code": g.code, "name": _(g.label), "categories": list(g.categories),
                        "sensitive": g.sensitive, "threshold": g.threshold} for g in GROUPS],
            "years": published_years(session)}


@router.get("/counts", summary="Published counts per area and month for one category group and year")
def counts(request: Request, session: Session = Depends(public_db),
           group: str = Query("violence", description="Category group code (see /api/v1/public/groups)."),
           year: int | None = Query(None, description="Year; default the latest published."),
           area: str | None = Query(None, max_length=20, description="Only this RegSO area code."),
           level: str = Query("regso", pattern="^(regso|municipality)$",
                              description="regso (areas and totals) or municipality (totals only).")
           ) -> dict[str, Any]:
    limit_public_read(request, "open_data")
    g = _group(group)
    pt = public_table(session, g, _year(session, year))
    if area is not None and area not in {a.code for a in pt.areas}:
        raise ValidationError("Unknown area.", fields={"area": "a RegSO code from /api/v1/areas?level=regso"})
    return table_json(pt, language(request), area, level)


CSV_FIELDS = ("group", "year", "month", "area_code", "area_name", "count", "suppressed", "revised")


@router.get("/counts.csv", summary="Open data as CSV: every published number, suppressed ones empty",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def counts_csv(request: Request, session: Session = Depends(public_db),
               group: str = Query("all", description="A category group code or all."),
               year: str = Query("all", pattern="^(all|[0-9]{4})$", description="A year or all.")) -> Response:
    limit_public_read(request, "open_data")
    chosen = list(GROUPS) if group == "all" else [_group(group)]
    years = published_years(session) if year == "all" else [_year(session, int(year))]
    buf = io.StringIO()
    w = safe_writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for g in chosen:
        for y in years:
            pt = public_table(session, g, y)
            for k, a in enumerate(pt.areas):
                for m, month in enumerate(pt.months):
                    _csv_row(w, g, y, month.key, a.code, a.name, pt.cells[k][m], month.revised)
                _csv_row(w, g, y, "total", a.code, a.name, pt.row_totals[k], False)
            for m, month in enumerate(pt.months):
                _csv_row(w, g, y, month.key, "total", "", pt.month_totals[m], month.revised)
            _csv_row(w, g, y, "total", "total", "", pt.total, False)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="trygg-public-counts.csv"'})


def _csv_row(w: Any, g: Group, year: int, month: str, code: str, name: str, value: int | None,
             revised: bool) -> None:
    w.writerow((g.code, year, month, code, name, "" if value is None else value,
                "" if value is not None else "yes", "yes" if revised else ""))
