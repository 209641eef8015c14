"""The Database class: URLs, durability settings, migrations, geometry and time round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import shapely
from sqlalchemy import select

from trygg.errors import ConfigError
from trygg.storage.database import Database, normalise_url
from trygg.storage.reports import insert_report
from trygg.storage.schema import Area, Report


def test_a_file_path_becomes_a_sqlite_url(tmp_path: Path) -> None:
    assert normalise_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"


def test_postgres_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db").startswith("postgresql+psycopg://")


@pytest.mark.parametrize("bad", ["mysql://root@localhost/x", "postgresql://u@h:notaport/db", ""])
def test_bad_database_url_gives_a_clear_message_with_a_hint(bad: str) -> None:
    with pytest.raises(ConfigError) as info:
        Database(bad).check_connection()
    assert info.value.hint


def test_unreachable_postgres_is_reported_with_a_hint() -> None:
    db = Database("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(ConfigError) as info:
        db.check_connection()
    assert "Cannot connect" in info.value.message
    assert "pg_ctlcluster" in (info.value.hint or "")


def test_missing_folder_for_sqlite_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Database(str(tmp_path / "nowhere" / "x.db"))


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(sqlite_database: Database) -> None:
    with sqlite_database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert sqlite_database.durability_problems() == []


def test_fresh_database_is_at_the_latest_schema(database: Database) -> None:
    assert database.is_up_to_date()
    assert database.integrity_check() == []
    assert database.durability_problems() == []


def test_upgrade_is_idempotent(database: Database) -> None:
    database.upgrade()
    database.upgrade()
    assert database.is_up_to_date()


def test_geometry_and_aware_times_round_trip(database: Database) -> None:
    poly = shapely.MultiPolygon([shapely.box(12.0, 58.0, 12.1, 58.1)])
    when = datetime(2024, 6, 21, 23, 30, tzinfo=UTC)
    with database.session() as s:
        area = Area(code="A", name="A", level="regso", geom=poly, centroid_lon=12.05, centroid_lat=58.05)
        s.add(area)
        s.flush()
        insert_report(s, category="vandalism", lon=12.05, lat=58.05, x=350000.0, y=6460000.0,
                      precision="exact", area_id=area.id, occurred_from=when, source="est")
    with database.session() as s:
        report = s.scalar(select(Report))
        assert report is not None
        assert report.occurred_from == when and report.occurred_from.tzinfo is not None
        assert report.geom is not None and report.geom.equals(shapely.Point(350000.0, 6460000.0))
        assert report.area is not None and report.area.geom.equals(poly)
        later = s.scalars(select(Report).where(Report.occurred_from > when - timedelta(minutes=1))).all()
        assert len(later) == 1


def test_postgis_column_is_a_real_geometry_with_an_index(database: Database) -> None:
    if database.backend != "postgresql":
        pytest.skip("PostGIS only")
    with database.engine.connect() as conn:
        typ = conn.exec_driver_sql(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'reports'::regclass AND attname = 'geom'").scalar()
        assert typ == "geometry(Point,3006)"
        idx = conn.exec_driver_sql("SELECT indexdef FROM pg_indexes WHERE tablename='reports' "
                                   "AND indexdef LIKE '%%gist%%'").scalar()
        assert idx is not None


class _FakeResult:
    def __init__(self, row: object) -> None:
        self.row = row

    def first(self) -> object:
        return self.row


class _ServerWithoutPostGIS:
    """A connection to a PostgreSQL server on which the postgis extension is not installed."""

    def execute(self, statement: object) -> _FakeResult:
        return _FakeResult(None)


def test_missing_postgis_is_reported_with_the_package_to_install() -> None:
    db = Database("postgresql://u@127.0.0.1/x")
    with pytest.raises(ConfigError) as info:
        db._ensure_postgis(_ServerWithoutPostGIS())
    assert "PostGIS is not installed" in info.value.message
    assert "postgis-3" in (info.value.hint or "")
