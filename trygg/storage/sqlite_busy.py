"""SQLite under many concurrent writers: wait for the write lock and retry, never fail with "locked".

SQLite lets one writer at a time. A writer that finds the lock taken waits up to the busy timeout
(``BUSY_TIMEOUT_MS``, set on every connection) and then fails with ``database is locked``. SQLite's
wait is not a queue: under heavy contention (32 concurrent writers on a small machine) an unlucky
writer can be passed over until its timeout runs out, and the request answered 500.

`RetryingConnection` hands out cursors whose ``execute``/``executemany`` retry a statement that
failed with ``database is locked`` (or ``busy``), inside the same transaction, with a short growing
pause, until ``RETRY_SECONDS`` have passed. A statement that failed that way did nothing, so
running it again is safe. Python's sqlite3 opens the transaction at the first writing statement,
so that statement is the one that waits for the lock; the transaction never holds a stale read
snapshot that waiting could not cure.

The writers also queue at a `WriteGate` (one per database file): a thread's first writing
statement of a transaction waits there until the writer before it (in this process, or in another
process on the machine: a lock file beside the database) has committed or rolled back. SQLite's own
busy wait polls (it sleeps 1, 2, 5 … 100 ms between tries), so writers that meet at SQLite's lock
lose milliseconds each; at the gate the next one of this process starts the moment the lock is
free, and another process's within half a millisecond. The gate is a queue, not a guarantee: a
writer that waited `GATE_SECONDS` goes on without it.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import threading
import time
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: only the threads of a process queue
    fcntl = None  # type: ignore[assignment]

BUSY_TIMEOUT_MS = 10_000  # SQLite's own wait per attempt
RETRY_SECONDS = 120.0  # the whole wait of one statement before the error is given up on
GATE_SECONDS = 120.0  # the longest wait at the write gate before going on without it
_LOCKED = ("database is locked", "database table is locked", "database is busy")


def is_locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and str(exc).lower().startswith(_LOCKED)


def _retry(run: Any) -> Any:
    deadline = time.monotonic() + RETRY_SECONDS
    pause = 0.005
    while True:
        try:
            return run()
        except sqlite3.OperationalError as exc:
            if not is_locked(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause * (0.5 + random.random()))  # noqa: S311 - jitter, not security
        pause = min(pause * 2, 0.25)


#: The statements before which Python's sqlite3 opens a transaction (and so takes the write lock).
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class WriteGate:
    """The queue of the writers to one database file (`gate_for`): a lock for the threads of this
    process, then, with a `lock_file`, an exclusive ``flock`` on it for the processes of this machine
    (``trygg serve --workers N``). A waiting process asks for the file lock every half millisecond; only
    one thread per process waits there, the others wait for the thread lock."""

    POLL_SECONDS = 0.0005

    def __init__(self, lock_file: str | None = None) -> None:
        self._lock = threading.Lock()
        self._lock_file = lock_file
        self._fd: int | None = None
        self._pid = 0
        self._flocked = False

    def enter(self) -> bool:
        """Wait for the writer before; False if it took longer than `GATE_SECONDS` (go on without)."""
        deadline = time.monotonic() + GATE_SECONDS
        if not self._lock.acquire(timeout=GATE_SECONDS):
            return False
        fd = self._open()
        while fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._flocked = True
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break  # another process held it all the time: SQLite's own lock decides
                time.sleep(self.POLL_SECONDS)
        return True

    def _open(self) -> int | None:
        """The lock file, opened once per process (a forked child opens its own: a lock is per open file)."""
        if self._lock_file is None or fcntl is None:
            return None
        if self._fd is None or self._pid != os.getpid():
            try:
                self._fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:  # a read-only folder: the threads of this process still queue
                self._lock_file = None
                return None
            self._pid = os.getpid()
        return self._fd

    @property
    def free(self) -> bool:
        return not self._lock.locked()

    def leave(self) -> None:
        if self._flocked and self._fd is not None:
            self._flocked = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._lock.release()


_GATES: dict[str, WriteGate] = {}
_GATES_LOCK = threading.Lock()
GATE_SUFFIX = "-gate"  # the lock file beside the database, as SQLite's -wal and -shm


def gate_for(path: str) -> WriteGate:
    """The gate of database file `path` (its lock file: `path` + ``-gate``)."""
    key = os.path.realpath(path)
    with _GATES_LOCK:
        return _GATES.setdefault(key, WriteGate(key + GATE_SUFFIX))


class RetryingCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> RetryingCursor:
        conn: RetryingConnection = self.connection  # type: ignore[assignment]  # made by RetryingConnection.cursor
        entered = conn.before_write(sql)
        try:
            _retry(lambda: super(RetryingCursor, self).execute(sql, parameters))
        finally:
            if entered and not conn.in_transaction:  # committed at once (autocommit), or never begun
                conn.leave_gate()
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> RetryingCursor:
        rows = list(seq_of_parameters)
        conn: RetryingConnection = self.connection  # type: ignore[assignment]  # made by RetryingConnection.cursor
        entered = conn.before_write(sql)
        try:
            _retry(lambda: super(RetryingCursor, self).executemany(sql, rows))
        finally:
            if entered and not conn.in_transaction:
                conn.leave_gate()
        return self


class RetryingConnection(sqlite3.Connection):
    """A sqlite3 connection (``sqlite3.connect(..., factory=RetryingConnection)``) with retrying cursors.

    With a `gate` (set when the connection is opened), its write transactions queue at it.
    """

    gate: WriteGate | None = None
    _in_gate = False

    def before_write(self, sql: str) -> bool:
        """Enter the gate before the statement that opens a write transaction; whether it was entered now."""
        if self.gate is None or self._in_gate or self.in_transaction or not _WRITES.match(sql):
            return False
        self._in_gate = self.gate.enter()
        return self._in_gate

    def leave_gate(self) -> None:
        if self._in_gate and self.gate is not None:
            self._in_gate = False
            self.gate.leave()

    def cursor(self, factory: Any = RetryingCursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def commit(self) -> None:
        try:
            _retry(super().commit)
        finally:
            if not self.in_transaction:
                self.leave_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_gate()
