"""One-time set-password links: once, until expiry, the newest only; the token itself is never stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import seed_world
from trygg.domain import clock
from trygg.errors import ValidationError
from trygg.storage import invitations
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.schema.golive import PasswordLink


def _invited(database: Database) -> int:
    seed_world(database)
    with database.session() as s:
        org = user_store.list_organisations(s)[0]
        return user_store.create_user(s, "ny", None, "viewer", org.id).id


def test_an_invited_user_has_no_password_until_the_link_is_used(database: Database) -> None:
    uid = _invited(database)
    with database.session() as s:
        user = s.get(user_store.User, uid)
        assert user is not None and user.password_hash == user_store.NO_PASSWORD
        assert not user_store.verify_password(user.password_hash, user_store.NO_PASSWORD)
        token = invitations.create_link(s, user)
        assert s.scalar(select(PasswordLink.token_hash)) == user_store.sha256(token)
    with database.session() as s:
        invitations.use_link(s, token, "ett-bra-ord")
    with database.session() as s, pytest.raises(ValidationError):
        invitations.use_link(s, token, "ett-annat-ord")


def test_a_newer_link_voids_the_older_and_links_expire(database: Database) -> None:
    uid = _invited(database)
    with database.session() as s:
        user = s.get(user_store.User, uid)
        assert user is not None
        first = invitations.create_link(s, user)
        second = invitations.create_link(s, user)
        assert invitations.link_user(s, first) is None and invitations.link_user(s, second) is not None
        later = clock.now() + timedelta(days=invitations.LINK_DAYS, minutes=1)
        assert invitations.link_user(s, second, now=later) is None


def test_a_short_password_is_refused_and_the_link_stays_usable(database: Database) -> None:
    uid = _invited(database)
    with database.session() as s:
        user = s.get(user_store.User, uid)
        assert user is not None
        token = invitations.create_link(s, user)
    with database.session() as s, pytest.raises(ValidationError):
        invitations.use_link(s, token, "kort")
    with database.session() as s:
        assert invitations.link_user(s, token) is not None
