"""Many concurrent writers on SQLite: every write waits for the lock and succeeds, none fails "locked"."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from trygg.storage import audit, sqlite_busy
from trygg.storage import database as database_module
from trygg.storage.database import Database

WRITERS = 32


@pytest.fixture
def impatient(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own wait cut to 1 ms, so that contention shows at once: only the retry is left."""
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 1)


def _writers(db: Database, per_writer: int, hold_s: float) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def work(n: int) -> None:
        start.wait()
        for i in range(per_writer):
            try:
                with db.session() as s:
                    audit.record(s, None, "create", "test", f"{n}-{i}")
                    time.sleep(hold_s)  # hold the write lock a while, as a real request does
            except BaseException as exc:  # noqa: BLE001 - collected and asserted on
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_32_concurrent_writers_all_commit_and_the_chain_stays_whole(impatient: None, sqlite_database: Database) -> None:
    db = Database(sqlite_database.url)  # new connections, with the 1 ms busy timeout
    errors = _writers(db, per_writer=5, hold_s=0.002)
    assert errors == []
    with db.session() as s:
        assert audit.count(s, audit.AuditQuery(object_type="test")) == WRITERS * 5
        assert audit.verify_chain(s).ok
    db.dispose()


def test_without_the_retry_the_same_load_fails_locked(impatient: None, sqlite_database: Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above can fail: with the retry switched off, the writers do hit "database is locked"."""
    monkeypatch.setattr(sqlite_busy, "RETRY_SECONDS", 0.0)
    db = Database(sqlite_database.url)
    errors = _writers(db, per_writer=3, hold_s=0.005)
    db.dispose()
    assert errors and all("locked" in str(e) for e in errors)


def test_a_statement_that_is_not_about_the_lock_fails_at_once(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db", factory=sqlite_busy.RetryingConnection)
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        conn.execute("SELECT * FROM nothing_here")
    assert time.monotonic() - started < 1.0
    conn.close()
