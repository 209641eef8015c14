"""The weekly counts table equals a GROUP BY over the reports after any mix of writes, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from tests.factories import World
from trygg.domain.weeks import local_week_start
from trygg.storage import reports as report_store
from trygg.storage import weekly_counts
from trygg.storage.database import Database
from trygg.storage.schema import Report

CATEGORIES = ("vandalism", "violence", "drugs", "littering")
SOURCES = ("est", "police", "resident")
START = datetime(2025, 3, 20, tzinfo=UTC)  # spans both DST changes of 2025 and Sunday/Monday midnights


def _consistent(db: Database) -> None:
    with db.session() as s:
        assert weekly_counts.table(s) == dict(weekly_counts.group_by_reports(s))


def _values(data: st.DataObject, world: World) -> dict[str, object]:
    areas = [None, *world.area_ids.values()]
    minutes = data.draw(st.integers(0, 60 * 24 * 300))
    return {"occurred_from": START + timedelta(minutes=minutes), "area_id": data.draw(st.sampled_from(areas)),
            "category": data.draw(st.sampled_from(CATEGORIES)), "source": data.draw(st.sampled_from(SOURCES))}


def _new(values: dict[str, object]) -> dict[str, object]:
    return {**values, "description": "", "lon": 12.28, "lat": 58.28, "x": 0.0, "y": 0.0, "precision": "exact"}


def _some_ids(s, data: st.DataObject, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    picks = data.draw(st.lists(st.integers(0, 10_000), max_size=n))  # drawn alike whatever the database holds
    ids = list(s.scalars(select(Report.id).order_by(Report.id)))
    return sorted({ids[i % len(ids)] for i in picks}) if ids else []


OPS = ("insert", "bulk_insert", "edit", "delete", "bulk_update", "bulk_delete", "delete_reports",
       "savepoint_rolled_back", "rolled_back")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_table_equals_a_group_by_after_random_writes(database: Database, world: World,
                                                         data: st.DataObject) -> None:
    for op in data.draw(st.lists(st.sampled_from(OPS), min_size=1, max_size=6)):
        with database.session() as s:
            if op == "insert":
                report_store.insert_report(s, **_new(_values(data, world)))
            elif op == "bulk_insert":
                n = data.draw(st.integers(1, 4))
                report_store.insert_reports(s, [_new(_values(data, world)) for _ in range(n)])
            elif op == "edit":  # category, area, time or source changed through the ORM
                picks = data.draw(st.lists(st.integers(0, 10_000), max_size=3))
                ids = list(s.scalars(select(Report.id).order_by(Report.id)))
                edited: set[int] = set()
                for pick in picks:  # every change is drawn whatever the database holds: Hypothesis replays
                    field = data.draw(st.sampled_from(weekly_counts.TRACKED))  # the draws on a database that
                    value = _values(data, world)[field]  # kept the earlier examples' reports
                    again, category = data.draw(st.booleans()), data.draw(st.sampled_from(CATEGORIES))
                    rid = ids[pick % len(ids)] if ids else None
                    if rid is None or rid in edited:
                        continue
                    edited.add(rid)
                    report = s.get(Report, rid)
                    assert report is not None
                    setattr(report, field, value)
                    if again:
                        s.flush()  # a second change of the same report after a flush
                        report.category = category
            elif op == "delete":
                for rid in _some_ids(s, data, 2):
                    s.delete(s.get(Report, rid))
            elif op == "bulk_update":
                ids = _some_ids(s, data, 5)
                s.execute(update(Report).where(Report.id.in_(ids)).values(category=data.draw(st.sampled_from(CATEGORIES))))
            elif op == "bulk_delete":
                s.execute(delete(Report).where(Report.id.in_(_some_ids(s, data, 2))))
            elif op == "delete_reports":
                report_store.delete_reports(s, _some_ids(s, data, 3))
            elif op == "savepoint_rolled_back":
                report_store.insert_report(s, **_new(_values(data, world)))
                nested = s.begin_nested()
                report_store.insert_report(s, **_new(_values(data, world)))
                report_store.insert_reports(s, [_new(_values(data, world))])
                s.flush()
                nested.rollback()
            else:
                report_store.insert_report(s, **_new(_values(data, world)))
                s.flush()
                s.rollback()
                report_store.insert_report(s, **_new(_values(data, world)))  # after the rollback: counted
    _consistent(database)


def test_rows_that_reach_zero_are_deleted_and_a_rebuild_repairs_the_table(database: Database, world: World) -> None:
    with database.session() as s:
        r = report_store.insert_report(s, **_new({"occurred_from": START, "area_id": None, "category": "drugs",
                                                  "source": "est"}))
        rid = r.id
    _consistent(database)
    with database.session() as s:
        s.delete(s.get(Report, rid))
    with database.session() as s:
        assert not [k for k in weekly_counts.table(s) if k[2] == "drugs" and k[0] == local_week_start(START)]
        s.execute(delete(weekly_counts.ReportWeekCount))  # broken behind the storage's back
    with database.session() as s:
        rebuilt = weekly_counts.rebuild(s)
        assert rebuilt.wrong_before > 0 and rebuilt.reports == len(world.report_ids)
    _consistent(database)
    with database.session() as s:
        assert weekly_counts.rebuild(s).wrong_before == 0


@pytest.mark.parametrize(("moment", "monday"), [
    (datetime(2025, 3, 30, 22, 30, tzinfo=UTC), date(2025, 3, 31)),  # Sunday 22:30 UTC = Monday 00:30 CEST
    (datetime(2025, 3, 30, 21, 30, tzinfo=UTC), date(2025, 3, 24)),  # Sunday 23:30 CEST
    (datetime(2025, 11, 2, 23, 0, tzinfo=UTC), date(2025, 11, 3)),  # Monday 00:00 CET
    (datetime(2025, 11, 2, 22, 59, tzinfo=UTC), date(2025, 10, 27)),
])
def test_a_report_counts_in_its_local_week(moment: datetime, monday: date) -> None:
    assert local_week_start(moment) == monday
    assert weekly_counts.key(moment, None, "drugs", "est") == (monday, 0, "drugs", "est")


def test_a_bulk_insert_without_the_keys_is_refused(database: Database, world: World) -> None:
    with database.session() as s, pytest.raises(RuntimeError, match="insert_reports"):
        s.execute(insert(Report), [{"description": "x", "lon": 1.0, "lat": 1.0, "x": 0.0, "y": 0.0,
                                    "precision": "exact", "category": "drugs", "source": "est"}])


def test_the_rebuild_command_repairs_the_table(sqlite_database: Database) -> None:
    from typer.testing import CliRunner

    from tests.factories import seed_world
    from trygg.cli import app

    world = seed_world(sqlite_database)
    with sqlite_database.session() as s:
        s.execute(delete(weekly_counts.ReportWeekCount))
    result = CliRunner().invoke(app, ["db", "rebuild-counts", "--db", sqlite_database.url])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"from {len(world.report_ids)} reports" in said and "rows were wrong before" in said, said
    _consistent(sqlite_database)
