"""The import pages: upload, preview with the column mapping, import, summary with rejected rows.

``/imports``: choose a file and format (CSV, Excel, GeoJSON, police events) → ``/imports/preview``
shows the first rows, lets you map our fields to the file's columns (saved per source under a
name) and lists, from a dry run, every row that would be rejected with its line number →
``/imports/run`` starts the import in the background and answers at once with a redirect to
``/imports/{id}``, whose progress bar polls ``/imports/{id}/progress`` (htmx, every second) until
the run is done or failed, then shows the summary with every rejected row. The import is a durable
job (`trygg.ingest.jobs`) and the run row holds its progress, so reloads and other server processes see
the same.
"""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from trygg.domain.permissions import Permission, roles_for
from trygg.domain.text import whole_number
from trygg.errors import ValidationError
from trygg.ingest import FORMATS, jobs, open_importer, run_import
from trygg.ingest.csv_source import FIELDS
from trygg.ingest.service import IntakeContext
from trygg.storage import intake as intake_store
from trygg.storage import users as user_store
from trygg.storage.schema import User
from trygg.storage.schema.intake import ImportRun
from trygg.web.access import import_run_scope, require_permission, visible_import_run
from trygg.web.blocking import read_form
from trygg.web.deps import db_session, language, wake_jobs
from trygg.web.i18n import gettext_for
from trygg.web.nav import register_nav
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
importer = require_permission(Permission.IMPORT)
register_nav("/imports", "Imports", roles_for(Permission.IMPORT), order=70)
MAX_IMPORT = 50 * 1024 * 1024


def _orgs(session: Session) -> list[Any]:
    from sqlalchemy import select

    from trygg.storage.schema import Organisation

    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


@router.get("/imports")
def imports_page(request: Request, user: User = Depends(importer),
                 session: Session = Depends(db_session)) -> Response:
    jobs.settle_interrupted(session)
    runs = intake_store.list_runs(session, organisation_id=import_run_scope(user))
    return render(request, "imports/index.html", {"runs": runs, "formats": FORMATS,
                                                  "mappings": intake_store.list_mappings(session),
                                                  "orgs": _orgs(session), "errors": {}})


def _content(form: FormData) -> tuple[bytes, str]:
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        content = upload.file.read(MAX_IMPORT + 1)
        upload.file.close()
        if upload.filename:
            return content, upload.filename
    try:
        return base64.b64decode(str(form.get("content") or ""), validate=True), str(form.get("filename") or "")
    except ValueError:
        return b"", ""


def _mapping(form: FormData, session: Session) -> dict[str, str] | None:
    explicit = {f: str(form.get(f"map_{f}") or "") for f in FIELDS if form.get(f"map_{f}")}
    if explicit:
        return explicit
    name = str(form.get("mapping_name") or "").strip()
    saved = intake_store.get_mapping(session, name) if name else None
    return dict(saved.mapping) if saved else None


def _prepare(request: Request, session: Session, user: User, form: FormData) -> tuple[Any, dict[str, Any]]:
    _ = gettext_for(language(request))
    content, filename = _content(form)
    fmt = str(form.get("fmt") or "csv")
    if fmt not in FORMATS:
        raise ValidationError(_("Unknown format."), fields={"fmt": ", ".join(FORMATS)})
    if not content or len(content) > MAX_IMPORT:
        raise ValidationError(_("Choose a file of at most 50 MB."), fields={"file": _("Choose a file.")})
    org_ref = str(form.get("organisation") or "")
    org_id = whole_number(org_ref)
    org = user_store.get_organisation(session, org_id) if org_id is not None else None
    mapping = _mapping(form, session) if fmt in ("csv", "excel", "geojson") else None
    importer = open_importer(content, fmt, filename=filename, mapping=mapping)
    lang = language(request)
    ctx = IntakeContext(organisation=org, reporter_id=None, lang=lang, gettext=gettext_for(lang))
    state = {"fmt": fmt, "filename": filename, "content": base64.b64encode(content).decode(),
             "organisation": org.id if org else "", "mapping": getattr(importer, "mapping", {}),
             "headers": getattr(importer, "headers", []), "fields": FIELDS,
             "mapping_name": str(form.get("mapping_name") or ""), "form": form}
    return (importer, ctx), state


@router.post("/imports/preview")
def preview(request: Request, user: User = Depends(importer),
            session: Session = Depends(db_session), form: FormData = Depends(read_form)) -> Response:
    (importer, ctx), state = _prepare(request, session, user, form)
    summary = run_import(session, importer, ctx, dry_run=True, record=False)
    rows = getattr(importer, "preview", None)
    return render(request, "imports/preview.html", {**state, "summary": summary,
                                                    "preview": rows() if rows else []})


@router.post("/imports/run")
def run(request: Request, user: User = Depends(importer),
        session: Session = Depends(db_session), form: FormData = Depends(read_form)) -> Response:
    (importer, ctx), state = _prepare(request, session, user, form)
    name = state["mapping_name"].strip()
    if name and state["fmt"] in ("csv", "excel", "geojson") and state["form"].get("save_mapping") == "1":
        intake_store.save_mapping(session, name, state["fmt"], state["mapping"])
        session.commit()
    content = base64.b64decode(state["content"])
    mapping = state["mapping"] if state["fmt"] in ("csv", "excel", "geojson") else None
    run_row = jobs.start_import(session, content, state["fmt"], filename=state["filename"], mapping=mapping or None,
                                organisation_id=ctx.organisation.id if ctx.organisation else None,
                                user_id=user.id, lang=ctx.lang, audit_entry=True)
    wake_jobs(request)
    return RedirectResponse(f"/imports/{run_row.id}", status_code=303)


def _visible_run(session: Session, user: User, run_id: int) -> ImportRun:
    jobs.settle_interrupted(session)
    return visible_import_run(user, intake_store.get_run(session, run_id))


@router.get("/imports/{run_id:int}")
def run_page(run_id: int, request: Request, user: User = Depends(importer),
             session: Session = Depends(db_session)) -> Response:
    return render(request, "imports/run.html", {"run": _visible_run(session, user, run_id)})


@router.get("/imports/{run_id:int}/progress")
def run_progress(run_id: int, request: Request, user: User = Depends(importer),
                 session: Session = Depends(db_session)) -> Response:
    """The run's state as an HTML fragment: the progress bar while running (it polls itself), the
    summary when done."""
    return render(request, "imports/_run.html", {"run": _visible_run(session, user, run_id)},
                  headers={"Cache-Control": "no-store"})
