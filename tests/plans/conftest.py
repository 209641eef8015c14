"""Fixtures for plans: three signatory users with their roles, and a plan with one of everything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import World, password_hash
from trygg.domain.enums import Role
from trygg.domain.geo import to_sweref
from trygg.plans import lifecycle
from trygg.plans.inputs import activity_input, focus_area_input, indicator_input
from trygg.storage.database import Database
from trygg.storage.reports import insert_report
from trygg.storage.schema import SignatoryRole, User

SIGNATORIES = {"lpo": "LPO-chef", "kso": "KSO", "stadsdirektor": "Stadsdirektör"}


@dataclass
class PlanWorld:
    world: World
    plan_id: int
    focus_area_id: int
    activity_id: int
    indicator_id: int
    signatory_ids: dict[str, int]


def add_signatories(db: Database, world: World) -> dict[str, int]:
    """Three users with role signatory, each with a title matching one of three signatory roles."""
    ids = {}
    with db.session() as s:
        for order, (username, title) in enumerate(SIGNATORIES.items(), start=1):
            s.add(SignatoryRole(title=title, organisation_id=world.org_ids["kommun"], order=order))
            u = User(username=username, password_hash=password_hash(username), role=str(Role.SIGNATORY),
                     organisation_id=world.org_ids["kommun"], display_name=title, signatory_title=title)
            s.add(u)
            s.flush()
            ids[username] = u.id
    return ids


def add_reports(db: Database, world: World, category: str, area: str, n: int, start: datetime,
                step: timedelta = timedelta(days=3)) -> None:
    from tests.factories import AREA_BOXES

    _name, _typ, box, _pop = AREA_BOXES[area]
    with db.session() as s:
        for i in range(n):
            lon = box[0] + (box[2] - box[0]) * (0.3 + 0.4 * ((i * 7) % 10) / 10)
            lat = box[1] + (box[3] - box[1]) * (0.3 + 0.4 * ((i * 3) % 10) / 10)
            x, y = to_sweref(lon, lat)
            insert_report(s, category=category, description="", lon=lon, lat=lat, x=x, y=y, precision="exact",
                          area_id=world.area_ids[area], occurred_from=start + i * step, source="est",
                          status="received", organisation_id=world.org_ids["kommun"])


def make_plan(db: Database, world: World, year: int = 2024) -> tuple[int, int, int, int]:
    with db.session() as s:
        plan = lifecycle.create_draft(s, year, None, as_of=date(year, 1, 1))
        fa = lifecycle.add_focus_area(s, plan, None, focus_area_input(
            {"title": "Skadegörelse i centrum", "problem": "Klotter", "categories": ["vandalism"],
             "target_area_ids": [world.area_ids["T001"]]}))
        act = lifecycle.add_activity(s, plan, None, activity_input(
            {"title": "Klottersanering", "kind": "situational", "owner_ids": [world.org_ids["kommun"]],
             "focus_area_ids": [fa.id], "period_start": f"{year}-01-01", "period_end": f"{year}-12-31"}))
        ind = lifecycle.add_indicator(s, plan, act, None, indicator_input(
            {"name": "Skadegörelse i centrum", "source_kind": "report_category", "category": "vandalism",
             "area_id": world.area_ids["T001"], "baseline": 10, "target": 5, "unit": "rapporter/år"}))
        return plan.id, fa.id, act.id, ind.id


@pytest.fixture
def plan_world(database: Database, world: World) -> PlanWorld:
    """The seeded world plus three signatories and a 2024 draft with one focus area, activity and indicator."""
    sig = add_signatories(database, world)
    plan_id, fa_id, act_id, ind_id = make_plan(database, world)
    return PlanWorld(world, plan_id, fa_id, act_id, ind_id, sig)


T0 = datetime(2023, 1, 2, 20, 0, tzinfo=UTC)
