"""Sign-ins in the audit trail: every attempt (each step), sign-out and expiry, with address and user
agent, never a password; searchable and exported by administrators; the chain stays whole."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from tests.access.conftest import csrf_client, next_code, refresh_csrf, sign_in_on
from tests.factories import World, password_of
from trygg.cli import app as cli_app
from trygg.domain import clock
from trygg.storage import audit
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, User, WebSession
from trygg.web import signin_audit
from trygg.web.account import auth as auth_routes

WRONG = "wrong-password-Xq7"


def _post_login(c: TestClient, username: str, password: str | None = None) -> httpx.Response:
    return _renewing(c, "/login", {"username": username, "password": password or password_of(username), "next": "/"})


def _renewing(c: TestClient, path: str, data: dict[str, str] | None = None) -> httpx.Response:
    """POST, then send the token the answer set: signing in and out renews it."""
    r = c.post(path, data=data, follow_redirects=False)
    refresh_csrf(c)
    return r


def _signins(database: Database) -> list[tuple[str, int | None, dict[str, Any]]]:
    with database.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action.in_(audit.SIGNIN_ACTIONS))
                         .order_by(AuditEntry.id))
        return [(e.action, e.user_id, dict(e.detail or {})) for e in rows]


def _everything(database: Database) -> str:
    with database.session() as s:
        return json.dumps([(e.action, e.object_id, e.detail) for e in s.scalars(select(AuditEntry))],
                          ensure_ascii=False)


def test_password_step_failures_success_and_sign_out_are_audited(totp_app: FastAPI, database: Database,
                                                                 access_world: World) -> None:
    c = csrf_client(totp_app)
    assert _post_login(c, "nobody", WRONG).status_code == 401
    assert _post_login(c, "kc", WRONG).status_code == 401
    assert _post_login(c, "kc").status_code == 303
    assert _renewing(c, "/logout").status_code == 303
    assert _renewing(c, "/logout").status_code == 303  # no session any more: nothing to log
    kc = access_world.user_ids["kc"]
    events = _signins(database)
    assert [(a, u, d.get("reason") or d.get("next")) for a, u, d in events] == [
        ("login_failed", None, "unknown_user"), ("login_failed", kc, "wrong_password"),
        ("login", kc, "signed_in"), ("logout", kc, None)]
    assert events[0][2]["username"] == "nobody"
    for _action, _user, detail in events:
        assert detail["ip"] == "testclient" and detail["user_agent"] == "testclient"
    text = _everything(database)
    assert WRONG not in text and password_of("kc") not in text, "a password is never written"


def test_the_second_factor_steps_are_audited(totp_app: FastAPI, database: Database, access_world: World) -> None:
    sign_in_on(totp_app, "admin").close()  # enrols during the sign-in
    c = csrf_client(totp_app)
    _post_login(c, "admin")
    assert c.post("/login/totp", data={"code": "000000", "next": "/"}).status_code == 401
    r = c.post("/login/totp", data={"code": next_code(database, "admin"), "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    admin = access_world.user_ids["admin"]
    assert [(a, u, d.get("reason") or d.get("next")) for a, u, d in _signins(database)] == [
        ("login", admin, "totp_enrol"), ("login_totp", admin, None),
        ("login", admin, "totp"), ("login_totp_failed", admin, "wrong_code"), ("login_totp", admin, None)]


def test_a_wrong_code_while_enrolling_at_sign_in_is_audited(totp_app: FastAPI, database: Database) -> None:
    c = csrf_client(totp_app)
    _post_login(c, "signatar")
    c.get("/account/totp")
    assert c.post("/account/totp", data={"code": "000000", "next": "/"}).status_code == 422
    assert [(a, d.get("reason")) for a, _u, d in _signins(database)][-1] == ("login_totp_failed", "enrol_code")


def test_attempts_on_a_locked_or_deactivated_account_are_audited(totp_app: FastAPI, database: Database,
                                                                  access_world: World) -> None:
    c = csrf_client(totp_app)
    for _ in range(5):
        _post_login(c, "lasare", WRONG)
    assert _post_login(c, "lasare").status_code == 423
    reasons = [d["reason"] for a, _u, d in _signins(database) if a == "login_failed"]
    assert reasons == ["wrong_password"] * 5 + ["locked"]
    with database.session() as s:
        assert audit.count(s, audit.AuditQuery(action="lock")) == 1, "the lock itself is still its own entry"
        s.execute(update(User).where(User.username == "kc").values(active=False))
    assert _post_login(c, "kc").status_code == 401
    assert _signins(database)[-1][2]["reason"] == "inactive"


@pytest.mark.parametrize("field,age,reason", [("last_seen_at", timedelta(minutes=31), "idle"),
                                              ("created_at", timedelta(hours=12, minutes=1), "absolute")])
def test_an_expired_session_is_audited_when_it_comes_back(field: str, age: timedelta, reason: str,
                                                          sign_in: Callable[[str], TestClient],
                                                          database: Database, access_world: World) -> None:
    c = sign_in("samordnare")
    with database.session() as s:
        s.execute(update(WebSession).values({field: clock.now() - age}))
    assert c.get("/api/v1/me").status_code == 401
    assert c.get("/api/v1/me").status_code == 401  # the session is gone: expired once, not twice
    expired = [(u, d["reason"]) for a, u, d in _signins(database) if a == "session_expired"]
    assert expired == [(access_world.user_ids["samordnare"], reason)]


def test_unknown_usernames_are_cut_and_odd_ones_withheld(totp_app: FastAPI, database: Database) -> None:
    long_ua = "Mozilla/5.0 " + "x" * 1000
    c = csrf_client(totp_app)
    c.headers["user-agent"] = long_ua
    _post_login(c, "a" * 500, WRONG)
    _post_login(c, "My secret pass!", WRONG)  # a password typed into the username field
    _post_login(c, "robert'); DROP TABLE users;--", WRONG)
    details = [d for _a, _u, d in _signins(database)]
    assert details[0]["username"] == "a" * signin_audit.USERNAME_CHARS + "…"
    assert details[1] == {"reason": "unknown_user", "username_withheld": True, "ip": "testclient",
                          "user_agent": long_ua[:signin_audit.USER_AGENT_CHARS] + "…"}
    assert details[2]["username_withheld"] is True and "username" not in details[2]
    text = _everything(database)
    assert "secret" not in text and "DROP" not in text and "a" * 41 not in text


def test_attempts_refused_by_the_rate_limit_write_nothing(totp_app: FastAPI, database: Database,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth_routes, "LOGIN_PER_MINUTE", 3)
    c = csrf_client(totp_app)
    statuses = [_post_login(c, "nobody", WRONG).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    assert len(_signins(database)) == 3


def test_administrators_search_and_export_sign_ins(sign_in: Callable[[str], TestClient], totp_app: FastAPI,
                                                   access_world: World) -> None:
    c = csrf_client(totp_app)
    _post_login(c, "kc", WRONG)
    admin = sign_in("admin")
    page = admin.get("/admin/audit?action=login_failed")
    assert page.status_code == 200
    assert "Misslyckad inloggning" in page.text and "<code>login_failed</code>" in page.text
    assert 'value="session_expired"' in page.text, "sign-in actions are offered before the first one happened"
    assert "Sign-in failed" in admin.get("/admin/audit?action=login_failed&lang=en").text
    rows = list(csv.DictReader(io.StringIO(admin.get("/admin/audit.csv?action=login_failed").text)))
    assert len(rows) == 1 and rows[0]["user_id"] == str(access_world.user_ids["kc"])
    detail = json.loads(rows[0]["detail"])
    assert detail == {"reason": "wrong_password", "ip": "testclient", "user_agent": "testclient"}
    logins = list(csv.DictReader(io.StringIO(admin.get("/admin/audit.csv?action=login").text)))
    assert {r["user_id"] for r in logins} == {str(access_world.user_ids["admin"])}


def test_many_sign_ins_at_once_keep_the_chain_whole(totp_app: FastAPI, database: Database,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth_routes, "LOGIN_PER_MINUTE", 10_000)
    users = ["kc", "samordnare", "analytiker", "rapportor", "rapportor2", "lasare"]
    errors: list[BaseException] = []

    def worker(username: str) -> None:
        try:
            c = csrf_client(totp_app)
            for i in range(4):
                assert _post_login(c, username).status_code == 303
                assert _renewing(c, "/logout").status_code == 303
                assert _post_login(c, f"ghost-{username}-{i}", WRONG).status_code == 401
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(_signins(database)) == len(users) * 4 * 3
    with database.session() as s:
        check = audit.verify_chain(s)
    assert check.ok, check
    result = CliRunner().invoke(cli_app, ["audit", "verify", "--db", database.url])
    assert result.exit_code == 0, result.output
