"""The weekly EST meeting in Chromium: prepare it from the demo data, record a decision, follow it up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from trygg.domain import clock

pytestmark = pytest.mark.browser

DECISION = "Extra belysning vid Kronogårds torg (webbtest)"
# The cells of a table that are not fully visible: wider than their box, or reaching past the table's
# scrolling box (a table wider than its container hides its last columns behind a scroll bar).
CUT_CELLS = """(selector) => {
  const table = document.querySelector(selector);
  if (!table) return ["no table " + selector];
  const box = table.parentElement.getBoundingClientRect();
  const cut = [];
  const room = table.parentElement.clientWidth;
  if (table.scrollWidth > room) cut.push(`table ${table.scrollWidth} px in ${room} px`);
  for (const cell of table.querySelectorAll("th, td")) {
    const r = cell.getBoundingClientRect();
    if (cell.scrollWidth > cell.clientWidth || r.right > box.right + 0.5 || r.left < box.left - 0.5)
      cut.push(cell.textContent.trim());
  }
  return cut;
}"""


def test_a_coordinator_prepares_and_runs_the_weekly_meeting(
        page: Any, login_as: Callable[[Any, str], None], screenshot: Callable[[Any, str], Path]) -> None:
    login_as(page, "samordnare")
    page.goto("/meetings")
    page.click("text=EST Kronogården–Lextorp–Sylte")
    page.wait_for_selector("h1:has-text('EST Kronogården–Lextorp–Sylte')")
    assert page.locator("text=Nytt sedan förra mötet").count() == 1
    assert page.locator("#open-heading").count() == 1
    screenshot(page, "meeting-prepare")
    for width in (1440, 390):  # issue 18: the hot-spot column of "Rapporter per stadsdel" was cut
        page.set_viewport_size({"width": width, "height": 900})
        cut = page.evaluate(CUT_CELLS, "table.district-counts")
        assert cut == [], f"cells of 'Rapporter per stadsdel' cut at {width} px: {cut}"
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("#add-decision")
    assert page.locator(".decision-row").count() == 4
    page.fill("#title-0", DECISION)
    page.select_option("#owner-0", label="Samhällsbyggnadsförvaltningen – Gata/park")
    page.fill("#due-0", (clock.today() + timedelta(days=10)).isoformat())
    page.select_option("#area-0", label="Kronogårds Torg-Frälsegården")
    page.select_option("#category-0", "unsafe_place")
    page.fill("#notes", "Prioritet: torget fredag och lördag kväll.")
    page.click("#record-form button[type=submit]")
    page.wait_for_selector("#saved-message")
    assert page.locator(f"text={DECISION}").count() >= 1
    screenshot(page, "meeting-recorded")

    # Follow up an open action from an earlier meeting.
    page.goto("/meetings")
    page.click("text=EST Kronogården–Lextorp–Sylte")
    row = page.locator("#actions table tbody tr").first
    title = row.locator("td").first.inner_text()
    row.locator("select[name=status]").select_option("done")
    row.locator("input[name=outcome]").fill("Genomfört enligt plan")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("text=Sparat.")
    assert title not in [t.inner_text() for t in page.locator("#actions table tbody tr td:first-child").all()]
