"""Data versions: a counter per data set, bumped after every committed write to it.

Caches (the reports list's counts, the lägesbild — in every process and in the shared cache
table) are keyed by the version, so a write anywhere makes them stale everywhere at once. Reading
the version is one primary-key lookup, unlike counting the rows. A session whose flushes added,
changed or deleted a `Report` bumps ``reports`` right after it commits, in a short transaction of
its own: bumping inside the writing transaction would hold the counter's row lock until the commit
and could deadlock with the audit chain's lock (`trygg.storage.audit`). A reader between the commit
and the bump sees the new rows under the old version — a picture newer than its key, replaced at the
bump. Writes that bypass the ORM (bulk inserts of the demo builder) still change ``max(id)``, which
`trygg.storage.lagesbild.data_version` reads as well.
"""

from __future__ import annotations

import logging
from itertools import chain
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from trygg.storage.schema import Area, Report
from trygg.storage.schema.jobs import DataVersion

REPORTS = "reports"
AREAS = "areas"  # the area index of the intake (`trygg.storage.areas.area_index`) is cached by it
log = logging.getLogger("trygg.storage")


def bump(conn: Connection, name: str) -> None:
    """+1 on the counter `name` (in `conn`'s transaction)."""
    module: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = module.insert(DataVersion).values(name=name, version=1)
    conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"version": DataVersion.version + 1}))


def current(session: Session, name: str) -> int:
    return int(session.scalar(select(DataVersion.version).where(DataVersion.name == name)) or 0)


_PENDING = "trygg_bump_versions"


#: The data sets with a version, by the table class whose ORM writes bump it.
WATCHED: dict[type, str] = {Report: REPORTS, Area: AREAS}


@event.listens_for(Session, "after_flush")
def _note_report_writes(session: Session, _context: Any) -> None:
    names = {WATCHED[type(obj)] for obj in chain(session.new, session.dirty, session.deleted)
             if type(obj) in WATCHED}
    if names:
        session.info.setdefault(_PENDING, set()).update(names)


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint was released: the writes are not committed yet
        return
    names = session.info.pop(_PENDING, None)
    if names:
        try:
            with session.get_bind().engine.connect() as conn:
                for name in sorted(names):
                    bump(conn, name)
                conn.commit()
        except Exception:  # noqa: BLE001 - the newest id and update time still move the version
            log.warning("could not bump the data versions %s", sorted(names), exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
