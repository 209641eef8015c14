"""A plan's evidence and the year wheel's patterns are computed once per data version: a new report, a
new survey figure or a new place changes what the next page shows, and a caller may change its copy."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.factories import World
from tests.plans.conftest import add_reports
from trygg.plans import evidence
from trygg.storage import surveys
from trygg.storage.database import Database
from trygg.storage.schema import Place, SurveyResult

AS_OF = date(2024, 12, 1)


def test_the_snapshot_follows_reports_surveys_and_places(database: Database, world: World) -> None:
    add_reports(database, world, "vandalism", "T001", 40, datetime(2023, 1, 5, 20, tzinfo=UTC))
    with database.session() as s:
        first = evidence.snapshot(s, AS_OF)
        first["totals"]["current"] = -1  # the caller's copy
        again = evidence.snapshot(s, AS_OF)
        third = evidence.snapshot(s, AS_OF)
    assert again["totals"]["current"] > 0
    assert again["totals"] == third["totals"]

    add_reports(database, world, "vandalism", "T001", 5, datetime(2024, 6, 1, 20, tzinfo=UTC))
    with database.session() as s:
        more = evidence.snapshot(s, AS_OF)
    assert more["totals"]["current"] == again["totals"]["current"] + 5

    with database.session() as s:
        surveys.upsert_survey_result(s, area_id=world.area_ids["T001"], year=2024, indicator="worry_crime",
                                     value=31.0, scale="percent", n=120)
        s.commit()
    with database.session() as s:
        with_survey = evidence.snapshot(s, AS_OF)
    assert {r["indicator"] for r in with_survey["surveys"]} >= {"worry_crime"}

    with database.session() as s:  # an edit in place of the same figure
        surveys.upsert_survey_result(s, area_id=world.area_ids["T001"], year=2024, indicator="worry_crime",
                                     value=45.0, scale="percent", n=120)
        s.commit()
    with database.session() as s:
        edited = evidence.snapshot(s, AS_OF)
    value = next(r["value"] for r in edited["surveys"] if r["indicator"] == "worry_crime" and r["group"] == "all")
    assert value == 45.0
    with database.session() as s:
        edited_id = s.scalar(select(SurveyResult.id).where(SurveyResult.indicator == "worry_crime"))

    with database.session() as s:  # a survey's years replaced: a DELETE the ORM does not see
        survey = s.get(SurveyResult, edited_id).survey
        surveys.replace_survey_years(s, survey, {2024}, [])
        s.commit()
    with database.session() as s:
        assert not [r for r in evidence.snapshot(s, AS_OF)["surveys"] if r["indicator"] == "worry_crime"]

    with database.session() as s:
        before = evidence.store.evidence_version(s)
        s.add(Place(name="Nytt torg", kind="place", lon=12.29, lat=58.28))
        s.commit()
    with database.session() as s:
        assert evidence.store.evidence_version(s) != before
