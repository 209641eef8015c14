"""Sessions and requests (issue 16, item 8): CSRF tied to the session, Secure cookies by default,
X-Forwarded-For only from trusted proxies, and sign-in timing that does not reveal usernames."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.conftest import make_app, refresh_csrf
from tests.factories import World, password_of
from trygg.config import Settings
from trygg.storage import users as user_store
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry, User
from trygg.web import csrf as csrf_module
from trygg.web.proxies import forwarded_client


def _login(c: TestClient, username: str, password: str | None = None, **headers: str) -> Any:
    r = c.post("/login", data={"username": username, "password": password or password_of(username), "next": "/"},
               headers=headers, follow_redirects=False)
    refresh_csrf(c)
    return r


def _fresh(app: FastAPI, **kwargs: Any) -> TestClient:
    c = TestClient(app, **kwargs)
    c.get("/login")
    refresh_csrf(c)
    return c


# --------------------------------------------------------------------------- CSRF


def test_the_token_is_renewed_at_sign_in_and_the_old_one_refused(app: FastAPI, world: World) -> None:
    c = _fresh(app)
    before = c.cookies.get("trygg_csrf")
    assert _login(c, "samordnare").status_code == 303
    after = c.cookies.get("trygg_csrf")
    assert after and after != before
    assert c.post("/logout", headers={"X-CSRF-Token": before or ""}).status_code == 403
    assert c.post("/logout", follow_redirects=False).status_code == 303  # the new one works


def test_a_planted_cookie_and_field_pair_is_refused_in_a_signed_in_session(app: FastAPI, world: World) -> None:
    attacker = _fresh(app)
    planted = attacker.cookies.get("trygg_csrf") or ""  # a real token, made for the attacker's own browser
    victim = _fresh(app)
    assert _login(victim, "samordnare").status_code == 303
    victim.cookies.set("trygg_csrf", planted)
    for token in (planted, "x.y", "forged"):
        victim.cookies.set("trygg_csrf", token)
        r = victim.post("/account/password", data={"csrf_token": token, "current_password": "x"},
                        headers={"X-CSRF-Token": token})
        assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed", token


def test_an_anonymous_form_needs_a_token_the_server_made_and_the_matching_cookie(app: FastAPI, world: World) -> None:
    c = TestClient(app)
    c.cookies.set("trygg_csrf", "made.up")
    assert c.post("/login", data={"username": "x", "password": "y", "csrf_token": "made.up"}).status_code == 403
    other = _fresh(app).cookies.get("trygg_csrf") or ""  # valid, but another browser's
    c = TestClient(app)
    c.get("/login")
    assert c.post("/login", data={"username": "x", "password": "y", "csrf_token": other}).status_code == 403
    own = c.cookies.get("trygg_csrf") or ""
    assert c.post("/login", data={"username": "x", "password": "y", "csrf_token": own}).status_code == 401
    assert csrf_module.valid_token("k", csrf_module.new_token("k", "s1"), "s1")
    assert not csrf_module.valid_token("k", csrf_module.new_token("k", "s1"), "s2")
    assert not csrf_module.valid_token("k", csrf_module.new_token("k", ""), "s1")


def test_signing_out_gives_an_anonymous_token(app: FastAPI, world: World) -> None:
    c = _fresh(app)
    _login(c, "samordnare")
    signed_in = c.cookies.get("trygg_csrf")
    r = c.post("/logout", follow_redirects=False)
    assert r.status_code == 303
    assert c.cookies.get("trygg_csrf") not in (None, signed_in)


# --------------------------------------------------------------------------- Secure cookies


def _set_cookies(r: Any) -> list[str]:
    return r.headers.get_list("set-cookie")


def test_cookies_are_secure_by_default(database: Database, settings: Settings, world: World) -> None:
    assert Settings().cookies_secure and not Settings(demo=True).cookies_secure
    assert Settings(demo=True, secure_cookies="true").cookies_secure
    assert not Settings(secure_cookies="false").cookies_secure
    app = make_app(database, settings, secure_cookies="auto", demo=False)
    c = TestClient(app, base_url="https://testserver")
    first = c.get("/login?lang=en")
    cookies = _set_cookies(first)
    assert {v.split("=", 1)[0] for v in cookies} == {"trygg_csrf", "trygg_lang"}
    assert all("; Secure" in v for v in cookies), cookies
    refresh_csrf(c)
    r = _login(c, "samordnare")
    assert r.status_code == 303 and all("; Secure" in v for v in _set_cookies(r))


def test_the_plain_http_demo_sets_no_secure_flag(database: Database, settings: Settings, world: World,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGG_DEMO", "1")
    monkeypatch.delenv("TRYGG_SECURE_COOKIES", raising=False)
    demo = Settings.from_env(database_url=database.url, secret_key="s", require_totp=False)
    assert demo.demo and not demo.cookies_secure
    c = TestClient(make_app(database, demo))  # http://testserver
    assert not any("Secure" in v for v in _set_cookies(c.get("/login")))
    refresh_csrf(c)
    assert _login(c, "samordnare").status_code == 303
    assert c.get("/account").status_code == 200  # the session cookie came back over plain http


def test_a_bad_secure_cookies_value_is_refused() -> None:
    from trygg.errors import ConfigError

    with pytest.raises(ConfigError, match="TRYGG_SECURE_COOKIES"):
        Settings(secure_cookies="sometimes").validate()


# --------------------------------------------------------------------------- X-Forwarded-For


def _last_failed_ip(database: Database) -> str:
    with database.session() as s:
        e = s.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed").order_by(AuditEntry.id.desc())
                      .limit(1)).one()
        return str((e.detail or {})["ip"])


def test_x_forwarded_for_is_ignored_unless_from_a_trusted_proxy(database: Database, settings: Settings,
                                                                world: World) -> None:
    plain = make_app(database, settings)
    _login(_fresh(plain, client=("127.0.0.1", 5000)), "nobody", "x", **{"X-Forwarded-For": "203.0.113.9"})
    assert _last_failed_ip(database) == "127.0.0.1", "a local connection is not a proxy unless configured"

    proxied = make_app(database, settings, trusted_proxies="10.0.0.0/8, 127.0.0.1")
    via_proxy = _fresh(proxied, client=("10.1.2.3", 5000))
    _login(via_proxy, "nobody", "x", **{"X-Forwarded-For": "198.51.100.4, 203.0.113.9, 10.0.0.7"})
    assert _last_failed_ip(database) == "203.0.113.9"  # the right-most address not a proxy
    direct = _fresh(proxied, client=("192.0.2.50", 5000))
    _login(direct, "nobody", "x", **{"X-Forwarded-For": "203.0.113.9"})
    assert _last_failed_ip(database) == "192.0.2.50"


def test_the_rate_limit_counts_the_forwarded_client(database: Database, settings: Settings, world: World,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from trygg.web.account import auth as auth_routes

    monkeypatch.setattr(auth_routes, "LOGIN_PER_MINUTE", 2)
    app = make_app(database, settings, trusted_proxies="10.0.0.1")
    c = _fresh(app, client=("10.0.0.1", 5000))
    for _ in range(2):
        assert _login(c, "nobody", "x", **{"X-Forwarded-For": "203.0.113.1"}).status_code == 401
    assert _login(c, "nobody", "x", **{"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    assert _login(c, "nobody", "x", **{"X-Forwarded-For": "203.0.113.2"}).status_code == 401  # another client
    spoofer = _fresh(make_app(database, settings), client=("192.0.2.9", 5000))
    for n in range(2):
        _login(spoofer, "nobody", "x", **{"X-Forwarded-For": f"198.51.100.{n}"})
    assert _login(spoofer, "nobody", "x", **{"X-Forwarded-For": "198.51.100.99"}).status_code == 429


def test_forwarded_client_rules() -> None:
    from trygg.config import proxy_networks

    nets = proxy_networks("10.0.0.0/8,::1")
    assert forwarded_client("10.0.0.1", "garbage, 1.2.3.4", nets) == "1.2.3.4"
    assert forwarded_client("10.0.0.1", "1.2.3.4, garbage", nets) == "10.0.0.1"
    assert forwarded_client("10.0.0.1", "10.0.0.2", nets) == "10.0.0.2"
    assert forwarded_client("::1", "[2001:db8::1]:443", nets) == "2001:db8::1"
    assert forwarded_client("8.8.8.8", "1.2.3.4", nets) == "8.8.8.8"
    assert forwarded_client("10.0.0.1", "1.2.3.4", []) == "10.0.0.1"


def test_trygg_serve_leaves_x_forwarded_for_to_the_app(monkeypatch: pytest.MonkeyPatch, database: Database,
                                                        settings: Settings, world: World) -> None:
    import uvicorn

    from trygg.cli import serve as serve_cli

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    serve_cli._serve(settings, database, "127.0.0.1", 8123)
    assert seen["proxy_headers"] is False


# --------------------------------------------------------------------------- sign-in timing


def _time_login(c: TestClient, app: FastAPI, username: str) -> float:
    app.state.rate_limiter.reset()
    started = time.perf_counter()
    r = c.post("/login", data={"username": username, "password": "wrong-password", "next": "/"},
               follow_redirects=False)
    elapsed = time.perf_counter() - started
    assert r.status_code == 401, r.text
    return elapsed


def test_unknown_users_and_wrong_passwords_take_the_same_time(database: Database, settings: Settings, world: World,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A costly hasher (about 30 ms a check) as in production; one account hashed with its parameters,
    one with far cheaper ones (like the demo's quick hashes). All three answers take the same time."""
    costly = PasswordHasher(time_cost=2, memory_cost=16_384, parallelism=1)
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(user_store, "_hasher", costly)
    monkeypatch.setattr(user_store, "MAX_FAILED_LOGINS", 10**6)
    monkeypatch.setattr(user_store, "_DUMMY_HASH", [])
    monkeypatch.setattr(user_store, "_VERIFY_SECONDS", [])
    monkeypatch.setattr(user_store, "_PREPARED", [])
    with database.session() as s:
        for name, hasher in (("full", costly), ("quick", cheap)):
            s.add(User(username=name, password_hash=hasher.hash("right-password"), role="viewer",
                       organisation_id=world.org_ids["kommun"], display_name=name))
    app = make_app(database, settings)
    c = _fresh(app)
    times: dict[str, list[float]] = {"nobody": [], "full": [], "quick": []}
    for _ in range(3):  # warm up
        for name in times:
            _time_login(c, app, name)
    for _ in range(12):
        for name in times:
            times[name].append(_time_login(c, app, name))
    medians = {k: statistics.median(v) for k, v in times.items()}
    slowest, fastest = max(medians.values()), min(medians.values())
    assert fastest > 0.6 * slowest, json.dumps(medians)


def test_a_quick_hash_is_upgraded_at_the_next_sign_in(database: Database, settings: Settings, world: World,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    costly = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(user_store, "_hasher", costly)
    with database.session() as s:
        s.add(User(username="quick", password_hash=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
                   .hash("right-password"), role="viewer", organisation_id=world.org_ids["kommun"],
                   display_name="quick"))
    app = make_app(database, settings)
    assert _login(_fresh(app), "quick", "right-password").status_code == 303
    with database.session() as s:
        user = user_store.get_user_by_name(s, "quick")
        assert user is not None and not costly.check_needs_rehash(user.password_hash)
