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
is held but the commit itself. Writes that bypass the ORM (bulk inserts of the demo builder) still
change ``max(id)``, which `trygg.storage.lagesbild.data_version` reads as well.
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
from trygg.storage.schema import Area, CategoryRow, Organisation, Place, Report, SharingRule, SurveyResult
from trygg.storage.schema.jobs import DataVersion

REPORTS = "reports"
AREAS = "areas"  # the area index of the intake (`trygg.storage.areas.area_index`) is cached by it
CATEGORIES = "categories"  # the taxonomy (`trygg.storage.categories.taxonomy`) is cached by it
PLACES = "places"  # with SURVEYS, what a plan's evidence (`trygg.plans.evidence.snapshot`) is cached by
SURVEYS = "surveys"
ORGANISATIONS = "organisations"  # names on the reports list's pages; defaults of the sharing table
SHARING = "sharing"  # the sharing table (`trygg.storage.access.sharing_table`) is cached by it


def bump(conn: Connection, name: str) -> None:
    """+1 on the counter `name` (in `conn`'s transaction)."""
    module: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = module.insert(DataVersion).values(name=name, version=1)
    conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"version": DataVersion.version + 1}))


def database_key(session: Session) -> str:
    """Which database a cache entry belongs to (its URL): the part of every cache key beside the versions."""
    return str(session.get_bind().engine.url)


def current(session: Session, name: str) -> int:
    return int(session.scalar(select(DataVersion.version).where(DataVersion.name == name)) or 0)


def current_many(session: Session, *names: str) -> tuple[int, ...]:
    """The versions of `names`, in that order, in one query (0 for a data set never written)."""
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
                            SharingRule: SHARING}


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
