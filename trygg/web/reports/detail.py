"""One report in the browser, for everyone allowed to read it (`trygg.web.access.visible_report`).

``/reports/{id}`` is where every list and map popup links: the report's details, the actions taken
from it with their status, and what the user may do next — the Kontaktcenter and coordinators
handle it in triage, the EST coordinators create an action from it at their group's meeting, and
the organisation it was routed to answers it here (status and feedback to the reporter).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trygg.domain.permissions import Permission, allows
from trygg.errors import ValidationError
from trygg.ingest.status import TRANSITIONS, update_report
from trygg.notify import events
from trygg.storage import intake as intake_store
from trygg.storage import reports as report_store
from trygg.storage.schema import Area, User
from trygg.web.access import MEETING_ROLES, can_respond_to_report, require_user, visible_report
from trygg.web.deps import current_user, db_session, language
from trygg.web.errors import login_redirect
from trygg.web.i18n import gettext_for
from trygg.web.notify import mail_texts
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
#: Statuses the organisation a case was routed to may set from the report page.
RESPONSE_STATUSES = ("in_progress", "resolved", "rejected")


def _context(session: Session, user: User, report_id: int, **extra: Any) -> dict[str, Any]:
    report = visible_report(user, report_store.get_report(session, report_id))
    area = session.get(Area, report.area_id) if report.area_id else None
    can_respond = can_respond_to_report(user, report)
    return {"report": report, "actions": intake_store.actions_for_reports(session, [report.id]).get(report.id, []),
            "photos": intake_store.photos_of(session, report.id),
            "can_triage": allows(user.role, Permission.TRIAGE),
            "action_group": area.est_group_id if area is not None and user.role in MEETING_ROLES else None,
            "can_respond": can_respond,
            "response_statuses": [s for s in RESPONSE_STATUSES if s in TRANSITIONS.get(report.status, ())],
            "errors": {}, **extra}


@router.get("/reports/{report_id:int}")
def report_page(report_id: int, request: Request, user: User | None = Depends(current_user),
                session: Session = Depends(db_session)) -> Response:
    if user is None:
        return login_redirect(request)
    return render(request, "reports/detail.html",
                  _context(session, user, report_id, saved=request.query_params.get("saved")))


@router.post("/reports/{report_id:int}/respond")
def respond(report_id: int, request: Request, status: str = Form(""), feedback_note: str = Form(""),
            user: User = Depends(require_user), session: Session = Depends(db_session)) -> Response:
    """The routed organisation's answer: a new status and/or the feedback shown to the reporter."""
    report = visible_report(user, report_store.get_report(session, report_id))
    lang = language(request)
    _ = gettext_for(lang)
    if not can_respond_to_report(user, report):
        from trygg.errors import PermissionDenied

        raise PermissionDenied(_("Only the organisation the report was routed to answers it here."),
                               hint=_("Ask the Kontaktcenter to route it to your organisation."))
    try:
        if status and status not in RESPONSE_STATUSES:
            raise ValidationError(_("The report could not be changed."), fields={"status": _("Choose a status.")})
        changes = update_report(session, report, user.id, status=status or None, feedback_note=feedback_note,
                                lang=lang, gettext=_)
        events.report_changed(session, report, changes, mail_texts(request))
    except ValidationError as exc:
        session.rollback()
        return render(request, "reports/detail.html",
                      _context(session, user, report_id, errors=exc.fields, message=exc.message), status_code=422)
    session.commit()
    return RedirectResponse(f"/reports/{report_id}?saved=1", status_code=303)
