"""Creating an EST group in Chromium: choose districts on the map and in the list, confirm their move, open it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

NAME = "EST Landsbygd (webbtest)"
ON_MAP = "Sjuntorpsområdet-Gärdhem-Edsvid"
IN_LIST = "Trollhättan östra landsbygd"
OLD_GROUP = "EST Söder och landsbygd"


def _click_district_on_map(page: Any, name: str) -> None:
    """Click inside the district's outline on the form's map (Leaflet draws it on a canvas)."""
    point = page.evaluate("""name => {
        const el = document.getElementById('group-area-map');
        el.scrollIntoView({block: 'center'});
        const map = el._tryggMap;
        const lyr = el._tryggLayer.getLayers().find(l => l.feature.properties.name === name);
        // A point inside the outline (the centre of a concave district may lie outside it).
        const ring = lyr.getLatLngs().flat(2).map(ll => map.latLngToContainerPoint(ll));
        const inside = (x, y) => ring.reduce((acc, a, i) => {
            const b = ring[(i + 1) % ring.length];
            return ((a.y > y) !== (b.y > y)) && (x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) ? !acc : acc;
        }, false);
        const c = map.latLngToContainerPoint(lyr.getCenter());
        let best = null;
        for (let dx = -150; dx <= 150; dx += 10) {
            for (let dy = -150; dy <= 150; dy += 10) {
                const d = dx * dx + dy * dy;
                if (inside(c.x + dx, c.y + dy) && (best === null || d < best.d)) {
                    best = {x: c.x + dx, y: c.y + dy, d: d};
                }
            }
        }
        const box = el.getBoundingClientRect();
        return {x: box.left + best.x, y: box.top + best.y};
    }""", name)
    page.mouse.click(point["x"], point["y"])


def test_a_coordinator_creates_an_est_group_and_opens_its_meeting(
        page: Any, login_as: Callable[[Any, str], None], screenshot: Callable[[Any, str], Path]) -> None:
    login_as(page, "samordnare")
    page.goto("/meetings")
    page.click("#new-group")
    page.wait_for_selector("#group-area-map .leaflet-overlay-pane canvas", state="attached")
    assert "no-basemap" in (page.get_attribute("#group-area-map", "class") or "")
    page.fill("#field-name", NAME)
    page.fill("#field-description", "Sjuntorp, Gärdhem och den östra landsbygden.")
    sjuntorp = page.locator("#field-areas .area-choice", has_text=ON_MAP).locator("input[name=areas]")
    assert not sjuntorp.is_checked()
    assert f"nu i {OLD_GROUP}" in page.locator("#field-areas .area-choice", has_text=ON_MAP).inner_text()
    move = page.locator("label.move-confirm", has_text=f"Flytta {ON_MAP} från {OLD_GROUP}")
    assert not move.is_visible()
    _click_district_on_map(page, ON_MAP)
    assert sjuntorp.is_checked(), "a click on the map ticks the district in the list"
    # The district belongs to another group: the move is confirmed explicitly, district by district.
    assert move.is_visible()
    move.locator("input").check()
    page.locator("#field-areas .area-choice", has_text=IN_LIST).locator("input[name=areas]").check()
    page.locator("label.move-confirm", has_text=f"Flytta {IN_LIST} från {OLD_GROUP}").locator("input").check()
    page.locator("#field-members label", has_text="Polisen").first.locator("input").check()
    page.select_option("#meeting_weekday", label="Torsdag")
    page.fill("#meeting_time", "13:30")
    screenshot(page, "est-group-new")
    page.click("#group-form button[type=submit]")

    page.wait_for_selector(f"h1:has-text('{NAME}')")
    assert page.locator("#saved-message").count() == 1
    assert "Ordinarie möte: torsdag 13:30" in page.inner_text("main")

    page.goto("/meetings")
    page.click(f"text={NAME}")
    page.wait_for_selector(f"h1:has-text('{NAME}')")
    assert page.locator("#new-heading").count() == 1 and page.locator("#record-form").count() == 1
    areas = page.locator("main p.muted").first.inner_text()
    assert ON_MAP in areas and IN_LIST in areas
    screenshot(page, "est-group-meeting")
