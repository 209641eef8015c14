"""Fixtures for the lägesbild: the small test municipality with a known history of reports."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import World
from tests.lagesbild.seed import History, seed_history
from trygg.lagesbild.service import clear_cache
from trygg.storage.database import Database

TODAY = date(2025, 3, 12)  # a Wednesday; the cluster sits in the week of 3–9 March 2025


@pytest.fixture
def history(database: Database, world: World) -> History:
    """The seeded world plus about 1,300 background reports, a planted cluster and near repeats."""
    clear_cache()
    return seed_history(database, world, end=TODAY)
