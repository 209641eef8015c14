"""The reports' data version changes with every write, in the writing transaction, and costs no count."""

from __future__ import annotations

from tests.factories import World
from trygg.storage import versions
from trygg.storage.database import Database
from trygg.storage.lagesbild import data_version
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
