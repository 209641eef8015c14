"""The imports API: upload a file in a format (with a column mapping), get the summary back; read a
run's state and progress (also of the runs the web page starts in the background)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from sqlalchemy.orm import Session

from trygg.domain.permissions import Permission
from trygg.domain.text import whole_number
from trygg.errors import ValidationError
from trygg.ingest import FORMATS, jobs, open_importer, run_import
from trygg.ingest.service import IntakeContext
from trygg.storage import audit
from trygg.storage import intake as intake_store
from trygg.storage import users as user_store
from trygg.storage.schema import User
from trygg.storage.schema.intake import ImportRun
from trygg.web.access import import_run_scope, require_permission, visible_import_run
from trygg.web.deps import db_session, language
from trygg.web.i18n import gettext_for

router = APIRouter(prefix="/api/v1", tags=["imports"])
importer = require_permission(Permission.IMPORT)
MAX_IMPORT = 50 * 1024 * 1024


def run_json(run: ImportRun) -> dict[str, Any]:
    return {"id": run.id, "fmt": run.fmt, "filename": run.filename, "source": run.source,
            "organisation_id": run.organisation_id, "dry_run": run.dry_run, "status": run.status,
            "processed": run.processed if run.status != "done" else run.total,
            "total": run.total, "imported": run.imported, "duplicates": run.duplicates, "skipped": run.skipped,
            "rejected": run.rejected, "issues": run.issues or [], "error": run.error,
            "started_at": run.started_at.isoformat(),
            "updated_at": run.updated_at.isoformat() if run.updated_at else None,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None}


@router.post("/imports", summary="Import a file (csv, excel, geojson, polisen); dry_run=true to preview")
def create_import(request: Request, file: UploadFile = File(...),
                        fmt: str = Form(..., description="csv, excel, geojson or polisen"),
                        mapping: str = Form("", description="Name of a saved column mapping, or a JSON "
                                                            "object {our field: column}"),
                        organisation: str = Form("", description="Organisation id the rows belong to"),
                        dry_run: bool = Form(False),
                        user: User = Depends(importer),
                        session: Session = Depends(db_session)) -> dict[str, Any]:
    if fmt not in FORMATS:
        raise ValidationError("Unknown import format.", fields={"fmt": f"one of {', '.join(FORMATS)}"})
    content = file.file.read(MAX_IMPORT + 1)
    file.file.close()
    if not content or len(content) > MAX_IMPORT:
        raise ValidationError("The file is empty or too large.", fields={"file": "1 byte – 50 MB"})
    cols: dict[str, str] | None = None
    if mapping.strip().startswith("{"):
        try:
            cols = {str(k): str(v) for k, v in json.loads(mapping).items()}
        except (ValueError, AttributeError):
            raise ValidationError("The mapping is not a JSON object.", fields={"mapping": "not JSON"}) from None
    elif mapping.strip():
        saved = intake_store.get_mapping(session, mapping.strip())
        if saved is None:
            raise ValidationError("No saved mapping with that name.", fields={"mapping": "unknown name"})
        cols = dict(saved.mapping)
    org_id = whole_number(organisation)
    org = user_store.get_organisation(session, org_id) if org_id is not None else None
    lang = language(request)
    importer = open_importer(content, fmt, filename=file.filename or "", mapping=cols)
    ctx = IntakeContext(organisation=org, lang=lang, gettext=gettext_for(lang))
    summary = run_import(session, importer, ctx, dry_run=dry_run, user_id=user.id)
    if not dry_run:
        audit.record(session, user.id, "import", "import_run", summary.run_id or "",
                     {"fmt": fmt, "imported": summary.imported, "duplicates": summary.duplicates})
        session.commit()
    return summary.as_dict() | {"report_ids": summary.report_ids[:1000]}


@router.get("/imports", summary="Recent import runs (those of your organisation; all for administrators)")
def list_imports(user: User = Depends(importer),
                 session: Session = Depends(db_session)) -> dict[str, Any]:
    jobs.settle_interrupted(session)
    runs = intake_store.list_runs(session, organisation_id=import_run_scope(user))
    return {"runs": [run_json(r) | {"issues": None} for r in runs]}


@router.get("/imports/{run_id}", summary="One import run: status, progress (processed of total rows) and, "
                                         "when it ended, every skipped and rejected row")
def get_import(run_id: int, user: User = Depends(importer),
               session: Session = Depends(db_session)) -> dict[str, Any]:
    jobs.settle_interrupted(session)
    return run_json(visible_import_run(user, intake_store.get_run(session, run_id)))  # hidden = missing: 404
