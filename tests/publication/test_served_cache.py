"""The served months of the public figures are kept per process until a month is published, and a
write of any kind to the publications (bulk ones too) is seen at once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, event, update

from tests.factories import World
from trygg.publication import gate
from trygg.storage import publication as store
from trygg.storage.database import Database
from trygg.storage.schema import Publication, PublicationCell


def _publish(db: Database, world: World, count: int) -> None:
    with db.session() as s:
        store.add_publication(s, year=2025, month=3, version=1, published_by_id=None, reason="",
                              data_until=datetime(2025, 4, 14, tzinfo=UTC),
                              cells=[("violence", world.area_ids["T001"], count, False),
                                     ("violence", None, count, False)],
                              counts=[])


def _served(db: Database) -> list[tuple[int, int, tuple[int, ...]]]:
    with db.session() as s:
        return [(m.year, m.month, tuple(c.count for c in m.cells)) for m in gate._versions(s, None)]


def test_the_served_months_are_read_once_and_every_write_is_seen(database: Database, world: World) -> None:
    _publish(database, world, 7)
    assert _served(database) == [(2025, 3, (7, 7))]
    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda _c, _cur, q, *_a: statements.append(q))
    assert _served(database) == [(2025, 3, (7, 7))]
    # one statement: the probes (what the served months are kept by); the months and cells come from the cache
    assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == 1, statements
    with database.session() as s:  # a bulk write: the same ids, other numbers
        s.execute(update(PublicationCell).values(count=8))
    assert _served(database) == [(2025, 3, (8, 8))]
    with database.session() as s:  # a bulk delete: the same ids may come again
        s.execute(delete(PublicationCell))
        s.execute(delete(Publication))
    assert _served(database) == []
    _publish(database, world, 9)
    assert _served(database) == [(2025, 3, (9, 9))]


def test_a_session_that_publishes_sees_its_month_and_a_rollback_leaves_no_trace(database: Database,
                                                                                world: World) -> None:
    assert _served(database) == []
    with database.session() as s:
        store.add_publication(s, year=2025, month=4, version=1, published_by_id=None, reason="",
                              data_until=datetime(2025, 5, 14, tzinfo=UTC),
                              cells=[("violence", None, 3, False)], counts=[])
        assert [(m.month, len(m.cells)) for m in gate._versions(s, None)] == [(4, 1)]
        s.rollback()
    assert _served(database) == []
