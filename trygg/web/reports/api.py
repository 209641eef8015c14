"""The reports API: create (idempotent), list with filters and paging, export as CSV/GeoJSON, update status.

``POST /api/v1/reports`` takes a JSON report and an optional ``Idempotency-Key`` header: a retried
request gets the first answer back and never creates a second report (`trygg.web.idempotency`).
Bad input answers 422 with a message per field; free text holding personal data is refused and
never stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from trygg.domain.enums import Source
from trygg.domain.lru import Lru
from trygg.domain.permissions import Permission
from trygg.ingest.service import IntakeContext, ReportInput, create_report
from trygg.ingest.status import update_report
from trygg.notify import events
from trygg.reports.csv_stream import csv_chunks
from trygg.storage import intake as intake_store
from trygg.storage import reports as report_store
from trygg.storage import versions
from trygg.storage.lagesbild import data_version
from trygg.storage.schema import User
from trygg.web.access import (
    detail_scope,
    note_sensitive_reads,
    require_permission,
    require_user,
    taxonomy_of,
    visible_report,
)
from trygg.web.audited_stream import AuditedStreamingResponse, SentLedger
from trygg.web.deps import db_session, get_database, language
from trygg.web.filters import make_cursor, paging, parse_cursor, parse_report_filter
from trygg.web.i18n import gettext_for
from trygg.web.idempotency import idempotent
from trygg.web.inbox.api import report_action_json
from trygg.web.notify import mail_texts
from trygg.web.serialize import report_feature, report_json, report_row_json

router = APIRouter(prefix="/api/v1", tags=["reports"])

FILTER_DOC = ("Filters: start, end (YYYY-MM-DD or ISO 8601), area (id, repeatable), area_type (1–5), "
              "category (code), organisation (id), status, source; paging: limit, offset.")
CSV_COLUMNS = ("id", "public_id", "category", "category_name", "description", "occurred_from", "occurred_to",
               "lon", "lat", "x", "y", "precision", "area_id", "area_name", "outside", "insecurity",
               "organisation_id", "organisation_name", "people_count", "police_called", "status", "source",
               "created_at")


class ReportIn(BaseModel):
    """A new report. Give the place as lon/lat, a known place name (or id) or an area (id or code)."""

    model_config = ConfigDict(extra="forbid")
    category: str = Field(..., max_length=40, description="Category code (GET /api/v1/categories).")
    description: str = Field("", max_length=4000, description="What happened. No names or personal data.")
    lon: float | None = Field(None, description="WGS 84 longitude.")
    lat: float | None = Field(None, description="WGS 84 latitude.")
    place: str | None = Field(None, max_length=200, description="A known place (GET /api/v1/places).")
    area: int | str | None = Field(None, description="An area id or code (its centroid is used).")
    occurred_from: datetime | None = Field(None, description="When (ISO 8601); default now.")
    occurred_to: datetime | None = Field(None, description="End of a span (ISO 8601).")
    span: str | None = Field(None, max_length=40, description="A named span, e.g. friday_night.")
    insecurity: int | None = Field(None, description="The reporter's assessment 1 (little) – 5 (very much).")
    people_count: int | None = Field(None, description="Number of people involved.")
    police_called: bool | None = None
    external_id: str | None = Field(None, max_length=120, description="Your id for this report.")


class ReportPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: str | None = None
    feedback_note: str | None = Field(None, max_length=1000)
    routed_to: int | None = None
    duplicate_of: int | None = None


class _Shown(NamedTuple):
    id: int
    category: str


@dataclass(frozen=True)
class _Page:
    body: bytes  # the JSON answer
    rows: tuple[_Shown, ...]  # its reports, audited on every answer


#: Answers of the list by everything they depend on (see `list_reports`): a page asked again — the newest
#: reports on a coordinator's screen, a dashboard that polls — is sent without reading and encoding it again.
#: At most 128 answers of at most 256 kB each (a page of 50 is about 36 kB): 32 MB at worst.
_PAGES: Lru[_Page] = Lru(128)
_LARGEST_REMEMBERED = 256 * 1024


@router.post("/reports", status_code=201, summary="Create a report (idempotent with Idempotency-Key)")
def post_report(request: Request, body: ReportIn, user: User = Depends(require_permission(Permission.REPORT_CREATE)),
                session: Session = Depends(db_session)) -> Response:
    lang = language(request)

    def create() -> tuple[int, dict[str, Any]]:
        ctx = IntakeContext(source=Source.EST, organisation=user.organisation, reporter_id=user.id,
                            lang=lang, gettext=gettext_for(lang))
        data = ReportInput(**body.model_dump(exclude={"lon", "lat"}), lon=body.lon, lat=body.lat)
        if data.external_id:
            data.external_id = f"api:{user.organisation_id}:{data.external_id}"
        report = create_report(session, data, ctx)
        return 201, report_json(report, lang, tax=taxonomy_of(user))

    return idempotent(request, session, scope=f"user:{user.id} POST /api/v1/reports",
                      payload=body.model_dump(mode="json"), create=create)


@router.get("/reports", summary="List reports whose details you may see (newest first)",
            description=FILTER_DOC + " For deep pages pass the previous page's `next_cursor` as `cursor` "
            "(keyset paging: as fast on page 1,000 as on page 1).")
def list_reports(request: Request, user: User = Depends(require_user),
                 session: Session = Depends(db_session),
                 start: str | None = Query(None), end: str | None = Query(None),
                 limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0),
                 cursor: str | None = Query(None, description="`next_cursor` of the previous page.")
                 ) -> Response:
    list_tax = taxonomy_of(user)
    flt = parse_report_filter(request.query_params, detail_scope(user), tax=list_tax)
    limit, offset = paging(request.query_params)
    after = parse_cursor(cursor) if cursor else None
    lang = language(request)
    version = data_version(session)
    # everything the answer depends on: who may see what (in the filter), the page, the language, the
    # taxonomy (its labels) and the data: the reports, and the names of areas and organisations
    key = (versions.database_key(session), flt, limit, offset, after, lang, list_tax, version,
           versions.current_many(session, versions.AREAS, versions.ORGANISATIONS))
    page = _PAGES.get(key)
    if page is None:
        rows = report_store.list_report_rows(session, flt, limit=limit, offset=0 if after else offset, after=after)
        total = report_store.count_reports_cached(session, flt, version)
        last = rows[-1] if len(rows) == limit else None
        body = {"total": total, "limit": limit, "offset": offset,
                "next_cursor": make_cursor(last.occurred_from, last.id) if last is not None else None,
                "reports": [report_row_json(r, lang, tax=list_tax) for r in rows]}
        page = _Page(bytes(JSONResponse(body).body), tuple(_Shown(r.id, r.category) for r in rows))
        if len(page.body) <= _LARGEST_REMEMBERED:
            _PAGES.put(key, page)
    note_sensitive_reads(user, page.rows, session)  # every answer audits its sensitive reports, cached or not
    return Response(page.body, media_type="application/json")


def _stream_rows(request: Request, user: User, ledger: SentLedger) -> Iterator[Any]:
    """Every report matching the request's filters, read in its own session (for streaming).

    Each sensitive report is noted in `ledger`: the response audits those it actually sent.
    """
    flt = parse_report_filter(request.query_params, detail_scope(user), tax=taxonomy_of(user))
    tax = taxonomy_of(user)
    with get_database(request).session() as s:
        for report in report_store.iter_reports(s, flt):
            if tax.is_sensitive(report.category):
                ledger.note(report.id, report.category)
            yield report


@router.get("/reports.csv", summary="Export the filtered reports as CSV (UTF-8, all matching rows)",
            description=FILTER_DOC)
def reports_csv(request: Request, user: User = Depends(require_user)) -> Response:
    tax = taxonomy_of(user)
    parse_report_filter(request.query_params, detail_scope(user), tax=tax)  # 422 before streaming starts
    lang = language(request)
    ledger = SentLedger()

    def values() -> Iterator[list[Any]]:
        for r in _stream_rows(request, user, ledger):
            j = report_json(r, lang, tax=tax)
            j.update(j.pop("location"))
            yield ["" if j.get(c) is None else j.get(c) for c in CSV_COLUMNS]

    return AuditedStreamingResponse(
        csv_chunks(CSV_COLUMNS, values(), bom=True), ledger=ledger, db=get_database(request), user_id=user.id,
        via="api/v1/reports.csv", media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="trygg-reports.csv"'})


@router.get("/reports.geojson", summary="Reports as GeoJSON points (newest first; export=1 for all)",
            description=FILTER_DOC + " With export=1 every matching report is streamed as a download.")
def reports_geojson(request: Request, user: User = Depends(require_user),
                    session: Session = Depends(db_session),
                    limit: int = Query(500, ge=1, le=20000),
                    export: bool = Query(False, description="Stream every matching report as a file.")) -> Any:
    tax = taxonomy_of(user)
    flt = parse_report_filter(request.query_params, detail_scope(user), tax=tax)
    lang = language(request)
    if export:
        ledger = SentLedger()

        def chunks() -> Iterator[str]:
            yield '{"type":"FeatureCollection","features":['
            first = True
            for r in _stream_rows(request, user, ledger):
                yield ("" if first else ",") + json.dumps(report_feature(r, lang, tax=tax), ensure_ascii=False,
                                                         default=str)
                first = False
            yield "]}"

        return AuditedStreamingResponse(
            chunks(), ledger=ledger, db=get_database(request), user_id=user.id, via="api/v1/reports.geojson",
            media_type="application/geo+json",
            headers={"Content-Disposition": 'attachment; filename="trygg-reports.geojson"'})
    limit, offset = paging(request.query_params, default_limit=500, max_limit=20000)
    rows = report_store.list_reports(session, flt, limit=limit, offset=offset)
    note_sensitive_reads(user, rows, session)
    return {"type": "FeatureCollection", "features": [report_feature(r, lang, tax=tax) for r in rows]}


@router.get("/reports/{report_id}", summary="One report")
def get_report(report_id: int, request: Request, user: User = Depends(require_user),
               session: Session = Depends(db_session)) -> dict[str, Any]:
    report = visible_report(user, report_store.get_report(session, report_id))
    body = report_json(report, language(request), tax=taxonomy_of(user))
    body["actions"] = [report_action_json(a) for a in intake_store.actions_for_reports(session, [report.id])
                       .get(report.id, [])]
    body["photos"] = [f"/api/v1/reports/{report.id}/photos/{p.id}" for p in intake_store.photos_of(session, report.id)]
    return body


@router.patch("/reports/{report_id}", summary="Change status, routing or the feedback note (coordinators, "
                                              "Kontaktcenter)")
def patch_report(report_id: int, body: ReportPatch, request: Request,
                 user: User = Depends(require_permission(Permission.TRIAGE)),
                 session: Session = Depends(db_session)) -> dict[str, Any]:
    report = visible_report(user, report_store.get_report(session, report_id))
    lang = language(request)
    changes = update_report(session, report, user.id, status=body.status, feedback_note=body.feedback_note,
                            routed_to_id=body.routed_to, duplicate_of_id=body.duplicate_of, lang=lang,
                            gettext=gettext_for(lang))
    events.report_changed(session, report, changes, mail_texts(request))
    session.commit()
    return report_json(report, lang, tax=taxonomy_of(user))


@router.get("/reports/{report_id}/photos/{photo_id}", summary="A report's photo (metadata stripped)")
def get_photo(report_id: int, photo_id: int, user: User = Depends(require_user),
              session: Session = Depends(db_session)) -> Response:
    visible_report(user, report_store.get_report(session, report_id))
    photo = intake_store.get_photo(session, photo_id)
    if photo is None or photo.report_id != report_id:
        from trygg.errors import NotFound

        raise NotFound("No such photo.")
    return Response(photo.content, media_type=photo.mime, headers={"Cache-Control": "private, max-age=3600"})
