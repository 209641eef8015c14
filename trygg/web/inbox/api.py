"""The inbox and actions API: ``GET /api/v1/inbox``, ``POST /api/v1/actions``,
``GET``/``PATCH /api/v1/actions/{id}``.

An action is created from the picture — one or more reports, a place, a hot-spot or near-repeat
cell — by the EST coordinators; members of the owning organisation move it through
``open`` (ny) → ``in_progress`` (pågår) → ``done`` (klar) / ``cancelled`` (kan inte åtgärdas) with
notes. Every change is audited and notifies by e-mail through the outbox (`trygg.notify`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from trygg.domain import personal_data
from trygg.domain.clock import today
from trygg.domain.permissions import Permission
from trygg.errors import ValidationError
from trygg.notify import events
from trygg.notify.messages import MailTexts
from trygg.storage import actions as action_store
from trygg.storage import audit
from trygg.storage import inbox as inbox_store
from trygg.storage import reports as report_store
from trygg.storage.schema import ActionNote, ShortTermAction, User
from trygg.web.access import (
    can_see_report_detail,
    check_update_action,
    inbox_organisations,
    require_permission,
    require_user,
    visible_action,
)
from trygg.web.deps import db_session, get_settings, language
from trygg.web.i18n import gettext_for
from trygg.web.inbox.forms import ActionChange
from trygg.web.notify import mail_texts

router = APIRouter(prefix="/api/v1", tags=["inbox"])


class ActionIn(BaseModel):
    """A new action from the picture. Give at least the title, the owner and the deadline."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(..., max_length=300, description="What is done, where. No names of people.")
    owner_organisation: int = Field(..., description="Id of the organisation that owns the action.")
    due: date = Field(..., description="Deadline, YYYY-MM-DD.")
    report_ids: list[int] = Field(default_factory=list, description="Reports that caused it.")
    place_id: int | None = Field(None, description="A known place (GET /api/v1/places).")
    cell: str | None = Field(None, max_length=60, description="A hot-spot or near-repeat cell, 'x,y' "
                                                             "(SWEREF 99 TM metres).")
    meeting_id: int | None = Field(None, description="The EST meeting that decided it.")
    area_id: int | None = Field(None, description="The district; default: that of the first cause.")
    category: str | None = Field(None, max_length=40)


def note_json(n: ActionNote, orgs: dict[int, str]) -> dict[str, Any]:
    return {"at": n.at.isoformat(), "from_status": n.from_status or None, "to_status": n.to_status or None,
            "note": n.note, "organisation": orgs.get(n.organisation_id or 0)}


def item_json(item: inbox_store.InboxItem, orgs: dict[int, str] | None = None) -> dict[str, Any]:
    return {"kind": item.kind, "id": item.id, "title": item.title, "status": item.status,
            "due": item.due.isoformat() if item.due else None, "overdue": item.overdue,
            "overdue_working_days": item.overdue_days,
            "owner_organisation": {"id": item.organisation_id, "name": item.organisation_name},
            "category": item.category, "report_ids": list(item.report_ids), "meeting_id": item.meeting_id,
            "place_id": item.place_id, "cell": item.cell, "url": item.url,
            **({"notes": [note_json(n, orgs) for n in item.notes]} if orgs is not None else {})}


def action_json(session: Session, action: ShortTermAction) -> dict[str, Any]:
    orgs = inbox_store.organisation_names(session)
    item = inbox_store.action_item(action, orgs, today(), tuple(action_store.report_ids_of(session, action.id)),
                                   tuple(action_store.notes_of(session, action.id)))
    return {**item_json(item, orgs), "outcome": action.outcome, "area_id": action.area_id}


def report_action_json(action: ShortTermAction) -> dict[str, Any]:
    """An action as the reporter of one of its causes sees it (no notes of other organisations)."""
    return {"id": action.id, "title": action.title, "status": action.status, "due": action.due.isoformat(),
            "owner_organisation": action.owner.name if action.owner else None, "outcome": action.outcome}


@router.get("/inbox", summary="The inbox ('Att göra') of your organisation (coordinators: any or all)")
def get_inbox(request: Request, organisation: int | None = Query(None, description="Coordinators: one "
                                                                                   "organisation's inbox."),
              include_done: bool = Query(False, description="Also finished items."),
              kind: list[str] = Query([], description="action, activity, case, feedback (repeatable)."),
              limit: int = Query(500, ge=1, le=500, description="Items to return (overdue first)."),
              offset: int = Query(0, ge=0, le=100_000, description="Items to skip, for paging."),
              user: User = Depends(require_permission(Permission.SIGNED_IN)),
              session: Session = Depends(db_session)) -> dict[str, Any]:
    bad = [k for k in kind if k not in inbox_store.KINDS]
    if bad:
        raise ValidationError("Unknown kind of item.", fields={"kind": f"one of {', '.join(inbox_store.KINDS)}"})
    org_ids = inbox_organisations(user, organisation)
    items = inbox_store.inbox(session, org_ids, today=today(), include_done=include_done,
                              kinds=kind or inbox_store.KINDS, case_days=get_settings(request).case_days)
    return {"organisations": org_ids, "counts": inbox_store.counts(items), "total": len(items),
            "items": [item_json(i) for i in items[offset:offset + limit]]}


def _check_text(fields: dict[str, str | None], request: Request) -> None:
    errors = personal_data.check_fields(fields, language(request))
    if errors:
        raise ValidationError("The text seems to hold personal data.", fields=errors)


@router.post("/actions", status_code=201, summary="Create an action from reports, a place or a cell "
                                                  "(EST coordinators)")
def post_action(body: ActionIn, request: Request, user: User = Depends(require_permission(Permission.INBOX_ALL)),
                session: Session = Depends(db_session)) -> dict[str, Any]:
    _check_text({"title": body.title}, request)
    for rid in body.report_ids:
        report = report_store.get_report(session, rid)
        if report is None or not can_see_report_detail(user, report):
            raise ValidationError("The action could not be recorded.",
                                  fields={"report_ids": f"No report with id {rid}."})
    action = action_store.create_action(
        session, title=body.title, owner_organisation_id=body.owner_organisation, due=body.due,
        meeting_id=body.meeting_id, report_ids=body.report_ids, place_id=body.place_id, cell=body.cell,
        area_id=body.area_id, category=body.category, created_by=user.id, user_organisation_id=user.organisation_id)
    audit.record(session, user.id, "create", "short_term_action", action.id,
                 {"meeting_id": action.meeting_id, "report_ids": body.report_ids})
    events.action_assigned(session, action, mail_texts(request))
    session.commit()
    return action_json(session, action)


@router.get("/actions/{action_id}", summary="One action with its causes and history")
def get_action(action_id: int, user: User = Depends(require_user),
               session: Session = Depends(db_session)) -> dict[str, Any]:
    action = visible_action(user, session.get(ShortTermAction, action_id))
    return action_json(session, action)


def apply_change(session: Session, user: User, action: ShortTermAction, status: str | None, note: str,
                 lang: str, texts: MailTexts) -> None:
    """Change status and/or add a note, audit it and queue the notifications (caller commits)."""
    errors = personal_data.check_fields({"note": note}, lang) if note else {}
    if errors:
        raise ValidationError(gettext_for(lang)("The text seems to hold personal data."), fields=errors)
    before = action.status
    step = action_store.change_status(session, action, status=status, note=note, user_id=user.id,
                                      organisation_id=user.organisation_id)
    if step is not None:
        audit.record(session, user.id, "update", "short_term_action", action.id,
                     {"from": before, "to": action.status, "note_length": len(note.strip())})
        if action.status != before:
            events.action_status_changed(session, action, before, texts)


@router.patch("/actions/{action_id}", summary="Change an action's status and/or add a note (owning "
                                               "organisation, EST coordinators)")
def patch_action(action_id: int, body: ActionChange, request: Request, user: User = Depends(require_user),
                 session: Session = Depends(db_session)) -> dict[str, Any]:
    action = visible_action(user, session.get(ShortTermAction, action_id))
    check_update_action(user, action)
    apply_change(session, user, action, body.status, body.note, language(request), mail_texts(request))
    session.commit()
    return action_json(session, action)

