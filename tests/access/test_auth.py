"""Sign-in behaviour: cookies, idle and absolute timeouts, lockout, the login rate limit, CSRF,
and the TOTP second factor required for administrators and signatories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.access.conftest import csrf_client, make_app, next_code, refresh_csrf, sign_in_on
from tests.factories import World, password_of
from trygg.config import Settings
from trygg.domain import clock
from trygg.storage import audit
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.schema import User, WebSession
from trygg.web.account import auth as auth_routes


def _post_login(c: TestClient, username: str, password: str | None = None) -> httpx.Response:
    r = c.post("/login", data={"username": username, "password": password or password_of(username), "next": "/"},
               follow_redirects=False)
    refresh_csrf(c)  # a sign-in renews the token
    return r


def test_session_cookie_flags(totp_app: FastAPI) -> None:
    c = csrf_client(totp_app)
    r = _post_login(c, "samordnare")
    cookie = r.headers["set-cookie"]
    assert "trygg_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie


def test_secure_cookies_setting_marks_the_session_cookie_secure(database: Database, settings: Settings,
                                                                 access_world: World) -> None:
    app = make_app(database, settings, secure_cookies=True)
    c = TestClient(app, base_url="https://testserver")
    c.get("/login")
    c.headers["X-CSRF-Token"] = c.cookies.get("trygg_csrf") or ""
    r = _post_login(c, "samordnare")
    assert "Secure" in r.headers["set-cookie"]


@pytest.mark.parametrize("field,age", [("last_seen_at", timedelta(minutes=31)),
                                       ("created_at", timedelta(hours=12, minutes=1))])
def test_session_ends_after_idle_or_absolute_timeout(field: str, age: timedelta, sign_in: Callable[[str], TestClient],
                                                     database: Database) -> None:
    c = sign_in("samordnare")
    assert c.get("/api/v1/me").status_code == 200
    with database.session() as s:
        s.execute(update(WebSession).values({field: clock.now() - age}))
    assert c.get("/api/v1/me").status_code == 401
    with database.session() as s:
        assert s.query(WebSession).count() == 0, "the expired session is deleted"


def test_session_survives_within_the_idle_timeout(sign_in: Callable[[str], TestClient], database: Database) -> None:
    c = sign_in("samordnare")
    with database.session() as s:
        s.execute(update(WebSession).values(last_seen_at=clock.now() - timedelta(minutes=29)))
    assert c.get("/api/v1/me").status_code == 200


def test_five_failures_lock_the_account_with_a_clear_message(totp_app: FastAPI, database: Database,
                                                             access_world: World) -> None:
    c = csrf_client(totp_app)
    for _ in range(4):
        assert _post_login(c, "rapportor", "wrong-password").status_code == 401
    r = _post_login(c, "rapportor", "wrong-password")
    assert r.status_code == 423 and "låst" in r.text
    assert _post_login(c, "rapportor").status_code == 423, "even the right password waits"
    with database.session() as s:
        entries = audit.search(s, audit.AuditQuery(action="lock"))
        assert [e.object_id for e in entries] == [str(access_world.user_ids["rapportor"])]
        s.execute(update(User).where(User.username == "rapportor")
                  .values(locked_until=clock.now() - timedelta(seconds=1)))
    assert _post_login(c, "rapportor").status_code == 303


def test_an_administrator_can_unlock_an_account(totp_app: FastAPI, sign_in: Callable[[str], TestClient],
                                                access_world: World) -> None:
    c = csrf_client(totp_app)
    for _ in range(5):
        _post_login(c, "lasare", "wrong-password")
    assert _post_login(c, "lasare").status_code == 423
    admin = sign_in("admin")
    r = admin.post(f"/admin/users/{access_world.user_ids['lasare']}/unlock", follow_redirects=False)
    assert r.status_code == 303
    assert _post_login(c, "lasare").status_code == 303


def test_login_is_rate_limited_per_address(totp_app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth_routes, "LOGIN_PER_MINUTE", 3)
    c = csrf_client(totp_app)
    for _ in range(3):
        assert _post_login(c, "nobody", "x").status_code == 401
    r = _post_login(c, "nobody", "x")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


def test_unknown_user_and_wrong_password_look_the_same(totp_app: FastAPI) -> None:
    c = csrf_client(totp_app)
    a, b = _post_login(c, "nobody", "x"), _post_login(c, "kc", "x")
    assert a.status_code == b.status_code == 401
    assert "Fel användarnamn eller lösenord" in a.text and "Fel användarnamn eller lösenord" in b.text


def test_forms_without_a_matching_csrf_token_are_refused(sign_in: Callable[[str], TestClient],
                                                         access_world: World) -> None:
    c = sign_in("admin")
    target = f"/admin/users/{access_world.user_ids['lasare']}/unlock"
    del c.headers["X-CSRF-Token"]
    assert c.post(target).json()["error"]["code"] == "csrf_failed"
    r = c.post(target, data={"csrf_token": "forged"})
    assert r.status_code == 403
    r = c.post("/account/password", data={"csrf_token": "forged", "current_password": "x"})
    assert r.status_code == 403


# --------------------------------------------------------------------------- TOTP


@pytest.mark.parametrize("username", ["admin", "signatar"])
def test_admin_and_signatory_must_enrol_before_anything_else(username: str, totp_app: FastAPI,
                                                             database: Database) -> None:
    c = csrf_client(totp_app)
    r = _post_login(c, username)
    assert r.status_code == 303 and r.headers["location"].startswith("/account/totp")
    assert c.get("/api/v1/me").status_code == 401, "the password alone signs in for nothing"
    assert c.get("/").status_code == 200 and "Logga ut" not in c.get("/").text
    page = c.get("/account/totp")
    assert page.status_code == 200 and "<svg" in page.text, "the QR code is drawn on the server"
    assert c.post("/account/totp", data={"code": "000000", "next": "/"}).status_code == 422
    before = c.cookies.get("trygg_session")
    r = c.post("/account/totp", data={"code": next_code(database, username), "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    assert c.cookies.get("trygg_session") != before, "a new session token after the second factor"
    assert c.get("/api/v1/me").json()["username"] == username


def test_enrolled_users_give_a_code_once_per_login(totp_app: FastAPI, database: Database) -> None:
    sign_in_on(totp_app, "admin").close()  # enrols
    c = csrf_client(totp_app)
    r = _post_login(c, "admin")
    assert r.headers["location"].startswith("/login/totp")
    assert c.get("/login/totp").status_code == 200
    assert c.get("/admin/users").status_code == 401
    assert c.post("/login/totp", data={"code": "123456", "next": "/"}).status_code == 401
    code = next_code(database, "admin")
    assert c.post("/login/totp", data={"code": code, "next": "/admin/users"}, follow_redirects=False).status_code == 303
    assert c.get("/admin/users").status_code == 200
    other = csrf_client(totp_app)
    _post_login(other, "admin")
    assert other.post("/login/totp", data={"code": code, "next": "/"}).status_code == 401, "no replay"


def test_five_wrong_codes_lock_the_account(totp_app: FastAPI) -> None:
    sign_in_on(totp_app, "signatar").close()
    c = csrf_client(totp_app)
    _post_login(c, "signatar")
    statuses = [c.post("/login/totp", data={"code": "000000"}).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 423]


def test_other_roles_may_choose_totp_and_are_then_asked(totp_app: FastAPI, database: Database) -> None:
    c = sign_in_on(totp_app, "rapportor")
    assert c.get("/account/totp").status_code == 200
    r = c.post("/account/totp", data={"code": next_code(database, "rapportor"), "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    again = csrf_client(totp_app)
    assert _post_login(again, "rapportor").headers["location"].startswith("/login/totp")


def test_require_totp_off_lets_administrators_in_with_the_password(database: Database, settings: Settings,
                                                                   access_world: World) -> None:
    for values in ({"require_totp": False}, {"require_totp": True, "demo": True}):
        app = make_app(database, settings, **values)
        c = csrf_client(app)
        r = _post_login(c, "admin")
        assert r.status_code == 303 and r.headers["location"] == "/", values
        assert c.get("/api/v1/me").status_code == 200


def test_an_admin_reset_of_totp_ends_the_users_sessions(sign_in: Callable[[str], TestClient],
                                                         access_world: World) -> None:
    victim = sign_in("signatar")
    admin = sign_in("admin")
    assert admin.post(f"/admin/users/{access_world.user_ids['signatar']}/reset-totp",
                      follow_redirects=False).status_code == 303
    assert victim.get("/api/v1/me").status_code == 401


# --------------------------------------------------------------------------- password and headers


def test_password_change_needs_the_current_password(sign_in: Callable[[str], TestClient], totp_app: FastAPI) -> None:
    c = sign_in("kc")
    bad = c.post("/account/password", data={"current_password": "nope", "new_password": "new-password-1",
                                            "repeat_password": "new-password-1"})
    assert bad.status_code == 422
    ok = c.post("/account/password", data={"current_password": password_of("kc"), "new_password": "new-password-1",
                                           "repeat_password": "new-password-1"}, follow_redirects=False)
    assert ok.status_code == 303 and c.get("/api/v1/me").status_code == 200
    fresh = csrf_client(totp_app)
    assert _post_login(fresh, "kc").status_code == 401
    assert _post_login(fresh, "kc", "new-password-1").status_code == 303


def test_security_headers_on_pages_and_api(client: TestClient) -> None:
    for path in ("/", "/public", "/api/v1/public/groups", "/login"):
        h = client.get(path).headers
        assert "default-src 'self'" in h["content-security-policy"]
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "'unsafe-inline'" not in h["content-security-policy"].split("script-src")[1].split(";")[0]
        assert h["x-frame-options"] == "DENY"
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "same-origin"


def test_tokens_are_stored_hashed_and_revocation_is_immediate(bearer: Callable[[str], TestClient],
                                                              database: Database) -> None:
    c = bearer("analytiker")
    token = c.headers["Authorization"].split()[1]
    assert c.get("/api/v1/me").status_code == 200
    with database.session() as s:
        row = user_store.token_row(s, token)
        assert row is not None and token not in (row.token_hash, row.prefix)
        user_store.revoke_token(s, row.id)
    assert c.get("/api/v1/me").status_code == 401
