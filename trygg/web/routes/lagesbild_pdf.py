"""The lägesbild PDF: created in a background job whose progress the page polls, or directly.

``POST /lagesbild/pdf-jobs`` (form fields ``query`` = the dashboard's filter query string, ``lang``)
starts a job and answers ``{"id", "status_url"}``; ``GET /lagesbild/pdf-jobs/{id}`` tells its state and
progress; ``GET /lagesbild/pdf-jobs/{id}/file`` downloads the PDF. ``GET /lagesbild/report.pdf?…``
makes it in one request (the link works without JavaScript).
"""

from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from trygg.domain import clock
from trygg.domain.enums import Source
from trygg.errors import NotFound
from trygg.lagesbild.service import PRECISE, build_lagesbild
from trygg.lagesbild.surveys import survey_figures
from trygg.reports.lagesbild_pdf import PdfTexts, render_lagesbild_pdf
from trygg.storage import areas as area_store
from trygg.storage.database import Database
from trygg.storage.lagesbild import area_profiles
from trygg.storage.reports import ReportFilter, report_arrays
from trygg.storage.schema import Organisation, User
from trygg.web import i18n
from trygg.web.access import detail_scope, require_user
from trygg.web.api.lagesbild import (
    VIEW_ROLES,
    category_label,
    check_role,
    dashboard_filter,
    html_errors,
    login_redirect,
    summary_texts,
    today,
)
from trygg.web.deps import current_user, db_session, get_database, language, municipality_name
from trygg.web.i18n import LANGUAGES
from trygg.web.ratelimit import limit
from trygg.web.routes.lagesbild import day_names

router = APIRouter(include_in_schema=False)

MAX_JOBS = 20
JOB_TTL_S = 3600
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trygg-pdf")
_lock = threading.Lock()


def _(message: str) -> str:
    """Mark a msgid for extraction (the job translates it when reporting)."""
    return message


STEPS = {
    "queued": _("Waiting to start"), "picture": _("Computing the picture"), "map": _("Drawing the map"),
    "charts": _("Drawing the charts"), "typesetting": _("Typesetting the PDF"), "done": _("The PDF is ready"),
    "failed": _("The PDF could not be created"),
}


@dataclass
class PdfJob:
    id: str
    user_id: int
    lang: str
    state: str = "queued"
    step: str = "queued"
    progress: float = 0.0
    pdf: bytes | None = None
    filename: str = "lagesbild.pdf"
    created: float = field(default_factory=time.monotonic)


JOBS: dict[str, PdfJob] = {}


def filter_description(session: Session, flt: ReportFilter, lang: str) -> tuple[str, ...]:
    _ = i18n.gettext_for(lang)
    parts: list[str] = []
    for aid in flt.area_ids:
        area = area_store.get_area(session, aid)
        parts.append(area.name if area else str(aid))
    if flt.area_types:
        parts.append(_("Area type") + " " + ", ".join(str(t) for t in flt.area_types))
    parts += [category_label(c, lang) for c in flt.categories]
    for oid in flt.organisation_ids:
        org = session.get(Organisation, oid)
        parts.append(org.name if org else str(oid))
    names = {Source.EST: _("EST reporters"), Source.RESIDENT: _("Residents"),
             Source.POLICE_EVENTS: _("Police events")}
    parts += [names.get(Source(s), s) if s in set(Source) else s for s in flt.sources]
    if flt.exclude_categories:
        parts.append(_("without sensitive categories"))
    return tuple(parts) or (_("all reports"),)


def make_pdf(db: Database, user_id: int, params: QueryParams, lang: str, municipality: str,
             progress: Any = None) -> tuple[bytes, str]:
    """Compute the picture of the filters and typeset it; returns (pdf bytes, file name)."""
    report = progress or (lambda step, share: None)
    report("picture", 0.05)
    with db.session() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound("No such user.")
        flt = dashboard_filter(params, user)
        lb = build_lagesbild(s, flt, today=today())
        areas = area_profiles(s)
        pts = report_arrays(s, replace(flt, start=lb.period.start, end=lb.period.end, visible=detail_scope(user)))
        described = filter_description(s, flt, lang)
        surveys = survey_figures(s, flt.area_ids)
    keep = np.isin(pts.precision.astype(str), PRECISE)
    texts = PdfTexts(
        lang=lang, gettext=i18n.gettext_for(lang),
        number=lambda v, d: i18n.format_number(v, lang, d), percent=lambda v, d: i18n.format_percent(v, lang, d),
        date=lambda v, f: i18n.format_date(v, lang, f), datetime=lambda v: i18n.format_datetime(v, lang),
        category_name=lambda c: category_label(c, lang), day_names=tuple(day_names(lang)),
        municipality=municipality, filters=described, summary=tuple(summary_texts(lb, lang)))
    focus = flt.area_ids or None
    pdf = render_lagesbild_pdf(lb, areas, pts.x[keep], pts.y[keep], texts, generated=clock.now(),
                               progress=report, focus=focus, surveys=surveys)
    return pdf, f"lagesbild-{lb.period.first_day.isoformat()}-{lb.period.last_day.isoformat()}.pdf"


def _prune() -> None:
    now = time.monotonic()
    for key in [k for k, j in JOBS.items() if now - j.created > JOB_TTL_S]:
        JOBS.pop(key, None)
    while len(JOBS) > MAX_JOBS:
        JOBS.pop(next(iter(JOBS)))


def _run(job: PdfJob, db: Database, params: QueryParams, municipality: str) -> None:
    def progress(step: str, share: float) -> None:
        job.step, job.progress = step, max(job.progress, min(share, 0.99))

    job.state = "running"
    try:
        job.pdf, job.filename = make_pdf(db, job.user_id, params, job.lang, municipality, progress)
        job.step, job.progress, job.state = "done", 1.0, "done"
    except Exception:  # noqa: BLE001 - reported to the user through the job state
        import logging

        logging.getLogger("trygg.web").exception("lägesbild PDF job %s failed", job.id)
        job.step, job.state = "failed", "failed"


def _job_for(user: User, job_id: str) -> PdfJob:
    job = JOBS.get(job_id)
    if job is None or job.user_id != user.id:
        raise NotFound("No such PDF job.", hint="Start a new one from the situation picture.")
    return job


@router.post("/lagesbild/pdf-jobs")
def start_job(request: Request, query: str = Form(""), lang: str = Form(""), user: User = Depends(require_user),
              db: Database = Depends(get_database)) -> JSONResponse:
    check_role(user, VIEW_ROLES)
    limit(request, "lagesbild-pdf", 20, 600, key=str(user.id))
    params = QueryParams(query)
    dashboard_filter(params, user)  # validate now: a bad filter answers 422 at once
    lang = lang if lang in LANGUAGES else language(request)
    job = PdfJob(id=secrets.token_urlsafe(12), user_id=user.id, lang=lang)
    with _lock:
        _prune()
        JOBS[job.id] = job
    _executor.submit(_run, job, db, params, municipality_name(request))
    return JSONResponse({"id": job.id, "status_url": f"/lagesbild/pdf-jobs/{job.id}", "state": job.state},
                        status_code=202)


@router.get("/lagesbild/pdf-jobs/{job_id}")
def job_status(job_id: str, request: Request, user: User = Depends(require_user)) -> dict[str, Any]:
    job = _job_for(user, job_id)
    translate = i18n.gettext_for(job.lang)
    return {"id": job.id, "state": job.state, "progress": round(job.progress, 2),
            "message": translate(STEPS[job.step]),
            "download_url": f"/lagesbild/pdf-jobs/{job.id}/file" if job.state == "done" else None,
            "filename": job.filename, "link_text": translate(_("Download the PDF"))}


@router.get("/lagesbild/pdf-jobs/{job_id}/file")
def job_file(job_id: str, user: User = Depends(require_user)) -> Response:
    job = _job_for(user, job_id)
    if job.state != "done" or job.pdf is None:
        raise NotFound("The PDF is not ready yet.", hint="Wait until the progress bar is full.")
    return Response(job.pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{job.filename}"'})


@router.get("/lagesbild/report.pdf")
@html_errors
def report_pdf(request: Request, user: User | None = Depends(current_user),
               session: Session = Depends(db_session)) -> Response:
    """The PDF in one request (for use without JavaScript)."""
    if user is None:
        return login_redirect(request)
    check_role(user, VIEW_ROLES)
    limit(request, "lagesbild-pdf", 20, 600, key=str(user.id))
    pdf, filename = make_pdf(get_database(request), user.id, request.query_params, language(request),
                             municipality_name(request))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
