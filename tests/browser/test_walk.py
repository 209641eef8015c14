"""A safety walk end to end in Chromium: planned on the desktop, walked on a phone (390×844) with a
dropped connection, every observation on the server exactly once, a finding routed to the street
department and resolved there, and the walk report exported as PDF."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RESOLUTION = "Gatubelysningen lagad"


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    """A phone-sized page (390×844, touch, GPS near Drottningtorget) failing on any console error."""
    context = browser.new_context(base_url=live_server, locale="sv-SE", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, permissions=["geolocation"],
                                  geolocation={"latitude": 58.2837, "longitude": 12.2886})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.set_default_timeout(15000)
    yield pg
    context.close()
    assert not errors, "JavaScript errors in the browser:\n" + "\n".join(errors)


def _option_value(page: Any, select: str, text: str) -> str:
    return str(page.eval_on_selector(select, "(s, t) => [...s.options].find(o => o.text.includes(t)).value", text))


def test_a_safety_walk_is_planned_walked_offline_routed_resolved_and_exported(
        page: Any, phone: Any, login_as: Callable[[Any, str], None],
        screenshot: Callable[[Any, str], Any]) -> None:
    # -- the coordinator sends lighting findings to the street department and plans the walk
    login_as(page, "samordnare")
    page.goto("/fieldwork/routing")
    page.select_option("#route_lighting", _option_value(page, "#route_lighting", "Gata/park"))
    page.click("form[action='/fieldwork/routing'] button[type=submit]")
    page.wait_for_url(re.compile(r"saved=1"))
    page.goto("/fieldwork/walks")
    page.fill("#title", "Trygghetsrond Drottningtorget")
    page.fill("#planned_for", "2025-10-30T18:30")
    page.wait_for_selector("#route-map.leaflet-container")
    route_map = page.locator("#route-map")
    route_map.scroll_into_view_if_needed()
    box = route_map.bounding_box()
    for fx, fy in ((0.35, 0.45), (0.5, 0.5), (0.65, 0.55)):
        route_map.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
    assert '"LineString"' in page.input_value("#route")
    page.get_by_label("Eidar – Trollhättans Bostadsbolag").check()
    page.get_by_label("Trygghetsvandrarna Trollhättan").check()
    page.click("#plan-walk-form button[type=submit]")
    page.wait_for_url(re.compile(r"/fieldwork/walks/\d+$"))
    walk_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("h1").inner_text() == "Trygghetsrond Drottningtorget"

    # -- a volunteer walks it on a phone
    phone.goto("/login")
    phone.fill("#username", "rapportor-trygghetsvandrarna-1")
    phone.fill("#password", "demo-rapportor-trygghetsvandrarna-1")
    phone.click("form[action='/login'] button[type=submit]")
    phone.wait_for_load_state("networkidle")
    phone.goto(f"/fieldwork/walks/{walk_id}/walk")
    phone.wait_for_selector("#phone-map.leaflet-container")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    waiting = phone.locator("#queue-count")

    phone.click("#locate-btn")  # GPS
    expect(phone.locator("#obs-lon")).not_to_have_value("")
    phone.select_option("#obs-item", "lighting")
    phone.fill("#obs-note", "Två lampor släckta vid gångtunneln")
    phone.click("#obs-save")
    expect(phone.locator("#queue-count")).to_have_attribute("data-sent", "1")

    # -- the connection drops: two observations are kept on the phone
    phone.context.set_offline(True)
    expect(phone.locator("#conn-state")).to_have_attribute("data-online", "0")
    phone_map = phone.locator("#phone-map")
    map_box = phone_map.bounding_box()
    phone_map.click(position={"x": map_box["width"] * 0.4, "y": map_box["height"] * 0.4})  # a tap on the map
    phone.select_option("#obs-item", "graffiti")
    phone.fill("#obs-note", "Klotter på elskåpet")
    phone.click("#obs-save")
    phone_map.click(position={"x": map_box["width"] * 0.6, "y": map_box["height"] * 0.6})
    phone.select_option("#obs-item", "vegetation")
    phone.fill("#obs-note", "Buskage skymmer sikten")
    phone.click("#obs-save")
    expect(phone.locator("#queue-count")).to_have_attribute("data-waiting", "2")
    assert waiting.get_attribute("data-sent") == "1"
    expect(waiting).to_have_text("3")  # the badge counts the listed observations, sent or waiting
    expect(phone.locator("#obs-list > li")).to_have_count(3)
    assert "telefonen" in phone.locator("#conn-state").inner_text()
    screenshot(phone, "walk-phone-offline")

    # -- back online: the queue empties itself, nothing lost, nothing doubled
    phone.context.set_offline(False)
    expect(phone.locator("#queue-count")).to_have_attribute("data-waiting", "0")
    expect(phone.locator("#queue-count")).to_have_attribute("data-sent", "3")
    phone.reload()  # a reload re-sends nothing: the device queue is empty
    phone.wait_for_selector("#phone-map.leaflet-container")
    expect(phone.locator("#queue-count")).to_have_attribute("data-sent", "3")
    detail = phone.request.get(f"/api/v1/walks/{walk_id}").json()
    notes = sorted(o["note"] for o in detail["observations"])
    assert notes == ["Buskage skymmer sikten", "Klotter på elskåpet", "Två lampor släckta vid gångtunneln"]
    assert len({o["key"] for o in detail["observations"]}) == 3
    lighting = next(o for o in detail["observations"] if o["item"] == "lighting")
    assert lighting["routed_to"] == "Gata/park"

    # -- the street department resolves its finding; the walkers see the feedback
    page.context.clear_cookies()
    login_as(page, "rapportor-gatapark-1")
    page.goto(f"/fieldwork/walks/{walk_id}")
    row = page.locator(f"#obs-{lighting['id']}")
    row.locator("select[name=status]").select_option("resolved")
    row.locator("input[name=note]").fill(RESOLUTION)
    row.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#obs-{lighting['id']}").get_attribute("data-status") == "resolved"
    phone.goto(f"/fieldwork/walks/{walk_id}")
    assert RESOLUTION in phone.locator("#findings").inner_text()
    assert "1 åtgärdade" in phone.locator("#walk-summary").inner_text()

    # -- the walk report as PDF
    with phone.expect_download() as info:
        phone.click("#walk-pdf")
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    screenshot(phone, "walk-phone-feedback")
