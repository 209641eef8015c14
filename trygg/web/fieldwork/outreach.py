"""Certified gyms ("100 % Ren Hårdträning") and information meetings (ANDTS and others)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain import clock
from trygg.errors import NotFound, ValidationError
from trygg.fieldwork import gyms as gym_service
from trygg.fieldwork import meetings as meeting_service
from trygg.fieldwork import policy
from trygg.fieldwork.vocab import GYM_STATUSES, MEETING_STATUSES, MEETING_TOPICS, REMINDER_DAYS
from trygg.storage import fieldwork as store
from trygg.storage.schema import User
from trygg.storage.schema.fieldwork import Gym, InfoMeeting
from trygg.web.access import require_user
from trygg.web.blocking import read_form
from trygg.web.deps import db_session, language
from trygg.web.fieldwork.forms import common_choices, form_date, form_int, local_datetime, raise_if, see_other
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)


def _gyms_page(request: Request, user: User, session: Session, errors: dict[str, str] | None = None,
               values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    gyms = store.list_gyms(session)
    return render(request, "fieldwork/gyms.html", {
        "gyms": gyms, "effective": {g.id: gym_service.effective_status(g) for g in gyms},
        "reminders": gym_service.reminders(session), "reminder_days": REMINDER_DAYS,
        "statuses": GYM_STATUSES, "is_manager": policy.is_manager(user), "errors": errors or {},
        "values": values or {}, **common_choices(session)}, status_code=status_code)


@router.get("/fieldwork/gyms")
def gyms_page(request: Request, user: User = Depends(require_user),
              session: Session = Depends(db_session)) -> Response:
    return _gyms_page(request, user, session)


@router.post("/fieldwork/gyms")
def register_gym(request: Request, user: User = Depends(require_user),
                 session: Session = Depends(db_session),
                 form: FormData = Depends(read_form)) -> Response:
    policy.require_manager(user)
    values = {k: str(v) for k, v in form.items()}
    errors: dict[str, str] = {}
    certified = form_date(values.get("certified_on", ""), "certified_on", errors, required=False)
    expires = form_date(values.get("expires_on", ""), "expires_on", errors, required=False)
    activity_id = form_int(values.get("activity_id", ""), "activity_id", errors)
    try:
        raise_if(errors, "The gym could not be registered.")
        gym_service.register(session, user, name=values.get("name", ""), status=values.get("status", "none"),
                             certified_on=certified, expires_on=expires,
                             contact_role=values.get("contact_role", ""), activity_id=activity_id)
    except ValidationError as exc:
        session.rollback()
        return _gyms_page(request, user, session, exc.fields, values, 422)
    session.commit()
    return see_other("/fieldwork/gyms")


@router.post("/fieldwork/gyms/{gym_id}")
def update_gym(gym_id: int, request: Request, user: User = Depends(require_user),
               session: Session = Depends(db_session),
               form: FormData = Depends(read_form)) -> Response:
    gym = store.get(session, Gym, gym_id)
    if gym is None:
        raise NotFound("No such gym.")
    values = {k: str(v) for k, v in form.items()}
    errors: dict[str, str] = {}
    certified = form_date(values.get("certified_on", ""), "certified_on", errors, required=False)
    expires = form_date(values.get("expires_on", ""), "expires_on", errors, required=False)
    try:
        raise_if(errors, "The gym could not be updated.")
        gym_service.update(session, user, gym, status=values.get("status", gym.status), certified_on=certified,
                           expires_on=expires)
    except ValidationError as exc:
        session.rollback()
        return _gyms_page(request, user, session, exc.fields, values, 422)
    session.commit()
    return see_other("/fieldwork/gyms")


def _meetings_page(request: Request, user: User, session: Session, errors: dict[str, str] | None = None,
                   values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    return render(request, "fieldwork/meetings.html", {
        "meetings": store.list_meetings(session), "topics": MEETING_TOPICS, "statuses": MEETING_STATUSES,
        "is_manager": policy.is_manager(user), "errors": errors or {}, "values": values or {},
        "today": clock.today(), **common_choices(session)}, status_code=status_code)


@router.get("/fieldwork/meetings")
def meetings_page(request: Request, user: User = Depends(require_user),
                  session: Session = Depends(db_session)) -> Response:
    return _meetings_page(request, user, session)


@router.post("/fieldwork/meetings")
def plan_meeting(request: Request, user: User = Depends(require_user),
                 session: Session = Depends(db_session),
                 form: FormData = Depends(read_form)) -> Response:
    policy.require_manager(user)
    values = {k: str(v) for k, v in form.items()}
    errors: dict[str, str] = {}
    when = local_datetime(values.get("planned_for", ""), "planned_for", errors)
    area_id = form_int(values.get("area_id", ""), "area_id", errors)
    activity_id = form_int(values.get("activity_id", ""), "activity_id", errors)
    try:
        raise_if(errors, "The meeting could not be planned.")
        meeting_service.plan(session, user, title=values.get("title", ""), planned_for=when,
                             topic=values.get("topic", "andts"), venue=values.get("venue", ""),
                             audience=values.get("audience", ""), area_id=area_id, activity_id=activity_id,
                             lang=language(request))
    except ValidationError as exc:
        session.rollback()
        return _meetings_page(request, user, session, exc.fields, values, 422)
    session.commit()
    return see_other("/fieldwork/meetings")


@router.post("/fieldwork/meetings/{meeting_id}")
def meeting_outcome(meeting_id: int, request: Request, user: User = Depends(require_user),
                    session: Session = Depends(db_session),
                    form: FormData = Depends(read_form)) -> Response:
    meeting = store.get(session, InfoMeeting, meeting_id)
    if meeting is None:
        raise NotFound("No such meeting.")
    values = {k: str(v) for k, v in form.items()}
    errors: dict[str, str] = {}
    attendance = form_int(values.get("attendance", ""), "attendance", errors)
    try:
        raise_if(errors, "The meeting could not be updated.")
        meeting_service.set_outcome(session, user, meeting, status=values.get("status", ""), attendance=attendance)
    except ValidationError as exc:
        session.rollback()
        return _meetings_page(request, user, session, exc.fields, values, 422)
    session.commit()
    return see_other("/fieldwork/meetings")
