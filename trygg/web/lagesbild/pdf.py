"""The lägesbild PDF: created in a durable background job whose progress the page polls, or directly.

``POST /lagesbild/pdf-jobs`` (form fields ``query`` = the dashboard's filter query string, ``lang``)
starts a job and answers ``{"id", "status_url"}``; ``GET /lagesbild/pdf-jobs/{id}`` tells its state and
progress; ``GET /lagesbild/pdf-jobs/{id}/file`` downloads the PDF. ``GET /lagesbild/report.pdf?…``
makes it in one request (the link works without JavaScript). The job is a row of the jobs table
(kind ``lagesbild.pdf``, `trygg.jobs`): any server process or `trygg worker` makes it, and the PDF is
kept with the job, so every process can answer the status and the download.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from trygg.domain import clock
from trygg.domain.clock import today
from trygg.domain.enums import Source
from trygg.domain.msgid import _
from trygg.domain.text import whole_number
from trygg.errors import NotFound
from trygg.jobs import JobContext, enqueue, job_handler
from trygg.lagesbild.service import PRECISE, build_lagesbild
from trygg.lagesbild.surveys import survey_figures
from trygg.reports.lagesbild_pdf import render_lagesbild_pdf
from trygg.storage import areas as area_store
from trygg.storage import jobs as job_store
from trygg.storage.categories import taxonomy
from trygg.storage.database import Database
from trygg.storage.lagesbild import area_profiles
from trygg.storage.reports import ReportFilter, report_arrays
from trygg.storage.schema import Job, Organisation, User
from trygg.web import i18n
from trygg.web.access import check_role, detail_scope, require_user
from trygg.web.audited_stream import record_reads
from trygg.web.deps import current_user, db_session, get_database, language, municipality_name, wake_jobs
from trygg.web.errors import login_redirect
from trygg.web.i18n import LANGUAGES
from trygg.web.lagesbild.filters import VIEW_ROLES, dashboard_filter
from trygg.web.lagesbild.pages import day_names
from trygg.web.lagesbild.serialize import summary_texts
from trygg.web.ratelimit import limit

router = APIRouter(include_in_schema=False)

KIND = "lagesbild.pdf"




STEPS = {
    "queued": _("Waiting to start"), "picture": _("Computing the picture"), "map": _("Drawing the map"),
    "charts": _("Drawing the charts"), "typesetting": _("Typesetting the PDF"), "done": _("The PDF is ready"),
    "failed": _("The PDF could not be created"),
}


def filter_description(session: Session, flt: ReportFilter, lang: str) -> tuple[str, ...]:
    _ = i18n.gettext_for(lang)
    parts: list[str] = []
    for aid in flt.area_ids:
        area = area_store.get_area(session, aid)
        parts.append(area.name if area else str(aid))
    if flt.area_types:
        parts.append(_("Area type") + " " + ", ".join(str(t) for t in flt.area_types))
    tax = taxonomy(session)
    parts += [tax.label(c, lang) for c in flt.categories]
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
        tax = taxonomy(s)
    keep = np.isin(pts.precision.astype(str), PRECISE)
    texts = i18n.document_texts(lang, municipality, tax, day_names=tuple(day_names(lang)), filters=described,
                                summary=tuple(summary_texts(lb, lang, tax)))
    focus = flt.area_ids or None
    pdf = render_lagesbild_pdf(lb, areas, pts.x[keep], pts.y[keep], texts, generated=clock.now(),
                               progress=report, focus=focus, surveys=surveys)
    drawn = keep & np.isin(pts.category.astype(str), list(tax.sensitive))
    if drawn.any():  # sensitive reports drawn at their exact places on the map
        record_reads(db, user_id, [(int(i), str(c)) for i, c in zip(pts.ids[drawn], pts.category[drawn], strict=True)],
                     "lagesbild.pdf")
    return pdf, f"lagesbild-{lb.period.first_day.isoformat()}-{lb.period.last_day.isoformat()}.pdf"


@job_handler(KIND, max_attempts=2, lease_s=60.0, backoff_s=5.0)
def pdf_job(ctx: JobContext) -> dict[str, Any]:
    """The handler of kind ``lagesbild.pdf``: the PDF of the payload's filter for its user."""
    p = ctx.payload

    def progress(step: str, share: float) -> None:
        ctx.progress(min(share, 0.99), step)

    pdf, filename = make_pdf(ctx.db, int(p["user_id"]), QueryParams(str(p.get("query") or "")), str(p["lang"]),
                             str(p.get("municipality") or ""), progress)
    ctx.output = pdf
    return {"filename": filename}


def _job_for(session: Session, user: User, job_id: str) -> Job:
    number = whole_number(job_id)
    job = job_store.get(session, number) if number is not None else None
    if job is None or job.kind != KIND or job.owner_id != user.id:
        raise NotFound("No such PDF job.", hint="Start a new one from the situation picture.")
    return job


@router.post("/lagesbild/pdf-jobs")
def start_job(request: Request, query: str = Form(""), lang: str = Form(""), user: User = Depends(require_user),
              session: Session = Depends(db_session)) -> JSONResponse:
    check_role(user, VIEW_ROLES)
    limit(request, "lagesbild-pdf", 20, 600, key=str(user.id))
    params = QueryParams(query)
    dashboard_filter(params, user)  # validate now: a bad filter answers 422 at once
    lang = lang if lang in LANGUAGES else language(request)
    job = enqueue(session, KIND, {"user_id": user.id, "query": query, "lang": lang,
                                  "municipality": municipality_name(request)}, owner_id=user.id)
    session.commit()
    wake_jobs(request)
    return JSONResponse({"id": str(job.id), "status_url": f"/lagesbild/pdf-jobs/{job.id}", "state": "queued"},
                        status_code=202)


def _state(job: Job) -> str:
    """The job's state for the page; a failed attempt that will be retried is still waiting."""
    return {"queued": "queued", "running": "running", "done": "done"}.get(job.status, "failed")


@router.get("/lagesbild/pdf-jobs/{job_id}")
def job_status(job_id: str, request: Request, user: User = Depends(require_user),
               session: Session = Depends(db_session)) -> JSONResponse:
    job = _job_for(session, user, job_id)
    lang = str((job.payload or {}).get("lang") or "sv")
    translate = i18n.gettext_for(lang)
    state = _state(job)
    step = state if state in ("done", "failed") else (job.step if job.step in STEPS else "queued")
    result = job.result or {}
    body = {"id": str(job.id), "state": state, "progress": round(1.0 if state == "done" else job.progress, 2),
            "message": translate(STEPS[step]),
            "download_url": f"/lagesbild/pdf-jobs/{job.id}/file" if state == "done" else None,
            "filename": result.get("filename", "lagesbild.pdf"), "link_text": translate(_("Download the PDF"))}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/lagesbild/pdf-jobs/{job_id}/file")
def job_file(job_id: str, user: User = Depends(require_user), session: Session = Depends(db_session)) -> Response:
    job = _job_for(session, user, job_id)
    if job.status != "done" or job.output is None:
        raise NotFound("The PDF is not ready yet.", hint="Wait until the progress bar is full.")
    filename = (job.result or {}).get("filename", "lagesbild.pdf")
    return Response(job.output, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/lagesbild/report.pdf")
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
