"""Every path that sends sensitive details records exactly what was sent (issue 16, item 4)."""

from __future__ import annotations

import contextlib
import csv
import io
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import pytest
from sqlalchemy import select

from tests.factories import AREA_BOXES, World
from trygg.domain.geo import to_sweref
from trygg.reports import csv_stream
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.reports import insert_report
from trygg.storage.schema import AuditEntry

BASE = datetime(2024, 5, 3, 22, 0, tzinfo=UTC)
PERIOD = "start=2024-04-01&end=2024-05-31"
HTML = {"Accept": "text/html"}


@pytest.fixture
def youth(database: Database, world: World) -> list[int]:
    """40 reports of the sensitive category youth in Kronogården, at exact places."""
    ids = []
    box = AREA_BOXES["T002"][2]
    with database.session() as s:
        for i in range(40):
            lon, lat = box[0] + 0.0004 * (i + 1), box[1] + 0.0002 * (i + 1)
            x, y = to_sweref(lon, lat)
            ids.append(insert_report(s, category="youth", description=f"Ungdomar {i}", lon=lon, lat=lat, x=x, y=y,
                                     precision="exact", area_id=world.area_ids["T002"],
                                     occurred_from=BASE - timedelta(hours=i), organisation_id=world.org_ids["polis"],
                                     reporter_id=world.user_ids["analytiker"], source="est", status="received").id)
    return ids


def reads(database: Database, user_id: int) -> list[tuple[int, str]]:
    with database.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "read_sensitive", AuditEntry.user_id == user_id)
                         .order_by(AuditEntry.id))
        return [(int(e.object_id), (e.detail or {}).get("via", "")) for e in rows]


def test_the_lagesbild_csv_export_records_every_sensitive_row(login, database: Database, world: World,  # type: ignore[no-untyped-def]
                                                               youth: list[int]) -> None:
    r = login("samordnare").get(f"/lagesbild/export.csv?category=youth&{PERIOD}", headers=HTML)
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert sorted(int(row["id"]) for row in rows) == sorted(youth)
    logged = reads(database, world.user_ids["samordnare"])
    assert sorted(i for i, _ in logged) == sorted(youth)
    assert {via for _, via in logged} == {"lagesbild/export.csv"}


def test_the_lagesbild_geojson_export_records_every_sensitive_feature(login, database: Database, world: World,  # type: ignore[no-untyped-def]
                                                                       youth: list[int]) -> None:
    r = login("samordnare").get(f"/lagesbild/export.geojson?category=youth&{PERIOD}", headers=HTML)
    assert r.status_code == 200
    sent = sorted(f["id"] for f in r.json()["features"])
    assert sent == sorted(youth)
    assert sorted(i for i, _ in reads(database, world.user_ids["samordnare"])) == sent


def test_the_points_api_records_the_sensitive_points_it_sends(api, database: Database, world: World,  # type: ignore[no-untyped-def]
                                                               youth: list[int]) -> None:
    r = api("analytiker").get(f"/api/v1/lagesbild/points.geojson?category=youth&{PERIOD}")
    assert r.status_code == 200
    sent = sorted(f["id"] for f in r.json()["features"])
    assert sent == sorted(youth)
    logged = reads(database, world.user_ids["analytiker"])
    assert sorted(i for i, _ in logged) == sent and {v for _, v in logged} == {"api/v1/lagesbild/points.geojson"}
    r = api("analytiker").get(f"/api/v1/lagesbild/points.geojson?category=vandalism&{PERIOD}")
    assert r.status_code == 200 and len(reads(database, world.user_ids["analytiker"])) == len(sent)  # not sensitive


def test_a_complete_reports_csv_records_every_sensitive_row(api, database: Database, world: World,  # type: ignore[no-untyped-def]
                                                             youth: list[int]) -> None:
    r = api("analytiker").get("/api/v1/reports.csv")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    sensitive = sorted(int(row["id"]) for row in rows if row["category"] in ("youth", "sexual_harassment"))
    assert set(youth) <= set(sensitive)
    assert sorted(i for i, _ in reads(database, world.user_ids["analytiker"])) == sensitive


async def _cut_off(app: Any, path: str, token: str, after_chunks: int, how: str) -> list[bytes]:
    """GET `path` as an ASGI client that stops after `after_chunks` body chunks; returns what it got."""
    got: list[bytes] = []
    stop = anyio.Event()

    async def receive() -> dict[str, Any]:
        if how == "disconnect":
            await stop.wait()
            return {"type": "http.disconnect"}
        await anyio.sleep_forever()
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        if message["type"] != "http.response.body":
            return
        if len(got) >= after_chunks:
            if how == "oserror":
                raise OSError("the client went away")
            stop.set()
            await anyio.sleep_forever()  # a blocked socket: the disconnect cancels the stream
        got.append(message.get("body", b""))

    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4" if how == "oserror" else "2.3"},
             "http_version": "1.1", "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "headers": [(b"host", b"testserver"), (b"authorization", f"Bearer {token}".encode())]}
    with contextlib.suppress(Exception):  # the server side of a client that went away
        await app(scope, receive, send)
    return got


@pytest.mark.parametrize("how", ["oserror", "disconnect"])
def test_a_reports_csv_cut_off_by_the_client_records_only_the_rows_sent(app, database: Database, world: World,  # type: ignore[no-untyped-def]
                                                                         youth: list[int], how: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_stream, "CHUNK_CHARS", 600)  # a few rows per chunk
    with database.session() as s:
        user = user_store.get_user_by_name(s, "analytiker")
        assert user is not None
        token = user_store.create_token(s, user, name="cut")
    got: list[bytes] = []
    # A thread of its own: anyio.run needs a thread without a running event loop.
    worker = threading.Thread(target=lambda: got.extend(anyio.run(_cut_off, app, "/api/v1/reports.csv", token, 4,
                                                                  how)))
    worker.start()
    worker.join(timeout=120)
    text = b"".join(got).decode("utf-8-sig")
    received = list(csv.reader(io.StringIO(text)))[1:]
    sent_sensitive = sorted(int(row[0]) for row in received if row[2] in ("youth", "sexual_harassment"))
    assert 0 < len(sent_sensitive) < len(youth)  # cut off part-way
    assert sorted(i for i, _ in reads(database, world.user_ids["analytiker"])) == sent_sensitive


def test_the_streams_answer_422_before_anything_is_logged(api, database: Database, world: World) -> None:  # type: ignore[no-untyped-def]
    r = api("analytiker").get("/api/v1/reports.csv?start=yesterday")
    assert r.status_code == 422
    assert reads(database, world.user_ids["analytiker"]) == []
