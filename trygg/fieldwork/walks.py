"""Safety walks: plan one, record its geotagged observations (exactly once per device key), route
each finding to the department responsible and follow it to resolved with feedback to the walkers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import shapely
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.geo import valid_wgs84
from trygg.domain.personal_data import check_fields
from trygg.domain.text import check_text
from trygg.errors import Conflict, NotFound, PermissionDenied, PersonalDataError, ValidationError
from trygg.fieldwork import policy
from trygg.fieldwork.reporting import file_report, mirror_status
from trygg.fieldwork.routing import route_for
from trygg.fieldwork.vocab import OBSERVATION_STATUSES, WALK_ITEMS, WALK_STATUSES
from trygg.storage import areas as area_store
from trygg.storage import audit
from trygg.storage import fieldwork as store
from trygg.storage import reports as report_store
from trygg.storage.schema import Activity, Area, User
from trygg.storage.schema.fieldwork import ObservationPhoto, SafetyWalk, WalkObservation

MAX_ROUTE_POINTS = 2000
MAX_PHOTOS = 4
KEY_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")


@dataclass(frozen=True)
class Photo:
    """A photo already re-encoded without metadata by the web layer's sanitiser."""

    mime: str
    width: int
    height: int
    content: bytes


def _now() -> datetime:
    return clock.now()


def parse_route(value: Any) -> shapely.LineString | None:
    """A route from GeoJSON (LineString or coordinate list [[lon, lat], …]) or WKT; None when empty."""
    if value in (None, "", []):
        return None
    try:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith(("{", "[")):
                import json

                value = json.loads(text)
            else:
                geom = shapely.from_wkt(text)
                value = shapely.geometry.mapping(geom)
        coords = value["coordinates"] if isinstance(value, dict) else value
        points = [(float(c[0]), float(c[1])) for c in coords]
    except (ValueError, TypeError, KeyError, IndexError, RecursionError, shapely.errors.GEOSException):
        raise ValidationError("The route could not be read.", fields={
            "route": "Draw the route on the map, or give a GeoJSON LineString of [lon, lat] points."}) from None
    if len(points) < 2 or len(points) > MAX_ROUTE_POINTS:
        raise ValidationError("A route needs at least two points.",
                              fields={"route": f"Give 2–{MAX_ROUTE_POINTS} points; got {len(points)}."})
    if not all(valid_wgs84(lon, lat) for lon, lat in points):
        raise ValidationError("The route has a point outside the world.",
                              fields={"route": "Points are [longitude, latitude] in WGS 84."})
    return shapely.LineString(points)


def _checked_text(fields: dict[str, str | None], lang: str) -> None:
    unstorable = check_text(fields, lang)
    if unstorable:
        raise ValidationError("The text holds characters that cannot be stored.", fields=unstorable)
    errors = check_fields(fields, lang)
    if errors:
        raise PersonalDataError("The text contains personal data.", fields=errors)


def plan_walk(session: Session, user: User, *, title: str, planned_for: datetime, area_id: int | None = None,
              route: Any = None, organisation_ids: Sequence[int] = (), resident_groups: Sequence[str] = (),
              checklist: Sequence[str] | None = None, notes: str = "", activity_id: int | None = None,
              organiser_id: int | None = None, lang: str = "sv") -> SafetyWalk:
    """Plan a walk organised by the user's organisation (managers may name another organiser)."""
    policy.require_walk_planner(user)
    if organiser_id not in (None, user.organisation_id):
        policy.require_manager(user)
    errors: dict[str, str] = {}
    title = title.strip()
    if not title or len(title) > 200:
        errors["title"] = "Give the walk a name of 1–200 characters."
    if planned_for.tzinfo is None:
        errors["planned_for"] = "Give the date and time with a time zone."
    line = parse_route(route)
    if area_id is not None and session.get(Area, area_id) is None:
        errors["area_id"] = f"No area with id {area_id}."
    if area_id is None and line is not None:
        mid = line.interpolate(0.5, normalized=True)
        area_id = area_store.build_area_index(session).locate(mid.x, mid.y)
    codes = list(checklist) if checklist else [i.code for i in WALK_ITEMS.values()]
    unknown = [c for c in codes if c not in WALK_ITEMS]
    if unknown:
        errors["checklist"] = f"Unknown checklist items {unknown}; known: {', '.join(WALK_ITEMS)}."
    orgs = store.organisations(session, sorted(set(organisation_ids)))
    if len(orgs) != len(set(organisation_ids)):
        errors["organisation_ids"] = "One of the organisations does not exist."
    if activity_id is not None and session.get(Activity, activity_id) is None:
        errors["activity_id"] = f"No plan activity with id {activity_id}."
    if organiser_id is not None and not store.organisations(session, [organiser_id]):
        errors["organiser_id"] = "No such organisation."
    groups = [g.strip()[:200] for g in resident_groups if g and g.strip()]
    errors.update(check_text({"title": title, "notes": notes, "resident_groups": "; ".join(groups)}, lang))
    if errors:
        raise ValidationError("The walk could not be planned.", fields=errors)
    _checked_text({"notes": notes, "resident_groups": "; ".join(groups), "title": title}, lang)
    walk = store.add(session, SafetyWalk(
        title=title, planned_for=planned_for, area_id=area_id, route=line,
        organiser_id=organiser_id or user.organisation_id, resident_groups=groups, checklist=codes,
        notes=notes.strip(), activity_id=activity_id, created_by=user.id, status="planned"))
    walk.organisations = orgs
    session.flush()
    audit.record(session, user.id, "create", "walk", walk.id, {"title": title})
    return walk


def set_walk_status(session: Session, user: User, walk: SafetyWalk, status: str) -> SafetyWalk:
    if not policy.can_edit_walk(user, walk):
        policy.require_manager(user)
    if status not in WALK_STATUSES:
        raise ValidationError("Unknown walk status.", fields={"status": f"Use one of {', '.join(WALK_STATUSES)}."})
    walk.status = status
    walk.done_at = _now() if status == "done" else None
    audit.record(session, user.id, "update", "walk", walk.id, {"status": status})
    session.flush()
    return walk


def _valid_key(key: str | None) -> str:
    key = (key or "").strip()
    if not 8 <= len(key) <= 80 or not set(key) <= KEY_CHARS:
        raise ValidationError("An observation needs an Idempotency-Key.", fields={
            "idempotency_key": "Send 8–80 letters, digits or -_.: (e.g. a UUID made on the device)."})
    return key


def record_observation(session: Session, user: User, walk: SafetyWalk, *, key: str | None, item: str,
                       lon: float, lat: float, note: str = "", observed_at: datetime | None = None,
                       photos: Sequence[Photo] = (), lang: str = "sv") -> tuple[WalkObservation, bool]:
    """Store an observation once per (walk, key): a retry with the same key returns the first one.

    Returns (observation, created). The finding is routed and enters the lägesbild as a report.
    """
    policy.require_record_on(user, walk)
    key = _valid_key(key)
    existing = store.find_observation(session, walk.id, key)
    if existing is not None:
        return existing, False
    if walk.status == "done":
        raise Conflict("The walk is closed.", hint="Reopen it before adding observations.")
    errors: dict[str, str] = {}
    if item not in WALK_ITEMS:
        errors["item"] = f"Unknown checklist item {item!r}; known: {', '.join(WALK_ITEMS)}."
    if not valid_wgs84(lon, lat):
        errors["location"] = "Give the place as longitude and latitude (WGS 84)."
    when = observed_at or _now()
    if when.tzinfo is None:
        errors["observed_at"] = "Give the time with a time zone."
    elif when > _now() + timedelta(minutes=10):
        errors["observed_at"] = "The time is in the future."
    if len(note) > 2000:
        errors["note"] = "Keep the note under 2,000 characters."
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = f"At most {MAX_PHOTOS} photos per observation."
    errors.update(check_text({"item": item, "note": note}, lang))
    if errors:
        raise ValidationError("The observation could not be stored.", fields=errors)
    _checked_text({"note": note}, lang)
    index = area_store.build_area_index(session)
    area_id = index.locate(lon, lat) or walk.area_id
    routed = route_for(session, item, area_id, walk.organiser_id)
    try:
        with session.begin_nested():
            obs = store.add(session, WalkObservation(
                walk_id=walk.id, client_key=key, item=item, note=note.strip(), lon=lon, lat=lat,
                observed_at=when, recorded_by=user.id, routed_to_id=routed, status="open"))
            for p in photos:
                session.add(ObservationPhoto(observation_id=obs.id, mime=p.mime, width=p.width,
                                             height=p.height, content=p.content))
            report = file_report(
                session, category=WALK_ITEMS[item].category, description=_report_text(walk, item, note),
                lon=lon, lat=lat, occurred_from=when, organisation_id=walk.organiser_id, reporter_id=user.id,
                routed_to_id=routed, external_id=f"walk:{walk.id}:{key}")
            obs.report_id = report.id
            if walk.status == "planned":
                walk.status = "walking"
            session.flush()
    except IntegrityError:  # the same key arrived twice at once: the first one won
        again = store.find_observation(session, walk.id, key)
        if again is None:
            raise
        return again, False
    audit.record(session, user.id, "create", "walk_observation", obs.id, {"walk": walk.id, "item": item})
    session.refresh(walk, ["observations"])
    return obs, True


def _report_text(walk: SafetyWalk, item: str, note: str) -> str:
    head = f"Trygghetsrond {walk.planned_for:%Y-%m-%d}: {WALK_ITEMS[item].code}"
    return f"{head}. {note.strip()}" if note.strip() else head


def set_observation_status(session: Session, user: User, obs: WalkObservation, status: str,
                           note: str = "", routed_to_id: int | None = None, lang: str = "sv") -> WalkObservation:
    """Move a finding on (open → in progress → resolved), or pass it to another organisation."""
    if not policy.can_see_walk(user, obs.walk):
        raise NotFound("No such observation.")
    if not policy.can_handle(user, obs):
        raise PermissionDenied("Only the organisation the finding is routed to may move it on.",
                               hint="Ask the coordinator to route it to your organisation.")
    if status not in OBSERVATION_STATUSES:
        raise ValidationError("Unknown status.", fields={"status": f"Use one of {', '.join(OBSERVATION_STATUSES)}."})
    if status == "resolved" and not note.strip():
        raise ValidationError("Say what was done.", fields={"note": "A resolved finding needs a short note "
                                                                    "for the walk's participants."})
    _checked_text({"note": note}, lang)
    if routed_to_id is not None and routed_to_id != obs.routed_to_id:
        if not store.organisations(session, [routed_to_id]):
            raise ValidationError("No such organisation.", fields={"routed_to_id": "Pick an organisation."})
        obs.routed_to_id = routed_to_id
    obs.status = status
    obs.resolution = note.strip() if status == "resolved" else obs.resolution
    obs.resolved_at = _now() if status == "resolved" else None
    report = report_store.get_report(session, obs.report_id) if obs.report_id else None
    if report is not None and routed_to_id is not None:
        report.routed_to_id = obs.routed_to_id
    mirror_status(report, status, note.strip())
    store.add_update(session, obs, user_id=user.id, organisation_id=user.organisation_id, status=status,
                     note=note.strip())
    audit.record(session, user.id, "update", "walk_observation", obs.id, {"status": status})
    return obs


@dataclass(frozen=True)
class WalkSummary:
    """What the walk's participants are told: how many findings, how many fixed, by whom."""

    total: int
    resolved: int
    in_progress: int
    open: int
    by_organisation: dict[str, int]

    @property
    def share_resolved(self) -> float | None:
        return self.resolved / self.total if self.total else None


def summary(walk: SafetyWalk) -> WalkSummary:
    by_status = {s: 0 for s in OBSERVATION_STATUSES}
    by_org: dict[str, int] = {}
    for o in walk.observations:
        by_status[o.status] = by_status.get(o.status, 0) + 1
        name = o.routed_to.short_name or o.routed_to.name if o.routed_to else "–"
        by_org[name] = by_org.get(name, 0) + 1
    return WalkSummary(total=len(walk.observations), resolved=by_status["resolved"],
                       in_progress=by_status["in_progress"], open=by_status["open"], by_organisation=by_org)


def get_visible_walk(session: Session, user: User, walk_id: int) -> SafetyWalk:
    return policy.visible_walk(user, store.walk_with_details(session, walk_id))


def get_visible_observation(session: Session, user: User, obs_id: int) -> WalkObservation:
    obs = store.get(session, WalkObservation, obs_id)
    if obs is None or not policy.can_see_walk(user, obs.walk):
        raise NotFound("No such observation.")
    return obs
