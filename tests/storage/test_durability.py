"""Durability settings are enforced: the server refuses a database configured to lose commits."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from trygg.config import Settings
from trygg.errors import ConfigError
from trygg.storage.database import Database
from trygg.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]


def _settings(db: Database) -> Settings:
    return Settings(database_url=db.url, secret_key="test-secret-key")


def _switch_off_synchronous_commit(db: Database) -> None:
    """Make every new session of this PostgreSQL database default to synchronous_commit=off."""
    name = make_url(db.url).database
    with db.engine.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        conn.commit()
    db.engine.dispose()


def test_safe_databases_report_no_durability_problem(database: Database) -> None:
    assert database.durability_problems() == []
    database.check_durability()


def test_postgres_with_synchronous_commit_off_is_refused_with_the_fix(database: Database) -> None:
    if database.backend != "postgresql":
        pytest.skip("a PostgreSQL setting")
    _switch_off_synchronous_commit(database)
    assert database.durability_problems() == ["PostgreSQL synchronous_commit is off, expected on"]
    with pytest.raises(ConfigError) as info:
        create_app(_settings(database), database)
    assert "lose acknowledged reports" in info.value.message
    assert "synchronous_commit" in info.value.message
    assert "synchronous_commit = on" in (info.value.hint or "")


def test_trygg_serve_does_not_start_on_an_unsafe_postgres(database: Database) -> None:
    if database.backend != "postgresql":
        pytest.skip("a PostgreSQL setting")
    _switch_off_synchronous_commit(database)
    proc = subprocess.run([sys.executable, "-c", "from trygg.cli import main; main()", "serve", "--db", database.url,
                           "--port", "1"], capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={"TRYGG_SECRET_KEY": "x", "PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "synchronous_commit is off" in proc.stderr and "Hint" in proc.stderr


def test_sqlite_file_left_in_rollback_journal_mode_is_switched_to_wal(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "other.db"
    path.write_bytes(sqlite_template.read_bytes())
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    raw.close()
    db = Database(str(path))
    try:
        assert db.durability_problems() == []
        create_app(_settings(db), db)
    finally:
        db.dispose()
    raw = sqlite3.connect(path)
    try:  # WAL is a property of the file: it stays on for every later connection
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        raw.close()


def test_every_sqlite_connection_of_the_pool_is_safe(sqlite_database: Database) -> None:
    conns = [sqlite_database.engine.connect() for _ in range(3)]
    try:
        for conn in conns:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        for conn in conns:
            conn.close()


@pytest.mark.slow
def test_sqlite_held_open_in_rollback_mode_by_another_program_is_refused(tmp_path: Path,
                                                                         sqlite_template: Path) -> None:
    """WAL cannot be switched on while another program reads the file: start-up refuses (after the
    30 s busy timeout) instead of running without WAL."""
    path = tmp_path / "held.db"
    path.write_bytes(sqlite_template.read_bytes())
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode=DELETE")
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM reports").fetchone()
    db = Database(str(path))
    try:
        with pytest.raises(ConfigError) as info:
            create_app(_settings(db), db)
        assert "locked" in info.value.message
    finally:
        other.execute("COMMIT")
        other.close()
        db.dispose()
