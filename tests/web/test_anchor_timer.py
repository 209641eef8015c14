"""The server writes the audit anchor to the configured path on a timer; `write_anchor` is a plain function."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from fastapi.testclient import TestClient

from trygg.config import Settings
from trygg.storage import audit
from trygg.storage.audit_anchor import read_anchor, write_anchor
from trygg.storage.database import Database
from trygg.web.app import create_app


def test_the_server_writes_an_anchor_at_start_and_on_its_timer(database: Database, settings: Settings,
                                                                 world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "anchors" / "trygg.anchor"
    app = create_app(dataclasses.replace(settings, audit_anchor_path=str(path), audit_anchor_minutes=0.002),  # type: ignore[arg-type]
                     database)
    with TestClient(app):
        deadline = time.monotonic() + 20
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        first = json.loads(path.read_text())
        with database.session() as s:
            audit.record(s, None, "update", "test", "1")
        while json.loads(path.read_text())["sequence"] == first["sequence"] and time.monotonic() < deadline:
            time.sleep(0.05)
    anchor = read_anchor(path, database.audit_key)
    assert anchor.sequence > first["sequence"]  # the timer wrote again, with the new head
    with database.session() as s:
        assert audit.verify_chain(s, anchor=anchor).ok


def test_without_a_path_no_anchor_is_written(database: Database, settings: Settings, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings, database)) as c:
        assert c.get("/").status_code == 200
    assert not list(tmp_path.rglob("*.anchor"))


def test_write_anchor_is_a_plain_callable(database: Database, tmp_path: Path) -> None:
    with database.session() as s:
        audit.record(s, None, "update", "test", "1")
    anchor = write_anchor(database, tmp_path / "x.anchor")
    assert read_anchor(tmp_path / "x.anchor", database.audit_key) == anchor
