"""EST reporting for partner organisations: the one-minute form, the weekly batch, feedback.

Pages: ``/report`` (form; mobile first), ``/report/batch`` (a table of rows and a CSV/Excel upload
with preview), ``/report/mine`` (the organisation's reports with status, linked actions and the
coordinator's note). Everything goes through `trygg.ingest.service`, like the API.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from trygg.domain import clock
from trygg.domain.enums import AreaLevel, Source
from trygg.domain.permissions import Permission, roles_for
from trygg.domain.text import check_text, whole_number
from trygg.domain.timespans import SPANS
from trygg.errors import ValidationError
from trygg.ingest import open_importer, run_import
from trygg.ingest.service import IntakeContext, ReportInput, create_report
from trygg.storage import intake as intake_store
from trygg.storage import reports as report_store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import User
from trygg.web.access import can_see_report_detail, require_permission
from trygg.web.blocking import run_blocking
from trygg.web.deps import db_session, get_settings, language
from trygg.web.i18n import TIMEZONE, gettext_for
from trygg.web.nav import register_nav
from trygg.web.templating import render
from trygg.web.uploads import MAX_PHOTOS, sanitise_image

router = APIRouter(include_in_schema=False)
reporter = require_permission(Permission.REPORT_CREATE)
register_nav("/report", "New report", roles_for(Permission.REPORT_CREATE), order=20)
BATCH_ROWS = 8
MAX_UPLOAD = 5 * 1024 * 1024


def _opt_float(raw: Any, name: str, errors: dict[str, str], _: Any) -> float | None:
    text = str(raw or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        errors[name] = _("The coordinates are not numbers.")
        return None


def _opt_int(raw: Any, name: str, errors: dict[str, str], _: Any) -> int | None:
    text = str(raw or "").strip()
    if not text:
        return None
    value = whole_number(text)
    if value is None:
        errors[name] = _("Give a whole number.")
    return value


def parse_local(raw: str) -> datetime | None:
    """A ``datetime-local`` value (Swedish local time) → aware datetime; None if empty/invalid."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.replace(tzinfo=TIMEZONE) if value.tzinfo is None else value


def form_to_input(form: FormData | dict[str, Any], _: Any, prefix: str = "") -> tuple[ReportInput, dict[str, str]]:
    """The report form's fields (optionally prefixed, for batch rows) → ReportInput and parse errors."""
    def get(name: str) -> str:
        value = form.get(prefix + name)
        return value.strip() if isinstance(value, str) else ""

    errors: dict[str, str] = {}
    lon, lat = _opt_float(get("lon"), "location", errors, _), _opt_float(get("lat"), "location", errors, _)
    when = get("when") or "now"
    occurred = occurred_to = None
    span = None
    if when == "exact":
        occurred = parse_local(get("occurred"))
        if occurred is None:
            errors["occurred_from"] = _("Give the date and time.")
        occurred_to = parse_local(get("occurred_to")) if get("occurred_to") else None
    elif when == "span":
        span = get("span") or None
        if span is None:
            errors["span"] = _("Choose a time span.")
    police = {"yes": True, "no": False}.get(get("police_called"))
    data = ReportInput(category=get("category") or None, description=get("description"), lon=lon, lat=lat,
                       place=get("place") or None, area=get("area") or None, occurred_from=occurred,
                       occurred_to=occurred_to, span=span,
                       insecurity=_opt_int(get("insecurity"), "insecurity", errors, _),
                       people_count=_opt_int(get("people_count"), "people_count", errors, _),
                       police_called=police)
    return data, errors


def read_photos(form: FormData, max_mb: int, _: Any) -> tuple[list[Any], dict[str, str]]:
    """The form's photos, checked and re-encoded. Blocking (file reads, image decoding): call it
    from the threadpool (`trygg.web.blocking.run_blocking`), never on the event loop."""
    uploads = [f for f in form.getlist("photos") if isinstance(f, UploadFile)]
    files = [f for f in uploads if f.filename]
    try:
        if len(files) > MAX_PHOTOS:
            return [], {"photos": _("At most {n} photos.", n=MAX_PHOTOS)}
        photos = []
        for f in files:
            data = f.file.read(max_mb * 1024 * 1024 + 1)
            try:
                photos.append(sanitise_image(data, max_mb * 1024 * 1024))
            except ValidationError as exc:
                return [], {"photos": f"{f.filename}: {exc.fields.get('photos', exc.message)}"}
        return photos, {}
    finally:
        for f in uploads:
            f.file.close()


def form_context(session: Session, lang: str, public: bool = False) -> dict[str, Any]:
    _ = gettext_for(lang)
    return {
        "report_categories": [c for c in taxonomy(session).active if c.public or not public],
        "areas": intake_store.area_choices(session, AreaLevel.REGSO),
        "spans": [(code, _(label)) for code, label in SPANS.items()],
        "now_local": clock.local_now().strftime("%Y-%m-%dT%H:%M"),
    }


def _ctx(request: Request, user: User) -> IntakeContext:
    lang = language(request)
    return IntakeContext(source=Source.EST, organisation=user.organisation, reporter_id=user.id, lang=lang,
                         gettext=gettext_for(lang))


@router.get("/report")
def report_form(request: Request, done: str | None = None, user: User = Depends(reporter),
                session: Session = Depends(db_session)) -> Response:
    ctx = form_context(session, language(request))
    done_id = whole_number(done or "")
    saved = report_store.get_report(session, done_id) if done_id is not None else None
    if saved is not None and saved.reporter_id != user.id:
        saved = None
    return render(request, "reporting/form.html", {**ctx, "values": {}, "errors": {}, "saved": saved,
                                                   "form_key": uuid.uuid4().hex})


@router.post("/report")
async def report_submit(request: Request, user: User = Depends(reporter),
                        session: Session = Depends(db_session)) -> Response:
    form = await request.form()
    return await run_blocking(session, _report_submit, request, user, session, form)


def _report_submit(request: Request, user: User, session: Session, form: FormData) -> Response:
    lang = language(request)
    _ = gettext_for(lang)
    key = str(form.get("form_key") or "")[:200]
    text_errors = check_text({k: v for k, v in form.items() if k != "csrf_token"}, lang)
    if key and "form_key" not in text_errors:
        done = intake_store.find_idempotency(session, f"user:{user.id} POST /report", key)
        if done is not None:  # a double submit: show the report stored the first time
            return RedirectResponse(f"/report?done={done.response_body}", status_code=303)
    data, errors = form_to_input(form, _)
    photos, photo_errors = read_photos(form, get_settings(request).max_upload_mb, _)
    errors.update(photo_errors)
    errors.update(text_errors)
    report = None
    try:
        if errors:
            raise ValidationError(_("The report has invalid or missing fields."), fields=errors)
        report = create_report(session, data, _ctx(request, user))
    except ValidationError as exc:
        session.rollback()
        fields = {**errors, **exc.fields}
        values = {k: v for k, v in form.items()
                  if isinstance(v, str) and k != "csrf_token" and k not in text_errors}
        if "description" in fields and exc.code == "personal_data":
            values["description"] = ""  # never echo personal data back into the page
        return render(request, "reporting/form.html", {
            **form_context(session, lang), "values": values, "errors": fields, "message": exc.message,
            "saved": None, "form_key": key if key and "form_key" not in fields else uuid.uuid4().hex},
            status_code=422)
    for p in photos:
        intake_store.add_photo(session, report.id, p.mime, p.width, p.height, p.content)
    if key:
        intake_store.store_idempotency(session, f"user:{user.id} POST /report", key, "", 303, str(report.id))
    session.commit()
    return RedirectResponse(f"/report?done={report.id}", status_code=303)


def _batch_rows(form: FormData | None) -> list[dict[str, str]]:
    rows = []
    for i in range(BATCH_ROWS):
        rows.append({k: str(form.get(f"r{i}_{k}") or "") if form else "" for k in
                     ("category", "area", "place", "occurred", "insecurity", "description", "people_count")})
    return rows


@router.get("/report/batch")
def batch_form(request: Request, user: User = Depends(reporter),
               session: Session = Depends(db_session)) -> Response:
    return render(request, "reporting/batch.html", {**form_context(session, language(request)),
                                                    "rows": _batch_rows(None), "row_errors": {}, "saved": 0})


@router.post("/report/batch")
async def batch_submit(request: Request, user: User = Depends(reporter),
                       session: Session = Depends(db_session)) -> Response:
    """Store every valid row; keep the rows with errors in the table with their messages."""
    form = await request.form()
    return await run_blocking(session, _batch_submit, request, user, session, form)


def _batch_submit(request: Request, user: User, session: Session, form: FormData) -> Response:
    _ = gettext_for(language(request))
    rows = _batch_rows(form)
    ctx = _ctx(request, user)
    saved = 0
    keep: list[dict[str, str]] = []
    row_errors: dict[int, dict[str, str]] = {}
    for i, row in enumerate(rows):
        if not any(row.values()):
            continue
        fields = {f"r{i}_{k}": v for k, v in row.items()}
        fields[f"r{i}_when"] = "exact" if row["occurred"] else "now"
        data, errors = form_to_input(fields, _, prefix=f"r{i}_")
        bad_text = check_text(row, language(request))
        errors.update(bad_text)
        row = {k: "" if k in bad_text else v for k, v in row.items()}  # control characters are not echoed
        try:
            if errors:
                raise ValidationError("", fields=errors)
            create_report(session, data, ctx)
            saved += 1
        except ValidationError as exc:
            row_errors[len(keep)] = {**errors, **exc.fields}
            if exc.code == "personal_data":
                row = {**row, "description": ""}
            keep.append(row)
    session.commit()
    keep += _batch_rows(None)[: max(0, BATCH_ROWS - len(keep))]
    return render(request, "reporting/batch.html", {
        **form_context(session, language(request)), "rows": keep, "row_errors": row_errors, "saved": saved},
        status_code=422 if row_errors else 200)


@router.post("/report/batch/upload")
async def batch_upload(request: Request, user: User = Depends(reporter),
                       session: Session = Depends(db_session)) -> Response:
    """CSV/Excel upload: first a preview (dry run with per-line errors), then the import on confirm."""
    form = await request.form()
    return await run_blocking(session, _batch_upload, request, user, session, form)


def _batch_upload(request: Request, user: User, session: Session, form: FormData) -> Response:
    _ = gettext_for(language(request))
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        content = upload.file.read(MAX_UPLOAD + 1)
        filename = upload.filename
        upload.file.close()
    else:
        try:
            content = base64.b64decode(str(form.get("content") or ""), validate=True)
        except ValueError:
            content = b""
        filename = str(form.get("filename") or "")
    if not content or len(content) > MAX_UPLOAD:
        return render(request, "reporting/batch.html", {
            **form_context(session, language(request)), "rows": _batch_rows(None), "row_errors": {}, "saved": 0,
            "upload_error": _("Choose a CSV or Excel file of at most 5 MB.")}, status_code=422)
    fmt = "excel" if filename.lower().endswith((".xlsx", ".xlsm")) else "csv"
    importer = open_importer(content, fmt, filename=filename, source=Source.EST,
                             id_prefix=f"org{user.organisation_id}:")
    confirm = form.get("confirm") == "1"
    summary = run_import(session, importer, _ctx(request, user), dry_run=not confirm, user_id=user.id,
                         record=confirm)
    return render(request, "reporting/upload.html", {
        "summary": summary, "confirmed": confirm, "filename": filename,
        "content": base64.b64encode(content).decode(), "preview": getattr(importer, "preview", lambda: [])(),
        "headers": getattr(importer, "headers", []), "mapping": getattr(importer, "mapping", {})})


@router.get("/report/mine")
def my_reports(request: Request, page: int = 1, user: User = Depends(reporter),
               session: Session = Depends(db_session)) -> Response:
    page = max(1, page)
    rows = intake_store.reports_of_organisation(session, user.organisation_id, limit=50, offset=(page - 1) * 50)
    rows = [r for r in rows if can_see_report_detail(user, r)]
    actions = intake_store.actions_for_reports(session, [r.id for r in rows])
    return render(request, "reporting/mine.html", {"reports": rows, "actions": actions, "page": page,
                                                   "now": clock.now()})
