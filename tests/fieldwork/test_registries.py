"""Night-walker shifts, neighbourhood watch, premises and inspections, gyms, meetings, and the
counts a plan activity gets from all of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import World
from trygg.errors import PermissionDenied, PersonalDataError, ValidationError
from trygg.fieldwork import gyms, meetings, premises, shifts, walks, watch
from trygg.fieldwork.counts import COUNT_KEYS, fieldwork_counts
from trygg.storage import reports as report_store
from trygg.storage.schema import ActionPlan, Activity, User
from trygg.storage.schema.fieldwork import SafetyWalk

NIGHT = datetime(2024, 5, 3, 20, 0, tzinfo=UTC)
SQUARE = [[12.281, 58.281], [12.289, 58.281], [12.289, 58.288], [12.281, 58.288]]


def _activity(session: Session) -> Activity:
    plan = ActionPlan(year=2024, title="Plan 2024")
    act = Activity(title="Trygghetsronder och krogtillsyn", kind="situational")
    plan.activities.append(act)
    session.add(plan)
    session.flush()
    return act


def test_night_walker_observations_enter_the_lagesbild_as_volunteer_reports(
        session: Session, user_of: Callable[[str], User], world: World) -> None:
    walker = user_of("rapportor")
    shift = shifts.log_shift(session, walker, organisation_id=None, starts_at=NIGHT,
                             ends_at=NIGHT + timedelta(hours=5), walkers=6, area_id=world.area_ids["T002"])
    report = shifts.add_shift_observation(session, walker, shift, category="disorder",
                                          description="Stökig grupp vid torget", lon=12.29, lat=58.285,
                                          occurred_at=NIGHT + timedelta(hours=2), insecurity=3)
    assert report.source == "field" and report.organisation_id == world.org_ids["bostad"]
    assert report.area_id == world.area_ids["T002"]
    flt = report_store.ReportFilter(sources=("field",))
    assert report_store.count_reports(session, flt) == 1
    with pytest.raises(PermissionDenied):  # another organisation's shift
        shifts.add_shift_observation(session, user_of("rapportor2"), shift, category="disorder",
                                     description="", lon=12.29, lat=58.285)
    with pytest.raises(ValidationError) as bad:
        shifts.add_shift_observation(session, walker, shift, category="disorder", description="", lon=12.29,
                                     lat=58.285, occurred_at=NIGHT + timedelta(days=2))
    assert "occurred_at" in bad.value.fields


def test_watch_areas_are_placed_in_their_district_and_counted_while_active(
        session: Session, user_of: Callable[[str], User], world: World) -> None:
    boss = user_of("samordnare")
    a = watch.register(session, boss, name="Kvarteret Solen", geom=SQUARE, households=40,
                       contact_role="Kontaktombud", police_contact="Kommunpolis", signed_up_on=date(2022, 3, 1))
    watch.register(session, boss, name="Kvarteret Månen", geom={"type": "Polygon", "coordinates": [SQUARE]},
                   households=25, contact_role="Kontaktombud", police_contact="Kommunpolis",
                   signed_up_on=date(2023, 3, 1))
    assert a.area_id == world.area_ids["T002"]
    assert watch.counts_per_area(session) == {world.area_ids["T002"]: (2, 65)}
    assert watch.counts_per_area(session, on=date(2022, 12, 31)) == {world.area_ids["T002"]: (1, 40)}
    watch.set_status(session, boss, a, "ended")
    assert watch.counts_per_area(session) == {world.area_ids["T002"]: (1, 25)}
    with pytest.raises(PersonalDataError):
        watch.register(session, boss, name="X", geom=SQUARE, households=3, contact_role="anna@example.se",
                       police_contact="", signed_up_on=date(2022, 1, 1))
    with pytest.raises(PermissionDenied):
        watch.register(session, user_of("rapportor"), name="X", geom=SQUARE, households=3, contact_role="",
                       police_contact="", signed_up_on=date(2022, 1, 1))


def test_an_inspection_keeps_its_checklist_findings_and_follow_up(
        session: Session, user_of: Callable[[str], User]) -> None:
    boss = user_of("analytiker")
    p = premises.register(session, boss, name="Krogen Ankaret", lon=12.27, lat=58.285, licence_type="public",
                          closes_at="02:00", kmk_status="trained")
    ins = premises.record_inspection(session, boss, p, inspected_on=date(2024, 5, 4), joint=True,
                                     checklist={"age_checks": "remark", "over_serving": "ok"},
                                     findings="Bristande ålderskontroll i entrén", follow_up="revisit")
    assert ins.checklist["age_checks"] == "remark" and ins.checklist["crowding"] == "na"
    assert premises.remarks(ins) == ["age_checks"]
    with pytest.raises(ValidationError) as bad:
        premises.record_inspection(session, boss, p, inspected_on=date(2024, 5, 4), joint=False,
                                   checklist={"dancing": "ok"}, follow_up="jail")
    assert {"checklist", "follow_up"} <= set(bad.value.fields)
    with pytest.raises(ValidationError):
        premises.register(session, boss, name="Y", lon=12.27, lat=58.285, licence_type="public", closes_at="25:00")


def test_gym_reminders_list_certifications_expiring_soon_and_expired_ones(
        session: Session, user_of: Callable[[str], User]) -> None:
    boss = user_of("samordnare")
    today = date(2024, 6, 1)
    gyms.register(session, boss, name="Gym A", status="certified", certified_on=date(2022, 1, 1),
                  expires_on=date(2024, 6, 20))
    gyms.register(session, boss, name="Gym B", status="certified", certified_on=date(2021, 1, 1),
                  expires_on=date(2024, 5, 1))
    gyms.register(session, boss, name="Gym C", status="certified", certified_on=date(2024, 1, 1),
                  expires_on=date(2026, 1, 1))
    rows = gyms.reminders(session, today=today, days=60)
    assert [(r.name, r.days_left, r.expired) for r in rows] == [("Gym B", -31, True), ("Gym A", 19, False)]
    with pytest.raises(ValidationError):  # certified without dates
        gyms.register(session, boss, name="Gym D", status="certified")


def test_fieldwork_counts_add_up_what_is_linked_to_an_activity_in_the_period(
        session: Session, user_of: Callable[[str], User], world: World, walk: SafetyWalk) -> None:
    boss = user_of("samordnare")
    act = _activity(session)
    walk.activity_id = act.id
    walks.record_observation(session, boss, walk, key="k-count-0001", item="litter", lon=12.27, lat=58.285,
                             observed_at=datetime(2024, 5, 3, 19, 30, tzinfo=UTC))
    walks.set_walk_status(session, boss, walk, "done")
    p = premises.register(session, boss, name="Krogen", lon=12.27, lat=58.285, licence_type="public")
    premises.record_inspection(session, boss, p, inspected_on=date(2024, 5, 4), joint=True, checklist={},
                               activity_id=act.id)
    premises.record_inspection(session, boss, p, inspected_on=date(2023, 5, 4), joint=False, checklist={},
                               activity_id=act.id)
    m = meetings.plan(session, boss, title="ANDTS-kväll", planned_for=datetime(2024, 4, 20, 17, tzinfo=UTC),
                      activity_id=act.id)
    meetings.set_outcome(session, boss, m, status="held", attendance=48)
    shifts.log_shift(session, boss, organisation_id=world.org_ids["bostad"], starts_at=NIGHT,
                     ends_at=NIGHT + timedelta(hours=4), walkers=5, activity_id=act.id)
    watch.register(session, boss, name="Kvarteret", geom=SQUARE, households=30, contact_role="Ombud",
                   police_contact="Kommunpolis", signed_up_on=date(2023, 1, 1), activity_id=act.id)
    gyms.register(session, boss, name="Gym", status="certified", certified_on=date(2024, 2, 1),
                  expires_on=date(2026, 2, 1), activity_id=act.id)
    counts = fieldwork_counts(session, act.id, datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    assert set(counts) == set(COUNT_KEYS)
    assert counts == {"walks": 1, "walk_observations": 1, "walk_observations_resolved": 0, "night_shifts": 1,
                      "night_walker_shifts": 5, "inspections": 1, "joint_inspections": 1, "meetings_held": 1,
                      "meeting_attendance": 48, "watch_areas": 1, "watch_households": 30, "certified_gyms": 1}
    none = fieldwork_counts(session, act.id, datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC))
    assert set(none.values()) == {0}
    with pytest.raises(ValueError):
        fieldwork_counts(session, act.id, datetime(2024, 1, 1), datetime(2025, 1, 1))


def test_the_closing_time_view_counts_violence_near_a_premises(session: Session,
                                                              user_of: Callable[[str], User]) -> None:
    boss = user_of("samordnare")
    premises.register(session, boss, name="Nära", lon=12.2900, lat=58.2850, licence_type="public",
                      closes_at="23:00")
    rows = premises.closing_time_view(session, None, None, radius=300)
    # the seeded violence report in Halvorstorp lies ~560 m south; the disorder one in Kronogården is at the point
    assert rows[0]["window_count"] + rows[0]["rest_count"] == 1
