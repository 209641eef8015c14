"""Follow-up API: indicators at any date, activity status updates, manual figures, the yearly
follow-up report, the årshjul, effect evaluations and citizen promises."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Body, Depends, Query
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.permissions import Permission
from trygg.errors import NotFound, ValidationError
from trygg.plans import evaluate, followup, lifecycle
from trygg.plans import promise as promises
from trygg.plans.calendar import year_wheel
from trygg.plans.indicators import reading
from trygg.plans.inputs import indicator_input
from trygg.storage import plans as store
from trygg.storage.schema import User
from trygg.web.access import require_permission
from trygg.web.deps import db_session
from trygg.web.public_data import public_db

view_user = require_permission(Permission.PLAN_VIEW)
edit_user = require_permission(Permission.PLAN_EDIT)
router = APIRouter(prefix="/api/v1", tags=["follow-up"])
JSON = Body(default_factory=dict)


def _day(raw: Any, field: str) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError("The date is not valid.", fields={field: f"{raw!r} is not a date (YYYY-MM-DD)"}) from None


def _today() -> date:
    return clock.today()


@router.get("/plans/{plan_id}/followup", summary="The yearly follow-up report as data",
            description="on=YYYY-MM-DD (default: end of the plan year or today).")
def followup_report(plan_id: int, on: str | None = Query(None), user: User = Depends(view_user),
                    session: Session = Depends(db_session)) -> dict[str, Any]:
    plan = lifecycle.get_plan(session, plan_id)
    return followup.report_json(followup.yearly_report(session, plan, _day(on, "on")))


@router.get("/plans/{plan_id}/calendar", summary="The årshjul: activities and recurring patterns per month")
def calendar(plan_id: int, user: User = Depends(view_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    return year_wheel(session, lifecycle.get_plan(session, plan_id)).as_dict()


@router.get("/indicators/{indicator_id}", summary="An indicator's value at a date")
def indicator_value(indicator_id: int, on: str | None = Query(None), user: User = Depends(view_user),
                    session: Session = Depends(db_session)) -> dict[str, Any]:
    ind = store.get_indicator(session, indicator_id)
    if ind is None:
        raise NotFound(f"No indicator with id {indicator_id}.")
    r = reading(session, ind, _day(on, "on") or _today())
    return {"id": ind.id, "name": ind.name, "baseline": ind.baseline, "target": ind.target, "unit": ind.unit,
            **r.as_dict()}


@router.post("/indicators/{indicator_id}/values", status_code=201, summary="Enter a manual figure",
             description="Body: {value, on_date?, note?}.")
def add_value(indicator_id: int, body: dict[str, Any] = JSON, user: User = Depends(edit_user),
              session: Session = Depends(db_session)) -> dict[str, Any]:
    ind = store.get_indicator(session, indicator_id)
    if ind is None:
        raise NotFound(f"No indicator with id {indicator_id}.")
    try:
        value = float(body.get("value"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError("The figure is not valid.", fields={"value": "is not a number"}) from None
    row = followup.record_value(session, ind, user, _day(body.get("on_date"), "on_date") or _today(), value,
                                str(body.get("note", "")))
    session.commit()
    return {"id": row.id, "indicator_id": ind.id, "on_date": row.on_date.isoformat(), "value": row.value}


@router.post("/activities/{activity_id}/updates", status_code=201, summary="A status update with a note",
             description="Body: {status: planned|ongoing|done|cancelled|delayed, note?, on_date?}.")
def add_update(activity_id: int, body: dict[str, Any] = JSON, user: User = Depends(edit_user),
               session: Session = Depends(db_session)) -> dict[str, Any]:
    act = store.get_activity(session, activity_id)
    if act is None:
        raise NotFound(f"No activity with id {activity_id}.")
    upd = followup.record_update(session, act, user, str(body.get("status", "")), str(body.get("note", "")),
                                 _day(body.get("on_date"), "on_date"))
    session.commit()
    return {"id": upd.id, "activity_id": act.id, "status": upd.status, "note": upd.note,
            "on_date": upd.on_date.isoformat()}


@router.post("/evaluations", status_code=201, summary="Evaluate the effect of a place-based measure",
             description="Body: {place (known place name/id) or lon+lat, start (YYYY-MM-DD, first of a month), "
                         "categories: [code], radius_m?, comparison?: [place name or {name, lon, lat}], "
                         "months_before?, months_after?, seed?, title?, plan_id?, activity_id?}.")
def create_evaluation(body: dict[str, Any] = JSON, user: User = Depends(require_permission(Permission.PLAN_EDIT)),
                      session: Session = Depends(db_session)) -> dict[str, Any]:
    row = evaluate.evaluate_and_save(session, evaluate.parse_input(session, body), user)
    session.commit()
    return {"id": row.id, "title": row.title, **row.result}


@router.get("/evaluations/{evaluation_id}", summary="A saved effect evaluation")
def get_evaluation(evaluation_id: int, user: User = Depends(view_user),
                   session: Session = Depends(db_session)) -> dict[str, Any]:
    row = store.get_evaluation(session, evaluation_id)
    if row is None:
        raise NotFound(f"No effect evaluation with id {evaluation_id}.")
    return {"id": row.id, "title": row.title, "place_name": row.place_name, "start": row.start.isoformat(),
            "categories": row.categories, **row.result}


@router.get("/promises", summary="Citizen promises (published ones for everybody)")
def list_promises(session: Session = Depends(db_session)) -> dict[str, Any]:
    return {"promises": [{"id": p.id, "year": p.year, "title": p.title, "status": p.status}
                         for p in store.list_promises(session) if p.status in promises.PUBLIC_STATUSES]}


@router.get("/promises/{promise_id}", summary="A published citizen promise with indicator progress (public)")
def get_promise(promise_id: int, session: Session = Depends(public_db)) -> dict[str, Any]:
    return promises.promise_json(session, promises.get(session, promise_id, public=True), _today(), public=True)


@router.post("/promises", status_code=201, summary="Create a citizen promise (draft)",
             description="Body: {year, title, text?, plan_id?}.")
def create_promise(body: dict[str, Any] = JSON, user: User = Depends(edit_user),
                   session: Session = Depends(db_session)) -> dict[str, Any]:
    year = str(body.get("year", ""))
    if not year.isdigit():
        raise ValidationError("The citizen promise is not valid.", fields={"year": "is required"})
    p = promises.create(session, user, int(year), str(body.get("title", "")), str(body.get("text", "")),
                        body.get("plan_id"))
    session.commit()
    return promises.promise_json(session, promises.get(session, p.id), _today())


@router.post("/promises/{promise_id}/commitments", status_code=201, summary="Add a commitment",
             description="Body: {party: police|municipality|both, text, indicators?: [indicator bodies]}.")
def add_commitment(promise_id: int, body: dict[str, Any] = JSON, user: User = Depends(edit_user),
                   session: Session = Depends(db_session)) -> dict[str, Any]:
    p = promises.get(session, promise_id)
    c = promises.add_commitment(session, p, user, str(body.get("party", "")), str(body.get("text", "")))
    for ind in body.get("indicators") or []:
        promises.add_indicator(session, p, c, user, indicator_input(ind))
    session.commit()
    return promises.promise_json(session, promises.get(session, p.id), _today())


@router.post("/promises/{promise_id}/publish", summary="Publish (or withdraw with {publish: false})")
def publish(promise_id: int, body: dict[str, Any] = JSON, user: User = Depends(edit_user),
            session: Session = Depends(db_session)) -> dict[str, Any]:
    p = promises.get(session, promise_id)
    promises.set_published(session, p, user, bool(body.get("publish", True)))
    session.commit()
    return promises.promise_json(session, p, _today())
