"""Every kind of page the roles reach by links, in Chromium: no page is wider than a 360 px phone, and
axe-core finds no serious or critical violation at 390 px and at 1440 px.

Every rule runs at 1440 px. At 390 px only the rules whose outcome depends on the layout run
(`PHONE_RULES`: a table that now scrolls must be reachable by keyboard), because the phone shows the
same elements as the wide screen: no style of ours hides or shows an element by width. The test checks
that on each page (the elements rendered outside maps, whose markers cluster by size) and runs every rule
but colour contrast at 390 px on a page where the two differ.

The pages come from the link crawl that tests/web/test_crawl.py checks (`demo_crawl`, made once per run
on the demo that the live server serves). Each role checks its own start pages (menus and landing pages
differ by role); every other kind of page (its path with numbers and query aside, so a filtered lägesbild
is the lägesbild) is checked once, as the first role in `ROLES` (most rights first) that reaches it. Each
page is loaded once and checked at the three widths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import QuietNetwork
from tests.browser.test_accessibility import AXE, serious_violations
from tests.web.crawler import ROLE_USERS, STARTS, Page, path_kind

pytestmark = pytest.mark.browser

ROLES = ("admin", "coordinator", "signatory", "viewer", "kontaktcenter", "reporter", "anonymous")
PHONE = 360
#: The axe rules (of the WCAG 2.x A/AA tags) whose outcome depends on the width of the screen.
PHONE_RULES = ("scrollable-region-focusable",)
#: The elements rendered at the current width, maps aside (leaflet clusters markers by the map's size).
RENDERED = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getClientRects().length > 0 && !e.closest('.leaflet-container'))
    .map(e => e.tagName + (e.id ? '#' + e.id : '')).join(' ')"""
#: The last three elements that reach past the screen's right edge (outside scrolling boxes).
WIDEST = """w => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap, .leaflet-container'))
    .slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : ''))"""


def pages_of(crawled: dict[str, Page]) -> list[str]:
    """The HTML pages of a role's crawl, in the order the crawl reached them."""
    return [url for url, p in crawled.items() if p.status == 200 and "text/html" in p.content_type
            and not url.startswith("/login")]


def page_kind(url: str) -> str:
    return path_kind(urlsplit(url).path)


@pytest.fixture(scope="module")
def assigned(demo_crawl: dict[str, dict[str, Page]]) -> dict[str, list[str]]:
    """The pages each role checks: its start pages, and the kinds of page no role before it reached."""
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for role in ROLES:
        mine: dict[str, str] = {}
        for url in pages_of(demo_crawl[role]):
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
    pg.quiet = QuietNetwork(pg)
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
        checked_page.quiet.wait()
        width = checked_page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            widest = checked_page.evaluate(WIDEST, PHONE)
            too_wide.append(f"{url}: {width} px ({widest})")
        checked_page.set_viewport_size({"width": 1440, "height": 900})
        wide = checked_page.evaluate(RENDERED)
        violations += [f"{url} at 1440 px: {v}" for v in serious_violations(checked_page)]
        checked_page.set_viewport_size({"width": 390, "height": 900})
        same = checked_page.evaluate(RENDERED) == wide
        violations += [f"{url} at 390 px: {v}" for v in serious_violations(
            checked_page, contrast=False, rules=PHONE_RULES if same else None)]
    assert too_wide == [], f"{role}: wider than {PHONE} px:\n" + "\n".join(too_wide)
    assert violations == [], f"{role}:\n" + "\n".join(violations)
