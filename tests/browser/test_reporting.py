"""Reporting on a phone (390×844) in Chromium: an EST reporter files a report in well under a minute,
and a resident sends a Kontaktcenter report and follows it on the status page."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    """A phone-sized page (390×844, touch, GPS at Drottningtorget) failing on any console error."""
    context = browser.new_context(base_url=live_server, locale="sv-SE", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, permissions=["geolocation"],
                                  geolocation={"latitude": 58.2837, "longitude": 12.2886})
    pg = context.new_page()
    errors: list[str] = []
    # A refused form answers 422 on purpose (the field messages); Chromium logs that as a resource error.
    pg.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}")
          if msg.type == "error" and "status of 422" not in msg.text else None)
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.set_default_timeout(15000)
    yield pg
    context.close()
    assert not errors, "JavaScript errors in the browser:\n" + "\n".join(errors)


def test_a_reporter_files_a_report_on_a_phone(phone: Any, login_as: Callable[[Any, str], None],
                                              screenshot: Callable[[Any, str], Any]) -> None:
    login_as(phone, "rapportor-eidar-1")
    started = time.monotonic()
    phone.goto("/report")
    phone.select_option("#category", "vandalism")
    box = phone.locator("#place-map").bounding_box()
    phone.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a tap marks the place
    expect(phone.locator("#picker-status")).not_to_be_empty()
    assert phone.input_value("#lat") != ""
    phone.click("#use-position")  # … or the phone's own position
    expect(phone.locator("#lat")).to_have_value("58.283700")
    phone.check("input[name=insecurity][value='4']")
    phone.fill("#description", "Krossad ruta i busskuren")
    screenshot(phone, "report-form-phone-filled")
    phone.click("button[type=submit].button-big")
    expect(phone.locator(".alert-ok")).to_contain_text("Tack")
    elapsed = time.monotonic() - started
    screenshot(phone, "report-form-phone")
    print(f"report filed on a phone in {elapsed:.1f} s of browser time")  # reported, not asserted
    # the personal-data guard in the browser: warned while typing, refused on sending
    phone.select_option("#category", "disorder")
    phone.click("#use-position")
    phone.fill("#description", "Han heter Olle, 811218-9876")
    expect(phone.locator("#pd-live")).to_be_visible()
    phone.click("button[type=submit].button-big")
    expect(phone.locator("#err-description")).to_contain_text("81****-****")
    assert "9876" not in phone.content()


def test_a_resident_reports_and_follows_the_report(phone: Any, screenshot: Callable[[Any, str], Any]) -> None:
    phone.goto("/kontakt")
    expect(phone.locator(".kc-hours")).to_contain_text("Gärdhemsvägen 9")
    phone.select_option("#category", "littering")
    phone.click("#use-position")
    expect(phone.locator("#lat")).to_have_value("58.283700")
    phone.fill("#description", "Mycket skräp vid bänkarna")
    phone.click("button[type=submit].button-big")
    expect(phone.locator("h1")).to_contain_text("Tack")
    screenshot(phone, "resident-receipt-phone")
    phone.click("a[href^='/kontakt/status/']")
    expect(phone.locator("h1")).to_contain_text("Status")
