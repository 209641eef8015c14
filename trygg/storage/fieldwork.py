"""Reading and writing field work: walks, observations, shifts, watch areas, premises, gyms, meetings.

The only module that builds SQL for the field-work tables. Services in `trygg.fieldwork` validate
and decide; this module stores and finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from trygg.storage.schema import Organisation, Report
from trygg.storage.schema.fieldwork import (
    ChecklistRoute,
    Gym,
    InfoMeeting,
    Inspection,
    NightShift,
    ObservationPhoto,
    ObservationUpdate,
    Premises,
    SafetyWalk,
    WalkObservation,
    WatchArea,
    night_shift_reports,
    walk_organisations,
)

T = TypeVar("T")


def add(session: Session, obj: T) -> T:
    """Store a new field-work object and give it its id."""
    session.add(obj)
    session.flush()
    return obj


def get(session: Session, model: type[T], object_id: int) -> T | None:
    return session.get(model, object_id)


def organisations(session: Session, ids: Sequence[int]) -> list[Organisation]:
    if not ids:
        return []
    return list(session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)))


def all_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


# --------------------------------------------------------------------------- walks


def list_walks(session: Session, *, organisation_id: int | None = None, start: datetime | None = None,
               end: datetime | None = None, limit: int = 200) -> list[SafetyWalk]:
    """Walks, newest first. With `organisation_id`: those it organises, joins or has findings routed to."""
    q = select(SafetyWalk).options(selectinload(SafetyWalk.organisations))
    if organisation_id is not None:
        joined = select(walk_organisations.c.walk_id).where(walk_organisations.c.organisation_id == organisation_id)
        routed = select(WalkObservation.walk_id).where(WalkObservation.routed_to_id == organisation_id)
        q = q.where(or_(SafetyWalk.organiser_id == organisation_id, SafetyWalk.id.in_(joined),
                        SafetyWalk.id.in_(routed)))
    if start is not None:
        q = q.where(SafetyWalk.planned_for >= start)
    if end is not None:
        q = q.where(SafetyWalk.planned_for < end)
    return list(session.scalars(q.order_by(SafetyWalk.planned_for.desc(), SafetyWalk.id.desc()).limit(limit)))


def walk_with_details(session: Session, walk_id: int) -> SafetyWalk | None:
    q = (select(SafetyWalk).where(SafetyWalk.id == walk_id)
         .options(selectinload(SafetyWalk.organisations),
                  selectinload(SafetyWalk.observations).selectinload(WalkObservation.updates),
                  selectinload(SafetyWalk.observations).selectinload(WalkObservation.photos)))
    return session.scalar(q)


def find_observation(session: Session, walk_id: int, client_key: str) -> WalkObservation | None:
    return session.scalar(select(WalkObservation).where(WalkObservation.walk_id == walk_id,
                                                        WalkObservation.client_key == client_key))


def list_routed_observations(session: Session, organisation_id: int | None, *,
                             open_only: bool = True, limit: int = 200) -> list[WalkObservation]:
    """Findings routed to an organisation (all organisations when None), oldest first."""
    q = select(WalkObservation)
    if organisation_id is not None:
        q = q.where(WalkObservation.routed_to_id == organisation_id)
    if open_only:
        q = q.where(WalkObservation.status != "resolved")
    return list(session.scalars(q.order_by(WalkObservation.observed_at, WalkObservation.id).limit(limit)))


def add_update(session: Session, observation: WalkObservation, **values: Any) -> ObservationUpdate:
    update = ObservationUpdate(observation_id=observation.id, **values)
    session.add(update)
    session.flush()
    session.refresh(observation, ["updates"])
    return update


def get_photo(session: Session, photo_id: int) -> ObservationPhoto | None:
    return session.get(ObservationPhoto, photo_id)


def checklist_routes(session: Session) -> dict[str, Organisation]:
    return {r.item: r.organisation for r in session.scalars(select(ChecklistRoute))}


def set_checklist_route(session: Session, item: str, organisation_id: int | None) -> None:
    row = session.get(ChecklistRoute, item)
    if organisation_id is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(ChecklistRoute(item=item, organisation_id=organisation_id))
    else:
        row.organisation_id = organisation_id
    session.flush()


# --------------------------------------------------------------------------- night shifts


def list_shifts(session: Session, *, organisation_id: int | None = None, limit: int = 200) -> list[NightShift]:
    q = select(NightShift)
    if organisation_id is not None:
        q = q.where(NightShift.organisation_id == organisation_id)
    return list(session.scalars(q.order_by(NightShift.starts_at.desc(), NightShift.id.desc()).limit(limit)))


def link_shift_report(session: Session, shift_id: int, report_id: int) -> None:
    session.execute(night_shift_reports.insert().values(shift_id=shift_id, report_id=report_id))
    session.flush()


def shift_reports(session: Session, shift_id: int) -> list[Report]:
    ids = select(night_shift_reports.c.report_id).where(night_shift_reports.c.shift_id == shift_id)
    return list(session.scalars(select(Report).where(Report.id.in_(ids)).order_by(Report.occurred_from)))


def shift_report_count(session: Session, shift_id: int) -> int:
    q = select(func.count()).select_from(night_shift_reports).where(night_shift_reports.c.shift_id == shift_id)
    return int(session.scalar(q) or 0)


# --------------------------------------------------------------------------- neighbourhood watch


def list_watch_areas(session: Session, *, status: str | None = None) -> list[WatchArea]:
    q = select(WatchArea)
    if status:
        q = q.where(WatchArea.status == status)
    return list(session.scalars(q.order_by(WatchArea.name)))


def watch_counts_by_area(session: Session, on: date | None = None) -> dict[int | None, tuple[int, int]]:
    """Active watch areas per district on a day (default: now): {area_id: (areas, households)}."""
    q = select(WatchArea.area_id, func.count(WatchArea.id), func.coalesce(func.sum(WatchArea.households), 0)
               ).where(WatchArea.status == "active")
    if on is not None:
        q = q.where(WatchArea.signed_up_on <= on)
    rows = session.execute(q.group_by(WatchArea.area_id)).all()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


# --------------------------------------------------------------------------- premises and inspections


def list_premises(session: Session, *, active_only: bool = False) -> list[Premises]:
    q = select(Premises)
    if active_only:
        q = q.where(Premises.active.is_(True))
    return list(session.scalars(q.order_by(Premises.name)))


def last_inspections(session: Session) -> dict[int, date]:
    rows = session.execute(select(Inspection.premises_id, func.max(Inspection.inspected_on))
                           .group_by(Inspection.premises_id)).all()
    return {int(r[0]): r[1] for r in rows}


# --------------------------------------------------------------------------- gyms and meetings


def list_gyms(session: Session) -> list[Gym]:
    return list(session.scalars(select(Gym).order_by(Gym.name)))


def gyms_expiring(session: Session, before: date) -> list[Gym]:
    """Certified gyms whose certification ends before `before` (already expired included)."""
    q = select(Gym).where(Gym.status == "certified", Gym.expires_on.is_not(None), Gym.expires_on < before)
    return list(session.scalars(q.order_by(Gym.expires_on, Gym.name)))


def list_meetings(session: Session, *, status: str | None = None, limit: int = 200) -> list[InfoMeeting]:
    q = select(InfoMeeting)
    if status:
        q = q.where(InfoMeeting.status == status)
    return list(session.scalars(q.order_by(InfoMeeting.planned_for.desc(), InfoMeeting.id.desc()).limit(limit)))


# --------------------------------------------------------------------------- counts for plan activities


def activity_counts(session: Session, activity_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """Raw field-work counts linked to one plan activity within [start, end)."""
    d0, d1 = start.date(), end.date()

    def scalar(q: Any) -> int:
        return int(session.scalar(q) or 0)

    walks = select(SafetyWalk.id).where(SafetyWalk.activity_id == activity_id, SafetyWalk.status == "done",
                                        SafetyWalk.planned_for >= start, SafetyWalk.planned_for < end)
    obs = select(func.count(WalkObservation.id)).where(WalkObservation.walk_id.in_(walks))
    resolved = obs.where(WalkObservation.status == "resolved")
    shifts = (NightShift.activity_id == activity_id, NightShift.starts_at >= start, NightShift.starts_at < end)
    insp = (Inspection.activity_id == activity_id, Inspection.inspected_on >= d0, Inspection.inspected_on < d1)
    meet = (InfoMeeting.activity_id == activity_id, InfoMeeting.status == "held",
            InfoMeeting.planned_for >= start, InfoMeeting.planned_for < end)
    watch = (WatchArea.activity_id == activity_id, WatchArea.status == "active", WatchArea.signed_up_on < d1)
    gyms = (Gym.activity_id == activity_id, Gym.status == "certified", Gym.certified_on.is_not(None),
            Gym.certified_on < d1, or_(Gym.expires_on.is_(None), Gym.expires_on >= d0))
    return {
        "walks": scalar(select(func.count()).select_from(walks.subquery())),
        "walk_observations": scalar(obs),
        "walk_observations_resolved": scalar(resolved),
        "night_shifts": scalar(select(func.count(NightShift.id)).where(*shifts)),
        "night_walker_shifts": scalar(select(func.coalesce(func.sum(NightShift.walkers), 0)).where(*shifts)),
        "inspections": scalar(select(func.count(Inspection.id)).where(*insp)),
        "joint_inspections": scalar(select(func.count(Inspection.id)).where(*insp, Inspection.joint.is_(True))),
        "meetings_held": scalar(select(func.count(InfoMeeting.id)).where(*meet)),
        "meeting_attendance": scalar(select(func.coalesce(func.sum(InfoMeeting.attendance), 0)).where(*meet)),
        "watch_areas": scalar(select(func.count(WatchArea.id)).where(*watch)),
        "watch_households": scalar(select(func.coalesce(func.sum(WatchArea.households), 0)).where(*watch)),
        "certified_gyms": scalar(select(func.count(Gym.id)).where(*gyms)),
    }
