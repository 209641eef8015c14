"""The field-work API: safety walks and their observations (idempotent, for the offline queue),
night-walker shifts, neighbourhood-watch areas, premises and inspections, gyms, meetings, and the
counts a plan activity gets from field work."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from trygg.domain.permissions import Permission
from trygg.errors import NotFound, ValidationError
from trygg.fieldwork import gyms as gym_service
from trygg.fieldwork import policy
from trygg.fieldwork import premises as premises_service
from trygg.fieldwork import shifts as shift_service
from trygg.fieldwork import walks as walk_service
from trygg.fieldwork import watch as watch_service
from trygg.fieldwork.contracts import ShiftCreate, ShiftObservationCreate, WalkCreate
from trygg.fieldwork.counts import fieldwork_counts
from trygg.storage import fieldwork as store
from trygg.storage.schema import Activity, User
from trygg.storage.schema.fieldwork import NightShift, SafetyWalk
from trygg.web.access import require_permission, require_user, taxonomy_of
from trygg.web.blocking import run_blocking
from trygg.web.deps import db_session, get_settings, language
from trygg.web.fieldwork.serialize import observation_json, walk_json
from trygg.web.idempotency import HEADER, idempotency_key, idempotent
from trygg.web.serialize import report_json
from trygg.web.uploads import sanitise_image

router = APIRouter(prefix="/api/v1", tags=["field work"])


@router.get("/walks", summary="Safety walks you may see")
def list_walks(request: Request, user: User = Depends(require_user),
               session: Session = Depends(db_session)) -> dict[str, Any]:
    scope = None if user.role in policy.READ_ALL else user.organisation_id
    lang = language(request)
    return {"walks": [walk_json(w, lang) for w in store.list_walks(session, organisation_id=scope)]}


@router.post("/walks", status_code=201, summary="Plan a safety walk")
def plan_walk(body: WalkCreate, request: Request, user: User = Depends(require_permission(Permission.WALK_PLAN)),
              session: Session = Depends(db_session)) -> dict[str, Any]:
    walk = walk_service.plan_walk(session, user, **body.model_dump(), lang=language(request))
    session.commit()
    return walk_json(walk, language(request), details=True)


@router.get("/walks/{walk_id}", summary="One walk with its observations and how far they got")
def get_walk(walk_id: int, request: Request, user: User = Depends(require_user),
             session: Session = Depends(db_session)) -> dict[str, Any]:
    return walk_json(walk_service.get_visible_walk(session, user, walk_id), language(request), details=True)


OBSERVATION_DOC = (
    "Record one observation. Send the header `Idempotency-Key` (a UUID made on the device): a retry "
    "with the same key returns the first answer and never stores a second observation. Body: JSON "
    "`{item, lon, lat, note?, observed_at?}` or multipart form with the same fields and up to four "
    "`photo` files (re-encoded, metadata removed).")


class ObservationIn(BaseModel):
    """An observation's fields: checked for shape and type only (vocabulary, place and time by the
    service). Parsed without recursion limits of our own: pydantic's JSON parser refuses deeply
    nested bodies with an error instead of running out of stack."""

    model_config = ConfigDict(extra="ignore")
    item: str = Field("", max_length=100)
    lon: float
    lat: float
    note: str = Field("", max_length=20_000)  # the service allows 2,000; this only bounds the work
    observed_at: str | None = Field(None, max_length=100)


OBSERVATION_FIELDS = {"lon": "location", "lat": "location"}
FIELD_MESSAGES = {"location": "Give lon and lat as numbers (WGS 84).",
                  "body": "Send a JSON object {item, lon, lat, note?, observed_at?} or a multipart form."}


def _observation_errors(exc: PydanticValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors(include_url=False, include_input=False):
        loc = err.get("loc") or ()
        name = str(loc[0]) if loc and err["type"] not in ("json_invalid", "model_type", "model_attributes_type") \
            else "body"
        name = OBSERVATION_FIELDS.get(name, name)
        errors.setdefault(name, FIELD_MESSAGES.get(name, str(err.get("msg", "invalid"))))
    return errors


def _observed_at(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError("The observation could not be stored.",
                              fields={"observed_at": "Give an ISO 8601 time."}) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def _observation_payload(request: Request, max_bytes: int) -> tuple[ObservationIn, datetime | None, list[Any]]:
    """The observation from a JSON body or a multipart form (with photos). Reads the body only:
    no database work here (it runs on the event loop)."""
    ctype = request.headers.get("content-type", "")
    photos: list[Any] = []
    try:
        if ctype.startswith("multipart/form-data"):
            async with request.form(max_part_size=max_bytes + 1024) as form:
                fields = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
                for upload in form.getlist("photo"):
                    if isinstance(upload, str):
                        continue
                    raw = await upload.read()
                    if raw:
                        photos.append(raw)
            data = ObservationIn.model_validate(fields)
        else:
            data = ObservationIn.model_validate_json(await request.body() or b"{}")
    except PydanticValidationError as exc:
        raise ValidationError("The observation could not be stored.", fields=_observation_errors(exc)) from None
    return data, _observed_at(data.observed_at), photos


@router.post("/walks/{walk_id}/observations", status_code=201, summary="Record an observation (idempotent)",
             description=OBSERVATION_DOC,
             openapi_extra={"parameters": [{"name": HEADER, "in": "header", "required": True,
                                            "schema": {"type": "string", "maxLength": 80}}]})
async def add_observation(walk_id: int, request: Request, user: User = Depends(require_user),
                          session: Session = Depends(db_session)) -> Response:
    settings = get_settings(request)
    key = idempotency_key(request)
    lang = language(request)
    data, observed_at, raw_photos = await _observation_payload(request, settings.max_upload_mb * 1024 * 1024)

    def work() -> Response:
        # The walk alone (not its observations and photos): this runs for every observation sent.
        walk = policy.visible_walk(user, store.get(session, SafetyWalk, walk_id))
        payload = {"item": data.item, "lon": data.lon, "lat": data.lat, "note": data.note,
                   "observed_at": str(observed_at or ""),
                   "photos": [hashlib.sha256(p).hexdigest() for p in raw_photos]}

        def create() -> tuple[int, dict[str, Any]]:
            photos = [sanitise_image(p, settings.max_upload_mb * 1024 * 1024) for p in raw_photos]
            obs, created = walk_service.record_observation(
                session, user, walk, key=key, item=data.item, lon=data.lon, lat=data.lat, note=data.note,
                observed_at=observed_at,
                photos=[walk_service.Photo(p.mime, p.width, p.height, p.content) for p in photos], lang=lang)
            return (201 if created else 200), observation_json(obs, lang)

        return idempotent(request, session, scope=f"user:{user.id} POST /api/v1/walks/{walk_id}/observations",
                          payload=payload, create=create)

    return await run_blocking(session, work)


class StatusIn(BaseModel):
    status: str
    note: str = ""
    routed_to_id: int | None = None


@router.patch("/observations/{obs_id}", summary="Move a finding on: in progress, resolved, or re-route it")
def update_observation(obs_id: int, body: StatusIn, request: Request, user: User = Depends(require_user),
                       session: Session = Depends(db_session)) -> dict[str, Any]:
    obs = walk_service.get_visible_observation(session, user, obs_id)
    walk_service.set_observation_status(session, user, obs, body.status, body.note, body.routed_to_id,
                                        lang=language(request))
    session.commit()
    return observation_json(obs, language(request))


# --------------------------------------------------------------------------- night walkers


def shift_json(s: NightShift) -> dict[str, Any]:
    return {"id": s.id, "organisation_id": s.organisation_id, "organisation_name": s.organisation.name,
            "area_id": s.area_id, "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
            "walkers": s.walkers, "notes": s.notes, "activity_id": s.activity_id}


@router.get("/night-shifts", summary="Night-walker shifts")
def list_shifts(user: User = Depends(require_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    scope = None if user.role in policy.READ_ALL else user.organisation_id
    return {"shifts": [shift_json(s) for s in store.list_shifts(session, organisation_id=scope)]}


@router.post("/night-shifts", status_code=201, summary="Log a night-walker shift")
def log_shift(body: ShiftCreate, request: Request, user: User = Depends(require_user),
              session: Session = Depends(db_session)) -> dict[str, Any]:
    shift = shift_service.log_shift(session, user, lang=language(request), **body.model_dump())
    session.commit()
    return shift_json(shift)


@router.post("/night-shifts/{shift_id}/observations", status_code=201,
             summary="A night walkers' observation: enters the lägesbild as a report (idempotent)")
def shift_observation(shift_id: int, body: ShiftObservationCreate, request: Request,
                      user: User = Depends(require_user), session: Session = Depends(db_session)) -> Response:
    shift = shift_service.visible_shift(user, store.get(session, NightShift, shift_id))
    lang = language(request)
    key = idempotency_key(request) or ""

    def create() -> tuple[int, dict[str, Any]]:
        report = shift_service.add_shift_observation(session, user, shift, key=key, lang=lang, **body.model_dump())
        return 201, report_json(report, lang, tax=taxonomy_of(user))

    return idempotent(request, session, scope=f"user:{user.id} POST /api/v1/night-shifts/{shift_id}/observations",
                      payload=body.model_dump(mode="json"), create=create)


# --------------------------------------------------------------------------- watch, premises, gyms, meetings


@router.get("/watch-areas.geojson", summary="Neighbourhood-watch areas as a GeoJSON map layer")
def watch_geojson(status: str | None = Query(None), user: User = Depends(require_user),
                  session: Session = Depends(db_session)) -> dict[str, Any]:
    return {"type": "FeatureCollection",
            "features": [watch_service.feature(w) for w in store.list_watch_areas(session, status=status)]}


@router.get("/watch-areas/per-area", summary="Active neighbourhood-watch areas and households per district")
def watch_per_area(user: User = Depends(require_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    counts = watch_service.counts_per_area(session)
    return {"areas": [{"area_id": a, "watch_areas": n, "households": h} for a, (n, h) in sorted(
        counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]}


@router.get("/premises", summary="Licensed premises")
def list_premises(user: User = Depends(require_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    last = store.last_inspections(session) if policy.can_see_inspections(user) else {}
    return {"premises": [{
        "id": p.id, "name": p.name, "lon": p.lon, "lat": p.lat, "area_id": p.area_id, "licence_type": p.licence_type,
        "opens_at": p.opens_at, "closes_at": p.closes_at, "kmk_status": p.kmk_status, "ras_status": p.ras_status,
        "active": p.active, "last_inspected_on": last[p.id].isoformat() if p.id in last else None}
        for p in store.list_premises(session)]}


@router.get("/premises/closing-time", summary="Violence and disorder near premises around closing time")
def closing_time(start: date | None = Query(None), end: date | None = Query(None),
                 radius: float = Query(150.0, ge=25, le=1000), user: User = Depends(require_user),
                 session: Session = Depends(db_session)) -> dict[str, Any]:
    t0 = datetime(start.year, start.month, start.day, tzinfo=UTC) if start else None
    t1 = datetime(end.year, end.month, end.day, tzinfo=UTC) if end else None
    return {"radius_m": radius, "premises": premises_service.closing_time_view(session, t0, t1, radius)}


@router.get("/premises/{premises_id}/inspections", summary="Inspections of one premises")
def inspections(premises_id: int, user: User = Depends(require_user),
                session: Session = Depends(db_session)) -> dict[str, Any]:
    if not policy.can_see_inspections(user):
        raise NotFound("No such premises.")
    p = premises_service.get_premises(session, premises_id)
    return {"premises_id": p.id, "inspections": [{
        "id": i.id, "inspected_on": i.inspected_on.isoformat(), "joint": i.joint, "checklist": i.checklist,
        "findings": i.findings, "follow_up": i.follow_up, "activity_id": i.activity_id} for i in p.inspections]}


@router.get("/gyms", summary="Gyms in the anti-doping work, with certification and expiry")
def list_gyms(user: User = Depends(require_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    return {"gyms": [{"id": g.id, "name": g.name, "status": gym_service.effective_status(g),
                      "certified_on": g.certified_on.isoformat() if g.certified_on else None,
                      "expires_on": g.expires_on.isoformat() if g.expires_on else None, "area_id": g.area_id,
                      "activity_id": g.activity_id} for g in store.list_gyms(session)],
            "reminders": [{"gym_id": r.gym_id, "name": r.name, "expires_on": r.expires_on.isoformat(),
                           "days_left": r.days_left} for r in gym_service.reminders(session)]}


@router.get("/info-meetings", summary="Information meetings (ANDTS and others)")
def list_meetings(user: User = Depends(require_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    return {"meetings": [{"id": m.id, "title": m.title, "topic": m.topic, "planned_for": m.planned_for.isoformat(),
                          "status": m.status, "audience": m.audience, "attendance": m.attendance,
                          "activity_id": m.activity_id} for m in store.list_meetings(session)]}


@router.get("/activities/{activity_id}/fieldwork", summary="Field work counted towards a plan activity")
def activity_fieldwork(activity_id: int, start: date = Query(...), end: date = Query(...),
                       user: User = Depends(require_user), session: Session = Depends(db_session)) -> dict[str, Any]:
    if session.get(Activity, activity_id) is None:
        raise NotFound("No such activity.")
    counts = fieldwork_counts(session, activity_id, datetime(start.year, start.month, start.day, tzinfo=UTC),
                              datetime(end.year, end.month, end.day, tzinfo=UTC))
    return {"activity_id": activity_id, "start": start.isoformat(), "end": end.isoformat(), "counts": counts}
