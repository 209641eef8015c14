"""The whole demo in a real SQLite database, built once per session (see conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
import shapely
from sqlalchemy import func, select

from tests.demo.conftest import BuiltDemo
from trygg.demo.builder import build_demo
from trygg.demo.organisations import STAFF, UserSpec, all_users, demo_password
from trygg.domain.categories import DEFAULT_TAXONOMY
from trygg.domain.enums import Role
from trygg.errors import Conflict
from trygg.storage.areas import build_area_index
from trygg.storage.schema import (
    ActionPlan,
    Area,
    CitizenPromise,
    EstGroup,
    EstMeeting,
    Organisation,
    Place,
    Report,
    ShortTermAction,
    Signature,
    SurveyResult,
    User,
)
from trygg.storage.users import verify_password


def test_at_least_30000_reports_over_three_years_in_all_16_areas(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        n = s.scalar(select(func.count(Report.id)).where(Report.source != "field"))  # field work: see its tests
        first, last = s.execute(select(func.min(Report.occurred_from), func.max(Report.occurred_from))).one()
        regso = set(s.scalars(select(Area.id).where(Area.level == "regso")))
        used = set(s.scalars(select(Report.area_id).distinct()))
    assert n == demo.summary.reports and n >= 30_000
    assert last - first >= timedelta(days=3 * 365)
    assert len(regso) == 16 and used == regso


def test_summary_and_progress(demo: BuiltDemo) -> None:
    assert demo.summary.regso == 16 and demo.summary.deso == 32
    assert str(demo.summary).startswith(f"{demo.summary.reports} reports")
    stages = {stage for stage, _, _ in demo.stages}
    assert "Writing reports" in stages
    assert ("Writing reports", demo.summary.reports, demo.summary.reports) in demo.stages


def test_every_report_point_is_inside_its_area(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        index = build_area_index(s)
        rows = s.execute(select(Report.lon, Report.lat, Report.area_id, Report.x, Report.y)).all()
        sample = s.execute(select(Report.geom, Report.x, Report.y).order_by(Report.id).limit(50)).all()
    lon, lat, area, x, y = (np.array(c) for c in zip(*rows, strict=True))
    assert np.array_equal(index.locate_many(lon, lat), area)
    assert all(index.inside_municipality(float(a), float(b)) for a, b in zip(lon[:500], lat[:500], strict=True))
    assert all(g.equals(shapely.Point(px, py)) for g, px, py in sample)


def test_reports_are_complete_and_plausible(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        reports = s.scalars(select(Report).order_by(Report.id).limit(2000)).all()
        sources = dict(s.execute(select(Report.source, func.count()).group_by(Report.source)).all())
    assert set(sources) == {"est", "resident", "field"} and sources["est"] > 5 * sources["resident"]
    for r in reports:
        assert r.category in DEFAULT_TAXONOMY.by_code and r.description
        assert r.occurred_from.tzinfo is None or r.occurred_from.utcoffset() == timedelta(0)
        assert r.created_at >= r.occurred_from
        assert r.insecurity is None or 1 <= r.insecurity <= 5
        assert r.occurred_to is None or r.occurred_to > r.occurred_from
        assert r.organisation_id is not None
        assert (r.reporter_id is None) == (r.source == "resident")
    assert sum(r.status == "resolved" for r in reports) > 0.8 * len(reports)


def test_areas_places_and_est_groups(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        levels = dict(s.execute(select(Area.level, func.count()).group_by(Area.level)).all())
        vulnerable = s.scalars(select(Area.name).where(Area.level == "regso", Area.vulnerable)).all()
        places = s.scalars(select(Place.name)).all()
        groups = s.scalars(select(EstGroup)).all()
        owned = s.scalar(select(func.count(Area.id)).where(Area.level == "regso", Area.est_group_id.is_not(None)))
        meetings = s.scalar(select(func.count(EstMeeting.id)))
        statuses = set(s.scalars(select(ShortTermAction.status)))
    assert levels == {"municipality": 1, "regso": 16, "deso": 32}
    assert len(vulnerable) == 4
    assert {"Resecentrum", "Kronogårds torg", "Överby köpcentrum", "Hjulkvarnelund"} <= set(places)
    assert len(groups) == 3 and owned == 16 and meetings and {"open", "done"} <= statuses


def test_organisations_and_a_user_for_every_role(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        orgs = s.scalar(select(func.count(Organisation.id))) or 0
        users = s.scalars(select(User)).all()
    assert 10 <= orgs <= 14
    roles = {u.role for u in users}
    assert roles == set(Role) - {Role.PUBLIC}
    assert 35 <= sum(u.role == Role.REPORTER for u in users) <= 45
    assert all(u.sensitive_clearance for u in users if u.role in (Role.COORDINATOR, Role.POLICE_ANALYST))


@pytest.mark.parametrize("spec", STAFF, ids=lambda u: u.username)
def test_documented_password_works(demo: BuiltDemo, spec: UserSpec) -> None:
    with demo.db.session() as s:
        user = s.scalar(select(User).where(User.username == spec.username))
    assert user is not None and verify_password(user.password_hash, demo_password(spec.username))


def test_the_2022_plan_promise_and_signatures(demo: BuiltDemo) -> None:
    with demo.db.session() as s:
        plan = s.scalar(select(ActionPlan).where(ActionPlan.year == 2022))
        assert plan is not None
        assert [f.number for f in plan.focus_areas] == [1, 2, 3, 4]
        assert plan.focus_areas[2].target_area_types == [4, 5]
        assert plan.focus_areas[3].target_area_types == [1, 2]
        assert len(plan.activities) == 11  # the seed text's activities, SIG, TUTI and URO included
        assert all(a.owners and a.focus_areas and a.indicators for a in plan.activities)
        signatures = s.scalar(select(func.count(Signature.id)).where(Signature.plan_id == plan.id))
        promise = s.scalar(select(CitizenPromise).where(CitizenPromise.year == 2022))
        assert promise is not None and 2 <= len(promise.commitments) <= 3
        assert any(i.survey_indicator == "unsafe_outdoors_evening"
                   for c in promise.commitments for i in c.indicators)
        surveys = s.scalar(select(func.count(SurveyResult.id)))
    assert signatures == 3 and surveys == demo.summary.survey_results


def test_a_second_build_into_the_same_database_is_refused(demo: BuiltDemo) -> None:
    with pytest.raises(Conflict, match="empty"):
        build_demo(demo.db)


def test_every_demo_user_is_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "demo.md").read_text(encoding="utf-8")
    for user in all_users():
        if user.role != Role.REPORTER:
            assert f"`{user.username}`" in text and f"`{user.password}`" in text, user.username
    assert "demo-<username>" in text or "demo-&lt;username&gt;" in text
