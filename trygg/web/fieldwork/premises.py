"""Licensed premises, inspections (krogtillsyn) and the closing-time analysis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trygg.domain import clock
from trygg.errors import NotFound, ValidationError
from trygg.fieldwork import policy
from trygg.fieldwork import premises as service
from trygg.fieldwork.vocab import FOLLOW_UPS, INSPECTION_CHECKLIST, INSPECTION_RESULTS, LICENCE_TYPES, TRAINING_STATUSES
from trygg.storage import fieldwork as store
from trygg.storage.schema import User
from trygg.web.access import require_user
from trygg.web.blocking import read_form
from trygg.web.deps import db_session, language
from trygg.web.fieldwork.forms import common_choices, form_date, form_float, form_int, raise_if, see_other
from trygg.web.templating import render

router = APIRouter(include_in_schema=False)
VOCAB = {"licence_types": LICENCE_TYPES, "training": TRAINING_STATUSES, "checklist": INSPECTION_CHECKLIST,
         "results": INSPECTION_RESULTS, "follow_ups": FOLLOW_UPS}


def _list_page(request: Request, user: User, session: Session, errors: dict[str, str] | None = None,
               values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    rows = store.list_premises(session)
    return render(request, "fieldwork/premises.html", {
        "premises": rows, "last": store.last_inspections(session) if policy.can_see_inspections(user) else {},
        "is_manager": policy.is_manager(user), "errors": errors or {}, "values": values or {},
        "map_points": [{"lon": p.lon, "lat": p.lat, "name": p.name, "url": f"/fieldwork/premises/{p.id}"}
                       for p in rows], **VOCAB}, status_code=status_code)


@router.get("/fieldwork/premises")
def premises_page(request: Request, user: User = Depends(require_user),
                  session: Session = Depends(db_session)) -> Response:
    return _list_page(request, user, session)


@router.post("/fieldwork/premises")
def register_premises(request: Request, user: User = Depends(require_user),
                      session: Session = Depends(db_session),
                      form: FormData = Depends(read_form)) -> Response:
    policy.require_manager(user)
    values = {k: str(v) for k, v in form.items()}
    errors: dict[str, str] = {}
    lon = form_float(values.get("lon", ""), "location", errors)
    lat = form_float(values.get("lat", ""), "location", errors)
    try:
        raise_if(errors, "The premises could not be registered.")
        assert lon is not None and lat is not None
        p = service.register(session, user, name=values.get("name", ""), lon=lon, lat=lat,
                             licence_type=values.get("licence_type", ""), opens_at=values.get("opens_at", "11:00"),
                             closes_at=values.get("closes_at", "01:00"), kmk_status=values.get("kmk_status", "none"),
                             ras_status=values.get("ras_status", "none"))
    except ValidationError as exc:
        session.rollback()
        return _list_page(request, user, session, exc.fields, values, 422)
    session.commit()
    return see_other(f"/fieldwork/premises/{p.id}")


@router.get("/fieldwork/premises/analysis")
def analysis_page(request: Request, user: User = Depends(require_user),
                  session: Session = Depends(db_session)) -> Response:
    errors: dict[str, str] = {}
    q = request.query_params
    end = form_date(q.get("end", ""), "end", errors, required=False) or clock.today()
    start = form_date(q.get("start", ""), "start", errors, required=False) or end - timedelta(days=365)
    radius = form_int(q.get("radius", ""), "radius", errors) or 150
    radius = min(max(radius, 25), 1000)
    rows = service.closing_time_view(session, datetime(start.year, start.month, start.day, tzinfo=UTC),
                                     datetime(end.year, end.month, end.day, tzinfo=UTC), float(radius))
    rows.sort(key=lambda r: -(r["ratio"] or 0))
    return render(request, "fieldwork/premises_analysis.html", {
        "rows": rows, "start": start, "end": end, "radius": radius, "errors": errors,
        "chart": {"labels": [r["name"] for r in rows], "window": [r["window_rate"] for r in rows],
                  "rest": [r["rest_rate"] for r in rows]}})


@router.get("/fieldwork/premises/{premises_id}")
def premises_detail(premises_id: int, request: Request, user: User = Depends(require_user),
                    session: Session = Depends(db_session), errors: dict[str, str] | None = None,
                    status_code: int = 200) -> Response:
    p = service.get_premises(session, premises_id)
    return render(request, "fieldwork/premises_detail.html", {
        "p": p, "may_see": policy.can_see_inspections(user), "is_manager": policy.is_manager(user),
        "errors": errors or {}, "today": clock.today().isoformat(), "remarks": service.remarks,
        "map_points": [{"lon": p.lon, "lat": p.lat, "name": p.name}], **VOCAB, **common_choices(session)},
        status_code=status_code)


@router.post("/fieldwork/premises/{premises_id}")
def update_premises(premises_id: int, request: Request, user: User = Depends(require_user),
                    session: Session = Depends(db_session),
                    form: FormData = Depends(read_form)) -> Response:
    p = service.get_premises(session, premises_id)
    values = {k: str(v) for k, v in form.items()}
    try:
        service.update(session, user, p, closes_at=values.get("closes_at"), opens_at=values.get("opens_at"),
                       kmk_status=values.get("kmk_status"), ras_status=values.get("ras_status"),
                       licence_type=values.get("licence_type"), active=values.get("active", "") == "1")
    except ValidationError as exc:
        session.rollback()
        return premises_detail(premises_id, request, user, session, exc.fields, 422)
    session.commit()
    return see_other(f"/fieldwork/premises/{p.id}")


@router.post("/fieldwork/premises/{premises_id}/inspections")
def add_inspection(premises_id: int, request: Request, user: User = Depends(require_user),
                   session: Session = Depends(db_session),
                   form: FormData = Depends(read_form)) -> Response:
    if not policy.can_see_inspections(user):
        raise NotFound("No such premises.")
    p = service.get_premises(session, premises_id)
    values = {k: str(v) for k, v in form.items()}
    errors: dict[str, str] = {}
    when = form_date(values.get("inspected_on", ""), "inspected_on", errors)
    activity_id = form_int(values.get("activity_id", ""), "activity_id", errors)
    checklist = {k: values.get(f"check_{k}", "na") for k in INSPECTION_CHECKLIST}
    try:
        raise_if(errors, "The inspection could not be recorded.")
        assert when is not None
        service.record_inspection(session, user, p, inspected_on=when, joint=values.get("joint") == "1",
                                  checklist=checklist, findings=values.get("findings", ""),
                                  follow_up=values.get("follow_up", "none"), activity_id=activity_id,
                                  lang=language(request))
    except ValidationError as exc:
        session.rollback()
        return premises_detail(premises_id, request, user, session, exc.fields, 422)
    session.commit()
    return see_other(f"/fieldwork/premises/{p.id}#inspections")
