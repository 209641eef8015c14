"""Every kind of page the roles reach by links, in Chromium: no page is wider than a 360 px phone, and
axe-core finds no serious or critical violation at 390 px and at 1440 px (colour contrast, the same at
every width, is checked at 1440 px, where no menu is folded away).

The pages come from the same link crawl as tests/web/test_crawl.py, run over HTTP against the live
server. Each role checks its own start pages (menus and landing pages differ by role); every other kind of
page — its path with numbers and query aside, so a filtered lägesbild is the lägesbild — is checked once,
as the first role in `ROLES` (most rights first) that reaches it. Each page is loaded once and checked at
the three widths. (Every page of every role is fetched in-process, with its forms posted, by
tests/web/test_crawl.py.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.browser.test_accessibility import AXE, serious_violations
from tests.web.crawler import NUMBER, ROLE_USERS, crawl

pytestmark = pytest.mark.browser

STARTS = ("/", "/public", "/kontakt", "/report", "/lagesbild", "/plans", "/followup", "/promises",
          "/meetings", "/fieldwork", "/account", "/admin/users", "/triage", "/imports")
ROLES = ("admin", "coordinator", "signatory", "viewer", "kontaktcenter", "reporter", "anonymous")
PHONE = 360
#: The last three elements that reach past the screen's right edge (outside scrolling boxes).
WIDEST = """w => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap, .leaflet-container'))
    .slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : ''))"""


def pages_of(base_url: str, username: str | None) -> list[str]:
    """The HTML pages `username` reaches by links, one per kind."""
    with httpx.Client(base_url=base_url, timeout=60, follow_redirects=True) as c:
        if username:
            c.get("/login")
            c.post("/login", data={"username": username, "password": f"demo-{username}",
                                   "csrf_token": c.cookies.get("trygg_csrf") or "", "next": "/"})
        found = crawl(c, STARTS, per_kind=1, downloads=False)
    return [url for url, p in found.items() if p.status == 200 and "text/html" in p.content_type
            and not url.startswith("/login")]


def page_kind(url: str) -> str:
    return NUMBER.sub("{n}", urlsplit(url).path)


@pytest.fixture(scope="module")
def assigned(live_server: str) -> dict[str, list[str]]:
    """The pages each role checks: its start pages, and the kinds of page no role before it reached."""
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for role in ROLES:
        mine: dict[str, str] = {}
        for url in pages_of(live_server, ROLE_USERS[role]):
            kind = page_kind(url)
            if kind not in mine and (kind in STARTS or kind not in seen):
                mine[kind] = url
        out[role] = list(mine.values())
        seen |= set(mine)
    return out


@pytest.fixture
def checked_page(browser: Any, live_server: str) -> Iterator[Any]:
    """A phone-sized page that lets axe in (bypass_csp) and fails on any console error."""
    context = browser.new_context(base_url=live_server, locale="sv-SE", bypass_csp=True, has_touch=True,
                                  viewport={"width": PHONE, "height": 740})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.on("response", lambda r: errors.append(f"{r.status} for {r.url} (on {pg.url})")
          if r.status >= 400 and r.request.resource_type != "document" else None)
    pg.set_default_timeout(20000)
    yield pg
    context.close()
    assert not errors, "JavaScript errors in the browser:\n" + "\n".join(errors)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_passes_axe(checked_page: Any, assigned: dict[str, list[str]], role: str,
                                                login_as: Callable[[Any, str], None]) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run 'npm ci' in frontend/ (scripts/setup does)")
    username = ROLE_USERS[role]
    urls = assigned[role]
    assert len(urls) >= 2, urls
    if username:
        checked_page.set_viewport_size({"width": 1280, "height": 900})
        login_as(checked_page, username)
    too_wide: list[str] = []
    violations: list[str] = []
    for url in urls:
        checked_page.set_viewport_size({"width": PHONE, "height": 740})
        checked_page.goto(url)
        checked_page.wait_for_load_state("networkidle")
        width = checked_page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            widest = checked_page.evaluate(WIDEST, PHONE)
            too_wide.append(f"{url}: {width} px ({widest})")
        # colour contrast at 1440 px only, where every element of the page shows (menus are not folded):
        # colours do not change with the width, and contrast is most of axe's time on a long page
        for w in (390, 1440):
            checked_page.set_viewport_size({"width": w, "height": 900})
            violations += [f"{url} at {w} px: {v}" for v in serious_violations(checked_page, contrast=w == 1440)]
    assert too_wide == [], f"{role}: wider than {PHONE} px:\n" + "\n".join(too_wide)
    assert violations == [], f"{role}:\n" + "\n".join(violations)
