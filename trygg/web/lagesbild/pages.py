"""The lägesbild dashboard: filters, map, charts with table alternatives, and CSV/GeoJSON exports.

The page works without JavaScript (the filter form submits, every chart has a table); with it,
``static/js/lagesbild.js`` swaps the results fragment (``/lagesbild/results``) and redraws the map and
charts from ``/api/v1/lagesbild`` when a filter changes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from babel.dates import get_day_names
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from trygg.domain.categories import Taxonomy
from trygg.domain.clock import today
from trygg.domain.enums import AreaLevel, Source
from trygg.lagesbild.periods import TIMEZONE, resolve_period
from trygg.lagesbild.service import build_lagesbild
from trygg.lagesbild.surveys import survey_figures
from trygg.reports.csv_stream import csv_chunks
from trygg.storage import areas as area_store
from trygg.storage import meetings as meeting_store
from trygg.storage.reports import ReportFilter, iter_reports
from trygg.storage.schema import Report, User
from trygg.web import i18n
from trygg.web.access import can_see_sensitive, check_role, detail_scope, taxonomy_of
from trygg.web.audited_stream import AuditedStreamingResponse, SentLedger
from trygg.web.deps import current_user, db_session, get_database, language
from trygg.web.errors import login_redirect
from trygg.web.lagesbild.filters import VIEW_ROLES, WEEK_CHOICES, dashboard_filter, query_string
from trygg.web.lagesbild.serialize import summary_texts
from trygg.web.nav import register_nav
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
register_nav("/lagesbild", "Situation picture", roles=VIEW_ROLES, order=20)

SOURCES = (Source.EST, Source.RESIDENT, Source.POLICE_EVENTS)
EXPORT_COLUMNS = ("id", "public_id", "occurred_from", "occurred_to", "category", "category_name", "area_code",
                  "area_name", "area_type", "organisation", "source", "status", "insecurity", "people_count",
                  "police_called", "precision", "lon", "lat")


def heat_levels(how: tuple[tuple[int, ...], ...]) -> list[list[int]]:
    """0–5 shading level of each hour-of-week cell (0 = none, 5 = the busiest hour)."""
    top = max((max(r) for r in how), default=0)
    return [[0 if not v or not top else max(1, math.ceil(5 * v / top)) for v in row] for row in how]


def day_names(lang: str) -> list[str]:
    """Abbreviated weekday names, Monday first."""
    names = get_day_names("abbreviated", locale=i18n.babel_locale(lang))
    return [str(names[i]) for i in range(7)]


def js_texts(_: Callable[..., str]) -> dict[str, str]:
    """Texts the dashboard script shows, by their English msgid."""
    return {
        "Area type": _("Area type"),
        "Reports": _("Reports"),
        "Open area page": _("Open area page"),
        "Details": _("Details"),
        "Hot spot": _("Hot spot"),
        "Cold spot": _("Cold spot"),
        "Report density": _("Report density"),
        "Report points": _("Report points"),
        "Reports per week": _("Reports per week"),
        "Week with trend alarm": _("Week with trend alarm"),
        "This period": _("This period"),
        "Previous period": _("Previous period"),
        "Same period last year": _("Same period last year"),
        "Reports per 1,000 inhabitants": _("Reports per 1,000 inhabitants"),
        "Reports in the cell": _("Reports in the cell"),
        "New hot spot": _("New hot spot"),
        "Could not load the data": _("Could not load the data"),
        "Updating…": _("Updating…"),
        "Updated": _("Updated"),
    }


def form_values(request: Request) -> dict[str, str]:
    p = request.query_params
    values = {k: p.get(k, "") for k in ("weeks", "start", "end", "area", "area_type", "category", "organisation",
                                         "source")}
    if not any(values[k] for k in ("weeks", "start", "end")):
        values["weeks"] = "1"
    return values


def results_context(request: Request, session: Session, user: User) -> dict[str, Any]:
    flt = dashboard_filter(request.query_params, user)
    lb = build_lagesbild(session, flt, today=today())
    lang = language(request)
    qs = query_string(request.query_params) or "weeks=1"
    return {"lb": lb, "qs": qs, "summary": summary_texts(lb, lang, taxonomy_of(user)),
            "heat": heat_levels(lb.hour_of_week),
            "day_names": day_names(lang), "hot": [c for c in lb.hot_cells if c.cls == "hot" and c.count > 0][:15],
            "max_week": max((w.count for w in lb.weeks), default=0),
            "survey_figures": survey_figures(session, flt.area_ids)}


@router.get("/lagesbild")
def dashboard(request: Request, user: User | None = Depends(current_user),
              session: Session = Depends(db_session)) -> Response:
    if user is None:
        return login_redirect(request)
    check_role(user, VIEW_ROLES)
    ctx = results_context(request, session, user)
    lang = language(request)
    _ = i18n.gettext_for(lang)
    ctx.update({
        "form": form_values(request), "week_choices": WEEK_CHOICES,
        "areas": area_store.list_areas(session, AreaLevel.REGSO),
        "organisations": meeting_store.list_organisations(session), "sources": SOURCES,
        "category_choices": [c for c in taxonomy_of(user).listed if can_see_sensitive(user) or not c.sensitive],
        "js_texts": js_texts(_),
    })
    return render(request, "lagesbild/dashboard.html", ctx)


@router.get("/lagesbild/results")
def results(request: Request, user: User | None = Depends(current_user),
            session: Session = Depends(db_session)) -> Response:
    """The results part of the dashboard (for the script that swaps it when a filter changes)."""
    if user is None:
        return login_redirect(request)
    check_role(user, VIEW_ROLES)
    return render(request, "lagesbild/_results.html", results_context(request, session, user))


def _export_filter(request: Request, user: User) -> tuple[ReportFilter, str]:
    """Exactly the dashboard's filter and period, limited to the reports whose details the user may see."""
    flt = dashboard_filter(request.query_params, user)
    period = resolve_period(flt.start, flt.end, today())
    name = f"lagesbild-{period.first_day.isoformat()}-{period.last_day.isoformat()}"
    return replace(flt, start=period.start, end=period.end, visible=detail_scope(user)), name


def _row(r: Report, lang: str, tax: Taxonomy) -> dict[str, Any]:
    return {
        "id": r.id, "public_id": r.public_id,
        "occurred_from": r.occurred_from.astimezone(TIMEZONE).isoformat(timespec="minutes"),
        "occurred_to": r.occurred_to.astimezone(TIMEZONE).isoformat(timespec="minutes") if r.occurred_to else "",
        "category": r.category, "category_name": tax.label(r.category, lang),
        "area_code": r.area.code if r.area else "", "area_name": r.area.name if r.area else "",
        "area_type": (r.area.area_type or "") if r.area else "",
        "organisation": r.organisation.name if r.organisation else "", "source": r.source, "status": r.status,
        "insecurity": r.insecurity if r.insecurity is not None else "",
        "people_count": r.people_count if r.people_count is not None else "",
        "police_called": "" if r.police_called is None else ("yes" if r.police_called else "no"),
        "precision": r.precision, "lon": round(r.lon, 6), "lat": round(r.lat, 6),
    }


@router.get("/lagesbild/export.csv")
def export_csv(request: Request, user: User | None = Depends(current_user),
               session: Session = Depends(db_session)) -> Response:
    """The reports the filters show (period included), one row each; no free text."""
    if user is None:
        return login_redirect(request)
    check_role(user, VIEW_ROLES)
    flt, name = _export_filter(request, user)
    lang = language(request)
    ledger = SentLedger()
    tax = taxonomy_of(user)

    def values() -> Iterator[list[Any]]:
        for r in iter_reports(session, flt):
            if tax.is_sensitive(r.category):
                ledger.note(r.id, r.category)
            row = _row(r, lang, tax)
            yield [row[c] for c in EXPORT_COLUMNS]

    return AuditedStreamingResponse(
        csv_chunks(EXPORT_COLUMNS, values(), bom=True), ledger=ledger, db=get_database(request), user_id=user.id,
        via="lagesbild/export.csv", media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@router.get("/lagesbild/export.geojson")
def export_geojson(request: Request, user: User | None = Depends(current_user),
                   session: Session = Depends(db_session)) -> Response:
    """The reports the filters show as a GeoJSON FeatureCollection (WGS 84)."""
    if user is None:
        return login_redirect(request)
    check_role(user, VIEW_ROLES)
    flt, name = _export_filter(request, user)
    lang = language(request)
    ledger = SentLedger()
    tax = taxonomy_of(user)

    def chunks() -> Iterator[str]:
        yield '{"type": "FeatureCollection", "features": ['
        first = True
        for r in iter_reports(session, flt):
            if tax.is_sensitive(r.category):
                ledger.note(r.id, r.category)
            props = _row(r, lang, tax)
            feature = {"type": "Feature", "id": r.id,
                       "geometry": {"type": "Point", "coordinates": [props.pop("lon"), props.pop("lat")]},
                       "properties": props}
            yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
            first = False
        yield "]}"

    return AuditedStreamingResponse(
        chunks(), ledger=ledger, db=get_database(request), user_id=user.id, via="lagesbild/export.geojson",
        media_type="application/geo+json", headers={"Content-Disposition": f'attachment; filename="{name}.geojson"'})
