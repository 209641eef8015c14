"""Indicator values from the data at any date, status updates and the yearly follow-up."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.plans.conftest import PlanWorld, add_reports
from trygg.errors import ValidationError
from trygg.plans import followup, lifecycle
from trygg.plans.indicators import progress_of, reading
from trygg.plans.inputs import indicator_input
from trygg.storage import plans as store
from trygg.storage.database import Database
from trygg.storage.schema import User
from trygg.storage.surveys import upsert_survey_result


def test_report_indicator_counts_the_365_days_up_to_the_date(database: Database, plan_world: PlanWorld) -> None:
    w = plan_world.world
    add_reports(database, w, "vandalism", "T001", 6, datetime(2023, 6, 1, 12, tzinfo=UTC))  # to 2023-06-16
    with database.session() as s:
        ind = store.get_indicator(s, plan_world.indicator_id)
        assert ind is not None
        assert reading(s, ind, date(2023, 6, 10)).value == 4
        r = reading(s, ind, date(2024, 5, 31))  # 2023-06-02 … 2024-05-31, plus the world's report of 2024-05-03
        assert r.value == 6 and r.basis == "2023-06-02–2024-05-31"
        assert (r.status, round(r.progress or 0, 2)) == ("improving", 0.8)  # baseline 10 → target 5


def test_survey_and_manual_indicators(database: Database, plan_world: PlanWorld) -> None:
    w = plan_world.world
    with database.session() as s:
        upsert_survey_result(s, w.area_ids["T002"], 2022, "unsafe_outdoors_evening", 40.0, "percent", 100)
        upsert_survey_result(s, w.area_ids["T003"], 2022, "unsafe_outdoors_evening", 30.0, "percent", 300)
        upsert_survey_result(s, w.area_ids["T002"], 2023, "unsafe_outdoors_evening", 30.0, "percent", 100)
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        act = plan.activities[0]
        survey = lifecycle.add_indicator(s, plan, act, None, indicator_input(
            {"name": "Otrygga", "source_kind": "survey", "survey_indicator": "unsafe_outdoors_evening",
             "area_types": [1, 2], "baseline": 40, "target": 30}))
        manual = lifecycle.add_indicator(s, plan, act, None, indicator_input(
            {"name": "Trygghetsvandrare", "source_kind": "manual", "baseline": 20, "target": 40}))
        assert reading(s, survey, date(2022, 12, 31)).value == 32.5  # answer-weighted
        assert reading(s, survey, date(2023, 12, 31)).status == "reached"
        user = s.get(User, w.user_ids["samordnare"])
        followup.record_value(s, manual, user, date(2024, 6, 30), 25.0)
        followup.record_value(s, manual, user, date(2024, 12, 31), 45.0)
        assert reading(s, manual, date(2024, 1, 1)).status == "no_data"
        assert reading(s, manual, date(2024, 7, 1)).value == 25.0
        assert reading(s, manual, date(2025, 1, 1)).status == "reached"
        with pytest.raises(ValidationError):
            followup.record_value(s, survey, user, date(2024, 1, 1), 1.0)


def test_progress_direction() -> None:
    assert progress_of(None, 10, 5) == (None, "no_data")
    assert progress_of(12, 10, 5)[1] == "worse"
    assert progress_of(3, 10, 5)[1] == "reached"
    assert progress_of(7, None, 5) == (None, "no_baseline")


def test_status_updates_and_yearly_report(database: Database, plan_world: PlanWorld) -> None:
    w = plan_world.world
    add_reports(database, w, "vandalism", "T001", 10, datetime(2023, 2, 1, 12, tzinfo=UTC))
    add_reports(database, w, "vandalism", "T001", 4, datetime(2024, 2, 1, 12, tzinfo=UTC))
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        user = s.get(User, w.user_ids["samordnare"])
        act = plan.activities[0]
        followup.record_update(s, act, user, "ongoing", "Startat i februari", date(2024, 2, 1))
        followup.record_update(s, act, user, "done", "Klart", date(2024, 11, 30))
        with pytest.raises(ValidationError):
            followup.record_update(s, act, user, "finished", "")
        report = followup.yearly_report(s, plan, date(2024, 12, 31))
        assert report.status_counts == {"done": 1}
        fu = report.focus[0]
        assert fu.activities[0].last_note == "Klart"
        change = fu.changes[0]
        assert (change.category, change.before, change.after) == ("vandalism", 10, 5)  # 4 + the world's one
        mid = followup.yearly_report(s, plan, date(2024, 6, 30))
        assert mid.focus[0].activities[0].status == "ongoing"
        data = followup.report_json(report)
        assert data["focus_areas"][0]["activities"][0]["indicators"][0]["value"] == 5.0
