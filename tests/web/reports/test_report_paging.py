"""The reports list pages by keyset (``cursor``) as well as by offset, in the same newest-first order,
with a count that is remembered per filter and data version and is still right after a write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import World
from trygg.storage import reports as report_store
from trygg.storage.database import Database


def _add(db: Database, world: World, n: int, at: datetime) -> None:
    with db.session() as s:
        for i in range(n):
            # equal times on purpose: the id breaks ties, and no row is skipped or shown twice
            report_store.insert_report(s, category="vandalism", lon=12.29, lat=58.28, x=337000.0 + i, y=6460000.0,
                                       precision="exact", area_id=world.area_ids["T001"],
                                       occurred_from=at - timedelta(hours=i // 3), status="received",
                                       source="est", organisation_id=world.org_ids["kommun"])


def test_cursor_pages_match_offset_pages_and_the_count(api, world: World, database: Database) -> None:  # type: ignore[no-untyped-def]
    _add(database, world, 23, datetime(2025, 3, 1, 12, tzinfo=UTC))
    c = api("samordnare")
    by_offset = [r["id"] for off in range(0, 40, 7)
                 for r in c.get("/api/v1/reports", params={"limit": 7, "offset": off}).json()["reports"]]
    by_cursor: list[int] = []
    cursor = None
    pages = 0
    while True:
        body = c.get("/api/v1/reports", params={"limit": 7, **({"cursor": cursor} if cursor else {})}).json()
        by_cursor += [r["id"] for r in body["reports"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    total = c.get("/api/v1/reports").json()["total"]
    assert total == len(world.report_ids) + 23 == len(by_cursor) == len(set(by_cursor))
    assert by_cursor == by_offset and pages == -(-total // 7)
    first = c.get("/api/v1/reports", params={"limit": 1}).json()["reports"][0]
    assert set(first) >= {"id", "public_id", "category_name", "location", "area_name", "organisation_name",
                          "occurred_from", "created_at"} and first["area_name"] and first["organisation_name"]

    _add(database, world, 1, datetime(2025, 3, 2, tzinfo=UTC))  # a write: the remembered count is not reused
    assert c.get("/api/v1/reports").json()["total"] == total + 1


def test_a_bad_cursor_is_a_422_on_the_cursor_field(api, world: World) -> None:  # type: ignore[no-untyped-def]
    for bad in ("nonsense", "MjAyNXxhYmM", "bm90LWEtZGF0ZXwx"):
        r = api("samordnare").get("/api/v1/reports", params={"cursor": bad})
        assert r.status_code == 422 and "cursor" in r.json()["error"]["details"], r.text
