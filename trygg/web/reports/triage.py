"""The Kontaktcenter's triage queue: route residents' reports, mark duplicates, move them along.

``/triage`` lists residents' reports newest first with counts per status, filters (district,
category, routed to, age in working days), search by public id and paging; ``/triage/{id}`` shows one with
its contact details (reading them is audited), open reports nearby (duplicate candidates) and the
organisation the area × category rules suggest; ``/triage/rules`` edits those rules. Status
changes go through `trygg.ingest.status.update_report` and are audited.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.enums import AreaLevel, ReportStatus
from trygg.domain.holidays import STOCKHOLM, subtract_working_days, working_days_between
from trygg.domain.permissions import Permission, roles_for
from trygg.errors import NotFound, ValidationError
from trygg.ingest.status import TRANSITIONS, update_report
from trygg.notify import events
from trygg.storage import areas as area_store
from trygg.storage import audit
from trygg.storage import intake as intake_store
from trygg.storage import reports as report_store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import User
from trygg.web.access import require_permission, visible_report
from trygg.web.deps import db_session, language
from trygg.web.i18n import gettext_for
from trygg.web.nav import register_nav
from trygg.web.notify import mail_texts
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
triager = require_permission(Permission.TRIAGE)
register_nav("/triage", "Triage", roles_for(Permission.TRIAGE), order=25)
VIEWS = {"open": [str(s) for s in intake_store.OPEN_STATUSES],
         "closed": [str(s) for s in intake_store.CLOSED_STATUSES]}


def _organisations(session: Session) -> list[Any]:
    from sqlalchemy import select

    from trygg.storage.schema import Organisation

    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


PAGE_SIZE = 50
#: The age filter's choices, in working days since the report was received.
AGE_CHOICES = (1, 3, 5, 10, 20)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None


@router.get("/triage")
def queue(request: Request, view: str = "open", area: str = "", category: str = "", routed: str = "",
          age: str = "", q: str = "", page: int = 1, user: User = Depends(triager),
          session: Session = Depends(db_session)) -> Response:
    """The Kontaktcenter queue: newest first, counts per status, filters, search by public id, paging;
    an open case older than the agreed working days (TRYGG_CASE_DAYS) is flagged."""
    statuses = VIEWS.get(view, [view] if view in {str(s) for s in ReportStatus} else VIEWS["open"])
    today = clock.today()
    age_days = _int(age)
    before = (datetime.combine(subtract_working_days(today, age_days), time.min, STOCKHOLM)
              if age_days else None)
    flt = intake_store.QueueFilter(statuses=tuple(statuses), area_id=_int(area), category=category or None,
                                   routed_to=_int(routed), received_before=before,
                                   public_id=q.strip() or None)
    page = max(page, 1)
    rows, total = intake_store.queue_page(session, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    suggestions = {r.id: intake_store.route_for(session, r.area_id, r.category) for r in rows}
    orgs = {o.id: o for o in _organisations(session)}
    case_days = request.app.state.settings.case_days
    open_statuses = set(VIEWS["open"])
    age_of = {r.id: working_days_between(r.created_at.astimezone(STOCKHOLM).date(), today) for r in rows}
    late = {r.id for r in rows if r.status in open_statuses and age_of[r.id] > case_days}
    params = {"view": view, "area": area, "category": category, "routed": routed, "age": age, "q": q}
    return render(request, "triage/queue.html", {
        "reports": rows, "view": view, "suggestions": suggestions, "orgs": orgs,
        "statuses": [str(s) for s in ReportStatus], "counts": intake_store.queue_counts(session),
        "total": total, "page": page, "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), "late": late,
        "age_of": age_of, "case_days": case_days, "params": params, "query": urlencode(
            {k: v for k, v in params.items() if v}), "areas": area_store.list_areas(session, AreaLevel.REGSO),
        "report_categories": taxonomy(session).listed, "age_choices": AGE_CHOICES})


def _detail(request: Request, session: Session, user: User, report_id: int, **extra: Any) -> dict[str, Any]:
    report = visible_report(user, report_store.get_report(session, report_id))
    contact = intake_store.contact_of(session, report.id)
    if contact is not None:
        audit.record(session, user.id, "read_contact", "report", report.id)
        session.commit()
    nearby = [r for r in intake_store.nearby_open_reports(session, report.lon, report.lat, radius_m=300,
                                                          days=60, limit=8, sources=())
              if r.id != report.id]
    return {"report": report, "contact": contact, "nearby": nearby,
            "suggested": intake_store.route_for(session, report.area_id, report.category),
            "orgs": _organisations(session), "next_statuses": sorted(TRANSITIONS.get(report.status, ())),
            "photos": intake_store.photos_of(session, report.id), "errors": {}, **extra}


@router.get("/triage/{report_id:int}")
def detail(report_id: int, request: Request, user: User = Depends(triager),
           session: Session = Depends(db_session)) -> Response:
    return render(request, "triage/detail.html", _detail(request, session, user, report_id))


@router.post("/triage/{report_id:int}")
def change(report_id: int, request: Request, status: str = Form(""), routed_to: str = Form(""),
           duplicate_of: str = Form(""), feedback_note: str | None = Form(None),
           user: User = Depends(triager), session: Session = Depends(db_session)) -> Response:
    lang = language(request)
    _ = gettext_for(lang)
    report = visible_report(user, report_store.get_report(session, report_id))
    errors: dict[str, str] = {}
    routed = int(routed_to) if routed_to.isdigit() else None
    dup = int(duplicate_of) if duplicate_of.strip().isdigit() else None
    if duplicate_of.strip() and dup is None:
        errors["duplicate_of"] = _("Give the number of the report it duplicates.")
    try:
        if errors:
            raise ValidationError(_("The report could not be changed."), fields=errors)
        changes = update_report(session, report, user.id, status=status or None, feedback_note=feedback_note,
                                routed_to_id=routed, duplicate_of_id=dup, lang=lang, gettext=_)
        events.report_changed(session, report, changes, mail_texts(request))
    except ValidationError as exc:
        session.rollback()
        return render(request, "triage/detail.html",
                      _detail(request, session, user, report_id, errors={**errors, **exc.fields},
                              message=exc.message), status_code=422)
    session.commit()
    return RedirectResponse(f"/triage/{report_id}?saved=1", status_code=303)


@router.get("/triage/rules")
def rules(request: Request, user: User = Depends(triager),
          session: Session = Depends(db_session)) -> Response:
    return render(request, "triage/rules.html", {
        "rules": intake_store.list_rules(session), "orgs": _organisations(session),
        "areas": area_store.list_areas(session, AreaLevel.REGSO), "report_categories": taxonomy(session).active,
        "area_names": {a.id: a.name for a in area_store.list_areas(session)}})


@router.post("/triage/rules")
def add_rule(request: Request, organisation: int = Form(...), area: str = Form(""), category: str = Form(""),
             note: str = Form(""), delete: str = Form(""), user: User = Depends(triager),
             session: Session = Depends(db_session)) -> Response:
    if delete.isdigit():
        intake_store.delete_rule(session, int(delete))
        audit.record(session, user.id, "delete", "routing_rule", delete)
    else:
        area_id = int(area) if area.isdigit() else None
        if area_id is not None and area_store.get_area(session, area_id) is None:
            raise NotFound("No such area.")
        rule = intake_store.add_rule(session, organisation, area_id, category or None, note[:500])
        audit.record(session, user.id, "update", "routing_rule", rule.id,
                     {"area_id": area_id, "category": category or None, "organisation_id": organisation})
    session.commit()
    return RedirectResponse("/triage/rules", status_code=303)
