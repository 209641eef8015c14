"""The demo's draft plan for the next year, built from the lägesbild by the plan services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.plans.conftest import PlanWorld, add_reports
from trygg.plans.demo import add_draft_plan
from trygg.plans.warnings import plan_warnings
from trygg.storage.database import Database


def test_draft_follows_the_largest_problems_and_carries_over_matching_activities(
        database: Database, plan_world: PlanWorld) -> None:
    w = plan_world.world
    add_reports(database, w, "vandalism", "T002", 5, datetime(2023, 1, 2, 20, tzinfo=UTC), timedelta(days=60))
    add_reports(database, w, "vandalism", "T002", 40, datetime(2024, 1, 10, 20, tzinfo=UTC))
    with database.session() as s:
        plan = add_draft_plan(s, year=2025)
        assert (plan.status, plan.version, plan.evidence["as_of"]) == ("draft", 1, "2025-01-01")  # type: ignore[index]
        fa = plan.focus_areas[0]
        assert fa.categories == ["vandalism"] and fa.target_area_types == [1, 2]
        assert "ökade från 5 till 40" in fa.problem
        assert [a.title for a in plan.activities] == ["Klottersanering"]
        assert plan.activities[0].focus_areas == [fa]
        assert plan_warnings(plan, []) == []
