"""The årshjul: activities per month and recurring patterns found in the data."""

from __future__ import annotations

from datetime import date

import numpy as np

from tests.plans.conftest import PlanWorld
from trygg.plans import lifecycle
from trygg.plans.calendar import active_months, seasonal_patterns, year_wheel
from trygg.plans.inputs import activity_input
from trygg.storage.database import Database


def _synthetic(seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    days = np.arange(np.datetime64("2021-01-01"), np.datetime64("2024-01-01"))
    doy = (days - days.astype("datetime64[Y]")).astype(int)
    summer = 1 + 0.9 * np.exp(-((doy - 200) / 30.0) ** 2)  # disorder peaks in July
    counts = rng.poisson(3 * summer)
    day_of_month = (days - days.astype("datetime64[M]")).astype(int)
    nye = (days.astype("datetime64[M]").astype(int) % 12 == 11) & (day_of_month == 30)
    counts[nye] += 20
    times = np.repeat(days, counts).astype("datetime64[s]") + np.timedelta64(20, "h")
    litter = np.repeat(days, rng.poisson(1, days.size)).astype("datetime64[s]")
    return np.concatenate([times, litter]), np.array(["disorder"] * times.size + ["littering"] * litter.size)


def test_summer_peak_and_new_years_eve_are_found() -> None:
    peaks, days = seasonal_patterns(*_synthetic())
    disorder = next(p for p in peaks if p.category == "disorder")
    assert 7 in disorder.months and 1 not in disorder.months
    assert not any(p.category == "littering" for p in peaks)  # flat all year
    nye = next(d for d in days if (d.month, d.day) == (12, 31))
    assert nye.categories == ("disorder",) and nye.label == "New Year's Eve" and nye.ratio > 3
    school = next(d for d in days if (d.month, d.day) == (8, 20))
    assert school.categories == () and school.label == "School start"


def test_activities_land_in_their_months(database: Database, plan_world: PlanWorld) -> None:
    w = plan_world.world
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        act = lifecycle.add_activity(s, plan, None, activity_input(
            {"title": "Sommarinsats", "kind": "situational", "owner_ids": [w.org_ids["polis"]],
             "focus_area_ids": [plan_world.focus_area_id], "period_start": "2024-06-01",
             "period_end": "2024-08-31"}))
        assert active_months(act, 2024) == [6, 7, 8]
        assert active_months(act, 2025) == []
        wheel = year_wheel(s, plan)
    titles = {m.month: [a.title for a in m.activities] for m in wheel.months}
    assert titles[7] == ["Klottersanering", "Sommarinsats"] and titles[1] == ["Klottersanering"]
    assert len(wheel.as_dict()["months"]) == 12 and date(2024, 1, 1).year == wheel.year


def test_the_wheel_shows_the_yearly_process_and_activities_when_they_begin_and_end(
        database: Database, plan_world: PlanWorld) -> None:
    w = plan_world.world
    with database.session() as s:
        plan = lifecycle.get_plan(s, plan_world.plan_id)
        lifecycle.add_activity(s, plan, None, activity_input(
            {"title": "Sommarinsats", "kind": "situational", "owner_ids": [w.org_ids["polis"]],
             "focus_area_ids": [plan_world.focus_area_id], "period_start": "2024-06-01",
             "period_end": "2024-08-31"}))
        wheel = year_wheel(s, plan)
    rows = {m.month: m for m in wheel.months}
    assert [a.title for a in wheel.all_year] == ["Klottersanering"]
    assert [a.title for a in rows[6].starts] == ["Sommarinsats"] and [a.title for a in rows[8].ends] == ["Sommarinsats"]
    assert rows[7].starts == [] and rows[7].ends == [] and rows[1].starts == []  # not repeated every month
    steps = [step for m in wheel.months for step in m.process]
    assert any("Follow-up" in s for s in rows[1].process) and any("signed" in s for s in rows[3].process)
    assert any("survey" in s.lower() for s in rows[9].process) and len(steps) >= 8
