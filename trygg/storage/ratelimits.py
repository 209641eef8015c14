"""Rate-limit counters in the database, so that every server process and machine counts together.

One row per (bucket, client, fixed window); `add` increments it with an upsert (``INSERT … ON
CONFLICT DO UPDATE … RETURNING``, the same statement on SQLite and PostgreSQL) and returns the new
count, so two processes never lose a hit. Rows are useless two windows after they start and are
deleted by `purge`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trygg.storage.schema.jobs import RateCounter


def add(session: Session, bucket: str, client: str, window_start: int, *, hits: int = 1, expires: int) -> int:
    """Count `hits` more in the window; returns the window's new count (the caller commits)."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(RateCounter).values(bucket=bucket, client=client[:200], window_start=window_start,
                                             hits=hits, expires=expires)
    stmt = stmt.on_conflict_do_update(index_elements=["bucket", "client", "window_start"],
                                      set_={"hits": RateCounter.hits + hits}).returning(RateCounter.hits)
    return int(session.execute(stmt).scalar_one())


def take_back(session: Session, bucket: str, client: str, window_start: int) -> None:
    """Undo one hit (a refused request does not count)."""
    session.execute(update(RateCounter).where(RateCounter.bucket == bucket, RateCounter.client == client[:200],
                                              RateCounter.window_start == window_start)
                    .values(hits=RateCounter.hits - 1))


def count(session: Session, bucket: str, client: str, window_start: int) -> int:
    value = session.scalar(select(RateCounter.hits).where(RateCounter.bucket == bucket,
                                                          RateCounter.client == client[:200],
                                                          RateCounter.window_start == window_start))
    return int(value or 0)


def purge(session: Session, *, now: int) -> int:
    """Delete the counters of windows that no longer matter."""
    done = session.execute(delete(RateCounter).where(RateCounter.expires < now))
    return int(getattr(done, "rowcount", 0) or 0)


def clear(session: Session) -> None:
    session.execute(delete(RateCounter))
