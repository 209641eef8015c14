"""Data versions: a counter per data set, bumped by every committed write to it.

Caches (the reports list's counts, the lägesbild — in every process and in the shared cache
table; the intake's area index) are keyed by the version, so a write anywhere makes them stale
everywhere at once. Reading the version is one primary-key lookup, unlike counting the rows. A
session whose flushes added, changed or deleted a `Report` (an `Area`, a `CategoryRow`, a `Place`, a
`SurveyResult`) bumps ``reports`` (``areas``, ``categories``, ``places``, ``surveys``) in the same
transaction, as its very last statement before the commit
(`_bump_before_commit`, after the weekly counts of `trygg.storage.weekly_counts`): no second
transaction (and disk flush) per write, and no deadlock — the counter's row lock is the last lock
a writer takes, after the audit chain's and the count rows', and nothing is waited for while it
is held but the commit itself. A bulk write through the session (``session.execute(update(…))``,
``delete``, ``insert``) to a table in `WATCHED` bumps its version too (``publications`` for the
public figures' months). Writes that bypass the session still change ``max(id)`` or a row count,
which the probes read as well.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from trygg.storage import weekly_counts
from trygg.storage.schema import (
    Area,
    CategoryRow,
    Organisation,
    Place,
    Publication,
    PublicationCell,
    Report,
    SharingRule,
    SurveyResult,
)
from trygg.storage.schema.jobs import DataVersion

REPORTS = "reports"
AREAS = "areas"  # the area index of the intake (`trygg.storage.areas.area_index`) is cached by it
CATEGORIES = "categories"  # the taxonomy (`trygg.storage.categories.taxonomy`) is cached by it
PLACES = "places"  # with SURVEYS, what a plan's evidence (`trygg.plans.evidence.snapshot`) is cached by
SURVEYS = "surveys"
ORGANISATIONS = "organisations"  # names on the reports list's pages; defaults of the sharing table
SHARING = "sharing"  # the sharing table (`trygg.storage.access.sharing_table`) is cached by it
PUBLICATIONS = "publications"  # the served months of the public figures (`trygg.publication.gate`)


def bump(conn: Connection, name: str) -> None:
    """+1 on the counter `name` (in `conn`'s transaction)."""
    module: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = module.insert(DataVersion).values(name=name, version=1)
    conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"version": DataVersion.version + 1}))


def database_key(session: Session) -> str:
    """Which database a cache entry belongs to (its URL): the part of every cache key beside the versions."""
    return str(session.get_bind().engine.url)


# --------------------------------------------------------------------------- probes
# A cache checks what it is keyed by (versions, row counts, newest ids) with a small statement. One
# request asks several caches (the taxonomy, the sharing table, the reports' version, the area
# index), and each statement costs more to send than to answer. So every probe is a column of one
# statement: the first probe a transaction reads runs it, and the others read the same row. The row
# is forgotten when the session flushes (its own writes change what the probes read) and when its
# transaction ends.

_SNAPSHOT = "trygg_probe_snapshot"
_COLUMNS: list[Any] = []
_STATEMENT: list[Any] = []  # the statement of every registered column, built once they are all known


class Probe:
    """Scalar subqueries (`columns`) read together with every other probe (`read`)."""

    def __init__(self, *columns: Any) -> None:
        self.start = len(_COLUMNS)
        self.stop = self.start + len(columns)
        _COLUMNS.extend(columns)
        _STATEMENT.clear()

    def read(self, session: Session) -> tuple[Any, ...]:
        """This probe's values in `session`'s transaction (one statement for all probes)."""
        row = session.info.get(_SNAPSHOT)
        if row is None or len(row) < self.stop:
            if not _STATEMENT:
                _STATEMENT.append(select(*_COLUMNS))
            row = session.info[_SNAPSHOT] = tuple(session.execute(_STATEMENT[0]).one())
        return tuple(row[self.start:self.stop])


@event.listens_for(Session, "after_flush")
def _forget_snapshot_on_flush(session: Session, _context: Any) -> None:
    session.info.pop(_SNAPSHOT, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_snapshot_on_write(state: Any) -> None:
    if not state.is_select:  # a write through session.execute (a bulk write): no flush event
        state.session.info.pop(_SNAPSHOT, None)
        table = getattr(state.statement, "table", None)
        name = _WATCHED_TABLES.get(getattr(table, "name", ""))
        if name is not None:  # a bulk write to a data set with a version bumps it like an ORM write
            mark_changed(state.session, name)


@event.listens_for(Session, "after_transaction_end")
def _forget_snapshot(session: Session, _transaction: Any) -> None:
    session.info.pop(_SNAPSHOT, None)


def _version_of(name: str) -> Any:
    return select(DataVersion.version).where(DataVersion.name == name).scalar_subquery()


#: The named data sets' versions, as one probe.
NAMED = (REPORTS, AREAS, CATEGORIES, PLACES, SURVEYS, ORGANISATIONS, SHARING, PUBLICATIONS)
_NAMED = Probe(*(_version_of(n) for n in NAMED))


def current(session: Session, name: str) -> int:
    return current_many(session, name)[0]


def current_many(session: Session, *names: str) -> tuple[int, ...]:
    """The versions of `names`, in that order (0 for a data set never written): from the probes'
    statement for the named data sets, in one query of their own for others."""
    if all(n in NAMED for n in names):
        found = dict(zip(NAMED, _NAMED.read(session), strict=True))
    else:
        found = {str(n): v for n, v in session.execute(_many(names))}
    return tuple(int(found.get(n) or 0) for n in names)


@lru_cache(maxsize=64)
def _many(names: tuple[str, ...]) -> Any:
    """The statement of `current_many`, built once per set of names."""
    return select(DataVersion.name, DataVersion.version).where(DataVersion.name.in_(names))


_PENDING = "trygg_bump_versions"


def mark_reports_changed(session: Session) -> None:
    """Bump ``reports`` when this session commits: for writes that bypass the ORM's unit of work
    (bulk updates by primary key, e.g. the re-assignment of reports to a new edition's areas)."""
    mark_changed(session, REPORTS)


def mark_changed(session: Session, name: str) -> None:
    """Bump `name` when this session commits (a bulk write the ORM does not see, e.g. a DELETE)."""
    session.info.setdefault(_PENDING, set()).add(name)


#: The data sets with a version, by the table class whose ORM writes bump it.
WATCHED: dict[type, str] = {Report: REPORTS, Area: AREAS, CategoryRow: CATEGORIES, Place: PLACES,
                            SurveyResult: SURVEYS, Organisation: ORGANISATIONS,
                            SharingRule: SHARING, Publication: PUBLICATIONS, PublicationCell: PUBLICATIONS}
_WATCHED_TABLES: dict[str, str] = {cls.__tablename__: name for cls, name in WATCHED.items()}  # type: ignore[attr-defined]


@event.listens_for(Session, "after_flush")
def _note_writes(session: Session, _context: Any) -> None:
    names = {WATCHED[type(obj)] for obj in chain(session.new, session.dirty, session.deleted)
             if type(obj) in WATCHED}
    if names:
        session.info.setdefault(_PENDING, set()).update(names)


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint is released: the outer transaction commits later
        return
    weekly_counts.apply_pending(session)  # flushes; the count rows' locks before the counter's
    names = session.info.pop(_PENDING, None)
    if names:
        conn = session.connection()
        for name in sorted(names):
            bump(conn, name)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
