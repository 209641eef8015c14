"""The lägesbild as JSON for the dashboard's charts and map layers, with the report filters.

``GET /api/v1/lagesbild?start=…&end=…&area=…&area_type=…&category=…&organisation=…&source=…`` (the
filters of `trygg.web.filters.parse_report_filter`, plus ``weeks=N`` for the last N complete weeks).
Without a period it is the last complete week. Reports of sensitive categories are left out for users
not cleared for them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import numpy as np
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session, object_session
from starlette.datastructures import QueryParams

from trygg.domain import clock
from trygg.domain.categories import Taxonomy
from trygg.domain.enums import Role
from trygg.domain.permissions import Permission, roles_for
from trygg.errors import PermissionDenied, TryggError, ValidationError
from trygg.lagesbild.model import Lagesbild
from trygg.lagesbild.periods import last_complete_week, resolve_period, to_local
from trygg.lagesbild.service import build_lagesbild
from trygg.lagesbild.summary import render_summary
from trygg.storage import audit
from trygg.storage.categories import taxonomy
from trygg.storage.reports import ReportFilter, report_arrays
from trygg.storage.schema import User
from trygg.web import i18n
from trygg.web.access import can_see_sensitive, detail_scope, require_user, sensitive_codes, taxonomy_of
from trygg.web.deps import db_session, language
from trygg.web.errors import render_error
from trygg.web.filters import parse_report_filter

router = APIRouter(prefix="/api/v1", tags=["lägesbild"])

#: Who sees the lägesbild (aggregates, hot spots, map).
VIEW_ROLES = roles_for(Permission.LAGESBILD_VIEW)
WEEK_CHOICES = (1, 2, 4, 13, 26, 52)
MAX_POINTS = 5000
FILTER_KEYS = ("weeks", "start", "end", "area", "area_type", "category", "organisation", "source")


def html_errors(fn: Callable[..., Response]) -> Callable[..., Response]:
    """Render Trygg errors of a page while its database session is still open.

    (The app-wide handler runs after the request's session has closed, when the signed-in user can no
    longer be read for the menu; answering here keeps a 404 or 422 page a proper page.)
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return fn(*args, **kwargs)
        except TryggError as exc:
            message = exc.message + (f" {exc.hint}" if exc.hint else "")
            return render_error(kwargs["request"], exc.status_code, exc.code, message, exc.details)

    return wrapper


def today() -> date:
    """Today in Swedish local time."""
    return clock.today()


def check_role(user: User, roles: frozenset[Role]) -> None:
    if user.role not in {str(r) for r in roles}:
        raise PermissionDenied("Your role may not see the situation picture.",
                               hint="Ask the coordinator for a partner account.")


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def dashboard_filter(params: QueryParams, user: User, *, on: date | None = None) -> ReportFilter:
    """The report filter of the query parameters; ``weeks=N`` means the last N complete weeks."""
    flt = parse_report_filter(params, tax=taxonomy_of(user))
    weeks = params.get("weeks", "").strip()
    if weeks and flt.start is None and flt.end is None:
        if not weeks.isdigit() or not 1 <= int(weeks) <= 260:
            raise ValidationError("Some filters are not valid.", fields={"weeks": "a whole number 1–260"})
        last = last_complete_week(on or today())
        flt = replace(flt, start=last.end - timedelta(weeks=int(weeks)), end=last.end)
    if not can_see_sensitive(user):
        flt = replace(flt, exclude_categories=sensitive_codes(object_session(user)))
    return flt


def query_string(params: QueryParams) -> str:
    """The filter part of the query string (for links: exports, PDF, the API)."""
    pairs = [(k, v) for k, v in params.multi_items() if k in FILTER_KEYS and v != ""]
    return "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in pairs)


def summary_texts(lb: Lagesbild, lang: str, tax: Taxonomy) -> list[str]:
    return render_summary(lb.summary, i18n.gettext_for(lang),
                          lambda v, d: i18n.format_number(v, lang, d),
                          lambda v: i18n.format_percent(v, lang),
                          lambda c: tax.label(c, lang))


def lagesbild_json(lb: Lagesbild, lang: str, tax: Taxonomy) -> dict[str, Any]:
    _ = i18n.gettext_for(lang)
    group_label = {"challenged": _("Challenged areas (type 1–2)"), "advantaged": _("Advantaged areas (type 4–5)")}
    hot = [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in c.ring]]},
            "properties": {"class": c.cls, "z": c.z, "count": c.count, "new": c.new, "area": c.area_name}}
           for c in lb.hot_cells]
    density = [{"type": "Feature", "geometry": b.geometry, "properties": {"level": b.level, "share": b.share_from}}
               for b in lb.density]
    return {
        "period": {"start": lb.period.start.isoformat(), "end": lb.period.end.isoformat(),
                   "first_day": lb.period.first_day.isoformat(), "last_day": lb.period.last_day.isoformat(),
                   "days": lb.period.days},
        "totals": {"current": lb.total, "previous": lb.previous_total, "last_year": lb.last_year_total,
                   "outside_areas": lb.outside_areas, "mapped_points": lb.mapped_points},
        "categories": [{"code": c.code, "name": tax.label(c.code, lang), "current": c.current,
                        "previous": c.previous, "last_year": c.last_year} for c in lb.categories],
        "areas": [{"id": a.area_id, "code": a.code, "name": a.name, "area_type": a.area_type,
                   "population": a.population, "current": a.current, "previous": a.previous,
                   "last_year": a.last_year, "rate_per_1000": a.rate, "hot_cells": a.hot_cells}
                  for a in lb.areas],
        "weeks": [{"start": w.start.isoformat(), "count": w.count, "alarms": w.alarms} for w in lb.weeks],
        "alarms": [{"week_start": a.week_start.isoformat(), "area_id": a.area_id, "area": a.area_name,
                    "category": a.category, "category_name": tax.label(a.category, lang),
                    "observed": a.observed, "expected": round(a.expected, 2), "p_adjusted": a.p_adjusted}
                   for a in lb.alarms],
        "hour_of_week": [list(r) for r in lb.hour_of_week],
        "area_types": [{"key": g.key, "label": group_label[g.key], "population": g.population,
                        "current": g.current, "previous": g.previous, "last_year": g.last_year,
                        "rate_current": g.rate("current"), "rate_previous": g.rate("previous"),
                        "rate_last_year": g.rate("last_year")} for g in lb.area_types],
        "layers": {"hotspots": {"type": "FeatureCollection", "features": hot},
                   "density": {"type": "FeatureCollection", "features": density}},
        "method": {"hotspot_cell_m": lb.cell_size, "hotspot_inference": lb.hotspot_inference, "q": lb.q,
                   "density_cell_m": lb.density_cell_size, "bandwidth_m": lb.bandwidth,
                   "n_hot": lb.n_hot, "n_cold": lb.n_cold, "n_new_hot": len(lb.new_hot)},
        "summary": summary_texts(lb, lang, tax),
        "computed_in_s": lb.seconds,
    }


@router.get("/lagesbild", summary="The lägesbild (counts, trends, alarms, hot spots) of the filters")
def lagesbild_api(request: Request, user: User = Depends(require_user),
                  session: Session = Depends(db_session)) -> dict[str, Any]:
    check_role(user, VIEW_ROLES)
    flt = dashboard_filter(request.query_params, user)
    lb = build_lagesbild(session, flt, today=today())
    return lagesbild_json(lb, language(request), taxonomy_of(user))


def points_collection(session: Session, flt: ReportFilter, lang: str, limit: int = MAX_POINTS) -> dict[str, Any]:
    """The period's reports as GeoJSON points (newest `limit`): category, local time and the link to the
    report's page (the caller restricts `flt` to reports the user may read)."""
    tax = taxonomy(session)
    arr = report_arrays(session, flt)
    n = len(arr)
    order = np.argsort(arr.time)[::-1][:limit]
    local = to_local(arr.time[order])
    feats = [{"type": "Feature", "id": int(arr.ids[i]),
              "geometry": {"type": "Point", "coordinates": [round(float(arr.lon[i]), 6), round(float(arr.lat[i]), 6)]},
              "properties": {"category": str(arr.category[i]),
                             "category_name": tax.label(str(arr.category[i]), lang),
                             "occurred": str(t).replace("T", " ")[:16], "precision": str(arr.precision[i]),
                             "url": f"/reports/{int(arr.ids[i])}"}}
             for i, t in zip(order.tolist(), local, strict=True)]
    return {"type": "FeatureCollection", "features": feats, "total": n, "shown": len(feats)}


@router.get("/lagesbild/points.geojson", summary="The reports of the filters' period as GeoJSON points")
def lagesbild_points(request: Request, user: User = Depends(require_user),
                     session: Session = Depends(db_session)) -> dict[str, Any]:
    check_role(user, VIEW_ROLES)
    flt = dashboard_filter(request.query_params, user)
    period = resolve_period(flt.start, flt.end, today())
    visible = replace(flt, start=period.start, end=period.end, visible=detail_scope(user))
    collection = points_collection(session, visible, language(request))
    note_sensitive_points(session, user, collection["features"], "api/v1/lagesbild/points.geojson")
    return collection


def note_sensitive_points(session: Session, user: User, features: list[dict[str, Any]], via: str) -> int:
    """Audit (``read_sensitive``) every sensitive report among the points sent, with its exact position."""
    reads = [(f["id"], {"category": f["properties"]["category"], "via": via}) for f in features
             if taxonomy(session).is_sensitive(f["properties"]["category"])]
    if reads:
        audit.record_many(session, user.id, "read_sensitive", "report", reads)
        session.commit()
    return len(reads)
