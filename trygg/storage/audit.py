"""The audit trail: an append-only, keyed hash chain of changes and reads of sensitive details.

Each entry's hash covers its content and the previous entry's hash, so that editing or deleting
an entry breaks the chain from there on (`verify_chain`). The hash is an **HMAC-SHA256 under a key
kept outside the database** (`trygg.config.resolve_audit_key`): someone who can write the database
but does not hold the key cannot rewrite an entry and recompute the chain after it. Cutting the
chain's end (deleting the last entries) leaves a shorter chain that is still whole; an **anchor**
(`trygg.storage.audit_anchor`) — the head's sequence number, time and MAC, kept elsewhere — is
what notices that: ``trygg audit verify --anchor FILE`` fails when the trail no longer reaches it.

Databases from before the key: their entries keep their plain SHA-256 hashes. The first entry
written with a key is a ``chain_keyed`` marker; the table ``audit_chain`` records its id
(``keyed_from``) and the key's id. From the marker on every hash is an HMAC; before it, plain.

Entries name the user by id only: no other personal data is written here — callers put only ids,
codes and counts in ``detail``. Administrators search it (`search`) and export it (`iter_entries`,
`csv_row`); ``trygg audit verify`` and ``trygg audit export`` do the same from the command line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from trygg.errors import ConfigError
from trygg.storage.schema import AuditChain, AuditEntry, utcnow

GENESIS = "0" * 64
CHAIN_KEYED = "chain_keyed"  # the action of the marker entry that starts the keyed chain
_CHAIN_LOCK = 0x7472_7967_6761_7564  # "tryggaud": the PostgreSQL advisory lock of the chain's end

# Sign-in events (written by trygg.web.signin_audit). The user id is the account the attempt was for.
SIGNIN_ACTIONS = ("login", "login_totp", "login_failed", "login_totp_failed", "logout", "session_expired")


def _payload(prev_hash: str, at: datetime, user_id: int | None, action: str, object_type: str,
             object_id: str, detail: dict[str, Any] | None) -> bytes:
    return json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), user_id, action, object_type, object_id, detail],
        sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")).encode()


def _digest(prev_hash: str, at: datetime, user_id: int | None, action: str, object_type: str,
            object_id: str, detail: dict[str, Any] | None) -> str:
    """The plain SHA-256 of entries written before the chain was keyed."""
    return hashlib.sha256(_payload(prev_hash, at, user_id, action, object_type, object_id, detail)).hexdigest()


def _mac(key: bytes, prev_hash: str, at: datetime, user_id: int | None, action: str, object_type: str,
         object_id: str, detail: dict[str, Any] | None) -> str:
    payload = _payload(prev_hash, at, user_id, action, object_type, object_id, detail)
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A name of `key` that does not reveal it (stored with the chain and in anchors)."""
    return hmac.new(key, b"trygg audit key id", hashlib.sha256).hexdigest()[:16]


def key_of(session: Session) -> bytes:
    """The audit key of the database behind `session` (`trygg.storage.database.Database.audit_key`)."""
    db = session.info.get("trygg_db")
    if db is not None:
        key: bytes = db.audit_key
        return key
    from trygg.config import Settings, resolve_audit_key

    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    url = engine.url.render_as_string(hide_password=False)
    return resolve_audit_key(Settings.from_env(database_url=url))


def chain_state(session: Session) -> AuditChain | None:
    return session.get(AuditChain, 1)


def check_key(session: Session, key: bytes) -> None:
    """Raise ConfigError when the chain was started with another key than `key`."""
    state = chain_state(session)
    if state is not None and state.key_id != key_id(key):
        raise ConfigError(
            f"The audit key (id {key_id(key)}) is not the key the audit chain was started with "
            f"(id {state.key_id}).",
            hint="Set TRYGG_AUDIT_KEY / TRYGG_AUDIT_KEY_FILE to the key in use, or restore the "
                 "<db>.audit-key file; new entries would otherwise break the chain.")


def _append(session: Session, key: bytes, prev: str, user_id: int | None, action: str, object_type: str,
            object_id: str, detail: dict[str, Any] | None) -> AuditEntry:
    entry = AuditEntry(**_entry(key, prev, user_id, action, object_type, object_id, detail))
    session.add(entry)
    return entry


def _entry(key: bytes, prev: str, user_id: int | None, action: str, object_type: str, object_id: str,
           detail: dict[str, Any] | None) -> dict[str, Any]:
    """The columns of the entry after `prev`, its hash made with `key`."""
    at = utcnow()
    return {"at": at, "user_id": user_id, "action": action, "object_type": object_type, "object_id": object_id,
            "detail": detail, "prev_hash": prev,
            "hash": _mac(key, prev, at, user_id, action, object_type, object_id, detail)}


def _chain_end(session: Session) -> tuple[bytes, str]:
    """Lock the chain's end; (key, last hash), starting the keyed chain with its marker when needed."""
    session.flush()
    lock_chain(session)
    key = key_of(session)
    last, started_with = session.execute(_END).one()  # the last hash and the chain's key id at once
    prev = last if last is not None else GENESIS
    if started_with == key_id(key):  # every append but the first of a trail's keyed chain
        return key, prev
    state = chain_state(session)
    if state is None and last is None:  # an empty trail: keyed from its first entry on
        session.add(AuditChain(id=1, keyed_from=0, key_id=key_id(key)))
    elif state is None:  # a trail from before the key: the marker starts the keyed chain
        before = int(session.scalar(select(func.count(AuditEntry.id))) or 0)
        marker = _append(session, key, prev, None, CHAIN_KEYED, "audit_log", "",
                         {"key_id": key_id(key), "unkeyed_entries": before})
        session.flush()
        session.add(AuditChain(id=1, keyed_from=marker.id, key_id=key_id(key)))
        prev = marker.hash
    elif state.key_id != key_id(key):
        check_key(session, key)
    return key, prev


def record(session: Session, user_id: int | None, action: str, object_type: str, object_id: str | int = "",
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry (in the caller's transaction). `action` e.g. create, update, delete, read_sensitive.

    Concurrent writers chain one after another: each takes the chain's lock (`lock_chain`) before
    it reads the last hash, and keeps it until its transaction ends. The caller's pending changes
    are flushed first, so every writer locks its rows before the chain (one order: no deadlock).
    """
    key, prev = _chain_end(session)
    entry = _append(session, key, prev, user_id, action, object_type, str(object_id), detail)
    session.flush()
    return entry


def record_many(session: Session, user_id: int | None, action: str, object_type: str,
                items: Sequence[tuple[str | int, dict[str, Any] | None]]) -> int:
    """Append one entry per (object id, detail) in `items`, under one lock (e.g. the rows of an export)."""
    if not items:
        return 0
    key, prev = _chain_end(session)
    rows = []
    for object_id, detail in items:  # one INSERT of every row, in chain order (no unit of work per entry)
        rows.append(_entry(key, prev, user_id, action, object_type, str(object_id), detail))
        prev = rows[-1]["hash"]
    session.execute(_INSERT, rows)
    return len(items)


def lock_chain(session: Session) -> None:
    """Hold the lock on the chain's end for the rest of this transaction.

    PostgreSQL: a transaction-scoped advisory lock. Locking the last row (``FOR UPDATE``) is not
    enough: a writer that waited for it still reads the *old* last row from its snapshot and
    forks the chain. SQLite: a statement that writes nothing but takes the database's write lock,
    so that the following read sees every committed entry (a plain read would not wait).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK_PG, {"key": _CHAIN_LOCK})
    else:
        session.execute(_LOCK_SQLITE)


# The statements of every append, built once (building one costs more than running it).
_LOCK_PG = text("SELECT pg_advisory_xact_lock(:key)")
_LOCK_SQLITE = text("UPDATE audit_log SET id = id WHERE 0")
_LAST_HASH = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
_END = select(_LAST_HASH.scalar_subquery(),
              select(AuditChain.key_id).where(AuditChain.id == 1).scalar_subquery())
_INSERT = insert(AuditEntry)


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    ok: bool
    first_bad_id: int | None = None
    reason: str = ""
    keyed_from: int | None = None  # the id of the chain_keyed marker; None when not keyed yet
    head_id: int | None = None
    head_hash: str = ""


def verify_chain(session: Session, key: bytes | None = None, batch: int = 5000, *,
                 anchor: Any = None) -> ChainCheck:
    """Recompute every hash in order; report the first entry where the chain breaks.

    Entries before the ``chain_keyed`` marker are checked as plain SHA-256, from it on as HMAC
    under `key` (by default the database's key). With an `anchor` (`trygg.storage.audit_anchor.Anchor`)
    the chain must also still reach the anchored entry with the anchored MAC.
    """
    key = key if key is not None else key_of(session)
    state = chain_state(session)
    keyed_from = state.keyed_from if state is not None else None
    if state is not None and state.key_id != key_id(key):
        return ChainCheck(0, False, state.keyed_from, f"the audit key (id {key_id(key)}) is not the chain's key "
                          f"(id {state.key_id})", keyed_from)
    prev = GENESIS
    count = 0
    last_id = 0
    head: AuditEntry | None = None
    anchored_seen = False
    while True:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)
                                    .order_by(AuditEntry.id).limit(batch)))
        if not rows:
            break
        for e in rows:
            count += 1
            bad = _check_entry(e, prev, key, keyed_from, count == 1)
            if bad:
                return ChainCheck(count, False, e.id, bad, keyed_from)
            if anchor is not None and e.id == anchor.sequence:
                if not hmac.compare_digest(e.hash, anchor.mac):
                    return ChainCheck(count, False, e.id, "the anchored entry has another MAC than the anchor "
                                      "(the trail was rewritten)", keyed_from)
                anchored_seen = True
            prev = e.hash
        head = rows[-1]
        last_id = head.id
        session.expunge_all()
    if state is None and _has_marker(session):
        return ChainCheck(count, False, None, "a chain_keyed entry exists but the record of where the keyed "
                          "chain starts (audit_chain) is gone", None)
    if state is not None and state.keyed_from and (head is None or head.id < state.keyed_from):
        return ChainCheck(count, False, state.keyed_from, f"the keyed chain started at entry {state.keyed_from}, "
                          "which is gone (the trail was cut)", keyed_from)
    if anchor is not None and not anchored_seen:
        last = head.id if head is not None else 0
        return ChainCheck(count, False, anchor.sequence, f"the trail no longer reaches the anchored head: entry "
                          f"{anchor.sequence} is missing (the last entry is {last}; entries were deleted)",
                          keyed_from)
    return ChainCheck(count, True, keyed_from=keyed_from, head_id=head.id if head else None,
                      head_hash=head.hash if head else "")


def _check_entry(e: AuditEntry, prev: str, key: bytes, keyed_from: int | None, first: bool) -> str:
    """Why entry `e` breaks the chain after `prev` (empty when it does not)."""
    if e.prev_hash != prev:
        return "previous hash does not match (entry removed or reordered)"
    if keyed_from is None or e.id < keyed_from:
        expected = _digest(prev, e.at, e.user_id, e.action, e.object_type, e.object_id, e.detail)
    else:
        if e.id == keyed_from and not first and e.action != CHAIN_KEYED:
            return "the keyed chain's first entry is not its chain_keyed marker"
        if first and keyed_from > 0 and e.id > keyed_from:
            return "the trail starts after the keyed chain's start (entries were deleted)"
        expected = _mac(key, prev, e.at, e.user_id, e.action, e.object_type, e.object_id, e.detail)
    if not hmac.compare_digest(expected, e.hash):
        return "content does not match its MAC (entry edited, or the chain recomputed without the key)"
    return ""


def _has_marker(session: Session) -> bool:
    return session.scalar(select(AuditEntry.id).where(AuditEntry.action == CHAIN_KEYED).limit(1)) is not None


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
