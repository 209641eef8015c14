"""Residents' reports — Kontaktcenter, en väg in: the public form, the receipt and the status page.

No login. Only categories fit for the public; optional contact details are kept apart from the
report (`ResidentContact`); each client IP may send `settings.public_rate_limit` reports an hour.
Before sending, the form shows open reports nearby (``/kontakt/nearby``) so a resident can see
that a problem is known already. The receipt links to a public status page per report.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain import clock
from trygg.domain.enums import ReportStatus, Source
from trygg.domain.geo import valid_wgs84
from trygg.domain.holidays import OpeningHours
from trygg.domain.text import check_text
from trygg.errors import NotFound, ValidationError
from trygg.ingest.service import IntakeContext, create_report
from trygg.publication.gate import public_single_categories, single_report_public
from trygg.storage import intake as intake_store
from trygg.storage.categories import taxonomy
from trygg.web.blocking import run_blocking
from trygg.web.deps import db_session, get_settings, language
from trygg.web.i18n import TIMEZONE, gettext_for
from trygg.web.nav import register_nav
from trygg.web.public_data import limit_public_read
from trygg.web.ratelimit import limit
from trygg.web.reports.reporting import form_context, form_to_input, read_photos
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
register_nav("/kontakt", "Report a problem", None, order=15)
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


def opening(request: Request) -> dict[str, Any]:
    settings = get_settings(request)
    hours = OpeningHours.parse(settings.kontaktcenter_hours)
    now = clock.local_now()
    return {"hours": hours, "open_now": hours.is_open(now), "next_opening": hours.next_opening(now),
            "closed_days": hours.closed_days_ahead(now.date(), 45), "address": settings.kontaktcenter_address}


def _page(request: Request, session: Session, **extra: Any) -> dict[str, Any]:
    return {**form_context(session, language(request), public=True), **opening(request), "values": {},
            "errors": {}, "form_key": uuid.uuid4().hex, **extra}


@router.get("/kontakt")
def resident_form(request: Request, session: Session = Depends(db_session)) -> Response:
    return render(request, "resident/form.html", _page(request, session))


@router.get("/kontakt/nearby")
def nearby(request: Request, lon: float = Query(...), lat: float = Query(...), category: str | None = None,
           session: Session = Depends(db_session)) -> dict[str, Any]:
    """Open residents' reports within 250 m in the last 30 days (a duplicate hint; no free text).

    Only categories the gate lets the public see one report of (never a sensitive one), and
    rate-limited per client (``TRYGG_PUBLIC_READ_RATE_LIMIT`` a minute).
    """
    limit_public_read(request, "nearby")
    if not valid_wgs84(lon, lat):
        raise ValidationError("Not a position.", fields={"lon": "−180…180", "lat": "−90…90"})
    tax = taxonomy(session)
    if category and category not in tax:
        raise ValidationError("Unknown category.", fields={"category": "a category code from the form"})
    lang = language(request)
    if category and not single_report_public(category, tax):
        return {"reports": []}
    rows = intake_store.nearby_open_reports(session, lon, lat, category=category or None,
                                            categories=public_single_categories(tax))
    out = []
    for r in rows:
        out.append({"category": tax.label(r.category, lang), "status": r.status,
                     "created": r.created_at.astimezone(TIMEZONE).strftime("%Y-%m-%d"),
                     "url": f"/kontakt/status/{r.public_id}"})
    return {"reports": out}


@router.post("/kontakt")
async def resident_submit(request: Request, session: Session = Depends(db_session)) -> Response:
    form = await request.form()
    return await run_blocking(session, _resident_submit, request, session, form)


def _resident_submit(request: Request, session: Session, form: FormData) -> Response:
    lang = language(request)
    _ = gettext_for(lang)
    settings = get_settings(request)
    key = str(form.get("form_key") or "")[:200]
    scope = "public POST /kontakt"
    text_errors = check_text({k: v for k, v in form.items() if k != "csrf_token"}, lang)
    if key and "form_key" not in text_errors:
        done = intake_store.find_idempotency(session, scope, key)
        if done is not None:
            return RedirectResponse(f"/kontakt/kvitto/{done.response_body}", status_code=303)
    limit(request, "resident_report", settings.public_rate_limit)
    data, errors = form_to_input(form, _)
    photos, photo_errors = read_photos(form, settings.max_upload_mb, _)
    errors.update(photo_errors)
    contact = {k: str(form.get(k) or "").strip() for k in CONTACT_FIELDS}
    # ``email`` (the name for it) is accepted too: status changes and feedback go there.
    contact["contact_email"] = contact["contact_email"] or str(form.get("email") or "").strip()
    if contact["contact_email"] and "@" not in contact["contact_email"]:
        errors["contact_email"] = _("Not an e-mail address.")
    errors.update(text_errors)
    try:
        if errors:
            raise ValidationError(_("The report has invalid or missing fields."), fields=errors)
        ctx = IntakeContext(source=Source.RESIDENT, public=True, lang=lang, gettext=_,
                            status=ReportStatus.RECEIVED, allow_outside=False)
        report = create_report(session, data, ctx)
    except ValidationError as exc:
        session.rollback()
        fields = {**errors, **exc.fields}
        values = {k: v for k, v in form.items()
                  if isinstance(v, str) and k != "csrf_token" and k not in text_errors}
        if exc.code == "personal_data":
            values["description"] = ""
        form_key = key if key and "form_key" not in text_errors else uuid.uuid4().hex
        return render(request, "resident/form.html", _page(request, session, values=values, errors=fields,
                                                           message=exc.message, form_key=form_key),
                      status_code=422)
    intake_store.add_contact(session, report.id, name=contact["contact_name"], email=contact["contact_email"],
                             phone=contact["contact_phone"], lang=lang)
    for p in photos:
        intake_store.add_photo(session, report.id, p.mime, p.width, p.height, p.content)
    if key:
        intake_store.store_idempotency(session, scope, key, "", 303, report.public_id)
    session.commit()
    return RedirectResponse(f"/kontakt/kvitto/{report.public_id}", status_code=303)


def _public_report(session: Session, public_id: str) -> Any:
    report = intake_store.resident_report(session, public_id)
    if report is None:
        raise NotFound("No such report.", hint="Check the link in your receipt.")
    return report


@router.get("/kontakt/kvitto/{public_id}")
def receipt(public_id: str, request: Request, session: Session = Depends(db_session)) -> Response:
    report = _public_report(session, public_id)
    return render(request, "resident/receipt.html", {"report": report, **opening(request),
                                                     "status_url": f"/kontakt/status/{report.public_id}"})


@router.get("/kontakt/status/{public_id}")
def status_page(public_id: str, request: Request, session: Session = Depends(db_session)) -> Response:
    report = _public_report(session, public_id)
    return render(request, "resident/status.html", {"report": report, "now": clock.now()})
