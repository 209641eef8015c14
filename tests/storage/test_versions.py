"""The reports' data version changes with every write, in the writing transaction, and costs no count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.factories import World
from trygg.domain import clock
from trygg.storage import versions
from trygg.storage.database import Database
from trygg.storage.lagesbild import data_version
from trygg.storage.reports import insert_report
from trygg.storage.schema import Report


def test_every_report_write_bumps_the_version_and_a_rollback_does_not(database: Database, world: World) -> None:
    with database.session() as s:
        start = data_version(s)
    with database.session() as s:
        report = s.get(Report, world.report_ids[0])
        assert report is not None
        report.status = "closed"
    with database.session() as s:
        edited = data_version(s)
        assert edited[0] == start[0] + 1 and edited != start
        report = s.get(Report, world.report_ids[1])
        assert report is not None
        report.status = "closed"
        s.flush()
        s.rollback()
        assert data_version(s) == edited  # the bump went with the rolled-back write
        s.delete(s.get(Report, world.report_ids[5]))
    with database.session() as s:
        assert versions.current(s, versions.REPORTS) == edited[0] + 1


def test_a_write_in_a_savepoint_bumps_once_when_the_outer_transaction_commits(database: Database,
                                                                               world: World) -> None:
    with database.session() as s:
        start = versions.current(s, versions.REPORTS)
    with database.session() as s:
        with s.begin_nested():  # released while the outer transaction (and SQLite's write lock) is held
            report = s.get(Report, world.report_ids[0])
            assert report is not None
            report.status = "closed"
        assert versions.current(s, versions.REPORTS) == start
    with database.session() as s:
        assert versions.current(s, versions.REPORTS) == start + 1


def _counting(database: Database) -> list[str]:
    from sqlalchemy import event

    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: statements.append(statement))
    return statements


def test_every_cache_of_a_request_is_checked_in_one_statement(database: Database, world: World) -> None:
    """The taxonomy, the sharing table, the reports' version, the named versions and the area index
    each check what they are kept by; in one transaction that is one statement for all of them."""
    from trygg.storage.access import sharing_table
    from trygg.storage.areas import area_index
    from trygg.storage.categories import taxonomy

    def ask_every_cache(s: Session) -> None:
        taxonomy(s)
        sharing_table(s)
        data_version(s)
        versions.current_many(s, versions.AREAS, versions.ORGANISATIONS)
        area_index(s)

    with database.session() as s:
        ask_every_cache(s)  # fills the caches of this process
    statements = _counting(database)
    with database.session() as s:
        ask_every_cache(s)
        assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == 1, statements


def test_a_probe_sees_the_sessions_own_writes_and_a_new_transaction_sees_others(database: Database,
                                                                                world: World) -> None:
    with database.session() as s, database.session() as other:
        before = data_version(s)
        assert data_version(other) == before
        report = s.get(Report, world.report_ids[0])
        assert report is not None
        insert_report(s, category=report.category, lon=report.lon, lat=report.lat, x=report.x, y=report.y,
                      precision="exact", area_id=report.area_id, occurred_from=report.occurred_from,
                      source="est", status="received")
        s.flush()
        mine = data_version(s)
        assert mine[1] > before[1]  # its own insert: the probes are read again after a flush
        later = clock.now() + timedelta(days=1)
        s.execute(update(Report).where(Report.id == world.report_ids[1]).values(updated_at=later))
        assert data_version(s)[2] != mine[2]  # a write through execute() flushes nothing: read again all the same
        final = data_version(s)
        s.commit()
        assert data_version(other) == before  # one transaction reads the probes once
        other.commit()
        assert data_version(other)[1:] == final[1:] and data_version(other)[0] == before[0] + 1
