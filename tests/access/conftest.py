"""Fixtures for the access tests: extra users and sharing rules on top of the ``world``, apps with
chosen TOTP settings, and a sign-in that completes the TOTP step like a real user would."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import World, password_hash, password_of
from trygg.config import Settings
from trygg.domain.enums import Role
from trygg.storage import access as access_store
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.schema import User, UserSecurity

# username: (role, organisation key, sensitive clearance) — added to the world's users
EXTRA_USERS = {
    "analytiker_ej": (Role.POLICE_ANALYST, "polis", False),
    "vakt_lasare": (Role.VIEWER, "vakt", False),
}
# organisation key, category, audience — exceptions to the organisations' defaults
RULES = [("polis", "violence", "none"), ("bostad", "disorder", "coordination")]


def with_settings(settings: Settings, **values: Any) -> Settings:
    """`settings` with some values changed, also for settings the lead adds later (require_totp)."""
    known = {f.name for f in dataclasses.fields(settings)}
    copy = dataclasses.replace(settings, **{k: v for k, v in values.items() if k in known})
    for key, value in values.items():
        if key not in known:
            object.__setattr__(copy, key, value)
    return copy


@pytest.fixture
def access_world(database: Database, world: World) -> World:
    """The world plus two users (an uncleared police analyst, a guard company viewer) and two
    sharing rules: police violence reports are shared with nobody, housing disorder reports only
    with coordination roles."""
    with database.session() as s:
        for username, (role, org_key, clearance) in EXTRA_USERS.items():
            u = User(username=username, password_hash=password_hash(username), role=str(role),
                     organisation_id=world.org_ids[org_key], display_name=username, sensitive_clearance=clearance)
            s.add(u)
            s.flush()
            world.user_ids[username] = u.id
        for org_key, category, audience in RULES:
            access_store.set_rule(s, world.org_ids[org_key], category, audience)
    return world


def make_app(database: Database, settings: Settings, **values: Any) -> FastAPI:
    from trygg.web.app import create_app

    return create_app(with_settings(settings, **values), database)


@pytest.fixture
def totp_app(database: Database, settings: Settings, access_world: World) -> FastAPI:
    """The app with TOTP required for administrators and signatories (the production default)."""
    return make_app(database, settings, require_totp=True, demo=False)


def next_code(db: Database, username: str) -> str:
    """A TOTP code the server has not seen yet for `username` (enrolled or enrolling)."""
    with db.session() as s:
        user = user_store.get_user_by_name(s, username)
        assert user is not None
        sec = s.get(UserSecurity, user.id)
        secret = user.totp_secret or (sec.pending_totp_secret if sec else None)
        assert secret, f"{username} has no TOTP secret"
        last = sec.totp_last_step if sec and user.totp_secret else None
    totp = pyotp.TOTP(secret)
    import time

    step = int(time.time() // totp.interval)
    if last is not None and step <= last:
        step = last + 1
    return str(totp.at(step * totp.interval))


def csrf_client(app: FastAPI) -> TestClient:
    c = TestClient(app)
    c.get("/login")
    refresh_csrf(c)
    return c


def refresh_csrf(c: TestClient) -> None:
    """Send the current token: it is tied to the session and renewed at each sign-in step."""
    c.headers["X-CSRF-Token"] = c.cookies.get("trygg_csrf") or ""


def sign_in_on(app: FastAPI, username: str) -> TestClient:
    """A client fully signed in as `username`, enrolling or giving a TOTP code when asked."""
    db: Database = app.state.db
    c = csrf_client(app)
    r = c.post("/login", data={"username": username, "password": password_of(username), "next": "/"},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    refresh_csrf(c)
    location = r.headers["location"]
    if location.startswith("/account/totp"):
        c.get(location)  # creates the pending secret
        r = c.post("/account/totp", data={"code": next_code(db, username), "next": "/"}, follow_redirects=False)
        assert r.status_code == 303, r.text
    elif location.startswith("/login/totp"):
        r = c.post("/login/totp", data={"code": next_code(db, username), "next": "/"}, follow_redirects=False)
        assert r.status_code == 303, r.text
    refresh_csrf(c)
    return c


@pytest.fixture
def sign_in(totp_app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    """sign_in(username) → a TestClient fully signed in on `totp_app` (TOTP done when needed)."""
    clients: list[TestClient] = []

    def _sign_in(username: str) -> TestClient:
        c = sign_in_on(totp_app, username)
        clients.append(c)
        return c

    yield _sign_in
    for c in clients:
        c.close()


@pytest.fixture
def bearer(totp_app: FastAPI) -> Callable[[str], TestClient]:
    """bearer(username) → a TestClient sending a fresh API token of that user."""
    db: Database = totp_app.state.db

    def _bearer(username: str) -> TestClient:
        with db.session() as s:
            user = user_store.get_user_by_name(s, username)
            assert user is not None
            token = user_store.create_token(s, user, name="test")
        return TestClient(totp_app, headers={"Authorization": f"Bearer {token}"})

    return _bearer
