"""The audit chain detects edits and removals."""

from __future__ import annotations

from sqlalchemy import delete, select

from trygg.storage import audit
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry


def test_chain_verifies_and_detects_an_edit_and_a_removal(database: Database) -> None:
    with database.session() as s:
        for i in range(5):
            audit.record(s, 1, "update", "report", i, {"field": "status"})
    with database.session() as s:
        check = audit.verify_chain(s)
        assert check.ok and check.entries == 5
        third = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[2]
        third.action = "delete"
    with database.session() as s:
        check = audit.verify_chain(s)
        assert not check.ok and check.first_bad_id == third.id and "edited" in check.reason
        s.get(AuditEntry, third.id).action = "update"  # type: ignore[union-attr]
    with database.session() as s:
        assert audit.verify_chain(s).ok
        s.execute(delete(AuditEntry).where(AuditEntry.id == third.id))
    with database.session() as s:
        check = audit.verify_chain(s)
        assert not check.ok and "removed" in check.reason


def test_concurrent_writers_keep_one_chain(database: Database) -> None:
    """Writers in parallel transactions each chain onto the newest entry (no fork: two entries
    with the same previous hash), on SQLite and PostgreSQL alike."""
    import threading

    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with database.session() as s:
                    audit.record(s, n, "login", "user", n, {"attempt": i})
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with database.session() as s:
        check = audit.verify_chain(s)
        prevs = list(s.scalars(select(AuditEntry.prev_hash)))
    assert len(prevs) == len(set(prevs)) == 90, "every entry has its own predecessor"
    assert check.ok, check
