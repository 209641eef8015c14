"""Public reads publish what is due first — once per month boundary per process — and a busy or
racing publisher never turns a public read into an error."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from tests.factories import World
from trygg.storage.database import Database
from trygg.storage.schema import Publication
from trygg.web import public_data


def _published(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Publication.id))) or 0)


def test_the_first_public_read_publishes_and_the_check_waits_for_the_next_month(
        client: TestClient, app: Any, database: Database, world: World) -> None:
    assert _published(database) == 0
    assert client.get("/api/v1/public/groups").status_code == 200
    first = _published(database)
    assert first > 0 and app.state.publication_next_check is not None
    with database.session() as s:
        s.execute(delete(Publication))
    client.get("/api/v1/public/groups")
    assert _published(database) == 0  # not checked again before the next month is due
    app.state.publication_next_check = None
    client.get("/public")
    assert _published(database) == first


@pytest.mark.parametrize("error", [IntegrityError("INSERT", {}, Exception("unique")),
                                   OperationalError("INSERT", {}, Exception("database is locked"))])
def test_a_racing_or_busy_publisher_does_not_break_a_public_read(client: TestClient, world: World,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  error: Exception) -> None:
    def fail(*args: Any, **kwargs: Any) -> list[Publication]:
        raise error

    monkeypatch.setattr(public_data, "publish_due_months", fail)
    r = client.get("/api/v1/public/groups")
    assert r.status_code == 200 and r.json()["years"] == []
