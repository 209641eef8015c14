"""The audit trail: an append-only, hash-chained log of changes and reads of sensitive details.

Each entry's hash covers its content and the previous entry's hash, so that editing or deleting
an entry breaks the chain from there on (`verify_chain`). Entries name the user by id only: no
other personal data is written here — callers put only ids, codes and counts in ``detail``.
Administrators search it (`search`) and export it (`iter_entries`, `csv_row`); ``trygg audit
verify`` and ``trygg audit export`` do the same from the command line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from trygg.storage.schema import AuditEntry, utcnow

GENESIS = "0" * 64
_CHAIN_LOCK = 0x7472_7967_6761_7564  # "tryggaud": the PostgreSQL advisory lock of the chain's end

# Sign-in events (written by trygg.web.signin_audit). The user id is the account the attempt was for.
SIGNIN_ACTIONS = ("login", "login_totp", "login_failed", "login_totp_failed", "logout", "session_expired")


def _digest(prev_hash: str, at: datetime, user_id: int | None, action: str, object_type: str,
            object_id: str, detail: dict[str, Any] | None) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), user_id, action, object_type, object_id, detail],
        sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def record(session: Session, user_id: int | None, action: str, object_type: str, object_id: str | int = "",
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry (in the caller's transaction). `action` e.g. create, update, delete, read_sensitive.

    Concurrent writers chain one after another: each takes the chain's lock (`_lock_chain`) before
    it reads the last hash, and keeps it until its transaction ends. The caller's pending changes
    are flushed first, so every writer locks its rows before the chain (one order: no deadlock).
    """
    session.flush()
    _lock_chain(session)
    last = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    prev = last.hash if last is not None else GENESIS
    at = utcnow()
    entry = AuditEntry(at=at, user_id=user_id, action=action, object_type=object_type,
                       object_id=str(object_id), detail=detail, prev_hash=prev,
                       hash=_digest(prev, at, user_id, action, object_type, str(object_id), detail))
    session.add(entry)
    session.flush()
    return entry


def _lock_chain(session: Session) -> None:
    """Hold the lock on the chain's end for the rest of this transaction.

    PostgreSQL: a transaction-scoped advisory lock. Locking the last row (``FOR UPDATE``) is not
    enough: a writer that waited for it still reads the *old* last row from its snapshot and
    forks the chain. SQLite: a statement that writes nothing but takes the database's write lock,
    so that the following read sees every committed entry (a plain read would not wait).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    else:
        session.execute(text("UPDATE audit_log SET id = id WHERE 0"))


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    ok: bool
    first_bad_id: int | None = None
    reason: str = ""


def verify_chain(session: Session, batch: int = 5000) -> ChainCheck:
    """Recompute every hash in order; report the first entry where the chain breaks."""
    prev = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)
                                    .order_by(AuditEntry.id).limit(batch)))
        if not rows:
            return ChainCheck(count, True)
        for e in rows:
            count += 1
            if e.prev_hash != prev:
                return ChainCheck(count, False, e.id, "previous hash does not match (entry removed or reordered)")
            expected = _digest(prev, e.at, e.user_id, e.action, e.object_type, e.object_id, e.detail)
            if expected != e.hash:
                return ChainCheck(count, False, e.id, "content does not match its hash (entry edited)")
            prev = e.hash
        last_id = rows[-1].id
        session.expunge_all()


@dataclass(frozen=True)
class AuditQuery:
    """What to look for in the audit trail; empty fields match everything."""

    user_id: int | None = None
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    start: datetime | None = None  # at >= start
    end: datetime | None = None  # at < end

    def apply(self, q: Any) -> Any:
        if self.user_id is not None:
            q = q.where(AuditEntry.user_id == self.user_id)
        if self.action:
            q = q.where(AuditEntry.action == self.action)
        if self.object_type:
            q = q.where(AuditEntry.object_type == self.object_type)
        if self.object_id:
            q = q.where(AuditEntry.object_id == self.object_id)
        if self.start is not None:
            q = q.where(AuditEntry.at >= self.start)
        if self.end is not None:
            q = q.where(AuditEntry.at < self.end)
        return q


def search(session: Session, query: AuditQuery, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    """Matching entries, newest first."""
    q = query.apply(select(AuditEntry)).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(q))


def count(session: Session, query: AuditQuery) -> int:
    return int(session.scalar(query.apply(select(func.count(AuditEntry.id)))) or 0)


def iter_entries(session: Session, query: AuditQuery, batch: int = 5000) -> Iterator[AuditEntry]:
    """Matching entries oldest first, streamed in batches (for exports)."""
    last_id = 0
    while True:
        rows = list(session.scalars(query.apply(select(AuditEntry)).where(AuditEntry.id > last_id)
                                    .order_by(AuditEntry.id).limit(batch)))
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def actions(session: Session) -> list[str]:
    return [str(a) for a in session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))]


CSV_FIELDS = ("id", "at", "user_id", "action", "object_type", "object_id", "detail", "prev_hash", "hash")


def csv_row(e: AuditEntry) -> tuple[Any, ...]:
    detail = json.dumps(e.detail, sort_keys=True, ensure_ascii=False, default=str) if e.detail is not None else ""
    return (e.id, e.at.isoformat(timespec="microseconds"), "" if e.user_id is None else e.user_id, e.action,
            e.object_type, e.object_id, detail, e.prev_hash, e.hash)
