"""The start page: the municipality, its areas on a map, and the latest reports."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.clock import today
from trygg.domain.enums import AreaLevel
from trygg.storage import areas as area_store
from trygg.storage import inbox as inbox_store
from trygg.storage import reports as report_store
from trygg.storage.schema import User
from trygg.web.access import detail_scope, inbox_organisations, note_sensitive_reads
from trygg.web.deps import current_user, db_session, get_settings
from trygg.web.nav import register_nav
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
register_nav("/", "Start", order=0)


@router.get("/")
def home(request: Request, user: User | None = Depends(current_user),
         session: Session = Depends(db_session)) -> Response:
    muni = area_store.municipality(session)
    regsos = area_store.list_areas(session, AreaLevel.REGSO)
    latest = []
    counts: dict[str, int] = {}
    todo: dict[str, int] = {}
    if user is not None:
        scope = report_store.ReportFilter(visible=detail_scope(user))
        latest = report_store.list_reports(session, scope, limit=15)
        note_sensitive_reads(user, latest, session)  # category, time and district of each one shown
        since = clock.now() - timedelta(days=30)
        counts["last_30_days"] = report_store.count_reports(session, report_store.ReportFilter(start=since))
        counts["total"] = report_store.count_reports(session, report_store.ReportFilter())
        todo = inbox_store.counts(inbox_store.inbox(session, inbox_organisations(user), today=today(),
                                                    case_days=get_settings(request).case_days))
    return render(request, "home.html", {
        "municipality": muni, "areas": regsos, "latest": latest, "counts": counts,
        "population": sum(a.population or 0 for a in regsos), "todo": todo,
    })
