"""Data versions: a counter per data set, bumped in the transaction of every write to it.

Caches (the reports list's counts, the lägesbild — in every process and in the shared cache
table) are keyed by the version, so a write anywhere makes them stale everywhere at once. Reading
the version is one primary-key lookup, unlike counting the rows. Every ORM flush that adds,
changes or deletes a `Report` bumps ``reports`` (an ``after_flush`` hook on all sessions); writes
that bypass the ORM (bulk inserts of the demo builder) still change ``max(id)``, which
`trygg.storage.lagesbild.data_version` reads as well.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trygg.storage.schema import Report
from trygg.storage.schema.jobs import DataVersion

REPORTS = "reports"


def bump(session: Session, name: str) -> None:
    """+1 on the counter `name` in the session's transaction."""
    conn = session.connection()
    module: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = module.insert(DataVersion).values(name=name, version=1)
    conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"version": DataVersion.version + 1}))


def current(session: Session, name: str) -> int:
    return int(session.scalar(select(DataVersion.version).where(DataVersion.name == name)) or 0)


@event.listens_for(Session, "after_flush")
def _bump_on_report_writes(session: Session, _context: Any) -> None:
    if any(isinstance(obj, Report) for obj in chain(session.new, session.dirty, session.deleted)):
        bump(session, REPORTS)
