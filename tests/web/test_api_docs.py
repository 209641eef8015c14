"""/api/docs is served from Trygg's own static files: no CDN, no inline script."""

from __future__ import annotations

from typing import Any


def test_api_docs_load_swagger_ui_from_our_static_folder(client: Any) -> None:
    r = client.get("/api/docs")
    assert r.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in r.text and "/static/js/api-docs.js" in r.text
    assert "cdn" not in r.text.lower() and "<script>" not in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert client.get("/static/js/api-docs.js").status_code == 200
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Trygg"


def test_the_favicon_a_browser_asks_for_exists(client: Any) -> None:
    r = client.get("/favicon.ico", follow_redirects=True)
    assert r.status_code == 200 and "svg" in r.headers["content-type"]
