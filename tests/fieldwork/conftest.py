"""Fixtures for field-work tests: the seeded world plus a walk planned by the coordinator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from tests.factories import World
from trygg.storage.database import Database
from trygg.storage.schema import User
from trygg.storage.schema.fieldwork import SafetyWalk

ROUTE = {"type": "LineString", "coordinates": [[12.262, 58.285], [12.27, 58.286], [12.278, 58.285]]}


@pytest.fixture
def session(database: Database, world: World) -> Iterator[Session]:
    """A session on the seeded world (committed by the test where needed)."""
    s = database.new_session()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def user_of(session: Session, world: World) -> Callable[[str], User]:
    """user_of(username) → the seeded User in this session."""

    def _user(name: str) -> User:
        user = session.get(User, world.user_ids[name])
        assert user is not None
        return user

    return _user


@pytest.fixture
def walk(session: Session, user_of: Callable[[str], User], world: World) -> SafetyWalk:
    """A walk in Centrum organised by the municipality with the housing company taking part."""
    from trygg.fieldwork.walks import plan_walk

    return plan_walk(session, user_of("samordnare"), title="Trygghetsrond Centrum",
                     planned_for=datetime(2024, 5, 3, 19, 0, tzinfo=UTC), route=ROUTE,
                     organisation_ids=[world.org_ids["bostad"]], resident_groups=["Hyresgästföreningen"])
