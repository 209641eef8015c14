"""axe-core (from npm, injected by Playwright) finds no serious or critical WCAG 2.1 A/AA violation on
the main pages: start, login, the public pages in the menu, the dashboard, the EST meeting, the EST group
form and an area."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def axe_page(browser: Any, live_server: str) -> Iterator[Any]:
    """A page whose context lets the axe script in (bypass_csp) and fails on console errors."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run 'npm ci' in frontend/ (scripts/setup does)")
    context = browser.new_context(base_url=live_server, locale="sv-SE", viewport={"width": 1280, "height": 900},
                                  bypass_csp=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.set_default_timeout(15000)
    yield pg
    context.close()
    assert not errors, "JavaScript errors in the browser:\n" + "\n".join(errors)


def serious_violations(page: Any, *, contrast: bool = True) -> list[str]:
    """Serious and critical axe-core violations of the page. `contrast=False` leaves out colour contrast,
    most of axe's time on a long page: for a second look at another width, where colours are the same."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = "{runOnly: {type: 'tag', values: tags}" + ("" if contrast else
                                                          ", rules: {'color-contrast': {enabled: false}}") + "}"
    result = page.evaluate(f"tags => axe.run(document, {options})", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _check(page: Any, path: str, wait: str | None = None) -> list[str]:
    page.goto(path)
    if wait:
        page.wait_for_selector(wait)
    page.wait_for_load_state("networkidle")
    return [f"{path}: {v}" for v in serious_violations(page)]


def test_public_pages_have_no_serious_violations(axe_page: Any) -> None:
    axe_page.goto("/")
    public = axe_page.eval_on_selector_all(".main-nav a", "els => els.map(e => e.getAttribute('href'))")
    problems: list[str] = []
    for path in dict.fromkeys(["/", "/login", *public]):
        if axe_page.request.get(path, max_redirects=0).status != 200:
            continue  # a menu entry for signed-in users only (e.g. "My account")
        problems += _check(axe_page, path)
    assert not problems, "\n".join(problems)


def test_partner_pages_have_no_serious_violations(axe_page: Any, login_as: Callable[[Any, str], None],
                                                  screenshot: Callable[[Any, str], Path]) -> None:
    login_as(axe_page, "samordnare")
    problems = _check(axe_page, "/")
    screenshot(axe_page, "start")
    problems += _check(axe_page, "/lagesbild", "#lagesbild-app[data-loaded-query]:not([data-loaded-query=''])")
    problems += _check(axe_page, "/meetings")
    axe_page.click("text=EST Kronogården–Lextorp–Sylte")
    axe_page.wait_for_load_state("networkidle")
    problems += [f"meeting: {v}" for v in serious_violations(axe_page)]
    axe_page.click("#history-heading + ul a")
    axe_page.wait_for_load_state("networkidle")
    problems += [f"meeting record: {v}" for v in serious_violations(axe_page)]
    problems += _check(axe_page, "/meetings/groups/new", "#group-area-map.leaflet-container")
    problems += _check(axe_page, "/areas")
    axe_page.click("text=Kronogårds Torg-Frälsegården")
    axe_page.wait_for_selector("#area-map .leaflet-overlay-pane", state="attached")
    axe_page.wait_for_load_state("networkidle")
    problems += [f"area: {v}" for v in serious_violations(axe_page)]
    problems += _check(axe_page, "/inbox")
    axe_page.click("#inbox-table tbody a[href^='/inbox/actions/']")
    axe_page.wait_for_load_state("networkidle")
    problems += [f"action: {v}" for v in serious_violations(axe_page)]
    axe_page.click("#causes-heading + ul a")
    axe_page.wait_for_load_state("networkidle")
    problems += [f"report: {v}" for v in serious_violations(axe_page)]
    problems += _check(axe_page, "/triage")
    assert not problems, "\n".join(problems)
