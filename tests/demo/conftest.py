"""Fixtures for the demo: the drawn geography, the simulated events, and one full demo database.

Building the demo takes about ten seconds (mostly hashing 51 passwords with argon2id), so the
database is built once per test session and shared read-only by every test that needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from trygg.demo.builder import DemoSummary, build_demo
from trygg.demo.geography import DemoGeography, build_geography
from trygg.demo.simulate import SimulatedEvents, simulate_events
from trygg.storage.database import Database


@pytest.fixture(scope="session")
def geography() -> DemoGeography:
    """The demo's municipality, RegSO and DeSO drawn with the default seed."""
    return build_geography(2022)


@pytest.fixture(scope="session")
def events(geography: DemoGeography) -> SimulatedEvents:
    """The simulated report events of the default seed (pure NumPy, no database)."""
    return simulate_events(geography, 2022)


@dataclass(frozen=True)
class BuiltDemo:
    db: Database
    summary: DemoSummary
    stages: tuple[tuple[str, int, int], ...]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltDemo]:
    """A real SQLite file with the whole demo, built once per session; do not write to it."""
    db = Database(str(tmp_path_factory.mktemp("demo") / "demo.db"))
    db.upgrade()
    stages: list[tuple[str, int, int]] = []
    summary = build_demo(db, seed=2022, progress=lambda stage, done, total: stages.append((stage, done, total)))
    yield BuiltDemo(db, summary, tuple(stages))
    db.dispose()
