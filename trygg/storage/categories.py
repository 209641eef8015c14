"""The category taxonomy in the ``categories`` table: the only SQL about it.

`taxonomy` is what every feature asks for: the whole table as one `Taxonomy`, cached in the process
per data version (``data_versions.categories``, bumped after every committed change of a category,
`trygg.storage.versions`), so a change made by one process is seen by every other at its next read.
The rules of a change (validation, audit) are `trygg.setup.categories`; this module stores.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.categories import DEFAULT_TAXONOMY, Category, Taxonomy
from trygg.domain.enums import Sensitivity
from trygg.storage import versions
from trygg.storage.schema.categories import CategoryRow
from trygg.storage.schema.jobs import DataVersion

#: Data version name (`trygg.storage.versions`) of the taxonomy.
CATEGORIES = versions.CATEGORIES
_CACHE: dict[Any, Taxonomy] = {}
_LOCK = threading.Lock()
_MAX_CACHED = 64
_SESSION_KEY = "trygg_taxonomy"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    """A new transaction may see another process's change: read the taxonomy again."""
    session.info.pop(_SESSION_KEY, None)


def _category(row: CategoryRow) -> Category:
    return Category(code=row.code, name_sv=row.name_sv, name_en=row.name_en,
                    sensitivity=Sensitivity(row.sensitivity), police_types=tuple(row.police_types or ()),
                    focus_areas=tuple(int(f) for f in row.focus_areas or ()), public=bool(row.public),
                    retired_on=row.retired_on, merged_into=row.merged_into, sort_order=row.sort_order)


def load(session: Session) -> Taxonomy:
    """The taxonomy as stored now (no cache)."""
    rows = session.scalars(select(CategoryRow).order_by(CategoryRow.sort_order, CategoryRow.code))
    return Taxonomy((_category(r) for r in rows), version=versions.current(session, CATEGORIES))


def taxonomy(session: Session) -> Taxonomy:
    """The current taxonomy: read once per transaction of `session` (two small lookups), from the
    process's cache per database and data version."""
    held = session.info.get(_SESSION_KEY)
    if isinstance(held, Taxonomy):
        return held
    found = _cached(session)
    session.info[_SESSION_KEY] = found
    return found


#: What the cache is keyed by, in one statement (built once: building a statement costs more than running it).
_VERSION = versions.Probe(select(DataVersion.version).where(DataVersion.name == CATEGORIES).scalar_subquery(),
                          select(func.max(CategoryRow.updated_at)).scalar_subquery(),
                          select(func.count(CategoryRow.id)).scalar_subquery())


def _cached(session: Session) -> Taxonomy:
    version, newest, count = _VERSION.read(session)
    version = int(version or 0)
    key = (versions.database_key(session), version, str(newest), int(count))
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    found = load(session)
    with _LOCK:
        if len(_CACHE) >= _MAX_CACHED:
            _CACHE.clear()
        _CACHE[key] = found
    return found


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def rows(session: Session) -> dict[str, CategoryRow]:
    """Every stored category by code, for writing."""
    return {r.code: r for r in session.scalars(select(CategoryRow))}


def write(session: Session, cat: Category, row: CategoryRow | None = None) -> CategoryRow:
    """Store `cat` (a new row, or `row` updated to it); flushed."""
    if row is None:
        row = CategoryRow(code=cat.code)
        session.add(row)
    row.name_sv, row.name_en = cat.name_sv, cat.name_en
    row.sensitivity, row.public = str(cat.sensitivity), cat.public
    row.focus_areas, row.police_types = list(cat.focus_areas), list(cat.police_types)
    row.retired_on, row.merged_into, row.sort_order = cat.retired_on, cat.merged_into, cat.sort_order
    row.updated_at = clock.now()
    session.flush()
    session.info.pop(_SESSION_KEY, None)
    return row


def seed(session: Session, categories: Iterable[Category] = DEFAULT_TAXONOMY.categories) -> int:
    """Store `categories` when the table is empty (a database made without the migration's seed);
    the number of categories stored now."""
    if session.scalar(select(func.count(CategoryRow.id))):
        return int(session.scalar(select(func.count(CategoryRow.id))) or 0)
    added = 0
    for cat in categories:
        write(session, cat)
        added += 1
    return added
