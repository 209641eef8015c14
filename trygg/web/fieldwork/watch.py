"""Neighbourhood-watch areas (map layer, counts per district) and volunteer night-walker shifts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain.enums import AreaLevel
from trygg.errors import NotFound, ValidationError
from trygg.fieldwork import policy
from trygg.fieldwork import shifts as shift_service
from trygg.fieldwork import watch as watch_service
from trygg.fieldwork.contracts import ShiftCreate, ShiftObservationCreate
from trygg.fieldwork.vocab import WATCH_STATUSES
from trygg.storage import areas as area_store
from trygg.storage import fieldwork as store
from trygg.storage.categories import taxonomy
from trygg.storage.schema import User
from trygg.storage.schema.fieldwork import NightShift, WatchArea
from trygg.web.access import require_user
from trygg.web.blocking import read_form
from trygg.web.deps import db_session, language
from trygg.web.fieldwork.forms import (
    common_choices,
    form_date,
    form_int,
    form_values,
    raise_if,
    read_contract,
    see_other,
)
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)


def _watch_page(request: Request, user: User, session: Session, errors: dict[str, str] | None = None,
                values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    counts = watch_service.counts_per_area(session)
    districts = area_store.list_areas(session, AreaLevel.REGSO)
    per_area = [(a, *counts.get(a.id, (0, 0))) for a in districts]
    return render(request, "fieldwork/watch.html", {
        "watch_areas": store.list_watch_areas(session), "per_area": per_area, "statuses": WATCH_STATUSES,
        "is_manager": policy.is_manager(user), "errors": errors or {}, "values": values or {},
        **common_choices(session)}, status_code=status_code)


@router.get("/fieldwork/watch")
def watch_page(request: Request, user: User = Depends(require_user),
               session: Session = Depends(db_session)) -> Response:
    return _watch_page(request, user, session)


@router.post("/fieldwork/watch")
def register_watch(request: Request, user: User = Depends(require_user),
                   session: Session = Depends(db_session),
                   form: FormData = Depends(read_form)) -> Response:
    policy.require_manager(user)
    values = {k: str(v) for k, v in form.items()}
    errors: dict[str, str] = {}
    households = form_int(values.get("households", ""), "households", errors, required=True)
    signed = form_date(values.get("signed_up_on", ""), "signed_up_on", errors)
    activity_id = form_int(values.get("activity_id", ""), "activity_id", errors)
    try:
        raise_if(errors, "The watch area could not be registered.")
        assert households is not None and signed is not None
        watch_service.register(session, user, name=values.get("name", ""), geom=values.get("geom", ""),
                               households=households, contact_role=values.get("contact_role", ""),
                               police_contact=values.get("police_contact", ""), signed_up_on=signed,
                               status=values.get("status", "active"), activity_id=activity_id,
                               lang=language(request))
    except ValidationError as exc:
        session.rollback()
        return _watch_page(request, user, session, exc.fields, values, 422)
    session.commit()
    return see_other("/fieldwork/watch")


@router.post("/fieldwork/watch/{watch_id}/status")
def watch_status(watch_id: int, status: str = Form(""), user: User = Depends(require_user),
                 session: Session = Depends(db_session)) -> Response:
    wa = store.get(session, WatchArea, watch_id)
    if wa is None:
        raise NotFound("No such watch area.")
    watch_service.set_status(session, user, wa, status)
    session.commit()
    return see_other("/fieldwork/watch")


def _shifts_page(request: Request, user: User, session: Session, errors: dict[str, str] | None = None,
                 values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    scope = None if user.role in policy.READ_ALL else user.organisation_id
    shifts = store.list_shifts(session, organisation_id=scope)
    return render(request, "fieldwork/shifts.html", {
        "shifts": shifts, "report_counts": {s.id: store.shift_report_count(session, s.id) for s in shifts},
        "may_log": user.role in policy.WRITERS, "is_manager": policy.is_manager(user),
        "errors": errors or {}, "values": values or {}, **common_choices(session)}, status_code=status_code)


@router.get("/fieldwork/shifts")
def shifts_page(request: Request, user: User = Depends(require_user),
                session: Session = Depends(db_session)) -> Response:
    return _shifts_page(request, user, session)


@router.post("/fieldwork/shifts")
def log_shift(request: Request, user: User = Depends(require_user),
              session: Session = Depends(db_session),
              form: FormData = Depends(read_form)) -> Response:
    try:
        data = read_contract(ShiftCreate, form)
        shift = shift_service.log_shift(session, user, **data.model_dump(), lang=language(request))
    except ValidationError as exc:
        session.rollback()
        return _shifts_page(request, user, session, exc.fields, form_values(form), 422)
    session.commit()
    return see_other(f"/fieldwork/shifts/{shift.id}")


@router.get("/fieldwork/shifts/{shift_id}")
def shift_page(shift_id: int, request: Request, user: User = Depends(require_user),
               session: Session = Depends(db_session), errors: dict[str, str] | None = None,
               status_code: int = 200) -> Response:
    shift = shift_service.visible_shift(user, store.get(session, NightShift, shift_id))
    return render(request, "fieldwork/shift.html", {
        "shift": shift, "reports": store.shift_reports(session, shift.id), "categories": taxonomy(session).active,
        "may_add": policy.can_log_shift(user, shift.organisation_id), "errors": errors or {},
        "map_points": [], "centre": shift.area.centroid_lon if shift.area else None}, status_code=status_code)


@router.post("/fieldwork/shifts/{shift_id}/observations")
def shift_observation(shift_id: int, request: Request, user: User = Depends(require_user),
                      session: Session = Depends(db_session),
                      form: FormData = Depends(read_form)) -> Response:
    shift = shift_service.visible_shift(user, store.get(session, NightShift, shift_id))
    try:
        data = read_contract(ShiftObservationCreate, form)
        shift_service.add_shift_observation(session, user, shift, **data.model_dump(), lang=language(request))
    except ValidationError as exc:
        session.rollback()
        return shift_page(shift_id, request, user, session, exc.fields, 422)
    session.commit()
    return see_other(f"/fieldwork/shifts/{shift.id}")
