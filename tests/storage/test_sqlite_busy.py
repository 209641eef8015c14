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
    """The test above can fail: with the retry and the write gate switched off, the writers do hit
    "database is locked"."""
    monkeypatch.setattr(sqlite_busy, "RETRY_SECONDS", 0.0)
    monkeypatch.setattr(sqlite_busy, "GATE_SECONDS", 0.0)  # a gate taken is not waited for
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


def test_the_writers_of_one_process_queue_at_the_gate_without_meeting_the_lock(
        impatient: None, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The load that fails without the retry commits without it when the writers queue at the gate."""
    monkeypatch.setattr(sqlite_busy, "RETRY_SECONDS", 0.0)
    db = Database(sqlite_database.url)
    errors = _writers(db, per_writer=3, hold_s=0.005)
    with db.session() as s:
        assert audit.count(s, audit.AuditQuery(object_type="test")) == WRITERS * 3
        assert audit.verify_chain(s).ok
    db.dispose()
    assert errors == []
    assert sqlite_busy.gate_for(sqlite_database.url.split("///", 1)[1]).free


def _gated(path: Path) -> tuple[sqlite_busy.RetryingConnection, sqlite_busy.WriteGate]:
    conn = sqlite3.connect(path, factory=sqlite_busy.RetryingConnection, check_same_thread=False)
    gate = sqlite_busy.WriteGate()
    conn.gate = gate
    conn.execute("CREATE TABLE IF NOT EXISTS t (v INTEGER UNIQUE)")
    return conn, gate


def test_the_gate_is_held_from_the_first_write_to_the_commit_or_rollback(tmp_path: Path) -> None:
    conn, gate = _gated(tmp_path / "g.db")
    conn.execute("SELECT count(*) FROM t").fetchall()
    assert gate.free  # a read takes no write lock
    conn.execute("INSERT INTO t VALUES (1)")
    assert not gate.free
    conn.execute("INSERT INTO t VALUES (2)")
    conn.commit()
    assert gate.free
    conn.execute("UPDATE t SET v = 3 WHERE v = 2")
    assert not gate.free
    conn.rollback()
    assert gate.free
    with pytest.raises(sqlite3.IntegrityError):  # a first write that fails opens no transaction
        conn.execute("INSERT INTO t VALUES (1)")
    conn.rollback()
    assert gate.free
    conn.isolation_level = None  # autocommit: each write is committed at once
    conn.execute("INSERT INTO t VALUES (4)")
    assert gate.free
    conn.isolation_level = ""
    conn.execute("DELETE FROM t WHERE v = 4")
    conn.close()  # closing rolls back
    assert gate.free


def _write_in_thread(conn: sqlite3.Connection, value: int) -> tuple[threading.Thread, threading.Event]:
    """Insert `value` and commit on a thread of its own; the event is set once it has committed."""
    done = threading.Event()

    def write() -> None:
        conn.execute("INSERT INTO t VALUES (?)", (value,))
        conn.commit()
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    return thread, done


def test_a_second_writer_waits_at_the_gate_until_the_first_commits(tmp_path: Path) -> None:
    first, gate = _gated(tmp_path / "w.db")
    second = sqlite3.connect(tmp_path / "w.db", factory=sqlite_busy.RetryingConnection, check_same_thread=False)
    second.gate = gate
    first.execute("INSERT INTO t VALUES (1)")
    thread, done = _write_in_thread(second, 2)
    assert not done.wait(0.2)
    assert not second.in_transaction  # queued at the gate, before its statement reached SQLite
    first.commit()
    assert done.wait(5)
    thread.join()
    assert first.execute("SELECT v FROM t ORDER BY v").fetchall() == [(1,), (2,)]
    assert gate.free
    first.close()
    second.close()


def test_a_writer_of_another_process_waits_at_the_lock_file_until_the_first_commits(tmp_path: Path) -> None:
    """`trygg serve --workers N` on SQLite: the processes queue at the gate's lock file beside the database."""
    import subprocess
    import sys

    path = tmp_path / "p.db"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (v INTEGER)")
    setup.commit()
    setup.close()
    with subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys; from trygg.storage import sqlite_busy as sb\n"
         f"c = sqlite3.connect({str(path)!r}, factory=sb.RetryingConnection)\n"
         f"c.gate = sb.gate_for({str(path)!r})\n"
         "c.execute('INSERT INTO t VALUES (1)'); print('holding', flush=True)\n"
         "sys.stdin.readline(); c.commit(); c.close()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        assert Path(str(path) + sqlite_busy.GATE_SUFFIX).exists()
        mine = sqlite3.connect(path, factory=sqlite_busy.RetryingConnection, check_same_thread=False)
        mine.gate = sqlite_busy.WriteGate(str(path) + sqlite_busy.GATE_SUFFIX)  # as this process's gate_for
        thread, done = _write_in_thread(mine, 2)
        assert not done.wait(0.3)
        assert not mine.in_transaction  # waiting at the lock file, before its statement reached SQLite
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert done.wait(10)
        thread.join()
        assert mine.execute("SELECT v FROM t ORDER BY v").fetchall() == [(1,), (2,)]
        assert mine.gate.free
        mine.close()
        holder.wait(timeout=30)
