"""The inbox ("Att göra") in the browser: ``/inbox`` lists what the user's organisation owns or must
answer (coordinators: every organisation's, or one); ``/inbox/actions/{id}`` shows an action with
its causes and history, and lets the owning organisation move it along with a note.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from trygg.domain.clock import today
from trygg.domain.enums import ActionStatus
from trygg.errors import PermissionDenied, ValidationError
from trygg.storage import actions as action_store
from trygg.storage import inbox as inbox_store
from trygg.storage import meetings as meeting_store
from trygg.storage import reports as report_store
from trygg.storage.schema import Area, Place, ShortTermAction, User
from trygg.web.access import (
    INBOX_ALL_ROLES,
    MEETING_ROLES,
    PARTNER_ROLES,
    can_see_report_detail,
    can_update_action,
    check_update_action,
    inbox_organisations,
    require_user,
    visible_action,
)
from trygg.web.deps import current_user, db_session, get_settings, language
from trygg.web.errors import login_redirect
from trygg.web.inbox.api import apply_change
from trygg.web.inbox.forms import ActionChange
from trygg.web.nav import register_nav
from trygg.web.notify import mail_texts
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
register_nav("/inbox", "To do", PARTNER_ROLES, order=11)

#: Items per page: a coordinator's inbox over every organisation holds hundreds.
PAGE_SIZE = 50


@router.get("/inbox")
def inbox_page(request: Request, organisation: str = "", include_done: str = "", kind: str = "", page: str = "1",
               user: User | None = Depends(current_user), session: Session = Depends(db_session)) -> Response:
    """The inbox, overdue first, 50 items a page; the open and overdue counts and the count of each kind
    of item are over all pages."""
    if user is None:
        return login_redirect(request)
    if user.role not in {str(r) for r in PARTNER_ROLES}:
        raise PermissionDenied("The inbox is for partner organisations.", hint="Residents follow their "
                               "reports on the status page linked from the receipt.")
    requested = int(organisation) if organisation.isdigit() and len(organisation) < 12 else None
    all_orgs = user.role in INBOX_ALL_ROLES
    org_ids = inbox_organisations(user, requested)
    items = inbox_store.inbox(session, org_ids, today=today(), include_done=bool(include_done),
                              case_days=get_settings(request).case_days)
    per_kind = {k: sum(1 for i in items if i.kind == k) for k in inbox_store.KINDS}
    kind = kind if kind in inbox_store.KINDS else ""
    shown = [i for i in items if i.kind == kind] if kind else items
    pages = max((len(shown) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    number = min(max(int(page) if page.isdigit() and len(page) < 6 else 1, 1), pages)
    organisations = meeting_store.list_organisations(session)
    names = {o.id: o.name for o in organisations}
    heading = names.get(org_ids[0], "") if org_ids and len(org_ids) == 1 else ""
    params = {"organisation": str(requested or ""), "include_done": "1" if include_done else "", "kind": kind}
    return render(request, "inbox/index.html", {
        "items": shown[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], "total": len(shown), "page": number,
        "pages": pages, "query": urlencode({k: v for k, v in params.items() if v}), "kind": kind,
        "kinds": inbox_store.KINDS, "per_kind": per_kind, "counts": inbox_store.counts(items),
        "all_orgs": all_orgs, "organisations": organisations, "selected_org": requested,
        "include_done": bool(include_done), "heading_org": heading})


def _action_context(session: Session, user: User, action: ShortTermAction, **extra: Any) -> dict[str, Any]:
    orgs = inbox_store.organisation_names(session)
    notes = action_store.notes_of(session, action.id)
    reports = []
    for rid in action_store.report_ids_of(session, action.id):
        r = report_store.get_report(session, rid)
        if r is not None:
            reports.append({"id": r.id, "public_id": r.public_id, "category": r.category,
                            "occurred_from": r.occurred_from, "visible": can_see_report_detail(user, r)})
    meeting = meeting_store.get_meeting(session, action.meeting_id) if action.meeting_id else None
    return {
        "action": action, "item": inbox_store.action_item(action, orgs, today()), "notes": notes, "org_names": orgs,
        "reports": reports, "place": session.get(Place, action.place_id) if action.place_id else None,
        "area": session.get(Area, action.area_id) if action.area_id else None, "meeting": meeting,
        "group": meeting_store.get_group(session, meeting.est_group_id) if meeting else None,
        "can_see_meeting": user.role in MEETING_ROLES, "can_update": can_update_action(user, action),
        "statuses": [str(s) for s in ActionStatus], "errors": {}, "values": {}, **extra}


@router.get("/inbox/actions/{action_id}")
def action_page(action_id: int, request: Request, user: User | None = Depends(current_user),
                session: Session = Depends(db_session)) -> Response:
    if user is None:
        return login_redirect(request)
    action = visible_action(user, session.get(ShortTermAction, action_id))
    ctx = _action_context(session, user, action, saved=request.query_params.get("saved"))
    return render(request, "inbox/action.html", ctx)


@router.post("/inbox/actions/{action_id}")
def update_action(action_id: int, request: Request, status: str = Form(""), note: str = Form(""),
                  user: User = Depends(require_user), session: Session = Depends(db_session)) -> Response:
    action = visible_action(user, session.get(ShortTermAction, action_id))
    check_update_action(user, action)
    try:
        change = ActionChange.model_validate({"status": status or None, "note": note})
        apply_change(session, user, action, change.status, change.note, language(request), mail_texts(request))
    except ValidationError as exc:
        session.rollback()
        action = visible_action(user, session.get(ShortTermAction, action_id))
        ctx = _action_context(session, user, action, errors=exc.fields, values={"note": note})
        return render(request, "inbox/action.html", ctx, status_code=422)
    session.commit()
    return RedirectResponse(f"/inbox/actions/{action.id}?saved=1", status_code=303)
