"""/api/docs shows Swagger UI from Trygg's own static files, within the app's CSP (no CDN)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_render_under_the_csp(page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Trygg" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-tag-section")
    assert page.locator(".opblock").count() > 10
    origin = page.url.split("/api/docs")[0]
    assert all(u.startswith((origin, "data:")) for u in requested), [u for u in requested if not u.startswith(origin)]
