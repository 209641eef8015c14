"""The lägesbild as JSON for the dashboard's charts and map layers, with the report filters.

``GET /api/v1/lagesbild?start=…&end=…&area=…&area_type=…&category=…&organisation=…&source=…`` (the
filters of `trygg.web.lagesbild.filters.dashboard_filter`: those of the reports, plus ``weeks=N`` for
the last N complete weeks).
Without a period it is the last complete week. Reports of sensitive categories are left out for users
not cleared for them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from trygg.domain.categories import Taxonomy
from trygg.domain.clock import today
from trygg.lagesbild.model import Lagesbild
from trygg.lagesbild.periods import resolve_period, to_local
from trygg.lagesbild.service import build_lagesbild
from trygg.storage import audit
from trygg.storage.categories import taxonomy
from trygg.storage.reports import ReportFilter, report_arrays
from trygg.storage.schema import User
from trygg.web import i18n
from trygg.web.access import check_role, detail_scope, require_user, taxonomy_of
from trygg.web.deps import db_session, language
from trygg.web.lagesbild.filters import VIEW_ROLES, dashboard_filter
from trygg.web.lagesbild.serialize import summary_texts

router = APIRouter(prefix="/api/v1", tags=["lägesbild"])

MAX_POINTS = 5000



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
        # District × category series tested for trend alarms, and those with too few reports to fit a trend.
        "trend_series": {"tested": lb.tested_series, "too_few_reports": lb.unfit_series},
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
