"""The web skeleton: health, start page, login, one error shape, CSRF, headers, OpenAPI."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import World


def test_healthz_reports_ok_and_backend(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_start_page_shows_the_municipality_and_its_districts(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "Trollhättan" in r.text and "Kronogården" in r.text
    assert 'data-areas-url="/api/v1/areas.geojson"' in r.text


def test_start_page_for_a_partner_lists_latest_reports_and_points(login) -> None:  # type: ignore[no-untyped-def]
    c = login("samordnare")
    r = c.get("/")
    assert "data-points-url" in r.text
    assert "Skadegörelse / klotter" in r.text


def test_areas_geojson_has_the_municipality_and_districts(client: TestClient) -> None:
    fc = client.get("/api/v1/areas.geojson").json()
    levels = [f["properties"]["level"] for f in fc["features"]]
    assert levels.count("municipality") == 1 and levels.count("regso") == 4


def test_wrong_password_is_refused_with_401(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/login", data={"username": "admin", "password": "nope",
                                    "csrf_token": client.cookies.get("trygg_csrf")})
    assert r.status_code == 401
    assert "Fel användarnamn eller lösenord" in r.text


def test_api_errors_share_one_shape(client: TestClient, api) -> None:  # type: ignore[no-untyped-def]
    for r in (client.get("/api/v1/reports"), client.get("/api/v1/areas/99999"),
              api("admin").get("/api/v1/reports?area_type=9&start=yesterday")):
        body = r.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    bad = api("admin").get("/api/v1/reports?area_type=9&start=yesterday").json()["error"]
    assert bad["code"] == "validation_error"
    assert set(bad["details"]) == {"area_type", "start"}


def test_unknown_api_path_is_404_in_the_error_shape(client: TestClient) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_form_post_without_csrf_token_is_refused(client: TestClient) -> None:
    r = client.post("/login", data={"username": "admin", "password": "pw-admin-test"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf_failed"


def test_bearer_token_requests_need_no_csrf_token(api) -> None:  # type: ignore[no-untyped-def]
    r = api("admin").get("/api/v1/me")
    assert r.status_code == 200 and r.json()["username"] == "admin"


def test_security_headers_are_set(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_language_can_be_switched_to_english_and_is_remembered(client: TestClient) -> None:
    r = client.get("/?lang=en")
    assert '<html lang="en">' in r.text and "Districts" in r.text
    assert '<html lang="en">' in client.get("/").text


def test_openapi_document_is_served(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/reports" in doc["paths"]


def test_reports_api_lists_only_what_the_user_may_see(api, world: World) -> None:  # type: ignore[no-untyped-def]
    all_ids = {r["id"] for r in api("samordnare").get("/api/v1/reports").json()["reports"]}
    assert all_ids == set(world.report_ids)
    mine = {r["id"] for r in api("rapportor2").get("/api/v1/reports").json()["reports"]}
    # the school reporter sees its own reports (incl. its sensitive one) and shared organisations'
    assert world.report_ids[2] in mine and world.report_ids[3] in mine
    other = api("rapportor").get(f"/api/v1/reports/{world.report_ids[2]}")
    assert other.status_code == 404


def test_a_server_process_takes_its_start_up_objects_out_of_the_full_collections(sqlite_database) -> None:  # type: ignore[no-untyped-def]
    """`trygg serve --workers N` builds each process's app with `app_from_env`, which freezes the heap."""
    import os
    import subprocess
    import sys

    code = ("import gc; from trygg.web.app import app_from_env; before = gc.get_freeze_count(); app_from_env(); "
            "print(before, gc.get_freeze_count())")
    env = {**os.environ, "TRYGG_DATABASE_URL": sqlite_database.url, "TRYGG_SECRET_KEY": "test-secret",
           "TRYGG_AUDIT_KEY": "test-audit-key"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    before, after = (int(v) for v in out.stdout.split()[-2:])
    assert before == 0 and after > 100_000
