"""Open311 POST under bad input and contention: a post waiting on the database never stalls the
server, the client's last use is written briefly and rarely, and time-zone offsets, control
characters and odd digits are refused with the GeoReport 400 list (found by tests/reliability)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.open311.conftest import TEST_KEY
from trygg.storage import intake as intake_store
from trygg.storage.database import Database
from trygg.storage.schema import Report, ResidentContact
from trygg.storage.schema.intake import Open311Client
from trygg.web.open311 import routes as open311_routes

VALID = {"api_key": TEST_KEY, "service_code": "littering", "lat": "58.285", "long": "12.27",
         "description": "Skräp vid busshållplatsen."}


@pytest.fixture
def o311(o311_app: Any) -> Iterator[TestClient]:
    with TestClient(o311_app) as c:
        yield c


@pytest.fixture
def live(o311_app: Any) -> Iterator[str]:
    """The app served by uvicorn in a thread of this process: real HTTP, one event loop."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(o311_app, host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as s:
        return (int(s.scalar(select(func.count(Report.id))) or 0),
                int(s.scalar(select(func.count(ResidentContact.id))) or 0))


def test_an_offset_of_a_day_or_more_is_refused_with_the_error_list(o311: TestClient, database: Database) -> None:
    before = _counts(database)
    for offset in ("+25:00", "-24:00", "+24:00", "+02:60", "+9999"):
        for fmt in ("json", "xml"):
            r = o311.post(f"/open311/v2/requests.{fmt}",
                          data={**VALID, "attribute[occurred]": f"2025-02-14T22:30:00{offset}"})
            assert r.status_code == 400, (offset, r.text)
            if fmt == "json":
                assert r.json()[0]["code"] == 400 and "offset" in r.json()[0]["description"]
            else:
                assert b"<errors><error><code>400</code>" in r.content
    assert _counts(database) == before
    for offset in ("+14:00", "-12:00", "+05:45"):  # the largest real offsets are fine
        r = o311.post("/open311/v2/requests.json",
                      data={**VALID, "attribute[occurred]": f"2025-02-14T22:30:00{offset}"})
        assert r.status_code == 200, (offset, r.text)


def test_a_control_character_in_any_field_is_refused_and_nothing_is_stored(o311: TestClient,
                                                                           database: Database) -> None:
    before = _counts(database)
    for field in ("description", "first_name", "email", "address_string", "attribute[occurred]"):
        for fmt in ("json", "xml"):
            r = o311.post(f"/open311/v2/requests.{fmt}", data={**VALID, field: "nul\x00byte"})
            assert r.status_code == 400, r.text
            assert (field in r.json()[0]["description"]) if fmt == "json" else field.encode() in r.content
    r = o311.post("/open311/v2/requests.xml", data={**VALID, "x\x00y": "a\x1bb"})
    assert r.status_code == 400 and b"\x00" not in r.content and b"\x1b" not in r.content  # nothing echoed
    assert _counts(database) == before


def test_a_people_count_that_is_no_plain_number_is_a_400(o311: TestClient) -> None:
    for count in ("²", "9" * 5000, "-3", "١٢"):
        r = o311.post("/open311/v2/requests.json", data={**VALID, "attribute[people_count]": count})
        assert r.status_code == 400 and "people_count" in r.json()[0]["description"], r.text


def test_the_key_lookup_writes_nothing_and_last_use_is_written_once_a_minute(database: Database, world: Any) -> None:
    with database.session() as s:
        key = intake_store.create_open311_client(s, "last use")
    with database.session() as s:
        client = intake_store.open311_client_for_key(s, key)
        assert client is not None and client.last_used_at is None
        assert not s.dirty and not s.new  # the request's own transaction takes no write lock
        assert intake_store.open311_use_is_stale(client)
        intake_store.note_open311_use(s, client.id)
    with database.session() as s:
        first = s.scalar(select(Open311Client.last_used_at).where(Open311Client.name == "last use"))
        assert first is not None
        intake_store.note_open311_use(s, client.id, now=first + timedelta(seconds=30))  # within the minute
    with database.session() as s:
        row = s.scalar(select(Open311Client).where(Open311Client.name == "last use"))
        assert row is not None and row.last_used_at == first
        assert not intake_store.open311_use_is_stale(row, now=first + timedelta(seconds=30))
        later = first + timedelta(minutes=2)
        assert intake_store.open311_use_is_stale(row, now=later)
        intake_store.note_open311_use(s, row.id, now=later)
    with database.session() as s:
        assert s.scalar(select(Open311Client.last_used_at).where(Open311Client.name == "last use")) == later


class _WriteLock:
    """Another connection holding the lock a report insert needs (SQLite: the write lock;
    PostgreSQL: an EXCLUSIVE lock on the reports table, which still lets readers in)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.sqlite: sqlite3.Connection | None = None
        self.pg: Any = None

    def __enter__(self) -> _WriteLock:
        if self.database.backend == "sqlite":
            assert self.database.sqlite_path is not None
            self.sqlite = sqlite3.connect(self.database.sqlite_path, isolation_level=None)
            self.sqlite.execute("BEGIN IMMEDIATE")
        else:
            self.pg = self.database.engine.connect()
            self.pg.exec_driver_sql("LOCK TABLE reports IN EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.sqlite is not None:
            self.sqlite.execute("ROLLBACK")
            self.sqlite.close()
        if self.pg is not None:
            self.pg.rollback()
            self.pg.close()


def test_a_post_waiting_on_a_database_lock_does_not_stall_the_server(
        live: str, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The post that hung the server: its database work ran on the event loop, so one post
    waiting on a lock stopped every other request (and the clean-up that would free the lock)."""
    reached = threading.Event()
    real_limit = open311_routes.limit

    def limit(*args: Any, **kwargs: Any) -> Any:
        reached.set()  # from here the post writes (its rate-limit count, then the report): it waits on the lock
        return real_limit(*args, **kwargs)

    monkeypatch.setattr(open311_routes, "limit", limit)
    requests_url = f"{live}/open311/v2/requests.json"
    answers: dict[str, Any] = {}

    def post() -> None:
        try:
            answers["post"] = httpx.post(requests_url, data=VALID, timeout=60)
        except httpx.HTTPError as exc:  # pragma: no cover - reported by the assertion below
            answers["post"] = exc

    with _WriteLock(database):
        poster = threading.Thread(target=post)
        poster.start()
        assert reached.wait(30), "the post never got to writing"
        try:  # a stalled server answers neither for as long as the lock is held
            health = httpx.get(f"{live}/healthz", timeout=5).status_code
            refused = httpx.post(requests_url, data={**VALID, "service_code": ""}, timeout=5).status_code
        except httpx.TimeoutException:
            health = refused = 0
    poster.join(60)
    assert (health, refused) == (200, 400), "the server stopped answering while a post waited on a lock"
    post_answer = answers["post"]
    assert isinstance(post_answer, httpx.Response) and post_answer.status_code == 200, post_answer


def test_a_value_the_database_cannot_hold_is_a_400_in_the_open311_shape(o311: TestClient) -> None:
    """A NUL in a query filter is refused as GeoReport's 400, in XML and JSON, not as 422 or 500."""
    for fmt in ("xml", "json"):
        r = o311.get(f"/open311/v2/requests.{fmt}", params={"service_code": "a\x00b"})
        assert r.status_code == 400, r.text
        assert ("<code>400</code>" in r.text) if fmt == "xml" else r.json()[0]["code"] == 400
