"""Group commit of audit entries: the reads of many concurrent requests in one committed transaction.

A list page that shows sensitive reports must have its ``read_sensitive`` entries committed before
it answers (`trygg.web.access.note_sensitive_reads`). Committing is the expensive part — a disk
flush, under the audit chain's lock — so requests of one process that need it at the same time
share it: the first becomes the *leader*, takes the audit chain's lock, then writes the entries of
every request waiting by then (each request's entries together, one chain, in arrival order) in one
transaction, commits, and wakes them; a request that arrived during that commit leads the next
round. Those that arrive while the leader waits for the lock (held by another process) are in its
round. Nothing is dropped or deferred: every request returns only after its own entries are
committed, and an error of the shared transaction is raised in every request of the round. Alone, a
request pays what it did before (one transaction).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from trygg.storage import audit

Items = Sequence[tuple[str | int, dict[str, Any] | None]]


@dataclass(eq=False)
class _Request:
    user_id: int | None
    action: str
    object_type: str
    items: Items
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # woken to lead the next round, not because its entries are written
    error: BaseException | None = None


class AuditGroup:
    """The group commit of one database (`for_database`)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.lock = threading.Lock()
        self.queue: list[_Request] = []
        self.busy = False
        self.rounds = 0  # transactions written (for tests and figures)

    def record_many(self, user_id: int | None, action: str, object_type: str, items: Items) -> int:
        """`audit.record_many` committed, possibly together with other requests' entries."""
        if not items:
            return 0
        req = _Request(user_id, action, object_type, items)
        with self.lock:
            self.queue.append(req)
            lead = not self.busy
            self.busy = True
        if not lead:
            req.done.wait()
            lead = req.lead
        if lead:
            self._lead()
        if req.error is not None:
            raise req.error
        return len(items)

    def _lead(self) -> None:
        batch: list[_Request] = []
        taken = False
        error: BaseException | None = None
        try:
            with self.db.session() as s:
                # the chain's lock first, the round's requests after: those that arrive while the leader
                # waits for it (another process holds it) are written in this round, not the next
                audit.lock_chain(s)
                with self.lock:
                    batch, self.queue, taken = self.queue, [], True
                for r in batch:
                    audit.record_many(s, r.user_id, r.action, r.object_type, r.items)
            self.rounds += 1
        except BaseException as exc:  # noqa: BLE001 - handed to every request of the round
            error = exc
            if not taken:
                with self.lock:
                    batch, self.queue = self.queue, []
        for r in batch:
            r.error, r.lead = error, False
            r.done.set()
        with self.lock:
            if self.queue:  # arrived during this round: the first of them leads the next
                nxt = self.queue[0]
                nxt.lead = True
                nxt.done.set()
            else:
                self.busy = False


_GROUPS: weakref.WeakKeyDictionary[Any, AuditGroup] = weakref.WeakKeyDictionary()
_GROUPS_LOCK = threading.Lock()


def for_database(db: Any) -> AuditGroup:
    with _GROUPS_LOCK:
        group = _GROUPS.get(db)
        if group is None:
            group = _GROUPS[db] = AuditGroup(db)
        return group


# --------------------------------------------------------------------------- has a session written?
# The leader writes through a connection of its own: a request whose session holds uncommitted
# writes must not wait for it (on SQLite it would wait for its own write lock). Such a request
# commits its entries in its own transaction, as before (`trygg.web.access.note_sensitive_reads`).

_WROTE = "trygg_wrote"


def holds_writes(session: Session) -> bool:
    """Whether `session`'s transaction has written (or is about to write) anything."""
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, trans: SessionTransaction) -> None:
    if trans.parent is None:
        session.info.pop(_WROTE, None)
