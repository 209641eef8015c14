"""Fixtures of the reliability suite: the real server over a seeded database, on both backends.

The suite runs in a short form by default (CI) and in a long form with ``pytest --long``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import World
from tests.reliability.harness import Server, scratch_database_url
from trygg.storage import users as user_store
from trygg.storage.database import Database


@pytest.fixture
def long_run(request: pytest.FixtureRequest) -> bool:
    """True with ``pytest --long``: longer soaks, more crashes."""
    return bool(request.config.getoption("--long"))


def token_for(db: Database, username: str) -> str:
    with db.session() as s:
        user = user_store.get_user_by_name(s, username)
        assert user is not None
        return user_store.create_token(s, user, name="reliability")


@pytest.fixture
def reporter_token(database: Database, world: World) -> str:
    """An API token of the seeded partner reporter ``rapportor``."""
    return token_for(database, "rapportor")


@pytest.fixture
def server(database: Database, world: World, tmp_path: Path) -> Iterator[Server]:
    """`trygg serve` as a child process on a free port of 127.0.0.1 over the seeded `database`."""
    srv = Server(database.url, tmp_path / "server.log")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def scratch_url(database: Database, tmp_path: Path) -> Iterator[str]:
    """A database URL on the same backend that does not exist yet (dropped afterwards on PostgreSQL)."""
    with scratch_database_url(database.backend, tmp_path) as url:
        yield url
