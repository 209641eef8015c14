"""A link crawler over the app in process: every page a user reaches by following links.

Used by tests/web/test_crawl.py (server errors, language) and the browser tests (width, axe).
A path is reduced to its *kind* by replacing numbers with ``{n}``; each kind is fetched at most
``per_kind`` times, so a list with 500 reports costs two detail pages, not 500.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

from fastapi.testclient import TestClient

from trygg.config import Settings
from trygg.storage.database import Database

#: One demo user per role (docs/demo.md); None is the anonymous visitor. Passwords are demo-<username>.
ROLE_USERS: dict[str, str | None] = {
    "anonymous": None, "admin": "admin", "coordinator": "samordnare", "police_analyst": "analytiker",
    "viewer": "lasare", "kontaktcenter": "kontaktcenter", "signatory": "lpo-chef",
    "reporter": "rapportor-polisen-1", "volunteer_reporter": "rapportor-trygghetsvandrarna-1",
}

#: Where the crawl begins (besides the menu, which every page links): pages of every role.
STARTS = ("/", "/public", "/kontakt", "/report", "/lagesbild", "/plans", "/followup", "/promises",
          "/meetings", "/fieldwork", "/account", "/admin/users", "/triage", "/imports")

#: Paths never followed: signing out ends the crawl's session; static files and the API's JSON are
#: not pages (the API has its own tests).
SKIP_PREFIXES = ("/logout", "/static/", "/api/", "/open311/")
NUMBER = re.compile(r"\d+")
#: Other path parts that name one object of a kind: a status link's token, a category's code.
TOKEN = re.compile(r"(?<=/)[0-9a-f]{16,}(?=/|$)")
CODE = re.compile(r"^(/admin/categories/)[a-z_]+")


def path_kind(path: str) -> str:
    """``/plans/2/activities/9`` → ``/plans/{n}/activities/{n}``; ``/admin/categories/arson`` →
    ``/admin/categories/{code}``."""
    return NUMBER.sub("{n}", CODE.sub(r"\1{code}", TOKEN.sub("{token}", path)))


DOWNLOADS = (".pdf", ".csv", ".geojson", ".json", ".zip", ".ics")


def kind_of(url: str) -> str:
    """``/plans/2/activities/9?x=1&y=2`` → ``/plans/{n}/activities/{n}?x&y``; a download's query
    does not count (one lägesbild PDF is enough)."""
    parts = urlsplit(url)
    if parts.path.endswith(DOWNLOADS):
        return path_kind(parts.path)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)} - {"lang"})
    return path_kind(parts.path) + ("?" + "&".join(keys) if keys else "")


@dataclass
class Form:
    page: str
    action: str
    method: str
    enctype: str
    fields: list[dict[str, Any]] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Links, forms and their fields, and the visible text nodes of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.texts: list[str] = []
        self._skip = 0  # inside script, style, template or an element marked translate="no"
        self._skip_tags: list[str] = []
        self._form: Form | None = None
        self._select: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style", "template") or a.get("translate") == "no":
            self._skip_tags.append(tag)
            self._skip += 1
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form("", a.get("action", ""), a.get("method", "get").lower(),
                              a.get("enctype", "application/x-www-form-urlencoded"))
            self.forms.append(self._form)
        elif tag in ("input", "button") and self._form is not None and a.get("name"):
            self._form.fields.append({"tag": tag, **a})
        elif tag == "select" and self._form is not None and a.get("name"):
            self._select = {"tag": "select", **a, "options": []}
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and self._form is not None and a.get("name"):
            self._textarea = {"tag": "textarea", **a}
            self._form.fields.append(self._textarea)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tags and tag == self._skip_tags[-1]:
            self._skip_tags.pop()
            self._skip -= 1
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._textarea is not None:
            self._textarea["value"] = self._textarea.get("value", "") + data
            return
        text = " ".join(data.split())
        if text:
            self.texts.append(text)


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    body: str = ""


def parse(url: str, status: int, content_type: str, body: str) -> Page:
    page = Page(url, status, content_type, body=body)
    if "text/html" not in content_type:
        return page
    parser = _PageParser()
    parser.feed(body)
    page.links = [u for u in (normalise(url, href) for href in parser.links) if u]
    for form in parser.forms:
        form.page = url
        form.action = urljoin(url, form.action or url)
    page.forms = parser.forms
    page.texts = parser.texts
    return page


def normalise(base: str, href: str) -> str | None:
    """The same-site path+query a link leads to, or None for other sites, anchors and skipped paths."""
    if href.startswith(("mailto:", "tel:", "javascript:", "data:", "blob:")):
        return None
    absolute, _ = urldefrag(urljoin("http://testserver" + base, href))
    parts = urlsplit(absolute)
    if parts.netloc != "testserver" or parts.path.startswith(SKIP_PREFIXES):
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"])
    return parts.path + ("?" + query if query else "")


def crawl(client: Any, starts: Iterable[str], *, per_kind: int = 2, limit: int = 600,
          downloads: bool = True) -> dict[str, Page]:
    """Breadth-first over the links of `client`'s pages (HTML requested, redirects followed);
    `downloads=False` leaves PDFs, CSV and GeoJSON out."""
    seen_kinds: dict[str, int] = {}
    queued: set[str] = set()
    todo: deque[str] = deque()
    for s in starts:
        queued.add(s)
        todo.append(s)
    pages: dict[str, Page] = {}
    while todo and len(pages) < limit:
        url = todo.popleft()
        if not downloads and urlsplit(url).path.endswith(DOWNLOADS):
            continue
        kind = kind_of(url)
        if seen_kinds.get(kind, 0) >= (1 if urlsplit(url).path.endswith(DOWNLOADS) else per_kind):
            continue
        seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
        r = client.get(url, headers={"Accept": "text/html,application/xhtml+xml"})
        page = parse(url, r.status_code, r.headers.get("content-type", ""),
                     r.text if "text" in r.headers.get("content-type", "") else "")
        pages[url] = page
        for link in page.links:
            if link not in queued:
                queued.add(link)
                todo.append(link)
    return pages


def demo_app(db_path: Path) -> Any:
    """The app in process over a demo database (a copy: signing in writes sessions)."""
    from trygg.web.app import create_app

    settings = Settings(database_url=str(db_path), secret_key="crawl", require_totp=False, demo=True,
                        public_rate_limit=10**9)
    return create_app(settings, Database(str(db_path)))


def sign_in(app: Any, username: str | None, lang: str = "sv") -> TestClient:
    """A client of `app`, signed in as the demo user `username` (None: the anonymous visitor)."""
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


def crawl_every_role(db_path: Path) -> dict[str, dict[str, Page]]:
    """{role: {url: page}} for the anonymous visitor and one demo user per role, in Swedish, over the app in
    process on the demo database at `db_path` (pages kept without their bodies).

    The PDFs, CSV and GeoJSON are the same documents for every role that may have them: the administrator
    (who has them all) and a reporter (the walk report) fetch them.
    """
    app = demo_app(db_path)
    out: dict[str, dict[str, Page]] = {}
    try:
        for role, username in ROLE_USERS.items():
            with sign_in(app, username) as c:
                found = crawl(c, STARTS, downloads=role in ("admin", "reporter"))
            out[role] = {url: replace(page, body="") for url, page in found.items()}
    finally:
        app.state.db.dispose()
    return out
