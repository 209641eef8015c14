"""Bad input to the report endpoints, found by tests/reliability: a NUL in free text is a 422 with
a field message (it was stored on SQLite and a 500 on PostgreSQL) on the API and both forms; a
database DataError still becomes a readable 422 page with the signed-in user (the partner form
answered Starlette's plain-text "Internal Server Error"); an error page that cannot be rendered
falls back to a plain page; odd digits are no 500."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from trygg.storage.database import Database
from trygg.storage.schema import Report, ResidentContact
from trygg.web.reports import reporting as reporting_routes

FORM = {"category": "vandalism", "lon": "12.29", "lat": "58.285", "when": "exact", "occurred": "2025-02-14T22:30",
        "insecurity": "3", "police_called": "no"}


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as s:
        return (int(s.scalar(select(func.count(Report.id))) or 0),
                int(s.scalar(select(func.count(ResidentContact.id))) or 0))


def test_the_api_refuses_nul_in_any_text_with_a_field_error(api, database: Database) -> None:
    c = api("rapportor")
    before = _counts(database)
    for field, value in (("description", "nul\x00byte"), ("place", "Torget\x00"), ("external_id", "x\x1fy")):
        body: dict[str, Any] = {"category": "vandalism", "lon": 12.29, "lat": 58.285, field: value}
        if field == "place":
            body.pop("lon"), body.pop("lat")
        r = c.post("/api/v1/reports", json=body, headers={"Idempotency-Key": f"nul-{field}"})
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["code"] == "validation_error" and field in error["details"], error
        assert "U+00" in error["details"][field]
    assert _counts(database) == before


@pytest.mark.parametrize("path,user", [("/kontakt", None), ("/report", "rapportor")])
def test_the_forms_refuse_nul_with_the_form_again_and_do_not_echo_it(
        client, login, database: Database, path: str, user: str | None) -> None:
    c = login(user) if user else client
    c.get(path)
    csrf = c.cookies.get("trygg_csrf")
    before = _counts(database)
    data = {**FORM, "description": "Trasig\x00 lampa", "contact_name": "Anna\x00", "form_key": "key\x00",
            "csrf_token": csrf}
    r = c.post(path, data=data, headers={"X-CSRF-Token": csrf, "Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), r.text[:300]
    assert "\x00" not in r.text and "U+0000" in r.text
    assert _counts(database) == before


def _data_error(session: Session, *_a: Any, **_k: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":  # a real DataError that aborts the transaction
        session.execute(text("SELECT CAST('not a number' AS integer)"))
    session.execute(text("SELECT 1"))
    raise DataError("INSERT INTO reports …", {}, ValueError("a value the database cannot hold"))


def test_a_database_data_error_in_the_partner_form_is_a_422_page_with_the_user(
        login, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reporting_routes, "create_report", _data_error)
    c = login("rapportor")
    c.get("/report")
    csrf = c.cookies.get("trygg_csrf")
    r = c.post("/report", data={**FORM, "description": "Trasig lampa", "csrf_token": csrf},
               headers={"X-CSRF-Token": csrf, "Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), r.text[:300]
    assert "Internal Server Error" not in r.text and "<nav" in r.text  # the full page, signed in


def test_a_data_error_in_a_plain_page_endpoint_is_a_422_page_with_the_user(
        login, world, monkeypatch: pytest.MonkeyPatch) -> None:
    """`db_session` turns the DataError into a 422 after the endpoint; it must end the transaction
    without expiring the signed-in user, whom the error page still shows."""
    import trygg.fieldwork.walks as walk_service

    boss = login("samordnare")
    walk = boss.post("/fieldwork/walks", data={"title": "Trygghetsrond", "planned_for": "2024-05-03T19:00",
                                               "area_id": str(world.area_ids["T001"])}, follow_redirects=False)
    assert walk.status_code == 303, walk.text[:300]
    monkeypatch.setattr(walk_service, "set_walk_status", _data_error)
    r = boss.post(f"{walk.headers['location']}/status", data={"status": "done"},
                  headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), r.text[:300]
    assert "<nav" in r.text and "utanför det tillåtna" in r.text


def test_an_error_page_that_cannot_be_rendered_falls_back_to_a_plain_page(
        client, monkeypatch: pytest.MonkeyPatch) -> None:
    import trygg.web.templating

    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("the template could not be rendered")

    monkeypatch.setattr(trygg.web.templating, "render", broken)
    r = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "<h1>404</h1>" in r.text and "Internal Server Error" not in r.text


@pytest.mark.parametrize("value", ["²", "9" * 5000, "١٢"])
def test_digits_python_cannot_convert_are_a_field_error_in_the_form(login, value: str) -> None:
    c = login("rapportor")
    c.get("/report")
    csrf = c.cookies.get("trygg_csrf")
    r = c.post("/report", data={**FORM, "people_count": value, "csrf_token": csrf},
               headers={"X-CSRF-Token": csrf, "Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 422, r.text[:300]
    assert c.get(f"/report?done={value}").status_code == 200


def test_an_exception_outside_the_routes_still_answers_in_the_error_shape(database: Database, settings) -> None:
    """Raised in a middleware, it passes FastAPI's handlers by; Starlette's ServerErrorMiddleware
    then uses our handler for Exception: the one JSON shape, or a page — never its plain text."""
    from fastapi.testclient import TestClient
    from starlette.types import Receive, Scope, Send

    from trygg.web.app import create_app

    app = create_app(settings, database)

    def failing(inner: Any) -> Any:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and "/boom" in scope["path"]:
                raise RuntimeError("a bug in a middleware")
            await inner(scope, receive, send)
        return middleware

    app.add_middleware(failing)
    with TestClient(app, raise_server_exceptions=False) as c:
        api = c.get("/api/v1/boom")
        assert api.status_code == 500 and api.json()["error"]["code"] == "internal_error"
        page = c.get("/boom", headers={"Accept": "text/html"})
        assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
        assert "Internal Server Error" not in page.text
        o311 = c.get("/open311/v2/boom.json")
        assert o311.status_code == 500 and o311.json()[0]["code"] == 500
