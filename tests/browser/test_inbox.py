"""The loop closed in Chromium: an action from a report at the EST meeting reaches Gata/park's inbox,
is closed there with a note, the reporter sees it, the next meeting shows it done, the minutes list it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from trygg.domain import clock

pytestmark = pytest.mark.browser

TITLE = "Röj buskagen och byt lamporna vid gångvägen (webbtest)"
NOTE = "Buskagen röjda och två lampor bytta (webbtest)"


def _newest_est_report(db: Path) -> tuple[int, str, int, str]:
    """(report id, reporter username, EST group id, group name) of the newest EST report by a
    reporter in a district of an EST group, not of a sensitive category."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT r.id, u.username, g.id, g.name FROM reports r JOIN users u ON u.id = r.reporter_id "
            "JOIN areas a ON a.id = r.area_id JOIN est_groups g ON g.id = a.est_group_id "
            "WHERE u.role = 'reporter' AND r.source = 'est' AND g.archived = 0 "
            "AND r.category NOT IN ('sexual_harassment', 'youth') "
            "ORDER BY r.created_at DESC, r.id DESC LIMIT 1").fetchone()
    assert row is not None
    return int(row[0]), str(row[1]), int(row[2]), str(row[3])


def test_an_action_from_a_report_goes_round_the_loop(  # type: ignore[no-untyped-def]
        page: Any, browser: Any, live_server: str, demo_db: Path, login_as: Callable[[Any, str], None],
        screenshot: Callable[[Any, str], Path], tmp_path: Path) -> None:
    report_id, reporter, group_id, group_name = _newest_est_report(demo_db)
    # 1. The coordinator opens the report and records the action at the group's meeting (yesterday's).
    login_as(page, "samordnare")
    page.goto(f"/reports/{report_id}")
    page.click("#action-from-report")
    page.wait_for_selector(f"h1:has-text('{group_name}')")
    assert page.input_value("#reports-0") == str(report_id)
    page.fill("#held_on", (clock.today() - timedelta(days=1)).isoformat())
    page.fill("#title-0", TITLE)
    page.select_option("#owner-0", label="Samhällsbyggnadsförvaltningen – Gata/park")
    page.fill("#due-0", (clock.today() + timedelta(days=10)).isoformat())
    page.click("#record-form button[type=submit]")
    page.wait_for_selector("#saved-message")
    meeting_url = page.url.split("?")[0]
    screenshot(page, "inbox-action-recorded")

    def fresh_page() -> Any:
        ctx = browser.new_context(base_url=live_server, locale="sv-SE", viewport={"width": 360, "height": 800})
        return ctx.new_page()

    # 2. A Gata/park user finds it in the inbox (on a phone-sized screen) and closes it with a note.
    gata = fresh_page()
    login_as(gata, "rapportor-gatapark-1")
    gata.goto("/inbox")  # its cases fill more than a page: it shows the EST actions only
    gata.select_option("#kind", "action")
    gata.click("form.filters button[type=submit]")
    gata.wait_for_url("**/inbox?*kind=action*")
    gata.click(f"#inbox-table a:has-text('{TITLE}')")
    gata.select_option("#status", "done")
    gata.fill("#note", NOTE)
    gata.click("#action-update button[type=submit]")
    gata.wait_for_selector("#saved-message")
    assert gata.locator("#action-status").inner_text().strip() == "Klar"
    assert gata.locator(f"#action-history >> text={NOTE}").count() == 1
    screenshot(gata, "inbox-action-closed-360")
    gata.context.close()

    # 3. The original reporter sees the action and its status on their report.
    rep = fresh_page()
    login_as(rep, reporter)
    rep.goto("/report/mine")
    cell = rep.locator(".report-action", has_text=TITLE)
    assert cell.count() == 1 and "Klar" in cell.inner_text()
    rep.goto(f"/reports/{report_id}")
    assert "Klar" in rep.locator("#report-actions").inner_text()
    rep.context.close()

    # 4. The next meeting shows it as done.
    page.goto(f"/meetings/{group_id}")
    changed = page.locator("#changed-actions li", has_text=TITLE)
    assert changed.count() == 1 and "Klar" in changed.inner_text() and NOTE in changed.inner_text()
    screenshot(page, "inbox-next-meeting")

    # 5. The minutes PDF lists it.
    page.goto(meeting_url)
    page.click("#issue-minutes")
    page.wait_for_selector("#minutes-versions")
    href = page.locator("#minutes-versions a", has_text="PDF").first.get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf.body())
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Röj buskagen och byt lamporna" in text and "Gata/park" in text
