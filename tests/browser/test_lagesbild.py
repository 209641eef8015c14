"""The lägesbild dashboard in Chromium with the demo data: loads without console errors, filters
redraw the map and the charts, the area page works, and the PDF downloads with pages."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

LOADED = "#lagesbild-app[data-loaded-query]:not([data-loaded-query=''])"


def page_count(pdf: bytes) -> int:
    n = len(re.findall(rb"/Type\s*/Page\b", pdf))
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            n += len(re.findall(rb"/Type\s*/Page\b", zlib.decompress(m.group(1))))
        except zlib.error:
            continue
    return n


def _state(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("""() => {
        const s = window.TryggLagesbild.state, map = document.getElementById('lagesbild-map');
        return {query: document.getElementById('lagesbild-app').dataset.loadedQuery,
                total: Number(document.getElementById('lagesbild-app').dataset.total),
                categories: s.charts['chart-categories'].data.labels,
                weekly: s.charts['chart-weekly'].data.datasets[0].data.length,
                points: Number(map.dataset.points), hotCells: Number(map.dataset.hotCells)};
    }"""))


def test_the_dashboard_draws_map_and_charts_and_follows_the_filters(
        page: Any, login_as: Callable[[Any, str], None], screenshot: Callable[[Any, str], Path]) -> None:
    login_as(page, "samordnare")
    page.goto("/lagesbild")
    page.wait_for_selector(LOADED)
    before = _state(page)
    assert before["query"] == "weeks=1" and before["total"] > 50 and before["points"] > 0
    assert len(before["categories"]) > 3 and before["weekly"] >= 26
    assert page.locator("#lagesbild-map .leaflet-overlay-pane canvas, #lagesbild-map .leaflet-overlay-pane svg").count()
    screenshot(page, "lagesbild-dashboard")

    page.select_option("#f-category", "vandalism")
    page.wait_for_selector("#lagesbild-app[data-loaded-query*='category=vandalism']")
    after = _state(page)
    assert after["categories"] == ["Skadegörelse / klotter"]
    assert 0 < after["total"] < before["total"] and after["points"] < before["points"]
    assert "category=vandalism" in page.url
    assert page.locator("#kpi-total").inner_text().replace("\xa0", "") == str(after["total"])

    page.select_option("#f-weeks", "13")
    page.wait_for_selector("#lagesbild-app[data-loaded-query*='weeks=13']")
    longer = _state(page)
    assert longer["total"] > after["total"] and longer["weekly"] >= after["weekly"]
    screenshot(page, "lagesbild-filtered")


def test_the_pdf_is_created_with_progress_and_downloads_with_pages(
        page: Any, login_as: Callable[[Any, str], None], tmp_path: Path) -> None:
    login_as(page, "analytiker")
    page.goto("/lagesbild?weeks=4")
    page.wait_for_selector(LOADED)
    assert not page.locator("#pdf-progress").is_visible()  # hidden until a PDF is asked for
    page.click("#pdf-link")
    page.wait_for_selector("#pdf-progress:not([hidden])")
    link = page.wait_for_selector("#pdf-download", timeout=60000)
    assert "PDF" in (link.inner_text() or "")
    with page.expect_download() as info:
        page.click("#pdf-download")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    data = target.read_bytes()
    assert target.name.startswith("lagesbild-") and data.startswith(b"%PDF") and page_count(data) >= 3


def test_the_area_page_and_english(page: Any, login_as: Callable[[Any, str], None],
                                   screenshot: Callable[[Any, str], Path]) -> None:
    login_as(page, "samordnare")
    page.goto("/areas")
    page.click("text=Kronogårds Torg-Frälsegården")
    page.wait_for_selector("#area-map .leaflet-overlay-pane", state="attached")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Kronogårds Torg-Frälsegården"
    assert page.locator("text=Upplevd trygghet (enkät)").count() == 1
    screenshot(page, "area-page")
    page.goto("/lagesbild?lang=en")
    page.wait_for_selector(LOADED)
    assert page.locator("h1").inner_text() == "Situation picture"
    assert "Reports per week" in page.content()
    page.goto("/lagesbild?lang=sv")
    page.wait_for_selector(LOADED)


def test_hot_spots_jump_to_the_map_and_the_week_table_shows_every_hour(
        browser: Any, live_server: str, login_as: Callable[[Any, str], None]) -> None:
    context = browser.new_context(base_url=live_server, locale="sv-SE", viewport={"width": 1440, "height": 900},
                                  geolocation={"latitude": 58.2836, "longitude": 12.2886},
                                  permissions=["geolocation"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        login_as(page, "samordnare")
        page.goto("/lagesbild?weeks=13")
        page.wait_for_selector(LOADED)
        heat = page.locator("table.heatmap").locator("xpath=..")
        assert heat.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the weekday × hour table is cut"
        rows = page.locator("tr[data-hotspot]")
        assert rows.count() >= 5
        assert "m bort" in rows.first.inner_text()  # the nearest known place
        rows.first.locator("[data-goto-lat]").click()
        lat = float(rows.first.locator("[data-goto-lat]").get_attribute("data-goto-lat") or 0)
        centre = page.evaluate("() => window.TryggLagesbild.state.map.getCenter().lat")
        assert abs(centre - lat) < 0.001
        page.goto("/report")
        page.click("#use-position")
        status = page.locator("#picker-status")
        page.wait_for_function("() => document.getElementById('picker-status').textContent.includes('Din position')")
        assert "m från" in status.inner_text() or "Din position:" in status.inner_text()
        assert page.locator("#area").input_value() != ""
    finally:
        context.close()
    assert not errors, errors
