"""32 concurrent writers through the web API on SQLite: every submission answers 201, never a 500."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from tests.factories import World
from trygg.storage import database as database_module
from trygg.storage import reports as report_store
from trygg.storage.database import Database

WRITERS = 32
PER_WRITER = 4


def test_32_concurrent_report_writers_never_get_a_500(api, database: Database, world: World,  # type: ignore[no-untyped-def]
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    if database.backend != "sqlite":
        pytest.skip("about SQLite's single write lock")
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 1)  # contention shows at once
    clients = [api("rapportor") for _ in range(WRITERS)]
    app = clients[0].app
    app.state.db.engine.dispose()  # new connections get the 1 ms busy timeout
    statuses: list[int] = []
    start = threading.Barrier(WRITERS)

    def work(c: TestClient, n: int) -> None:
        start.wait()
        for i in range(PER_WRITER):
            r = c.post("/api/v1/reports", json={"category": "vandalism", "description": f"Klotter {n}-{i}",
                                                 "lon": 12.285, "lat": 58.285})
            statuses.append(r.status_code)

    threads = [threading.Thread(target=work, args=(c, n)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count(201) == WRITERS * PER_WRITER, sorted(set(statuses))
    with app.state.db.session() as s:
        flt = report_store.ReportFilter(categories=("vandalism",))
        assert report_store.count_reports(s, flt) >= WRITERS * PER_WRITER
