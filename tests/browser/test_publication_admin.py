"""The administrators' page of the public figures on a 360 px phone: readable, no serious axe
violation, a month's page with the republication form (its answers are tested over HTTP in
tests/web/public/test_public_surfaces.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.test_accessibility import axe_page, serious_violations  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_the_publication_page_works_on_a_phone(axe_page: Any, login_as: Callable[[Any, str], None]) -> None:  # noqa: F811
    axe_page.set_viewport_size({"width": 360, "height": 740})
    login_as(axe_page, "admin")
    axe_page.goto("/admin/publication")
    axe_page.wait_for_load_state("networkidle")
    assert axe_page.locator("h1").inner_text().endswith("Offentliga siffror")
    problems = [f"/admin/publication: {v}" for v in serious_violations(axe_page)]
    width = axe_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 362, f"the page is {width} px wide at 360 px"
    axe_page.locator("table a").first.click()
    axe_page.wait_for_load_state("networkidle")
    assert "Vad en ny publicering skulle ändra" in axe_page.content()
    problems += [f"month page: {v}" for v in serious_violations(axe_page)]
    assert axe_page.locator("#reason").get_attribute("required") is not None
    width = axe_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 362, f"the month page is {width} px wide at 360 px"
    assert not problems, "\n".join(problems)
