"""Every page reachable by links, for the anonymous visitor and every demo role, answers without a
server error; every detail page kind is visited; each form's main path is posted once.

The app runs in process over a copy of the demo database (built once per run), so the whole crawl
takes seconds, not the minutes a browser would.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.crawler import ROLE_USERS, Page, crawl, kind_of
from trygg.config import Settings
from trygg.storage.database import Database

#: Where the crawl begins (besides the menu, which every page links): pages of every role.
STARTS = ("/", "/public", "/kontakt", "/report", "/lagesbild", "/plans", "/followup", "/promises",
          "/meetings", "/fieldwork", "/account", "/admin/users", "/triage", "/imports")

#: Detail page kinds the crawl must reach at least once (for the role that may see them).
DETAIL_KINDS = {
    "/plans/{n}", "/plans/{n}/activities/{n}", "/plans/{n}/focus-areas/{n}", "/promises/{n}", "/meetings/{n}",
    "/meetings/m/{n}", "/fieldwork/walks/{n}", "/fieldwork/walks/{n}/walk", "/fieldwork/shifts/{n}",
    "/fieldwork/premises/{n}", "/areas/{n}", "/triage/{n}", "/public/promises/{n}", "/admin/users/{n}",
    "/followup/plans/{n}", "/followup/plans/{n}/calendar", "/plans/{n}/export.pdf", "/lagesbild/report.pdf",
    "/followup/plans/{n}/report.pdf", "/fieldwork/walks/{n}/report.pdf",
}


def demo_app(db_path: Path) -> Any:
    from trygg.web.app import create_app

    settings = Settings(database_url=str(db_path), secret_key="crawl", require_totp=False, demo=True,
                        public_rate_limit=10**9)
    return create_app(settings, Database(str(db_path)))


def sign_in(app: Any, username: str | None, lang: str = "sv") -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    c.cookies.set("trygg_lang", lang)
    if username is None:
        return c
    c.get("/login")
    token = c.cookies.get("trygg_csrf") or ""
    r = c.post("/login", data={"username": username, "password": f"demo-{username}", "csrf_token": token,
                               "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, f"{username}: {r.status_code} {r.text[:300]}"
    c.headers["X-CSRF-Token"] = c.cookies.get("trygg_csrf") or token
    return c


@pytest.fixture(scope="module")
def crawl_app(tmp_path_factory: pytest.TempPathFactory, demo_db_file: Path) -> Iterator[Any]:
    """The app over a private copy of the demo database (crawling signs in and writes sessions)."""
    path = tmp_path_factory.mktemp("crawl") / "demo.db"
    shutil.copy(demo_db_file, path)
    app = demo_app(path)
    yield app
    app.state.db.dispose()


@pytest.fixture(scope="module")
def crawled(crawl_app: Any) -> dict[str, dict[str, Page]]:
    """{role: {url: page}} for the anonymous visitor and one demo user per role, in Swedish."""
    out: dict[str, dict[str, Page]] = {}
    for role, username in ROLE_USERS.items():
        with sign_in(crawl_app, username) as c:
            out[role] = crawl(c, STARTS)
    return out


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_no_crawled_page_answers_a_server_error(crawled: dict[str, dict[str, Page]], role: str) -> None:
    pages = crawled[role]
    assert len(pages) >= 5, f"{role} reached only {sorted(pages)}"
    broken = {url: p.status for url, p in pages.items() if p.status >= 500}
    assert broken == {}, f"{role}: server errors on {broken}"


def test_the_crawl_reaches_every_detail_page_kind(crawled: dict[str, dict[str, Page]]) -> None:
    kinds = {kind_of(url) for pages in crawled.values() for url in pages}
    assert DETAIL_KINDS - kinds == set(), f"never reached: {sorted(DETAIL_KINDS - kinds)}"
