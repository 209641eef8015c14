"""The demo's field work (trygg.demo.fieldwork_seed) in the session's demo database (see conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.demo.conftest import BuiltDemo
from trygg.demo.fieldwork_data import (
    ANDTS_ACTIVITY,
    BAR_ACTIVITY,
    GYM_ACTIVITY,
    TODAY,
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
from trygg.demo.geography import DemoGeography, build_geography
from trygg.fieldwork import gyms
from trygg.fieldwork.counts import fieldwork_counts
from trygg.fieldwork.routing import route_for
from trygg.fieldwork.vocab import WALK_ITEMS
from trygg.storage.schema import ActionPlan, Area, IndicatorValue, Organisation, Report
from trygg.storage.schema.fieldwork import (
    Gym,
    InfoMeeting,
    Inspection,
    NightShift,
    Premises,
    SafetyWalk,
    WalkObservation,
    WatchArea,
    night_shift_reports,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
END_OF_TODAY = datetime.combine(TODAY + timedelta(days=1), time(0), STOCKHOLM)


def _org_id(s: Session, short_name: str) -> int:
    org_id = s.scalar(select(Organisation.id).where(Organisation.short_name == short_name))
    assert org_id is not None, short_name
    return int(org_id)


def test_counts_match_the_summary(demo: BuiltDemo) -> None:
    fw = demo.summary.fieldwork
    assert fw is not None
    with demo.db.session() as s:
        counts = {model: s.scalar(select(func.count()).select_from(model)) for model in
                  (SafetyWalk, WalkObservation, NightShift, WatchArea, Premises, Inspection, Gym, InfoMeeting)}
        field = s.scalar(select(func.count(Report.id)).where(Report.source == "field"))
    assert counts[SafetyWalk] == fw.walks and 5 <= fw.walks <= 8
    assert counts[WalkObservation] == fw.observations
    assert counts[NightShift] == fw.shifts and 90 <= fw.shifts <= 160
    assert counts[WatchArea] == fw.watch_areas == 8
    assert counts[Premises] == fw.premises and 9 <= fw.premises <= 12
    assert counts[Inspection] == fw.inspections and 18 <= fw.inspections <= 24
    assert counts[Gym] == fw.gyms == 5 and counts[InfoMeeting] == fw.meetings and 4 <= fw.meetings <= 6
    assert field == fw.reports == demo.summary.field_reports and field > fw.observations
    assert ("Writing routing rules and field work", 2, 2) in demo.stages
    assert str(fw) in str(demo.summary)


def test_walks_have_routes_and_findings_inside_their_district(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        walks = s.scalars(select(SafetyWalk).order_by(SafetyWalk.planned_for)).all()
        districts = {w.area.name for w in walks if w.area}
        for w in walks:
            assert w.area is not None and w.route is not None and w.organisations and w.checklist
            assert w.area.geom.contains(w.route), w.title
            assert w.route.length > 0.004  # some hundreds of metres
            if w.status == "done":
                assert 3 <= len(w.observations) <= 8, w.title
                assert w.done_at is not None and w.planned_for < w.done_at < END_OF_TODAY
            for o in w.observations:
                assert w.area.geom.contains(shapely.Point(o.lon, o.lat)), (w.title, o.item)
                assert w.planned_for <= o.observed_at <= w.planned_for + timedelta(hours=2)
    assert {"Kronogårds Torg-Frälsegården", "Sylte-Hörlycke-Eriksro",
            "Trollhättan centrum-Tingvalla-Västergärdet"} <= districts
    assert any("Lextorp" in d for d in districts)
    assert {w.status for w in walks} == {"done", "planned"}
    assert all(date(2025, 1, 1) <= w.planned_for.date() <= date(2026, 12, 31) for w in walks)


def test_findings_are_routed_followed_up_and_become_field_reports(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        street, safety, eidar = (_org_id(s, n) for n in ("Gata/park", "Trygghet och säkerhet", "Eidar"))
        observations = s.scalars(select(WalkObservation)).all()
        for o in observations:
            report = s.get(Report, o.report_id)
            assert report is not None and report.source == "field"
            assert report.category == WALK_ITEMS[o.item].category and report.routed_to_id == o.routed_to_id
            assert report.status == {"open": "received"}.get(o.status, o.status)
            assert report.created_at >= report.occurred_from
            if o.status == "resolved":
                assert o.resolution and report.feedback_note == o.resolution
                assert o.resolved_at is not None and o.observed_at < o.resolved_at < END_OF_TODAY
                assert o.updates[-1].status == "resolved" and o.updates[-1].note == o.resolution
            assert all(o.observed_at < u.at < END_OF_TODAY for u in o.updates)
        kronogarden = s.scalar(select(Area.id).where(Area.code == "1488R007"))
    by_item: dict[str, set[int | None]] = {}
    for o in observations:
        by_item.setdefault(o.item, set()).add(o.routed_to_id)
    assert by_item["lighting"] == {street} and by_item.get("unsafe_place", {safety}) == {safety}
    assert any(o.item == "lighting" and o.status == "open" and o.routed_to_id == street for o in observations)
    assert any(o.item in ("graffiti", "damage") and o.routed_to_id == eidar for o in observations)
    statuses = [o.status for o in observations]
    assert statuses.count("resolved") > 0.6 * len(statuses) and "open" in statuses and "in_progress" in statuses
    with demo.db.session() as s:  # what a new finding would get
        assert route_for(s, "lighting", kronogarden, safety) == street
        assert route_for(s, "graffiti", kronogarden, safety) == eidar


def test_night_walker_shifts_are_weekend_evenings_over_the_last_year(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        shifts = s.scalars(select(NightShift)).all()
        kinds = {sh.organisation.kind for sh in shifts}
        linked = s.execute(select(night_shift_reports.c.report_id)).scalars().all()
        sources = set(s.scalars(select(Report.source).where(Report.id.in_(linked))))
    local = [sh.starts_at.astimezone(STOCKHOLM) for sh in shifts]
    assert kinds == {"volunteer"}
    assert {t.weekday() for t in local} == {4, 5} and all(19 <= t.hour <= 21 for t in local)
    assert min(local).date() >= TODAY - timedelta(days=366) and max(local).date() <= TODAY
    assert all(timedelta(hours=2) <= sh.ends_at - sh.starts_at <= timedelta(hours=6) for sh in shifts)
    assert 10 <= len(linked) <= 80 and sources == {"field"}


def test_watch_areas_lie_inside_their_district(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        rows = s.scalars(select(WatchArea)).all()
        for wa in rows:
            assert wa.area is not None and wa.area.geom.contains(wa.geom), wa.name
            assert wa.households > 0 and wa.signed_up_on <= TODAY
    assert {wa.status for wa in rows} == {"active", "paused", "ended"}
    assert sum(wa.status == "active" for wa in rows) >= 5


def test_premises_in_the_centre_and_their_inspections(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        bars = s.scalars(select(Premises)).all()
        inspections = s.scalars(select(Inspection)).all()
        police = _org_id(s, "Polisen LPO Trollhättan")
    assert {p.area.code for p in bars if p.area} == {"1488R015"} and all(p.area for p in bars)
    assert {p.licence_type for p in bars} >= {"public", "private", "catering", "temporary"}
    assert any(not p.active for p in bars) and {p.kmk_status for p in bars} == {"none", "planned", "trained"}
    joint = [i for i in inspections if i.joint]
    assert 0.4 * len(inspections) <= len(joint) < len(inspections)
    assert any(i.organisation_id == police for i in joint)
    assert {i.follow_up for i in inspections} >= {"none", "revisit", "warning"}
    for i in inspections:
        remarks = [k for k, v in i.checklist.items() if v == "remark"]
        assert i.findings and i.inspected_on <= TODAY
        assert bool(remarks) == (i.follow_up != "none"), (i.findings, i.follow_up)


def test_gyms_one_expiring_within_a_month_and_one_expired(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        reminders = gyms.reminders(s, today=TODAY)
        statuses = [gyms.effective_status(g, TODAY) for g in s.scalars(select(Gym))]
    assert any(0 <= r.days_left <= 31 for r in reminders)
    assert any(r.expired for r in reminders)
    assert statuses.count("certified") >= 3 and "expired" in statuses and "in_progress" in statuses


def test_field_work_counts_towards_the_2022_plan(demo: BuiltDemo) -> None:
    """Meetings, inspections and gyms of 2022 agree with the plan's manually entered figures."""
    fw = demo.summary.fieldwork
    assert fw is not None
    start, end = datetime(2022, 1, 1, tzinfo=UTC), datetime(2023, 1, 1, tzinfo=UTC)
    with demo.db.session() as s:
        plan = s.get(ActionPlan, demo.summary.plan_id)
        assert plan is not None
        by_title = {a.title: a for a in plan.activities}

        def entered(title: str) -> float:
            ind = by_title[title].indicators[0]
            return float(s.scalars(select(IndicatorValue.value).where(IndicatorValue.indicator_id == ind.id)
                                   .order_by(IndicatorValue.on_date.desc())).first() or 0)

        andts = fieldwork_counts(s, by_title[ANDTS_ACTIVITY].id, start, end)
        bars = fieldwork_counts(s, by_title[BAR_ACTIVITY].id, start, end)
        gym = fieldwork_counts(s, by_title[GYM_ACTIVITY].id, start, end)
        assert andts["meetings_held"] == entered(ANDTS_ACTIVITY) == 2 and andts["meeting_attendance"] > 0
        assert bars["joint_inspections"] == entered(BAR_ACTIVITY) == 11
        assert gym["certified_gyms"] == entered(GYM_ACTIVITY) == 3
        linked = [w.activity_id for w in s.scalars(select(SafetyWalk))]
        shifts = s.scalar(select(func.count(NightShift.id)).where(NightShift.activity_id.is_not(None)))
        watch = s.scalar(select(func.count(WatchArea.id)).where(WatchArea.activity_id.is_not(None)))
        planned = s.scalar(select(func.count(InfoMeeting.id)).where(InfoMeeting.status == "planned"))
    assert all(linked) and len(set(linked)) == 2  # the EST method and the lighting measure
    assert shifts == fw.shifts
    assert watch == 8 and planned == 1


def test_the_same_seed_gives_the_same_field_work(geography: DemoGeography, demo: BuiltDemo) -> None:
    a = (walk_specs(geography, 2022), shift_specs(geography, 2022), watch_specs(geography, 2022),
         inspection_specs(2022), meeting_specs(2022))
    b = (walk_specs(geography, 2022), shift_specs(geography, 2022), watch_specs(geography, 2022),
         inspection_specs(2022), meeting_specs(2022))
    assert a == b and premises_specs() == premises_specs() and gym_specs() == gym_specs()
    other = walk_specs(geography, 2023)
    assert [w.route for w in other] != [w.route for w in a[0]]
    # The database holds exactly what the specs say (so the same seed writes the same content).
    expected = sorted([o.public_id for w in a[0] for o in w.observations]
                      + [o.public_id for sh in a[1] for o in sh.observations])
    with demo.db.session() as s:
        stored = sorted(s.scalars(select(Report.public_id).where(Report.source == "field")))
        notes = s.scalars(select(WalkObservation.note).order_by(WalkObservation.id)).all()
    assert stored == expected
    assert list(notes) == [o.note for w in a[0] for o in w.observations]


def test_specs_fit_another_seed_too() -> None:
    seed = 99
    geo = build_geography(seed)
    walks = walk_specs(geo, seed)
    assert all(3 <= len(w.observations) <= 8 for w in walks if w.done)
    assert len(watch_specs(geo, seed)) == 8 and len(shift_specs(geo, seed)) > 90
    assert np.isfinite([c for w in walks for pt in w.route for c in pt]).all()
