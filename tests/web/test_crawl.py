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
from urllib.parse import urlsplit

import pytest

from tests.web.crawler import ROLE_USERS, STARTS, Form, Page, crawl, demo_app, kind_of, sign_in
from tests.web.demo_texts import demo_texts
from tests.web.language_scan import DataTexts, problems

#: Detail page kinds the crawl must reach at least once (for the role that may see them).
DETAIL_KINDS = {
    "/plans/{n}", "/plans/{n}/activities/{n}", "/plans/{n}/focus-areas/{n}", "/promises/{n}", "/meetings/{n}",
    "/meetings/m/{n}", "/fieldwork/walks/{n}", "/fieldwork/walks/{n}/walk", "/fieldwork/shifts/{n}",
    "/fieldwork/premises/{n}", "/areas/{n}", "/triage/{n}", "/public/promises/{n}", "/admin/users/{n}",
    "/followup/plans/{n}", "/followup/plans/{n}/calendar", "/plans/{n}/export.pdf", "/lagesbild/report.pdf",
    "/followup/plans/{n}/report.pdf", "/fieldwork/walks/{n}/report.pdf",
}


@pytest.fixture(scope="module")
def crawl_app(tmp_path_factory: pytest.TempPathFactory, demo_db_file: Path) -> Iterator[Any]:
    """The app over a private copy of the demo database (crawling signs in and writes sessions)."""
    path = tmp_path_factory.mktemp("crawl") / "demo.db"
    shutil.copy(demo_db_file, path)
    app = demo_app(path)
    yield app
    app.state.db.dispose()


@pytest.fixture(scope="module")
def crawled(demo_crawl: dict[str, dict[str, Page]]) -> dict[str, dict[str, Page]]:
    """{role: {url: page}} for the anonymous visitor and one demo user per role, in Swedish (made once per
    run: `tests.conftest.demo_crawl`)."""
    return demo_crawl


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_no_crawled_page_answers_a_server_error(crawled: dict[str, dict[str, Page]], role: str) -> None:
    pages = crawled[role]
    assert len(pages) >= 5, f"{role} reached only {sorted(pages)}"
    broken = {url: p.status for url, p in pages.items() if p.status >= 500}
    assert broken == {}, f"{role}: server errors on {broken}"


def test_the_crawl_reaches_every_detail_page_kind(crawled: dict[str, dict[str, Page]]) -> None:
    kinds = {kind_of(url) for pages in crawled.values() for url in pages}
    assert DETAIL_KINDS - kinds == set(), f"never reached: {sorted(DETAIL_KINDS - kinds)}"


#: Roles whose pages the language scan also reads in English (together they see every page kind).
ENGLISH_ROLES = ("anonymous", "admin", "reporter", "kontaktcenter")


@pytest.fixture(scope="module")
def data_texts(demo_db_file: Path) -> DataTexts:
    """What the demo stored (names, titles, descriptions): Swedish in both languages, not scanned."""
    return demo_texts(demo_db_file)


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_swedish_pages_hold_no_english(crawled: dict[str, dict[str, Page]], data_texts: DataTexts,
                                       role: str) -> None:
    found = {f"{url} {p}" for url, page in crawled[role].items() for p in problems(page.texts, "sv", data_texts)}
    assert found == set(), "\n".join(sorted(found))


@pytest.mark.parametrize("role", ENGLISH_ROLES)
def test_english_pages_hold_no_swedish(crawl_app: Any, data_texts: DataTexts, role: str) -> None:
    with sign_in(crawl_app, ROLE_USERS[role], "en") as c:
        pages = crawl(c, STARTS, downloads=False)
    assert any('lang="en"' in p.body for p in pages.values())
    found = {f"{url} {p}" for url, page in pages.items() for p in problems(page.texts, "en", data_texts)}
    assert found == set(), "\n".join(sorted(found))


# --------------------------------------------------------------------------- forms

#: Forms not posted: signing out ends the session the other forms need; the language form is a GET.
SKIP_FORMS = ("/logout",)


def form_data(form: Form, password: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fields, files) a user who accepts the defaults and fills the required fields would send."""
    data: dict[str, Any] = {}
    files: dict[str, Any] = {}
    radios: set[str] = set()
    submit_done = False
    for f in form.fields:
        name, kind, value = f["name"], f.get("type", "text").lower(), f.get("value", "")
        if f["tag"] == "select":
            options = f["options"]
            chosen = [v for v, sel in options if sel] or [v for v, _ in options if v][:1]
            if chosen:
                data.setdefault(name, chosen[0])
        elif f["tag"] == "textarea":
            data.setdefault(name, value or "Prov från crawltestet")
        elif f["tag"] == "button" or kind in ("submit", "image"):
            if not submit_done:
                data.setdefault(name, value)
                submit_done = True
        elif kind == "checkbox":
            if "checked" in f:
                data.setdefault(name, value or "on")
        elif kind == "radio":
            if "checked" in f or name not in radios:
                data[name] = value
                radios.add(name)
        elif kind == "file":
            files[name] = ("crawl.txt", b"Kategori,Datum\n", "text/plain")
        elif kind == "password":
            data[name] = password
        else:
            data.setdefault(name, value or SAMPLE.get(kind, "Prov"))
    return data, files


SAMPLE = {"number": "1", "date": "2026-11-20", "datetime-local": "2026-11-20T19:00", "time": "19:00",
          "month": "2026-11", "email": "crawl@example.org", "tel": "0701234567", "url": "https://example.org",
          "range": "3", "search": "Prov", "hidden": ""}


@pytest.mark.parametrize("role", [r for r, u in ROLE_USERS.items()])
def test_each_form_posted_once_answers_without_a_server_error(
        crawled: dict[str, dict[str, Page]], tmp_path: Path, demo_db_file: Path, role: str) -> None:
    """Every distinct form a role sees, posted once with its defaults, on a private copy of the demo."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_db_file, path)
    app = demo_app(path)
    username = ROLE_USERS[role]
    forms: dict[str, Form] = {}
    for page in crawled[role].values():
        for form in page.forms:
            if form.method == "post" and not urlsplit(form.action).path.startswith(SKIP_FORMS):
                forms.setdefault(kind_of(urlsplit(form.action).path), form)
    broken: dict[str, str] = {}
    try:
        with sign_in(app, username) as c:
            for kind, form in sorted(forms.items()):
                data, files = form_data(form, f"demo-{username}")
                data["csrf_token"] = c.cookies.get("trygg_csrf") or ""
                r = c.post(form.action, data=data, files=files or None, follow_redirects=True,
                           headers={"Accept": "text/html"})
                if r.status_code >= 500:
                    broken[kind] = f"{r.status_code} from {form.page}"
    finally:
        app.state.db.dispose()
    assert broken == {}, f"{role}: {broken}"
