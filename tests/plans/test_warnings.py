"""Warnings that cannot be missed, and the evidence snapshot they build on."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.plans.conftest import PlanWorld, add_reports
from trygg.plans import evidence, lifecycle
from trygg.plans.inputs import activity_input, focus_area_input, indicator_input
from trygg.plans.warnings import Problem, plan_warnings, problems_from_evidence
from trygg.storage.database import Database


def test_a_complete_plan_has_no_warnings(database: Database, plan_world: PlanWorld) -> None:
    with database.session() as s:
        assert plan_warnings(lifecycle.get_plan(s, plan_world.plan_id), []) == []


def test_each_gap_is_warned(database: Database, plan_world: PlanWorld) -> None:
    w = plan_world.world
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        lifecycle.add_focus_area(s, plan, None, focus_area_input({"title": "Ungdomar", "categories": ["youth"]}))
        loose = lifecycle.add_activity(s, plan, None, activity_input(
            {"title": "Lös", "kind": "social", "owner_ids": [w.org_ids["kommun"]]}))
        lifecycle.add_indicator(s, plan, loose, None, indicator_input(
            {"name": "Antal möten", "source_kind": "manual"}))
        codes = sorted(x.code for x in plan_warnings(plan, []))
    assert codes == ["activity_without_focus_area", "focus_area_without_activity", "indicator_without_baseline"]


def test_unaddressed_hot_spot_and_increase_are_warned_until_an_activity_covers_them(
        database: Database, plan_world: PlanWorld) -> None:
    w = plan_world.world
    hot = Problem("hotspot", "traffic", (5,), area_id=w.area_ids["T004"], area_name="Halvorstorp", current=40)
    rise = Problem("increase", "vandalism", (1, 2), current=30, previous=10)
    covered = Problem("hotspot", "vandalism", (4,), area_id=w.area_ids["T001"], current=50)
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        texts = [x.message.format(**x.params) for x in plan_warnings(plan, [hot, rise, covered])]
        assert len(texts) == 2
        assert "Hot spot of traffic at Halvorstorp" in texts[0] and "type 1–2" in texts[1]
        lifecycle.add_focus_area(s, plan, None, focus_area_input(
            {"title": "Trafik", "categories": ["traffic", "vandalism"], "target_area_types": [1, 2, 5]}))
        fa = plan.focus_areas[-1]
        lifecycle.add_activity(s, plan, None, activity_input(
            {"title": "Kontroller", "kind": "situational", "owner_ids": [w.org_ids["polis"]],
             "focus_area_ids": [fa.id]}))
        assert plan_warnings(plan, [hot, rise, covered]) == []


def test_snapshot_counts_compares_and_finds_a_significant_increase(database: Database,
                                                                   plan_world: PlanWorld) -> None:
    w = plan_world.world
    add_reports(database, w, "arson", "T002", 4, datetime(2022, 1, 3, 20, tzinfo=UTC))
    add_reports(database, w, "arson", "T002", 40, datetime(2023, 2, 1, 20, tzinfo=UTC))
    with database.session() as s:
        ev = evidence.snapshot(s, date(2024, 1, 1))
    arson = next(r for r in ev["groups"] if r["category"] == "arson" and r["group"] == "1-2")
    assert (arson["current"], arson["previous"], arson["significant"], arson["direction"]) == (40, 4, True, "up")
    assert ev["totals"] == {"current": 40, "previous": 4}
    assert sum(ev["monthly"]["counts"]["arson"]) == 44 and len(ev["monthly"]["months"]) == 24
    assert [p.kind for p in problems_from_evidence(ev)].count("increase") == 1


def test_no_change_is_claimed_before_the_data_begins(database: Database, plan_world: PlanWorld) -> None:
    with database.session() as s:
        ev = evidence.snapshot(s, date(2024, 6, 1))  # the previous 12 months hold no data
    assert ev["previous_period"]["covered"] is False
    assert all(not r["significant"] and r["direction"] == "unknown" for r in ev["groups"])
