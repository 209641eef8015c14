"""Computed values shared by every server process through the database (the ``shared_cache`` table).

A value is stored under a key (a hash of what was computed) with the data version it was computed
from; `get` returns it only for the same version, so a write anywhere (which changes the version)
invalidates it for every process at once. Values are pickled: only Trygg's own processes write
the table, and a value that no longer loads (another Trygg version) counts as missing.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trygg.storage.schema.base import utcnow
from trygg.storage.schema.jobs import SharedCache

log = logging.getLogger("trygg.storage")


def cache_key(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def get(session: Session, key: str, version: str) -> Any:
    """The value stored under `key` for `version`, or None."""
    row = session.execute(select(SharedCache.version, SharedCache.value).where(SharedCache.key == key)).first()
    if row is None or row.version != version:
        return None
    try:
        return pickle.loads(row.value)  # noqa: S301 - written only by Trygg itself (see the module doc)
    except Exception:  # noqa: BLE001 - e.g. written by another version of Trygg
        return None


def put(session: Session, key: str, version: str, value: Any) -> None:
    """Store `value` under `key` for `version` in a transaction of its own (committed)."""
    blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    bind = session.get_bind()
    module: Any = postgresql if bind.dialect.name == "postgresql" else sqlite
    stmt = module.insert(SharedCache).values(key=key, version=version[:120], value=blob, created_at=utcnow())
    stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={"version": stmt.excluded.version,
                                                                   "value": stmt.excluded.value,
                                                                   "created_at": stmt.excluded.created_at})
    try:
        with Session(bind) as own:
            own.execute(stmt)
            own.commit()
    except Exception:  # noqa: BLE001 - a cache that cannot be written is only slower
        log.warning("could not store a shared cache entry", exc_info=True)


def clear(session: Session) -> None:
    session.execute(delete(SharedCache))
