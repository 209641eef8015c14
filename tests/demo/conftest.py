"""Fixtures for the demo: the drawn geography, the simulated events, and one full demo database.

Building the demo takes about ten seconds (mostly hashing 51 passwords with argon2id), so the
database is built once per test session and shared read-only by every test that needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from trygg.demo.builder import DemoSummary
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
def demo(demo_db_file: Path) -> Iterator[BuiltDemo]:
    """The demo database built once per run (`demo_db_file` in tests/conftest.py); do not write to it."""
    from tests.conftest import demo_build_info

    summary, stages = demo_build_info(demo_db_file)
    assert isinstance(summary, DemoSummary)
    db = Database(str(demo_db_file))
    yield BuiltDemo(db, summary, stages)
    db.dispose()
