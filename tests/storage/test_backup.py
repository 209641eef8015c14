"""Backup and restore on both backends: checked copies, clear refusals, the same data served after."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.factories import World
from tests.reliability.harness import scratch_database_url
from trygg.config import Settings
from trygg.domain.geo import to_sweref
from trygg.errors import ConfigError
from trygg.storage import users as user_store
from trygg.storage.backup import backup, backup_format, restore, row_counts
from trygg.storage.backup_pg import _count_copy_rows, libpq_target
from trygg.storage.database import Database
from trygg.storage.reports import insert_report
from trygg.web.app import create_app


@pytest.fixture
def scratch(database: Database, tmp_path: Path) -> Iterator[Database]:
    """A database on the same backend that does not exist yet (PostgreSQL: created by restore)."""
    with scratch_database_url(database.backend, tmp_path) as url:
        db = Database(url)
        yield db
        db.dispose()


def _backup_file(database: Database, tmp_path: Path) -> Path:
    return tmp_path / ("trygg.bak" if database.backend == "sqlite" else "trygg.dump")


def _add_report(db: Database, world: World, text: str) -> int:
    x, y = to_sweref(12.27, 58.285)
    with db.session() as s:
        return insert_report(s, category="littering", description=text, lon=12.27, lat=58.285, x=x, y=y,
                             precision="exact", area_id=world.area_ids["T001"], source="est",
                             occurred_from=datetime(2025, 1, 2, 21, 30, tzinfo=UTC)).id


def _api_reports(db: Database, token: str) -> dict[str, object]:
    app = create_app(Settings(database_url=db.url, secret_key="k"), db)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as c:
        r = c.get("/api/v1/reports?limit=1000")
        assert r.status_code == 200, r.text
        return dict(r.json())


def test_backup_then_restore_serves_the_same_data(database: Database, world: World, scratch: Database,
                                                  tmp_path: Path) -> None:
    with database.session() as s:
        admin = user_store.get_user_by_name(s, "admin")
        assert admin is not None
        token = user_store.create_token(s, admin, name="backup test")
    before = _api_reports(database, token)
    done = backup(database, _backup_file(database, tmp_path))
    assert done.row_counts["reports"] == 6 and done.row_counts["users"] == 8
    assert done.path.exists() and not done.path.with_name(done.path.name + ".partial").exists()

    result = restore(done.path, scratch)
    assert result.row_counts == {t: n for t, n in done.row_counts.items() if t in result.row_counts}
    assert row_counts(scratch)["reports"] == 6
    assert result.up_to_date and not result.replaced
    assert scratch.integrity_check() == [] and scratch.durability_problems() == []
    assert _api_reports(scratch, token) == before  # the same token, the same answer


def test_sqlite_backup_is_one_self_contained_checked_file(sqlite_database: Database, tmp_path: Path) -> None:
    out = tmp_path / "copy.db"
    result = backup(sqlite_database, out)
    assert backup_format(out) == "sqlite"
    assert not Path(str(out) + "-wal").exists()
    raw = sqlite3.connect(out)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        raw.close()
    assert "PRAGMA integrity_check ok" in result.checks


def test_backup_never_overwrites_a_file_unless_forced(database: Database, world: World, tmp_path: Path) -> None:
    out = _backup_file(database, tmp_path)
    out.write_text("an older backup")
    with pytest.raises(ConfigError) as info:
        backup(database, out)
    assert "exists already" in info.value.message and "--force" in (info.value.hint or "")
    assert out.read_text() == "an older backup"
    backup(database, out, force=True)
    assert backup_format(out) in ("sqlite", "pg_dump")


def test_backup_into_a_missing_folder_is_refused(sqlite_database: Database, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        backup(sqlite_database, tmp_path / "nowhere" / "x.db")


def test_restore_refuses_a_database_with_data_and_replaces_it_with_force(
        database: Database, world: World, scratch: Database, tmp_path: Path) -> None:
    done = backup(database, _backup_file(database, tmp_path))
    restore(done.path, scratch)
    _add_report(scratch, world, "written after the backup")
    with pytest.raises(ConfigError) as info:
        restore(done.path, scratch)
    assert "not empty" in info.value.message and "7 reports" in info.value.message
    assert "--force" in (info.value.hint or "")
    assert row_counts(scratch)["reports"] == 7  # untouched

    result = restore(done.path, scratch, force=True)
    assert result.replaced
    assert row_counts(scratch)["reports"] == 6
    assert scratch.integrity_check() == []


def test_backup_taken_after_a_commit_holds_it(database: Database, world: World, tmp_path: Path,
                                              scratch: Database) -> None:
    rid = _add_report(database, world, "acknowledged just before the backup")
    done = backup(database, _backup_file(database, tmp_path))
    restore(done.path, scratch)
    with scratch.session() as s:
        from trygg.storage.reports import get_report

        report = get_report(s, rid)
        assert report is not None and report.description == "acknowledged just before the backup"


def test_a_file_that_is_no_backup_is_refused(sqlite_database: Database, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    with pytest.raises(ConfigError, match="neither a SQLite database nor a pg_dump archive"):
        restore(junk, sqlite_database)
    with pytest.raises(ConfigError, match="does not exist"):
        restore(tmp_path / "missing.db", sqlite_database)


def test_a_truncated_backup_is_refused_and_the_target_left_alone(database: Database, world: World,
                                                                 scratch: Database, tmp_path: Path) -> None:
    done = backup(database, _backup_file(database, tmp_path))
    data = done.path.read_bytes()
    broken = tmp_path / ("broken" + done.path.suffix)
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(ConfigError) as info:
        restore(broken, scratch)
    assert "damaged" in (info.value.hint or "") or "backup" in (info.value.hint or "")
    if scratch.backend == "sqlite":
        assert not scratch.sqlite_path or not scratch.sqlite_path.exists() or row_counts(scratch) == {}
    else:
        assert "reports" not in row_counts(scratch)


def test_a_backup_restores_only_into_its_own_backend(database: Database, world: World, tmp_path: Path) -> None:
    done = backup(database, _backup_file(database, tmp_path))
    other = Database("postgresql://nobody@127.0.0.1:1/x") if database.backend == "sqlite" \
        else Database(str(tmp_path / "other.db"))
    with pytest.raises(ConfigError, match="cannot be restored into"):
        restore(done.path, other)


def test_pg_tools_get_the_password_through_the_environment() -> None:
    db = Database("postgresql://trygg:s3cret@db.example:5433/trygg?sslmode=require")
    uri, env = libpq_target(db)
    assert uri == "postgresql://trygg@db.example:5433/trygg?sslmode=require"
    assert env["PGPASSWORD"] == "s3cret"


def test_rows_are_counted_from_a_copy_stream() -> None:
    stream = ["SET x = 1;\n", "COPY public.reports (id, description) FROM stdin;\n", "1\ta\\nb\n", "2\tc\n",
              "\\.\n", "COPY public.users (id) FROM stdin;\n", "\\.\n", "SELECT setval(...);\n"]
    assert _count_copy_rows(stream, None) == {"reports": 2, "users": 0}
