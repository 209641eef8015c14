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


def test_a_coordinator_prepares_and_runs_the_weekly_meeting(
        page: Any, login_as: Callable[[Any, str], None], screenshot: Callable[[Any, str], Path]) -> None:
    login_as(page, "samordnare")
    page.goto("/meetings")
    page.click("text=EST Kronogården–Lextorp–Sylte")
    page.wait_for_selector("h1:has-text('EST Kronogården–Lextorp–Sylte')")
    assert page.locator("text=Nytt sedan förra mötet").count() == 1
    assert page.locator("#open-heading").count() == 1
    screenshot(page, "meeting-prepare")

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
