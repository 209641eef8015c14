"""Write the demo's field work through the field-work services (`trygg.fieldwork.*`).

    >>> seed_fieldwork(session, build_geography(2022), 2022, orgs, users, areas, plan_id)  # doctest: +SKIP
    FieldworkSummary(walks=7, observations=36, ...)

What is written (specs in `trygg.demo.fieldwork_data` and `trygg.demo.fieldwork_registers`):
checklist routes (lighting, vegetation, litter, accessibility → Gata/park; places that feel unsafe
→ Trygghet och säkerhet; graffiti and damage follow the intake's area × category rules), safety
walks with routes, findings routed and followed up, night-walker shifts with their observations,
neighbourhood-watch areas, licensed premises and inspections, certified gyms and information
meetings, each linked to the 2022 plan activity it serves. Every finding and observation also
becomes a report (source "field") through the intake, as in the running system.

The services stamp "now"; the demo moves those stamps to when things happened in its story
(`seed_fieldwork(today=...)`: the demo's last day), so the same seed gives the same content. Only the
audit trail keeps the real time of the build (its entries are hash-chained and not rewritten).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from trygg.demo.fieldwork_data import (
    TODAY,
    WALKERS_ACTIVITY,
    ShiftSpec,
    WalkSpec,
    local_time,
    shift_specs,
    walk_specs,
)
from trygg.demo.fieldwork_registers import (
    gym_specs,
    inspection_specs,
    meeting_specs,
    premises_specs,
    watch_specs,
)
from trygg.demo.geography import DemoGeography
from trygg.fieldwork import gyms, meetings, policy, premises, shifts, walks, watch
from trygg.ingest.status import update_report
from trygg.storage import fieldwork as store
from trygg.storage import reports as report_store
from trygg.storage.schema import ActionPlan, Area, Organisation, Report, User

# Checklist item → organisation key; items not named follow the intake's routing rules.
CHECKLIST_ROUTES: dict[str, str] = {
    "lighting": "gatapark", "vegetation": "gatapark", "litter": "gatapark", "accessibility": "gatapark",
    "unsafe_place": "trygghet",
}
COORDINATOR = "samordnare"
POLICE_MANAGER = "analytiker"


@dataclass(frozen=True)
class FieldworkSummary:
    """What `seed_fieldwork` wrote."""

    walks: int
    observations: int
    shifts: int
    watch_areas: int
    premises: int
    inspections: int
    gyms: int
    meetings: int
    reports: int  # reports with source "field" made from findings and night walkers' observations

    def __str__(self) -> str:
        return (f"{self.walks} safety walks with {self.observations} findings, {self.shifts} night-walker shifts, "
                f"{self.watch_areas} watch areas, {self.premises} premises with {self.inspections} inspections, "
                f"{self.gyms} gyms, {self.meetings} information meetings")


class _Handlers:
    """The user who moves a finding on for the organisation it was routed to."""

    def __init__(self, users: dict[str, User]) -> None:
        self.by_org: dict[int, User] = {}
        for name in sorted(users, key=lambda n: (policy.is_manager(users[n]), n)):
            u = users[name]
            if u.role in policy.WRITERS:
                self.by_org.setdefault(u.organisation_id, u)
        self.fallback = users[COORDINATOR]

    def __call__(self, organisation_id: int | None) -> User:
        return self.by_org.get(organisation_id or -1, self.fallback)


def plan_activities(session: Session, plan_id: int) -> dict[str, int]:
    """{title: id} of the plan's activities (field work names the activity it serves by its title)."""
    plan = session.get(ActionPlan, plan_id)
    return {a.title: a.id for a in plan.activities} if plan is not None else {}


def _stamp_report(report: Report, public_id: str, created: datetime) -> None:
    report.public_id = public_id
    report.created_at = created
    report.updated_at = created


def _seed_walk(session: Session, spec: WalkSpec, orgs: dict[str, Organisation], users: dict[str, User],
               areas: dict[str, Area], activities: dict[str, int], handler: _Handlers) -> int:
    coordinator = users[COORDINATOR]
    walk = walks.plan_walk(
        session, coordinator, title=spec.title, planned_for=spec.starts_at, area_id=areas[spec.regso].id,
        route={"type": "LineString", "coordinates": [list(c) for c in spec.route]},
        organisation_ids=[orgs[k].id for k in spec.organisations], resident_groups=spec.resident_groups,
        notes=spec.notes, activity_id=activities.get(spec.activity or ""), organiser_id=orgs[spec.organiser].id)
    walk.created_at = spec.starts_at - timedelta(days=21)
    for o in spec.observations:
        when = spec.starts_at + timedelta(minutes=o.minutes)
        obs, _ = walks.record_observation(session, users[o.recorder], walk, key=o.key, item=o.item, lon=o.lon,
                                          lat=o.lat, note=o.note, observed_at=when)
        obs.created_at = when
        report = report_store.get_report(session, obs.report_id) if obs.report_id else None
        if report is not None:
            _stamp_report(report, o.public_id, when + timedelta(minutes=2))
        for outcome in o.outcomes:
            at = local_time(spec.starts_at.date() + timedelta(days=outcome.days), 10, 15)
            walks.set_observation_status(session, handler(obs.routed_to_id), obs, outcome.status, note=outcome.note)
            obs.updates[-1].at = at
            if outcome.status == "resolved":
                obs.resolved_at = at
            if report is not None:
                report.updated_at = at
    if spec.done:
        walks.set_walk_status(session, coordinator, walk, "done")
        walk.done_at = spec.starts_at + timedelta(hours=2)
    return len(spec.observations)


def _seed_shift(session: Session, spec: ShiftSpec, users: dict[str, User], areas: dict[str, Area],
                activity_id: int | None, handler: _Handlers) -> int:
    walker = users[spec.username]
    shift = shifts.log_shift(session, walker, organisation_id=None, starts_at=spec.starts_at, ends_at=spec.ends_at,
                             walkers=spec.walkers, area_id=areas[spec.regso].id, notes=spec.notes,
                             activity_id=activity_id)
    shift.created_at = spec.ends_at + timedelta(minutes=20)
    for o in spec.observations:
        report = shifts.add_shift_observation(
            session, walker, shift, category=o.category, description=o.description, lon=o.lon, lat=o.lat,
            occurred_at=spec.starts_at + timedelta(minutes=o.minutes), insecurity=o.insecurity)
        _stamp_report(report, o.public_id, spec.ends_at + timedelta(minutes=10))
        if o.feedback is not None:
            update_report(session, report, handler(report.routed_to_id).id, status="resolved",
                          feedback_note=o.feedback)
            report.updated_at = local_time(spec.ends_at.date() + timedelta(days=6), 11)
    return len(spec.observations)


def _seed_registers(session: Session, geo: DemoGeography, seed: int, users: dict[str, User],
                    areas: dict[str, Area], activities: dict[str, int], today: date) -> tuple[int, int, int, int, int]:
    coordinator, police = users[COORDINATOR], users[POLICE_MANAGER]
    watch_areas = watch_specs(geo, seed)
    for w in watch_areas:
        wa = watch.register(session, police, name=w.name, geom={"type": "Polygon", "coordinates": [list(w.ring)]},
                            households=w.households, contact_role=w.contact_role, police_contact=w.police_contact,
                            signed_up_on=w.signed_up_on, status=w.status,
                            activity_id=activities.get(w.activity or ""))
        wa.created_at = local_time(w.signed_up_on, 10)
    registry: dict[str, int] = {}
    bars = premises_specs()
    for p in bars:
        row = premises.register(session, coordinator, name=p.name, lon=p.lon, lat=p.lat, licence_type=p.licence_type,
                                opens_at=p.opens_at, closes_at=p.closes_at, kmk_status=p.kmk_status,
                                ras_status=p.ras_status)
        if not p.active:
            premises.update(session, coordinator, row, active=False)
        row.created_at = local_time(date(2021, 12, 1), 9)
        registry[p.name] = row.id
    visits = inspection_specs(seed, today)
    for i in visits:
        bar = premises.get_premises(session, registry[i.premises])
        ins = premises.record_inspection(session, users[i.inspector], bar, inspected_on=i.inspected_on, joint=i.joint,
                                         checklist=dict(i.checklist), findings=i.findings, follow_up=i.follow_up,
                                         activity_id=activities.get(i.activity or ""))
        ins.created_at = local_time(i.inspected_on + timedelta(days=1), 10)
    gym_rows = gym_specs(today)
    for g in gym_rows:
        gym = gyms.register(session, coordinator, name=g.name, status=g.status, certified_on=g.certified_on,
                            expires_on=g.expires_on, contact_role=g.contact_role, lon=g.lon, lat=g.lat,
                            activity_id=activities.get(g.activity or ""))
        gym.created_at = local_time(g.certified_on or date(2026, 9, 1), 9)
    held = meeting_specs(seed, today)
    for m in held:
        meeting = meetings.plan(session, coordinator, title=m.title, planned_for=m.starts_at, topic=m.topic,
                                venue=m.venue, audience=m.audience, area_id=areas[m.regso].id if m.regso else None,
                                activity_id=activities.get(m.activity or ""))
        if m.status != "planned":
            meetings.set_outcome(session, coordinator, meeting, status=m.status, attendance=m.attendance)
        meeting.created_at = m.starts_at - timedelta(days=30)
    return len(watch_areas), len(bars), len(visits), len(gym_rows), len(held)


def seed_fieldwork(session: Session, geo: DemoGeography, seed: int, orgs: dict[str, Organisation],
                   users: dict[str, User], areas: dict[str, Area], plan_id: int,
                   today: date = TODAY) -> FieldworkSummary:
    """Write the demo's field work (after the areas, organisations, users, the plan and the intake's
    routing rules); everything links to the plan `plan_id` by activity title. `today` is the demo's last day:
    what lies before it is done, what lies after is planned."""
    activities = plan_activities(session, plan_id)
    for item, key in CHECKLIST_ROUTES.items():
        store.set_checklist_route(session, item, orgs[key].id)
    handler = _Handlers(users)
    walk_list = walk_specs(geo, seed, today)
    findings = sum(_seed_walk(session, w, orgs, users, areas, activities, handler) for w in walk_list)
    shift_list = shift_specs(geo, seed, today)
    shift_obs = sum(_seed_shift(session, s, users, areas, activities.get(WALKERS_ACTIVITY), handler)
                    for s in shift_list)
    n_watch, n_premises, n_inspections, n_gyms, n_meetings = _seed_registers(session, geo, seed, users, areas,
                                                                             activities, today)
    session.flush()
    return FieldworkSummary(walks=len(walk_list), observations=findings, shifts=len(shift_list), watch_areas=n_watch,
                            premises=n_premises, inspections=n_inspections, gyms=n_gyms, meetings=n_meetings,
                            reports=findings + shift_obs)
