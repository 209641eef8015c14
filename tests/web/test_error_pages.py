"""Error pages: a crash keeps the connection, a signed-out browser is sent to sign in, Swedish texts."""

from __future__ import annotations

import http.client
import threading
import time
from typing import Any

import uvicorn

from trygg.config import Settings
from trygg.storage.database import Database


def test_a_signed_out_browser_is_sent_to_sign_in_and_brought_back(client: Any) -> None:
    for path in ("/report", "/plans/1", "/fieldwork/walks/1/walk", "/report/mine?page=2"):
        r = client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
        assert r.status_code == 303, (path, r.status_code)
        assert r.headers["location"].startswith("/login?next=%2F"), r.headers["location"]
        page = client.get(r.headers["location"])
        assert page.status_code == 200 and 'name="next"' in page.text
    target = client.get("/report/mine?page=2", headers={"Accept": "text/html"}, follow_redirects=False)
    assert target.headers["location"] == "/login?next=%2Freport%2Fmine%3Fpage%3D2"


def test_the_api_keeps_its_json_401(client: Any) -> None:
    r = client.get("/api/v1/reports", headers={"Accept": "text/html"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "authentication_required"
    posted = client.post("/report", headers={"Accept": "text/html"}, data={})
    assert posted.status_code in (401, 403)


def test_error_pages_speak_swedish(login: Any) -> None:
    c = login("rapportor")
    r = c.get("/plans/999999", headers={"Accept": "text/html"})
    assert r.status_code in (403, 404)
    assert "Din roll" in r.text or "finns inte" in r.text
    assert "Your role" not in r.text and "No action plan" not in r.text
    en = c.get("/plans/999999?lang=en", headers={"Accept": "text/html"})
    assert "Your role" in en.text or "No action plan" in en.text


def test_a_volunteer_not_invited_to_a_walk_reads_swedish(login: Any) -> None:
    c = login("rapportor")
    r = c.get("/fieldwork/walks/999999/walk", headers={"Accept": "text/html"})
    assert r.status_code in (403, 404)
    assert "No such" not in r.text


def _serve(app: Any) -> tuple[uvicorn.Server, threading.Thread, int]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, port


def test_a_server_error_keeps_the_keep_alive_connection(database: Database, settings: Settings, world: Any) -> None:
    """uvicorn closes a connection when the app raises after answering; the next request a browser
    sends on it is reset. The 500 page is answered and the exception stops there."""
    from trygg.web.app import create_app

    app = create_app(settings, database)

    @app.get("/boom-for-test")
    def boom() -> None:
        raise RuntimeError("a bug in a route")

    server, thread, port = _serve(app)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/boom-for-test", headers={"Accept": "text/html"})
        first = conn.getresponse()
        body = first.read().decode()
        assert first.status == 500 and "Något gick fel" in body
        conn.request("GET", "/healthz")
        second = conn.getresponse()
        second.read()
        assert second.status == 200
        conn.request("GET", "/boom-for-test", headers={"Accept": "application/json"})
        third = conn.getresponse()
        assert third.status == 500 and b'"internal_error"' in third.read()
        conn.close()
    finally:
        server.should_exit = True
        thread.join(10)
