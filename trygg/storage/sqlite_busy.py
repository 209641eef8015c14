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
"""

from __future__ import annotations

import random
import sqlite3
import time
from typing import Any

BUSY_TIMEOUT_MS = 10_000  # SQLite's own wait per attempt
RETRY_SECONDS = 120.0  # the whole wait of one statement before the error is given up on
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


class RetryingCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> RetryingCursor:
        _retry(lambda: super(RetryingCursor, self).execute(sql, parameters))
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> RetryingCursor:
        rows = list(seq_of_parameters)
        _retry(lambda: super(RetryingCursor, self).executemany(sql, rows))
        return self


class RetryingConnection(sqlite3.Connection):
    """A sqlite3 connection (``sqlite3.connect(..., factory=RetryingConnection)``) with retrying cursors."""

    def cursor(self, factory: Any = RetryingCursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def commit(self) -> None:
        _retry(super().commit)
