"""Group commit of audit entries: concurrent requests share transactions, and nothing is lost or forked."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select

from tests.factories import World
from trygg.storage import audit, audit_group
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, Report


def _entries(db: Database) -> list[tuple[int | None, str]]:
    with db.session() as s:
        return [(e.user_id, e.object_id) for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action == "read_sensitive").order_by(AuditEntry.id))]


def test_concurrent_reads_are_all_committed_in_one_unbroken_chain(database: Database, world: World) -> None:
    group = audit_group.AuditGroup(database)
    threads, calls, errors = 8, 6, []

    def reader(user: int) -> None:
        try:
            for i in range(calls):
                items = [(f"{user}-{i}-{k}", {"category": "youth"}) for k in range(3)]
                assert group.record_many(user, "read_sensitive", "report", items) == 3
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=reader, args=(u,)) for u in range(1, threads + 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not errors
    got = _entries(database)
    assert sorted(o for _u, o in got) == sorted(f"{u}-{i}-{k}" for u in range(1, threads + 1) for i in range(calls)
                                              for k in range(3))
    # each request's entries stay together, in order
    for u in range(1, threads + 1):
        mine = [o for uid, o in got if uid == u]
        assert mine == [f"{u}-{i}-{k}" for i in range(calls) for k in range(3)]
    assert 1 <= group.rounds <= threads * calls
    with database.session() as s:
        assert audit.verify_chain(s).ok


def test_an_error_reaches_every_request_of_the_round_and_the_next_round_works(database: Database,
                                                                              world: World) -> None:
    class Broken:
        def session(self):  # type: ignore[no-untyped-def]
            raise RuntimeError("no database")

    group = audit_group.AuditGroup(Broken())
    try:
        group.record_many(1, "read_sensitive", "report", [(1, None)])
    except RuntimeError as exc:
        assert "no database" in str(exc)
    else:
        raise AssertionError("the error was swallowed")
    assert not group.busy
    group.db = database
    assert group.record_many(1, "read_sensitive", "report", [(1, None)]) == 1


def test_a_session_that_wrote_is_seen_as_holding_writes(database: Database, world: World) -> None:
    with database.session() as s:
        assert not audit_group.holds_writes(s)
        s.scalar(select(func.count(Report.id)))
        assert not audit_group.holds_writes(s)
        report = s.get(Report, world.report_ids[0])
        assert report is not None
        report.status = "closed"
        assert audit_group.holds_writes(s)
        s.flush()
        assert audit_group.holds_writes(s)
        s.commit()
        assert not audit_group.holds_writes(s)


def test_requests_that_arrive_while_the_leader_waits_for_the_chains_lock_are_in_its_round(database: Database,
                                                                                        world: World) -> None:
    """Another writer (another process, in production) holds the audit chain's lock: the first request
    leads and waits for it; those that come meanwhile are written in the leader's one transaction."""
    group = audit_group.AuditGroup(database)
    holder = database.new_session()
    audit.lock_chain(holder)  # held until the commit below
    done: list[int] = []

    def reader(user: int) -> None:
        done.append(group.record_many(user, "read_sensitive", "report", [(f"waited-{user}", None)]))

    def wait_until(condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 10
        while not condition():
            assert time.monotonic() < deadline, f"{what} (queued: {len(group.queue)})"
            time.sleep(0.005)

    first = threading.Thread(target=reader, args=(1,), daemon=True)
    others = [threading.Thread(target=reader, args=(u,), daemon=True) for u in range(2, 6)]
    try:
        first.start()
        wait_until(lambda: group.busy, "the first request leads")
        for t in others:
            t.start()
        # the leader's request stays queued while it waits for the lock; the four others join it
        wait_until(lambda: len(group.queue) == 5, "five requests wait for the round")
    finally:
        holder.commit()
        holder.close()
    for t in (first, *others):
        t.join(timeout=60)
    assert done == [1] * 5
    assert group.rounds == 1
    assert sorted(o for _u, o in _entries(database)) == [f"waited-{u}" for u in range(1, 6)]
    with database.session() as s:
        assert audit.verify_chain(s).ok
