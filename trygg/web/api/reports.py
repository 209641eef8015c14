"""The reports API: list with filters and paging, one report, GeoJSON for maps."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from trygg.storage import reports as report_store
from trygg.storage.schema import User
from trygg.web.access import detail_scope, require_user, visible_report
from trygg.web.api.serialize import report_feature, report_json
from trygg.web.deps import db_session, language
from trygg.web.filters import paging, parse_report_filter

router = APIRouter(prefix="/api/v1", tags=["reports"])

FILTER_DOC = ("Filters: start, end (YYYY-MM-DD or ISO 8601), area (id, repeatable), area_type (1–5), "
              "category (code), organisation (id), status, source; paging: limit, offset.")


@router.get("/reports", summary="List reports whose details you may see", description=FILTER_DOC)
def list_reports(request: Request, user: User = Depends(require_user),
                 session: Session = Depends(db_session),
                 start: str | None = Query(None), end: str | None = Query(None),
                 limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0)) -> dict[str, Any]:
    flt = parse_report_filter(request.query_params, detail_scope(user))
    limit, offset = paging(request.query_params)
    lang = language(request)
    rows = report_store.list_reports(session, flt, limit=limit, offset=offset)
    total = report_store.count_reports(session, flt)
    return {"total": total, "limit": limit, "offset": offset,
            "reports": [report_json(r, lang) for r in rows]}


@router.get("/reports.geojson", summary="Reports as GeoJSON points (newest first)", description=FILTER_DOC)
def reports_geojson(request: Request, user: User = Depends(require_user),
                    session: Session = Depends(db_session),
                    limit: int = Query(500, ge=1, le=20000)) -> dict[str, Any]:
    flt = parse_report_filter(request.query_params, detail_scope(user))
    limit, offset = paging(request.query_params, default_limit=500, max_limit=20000)
    lang = language(request)
    rows = report_store.list_reports(session, flt, limit=limit, offset=offset)
    return {"type": "FeatureCollection", "features": [report_feature(r, lang) for r in rows]}


@router.get("/reports/{report_id}", summary="One report")
def get_report(report_id: int, request: Request, user: User = Depends(require_user),
               session: Session = Depends(db_session)) -> dict[str, Any]:
    report = visible_report(user, report_store.get_report(session, report_id))
    return report_json(report, language(request))
