"""axe-core (from npm, injected by Playwright): the helpers the browser tests check pages with, and the
sign-in page. Every page a role reaches by links is checked by tests/browser/test_crawled_pages.py."""

from __future__ import annotations

from collections.abc import Iterator
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


def serious_violations(page: Any, *, contrast: bool = True, rules: tuple[str, ...] | None = None) -> list[str]:
    """Serious and critical axe-core violations of the page. `contrast=False` leaves out colour contrast,
    much of axe's time on a long page: for a second look at another width, where colours are the same;
    `rules` runs only those rules."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # only the violations get their nodes' selectors worked out (a third of axe's time on a long page);
    # every violation is still found (test_a_planted_violation_is_found)
    only = "resultTypes: ['violations'], "
    if rules is not None:
        options = "{" + only + "runOnly: {type: 'rule', values: " + repr(list(rules)).replace("'", '"') + "}}"
    else:
        options = ("{" + only + "runOnly: {type: 'tag', values: tags}"
                   + ("" if contrast else ", rules: {'color-contrast': {enabled: false}}") + "}")
    result = page.evaluate(f"tags => axe.run(document, {options})", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_the_sign_in_page_has_no_serious_violations(axe_page: Any) -> None:
    """The one page the crawl (tests/browser/test_crawled_pages.py, every other page of every role at 390
    and 1440 px) leaves out: it signs in with it."""
    problems: list[str] = []
    for width in (390, 1440):
        axe_page.set_viewport_size({"width": width, "height": 900})
        axe_page.goto("/login?next=/lagesbild")
        axe_page.wait_for_load_state("networkidle")
        problems += [f"/login at {width} px: {v}" for v in serious_violations(axe_page)]
    assert not problems, "\n".join(problems)


def test_a_planted_violation_is_found(axe_page: Any) -> None:
    """The check can fail: a button without a name and an image without a text, put into the sign-in page,
    are reported at both widths' settings (every rule, and every rule but colour contrast)."""
    axe_page.goto("/login")
    axe_page.wait_for_load_state("networkidle")
    axe_page.evaluate("""() => (document.querySelector('main') || document.body).insertAdjacentHTML('beforeend',
        '<button id="planted-button"></button><img id="planted-img" src="data:image/gif;base64,' +
        'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==">')""")
    for found in (serious_violations(axe_page), serious_violations(axe_page, contrast=False)):
        assert any(v.startswith("button-name") and "planted-button" in v for v in found), found
        assert any(v.startswith("image-alt") and "planted-img" in v for v in found), found
