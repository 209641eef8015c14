"""Going live through the settings pages, in Chromium at 360 px: from `trygg init` to the coordinator's
lägesbild. The administrator chooses a password through the one-time link, imports the districts
(preview, then store), the police as an organisation and a coordinator in bulk; the coordinator
chooses a password through their link; the police's events come in; the lägesbild shows them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.browser.conftest import _free_port
from tests.setup.districts import quadrants, write_geojson
from trygg.cli import app as cli

pytestmark = [pytest.mark.browser, pytest.mark.shared_data]
runner = CliRunner()
EVENTS = "data/polisen_events_2023-04-13_to_04-25.json"
PHONE = {"width": 360, "height": 740}
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > 362 && !e.closest('.table-wrap table')).slice(0, 5)
    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture(scope="module")
def lulea(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """(base URL, the administrator's one-time link, the database) of a server over a database that
    `trygg init` has just set up for Luleå."""
    folder = tmp_path_factory.mktemp("lulea")
    db = folder / "lulea.db"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    result = runner.invoke(cli, ["init", "--municipality", "Luleå", "--admin", "admin", "--base-url", base,
                                 "--db", str(db)])
    assert result.exit_code == 0, result.output
    link = re.search(r"(http://\S+/set-password/\S+)", result.output)
    assert link is not None
    env = {**os.environ, "TRYGG_SECRET_KEY": "going-live", "TRYGG_REQUIRE_TOTP": "false"}
    env.pop("TRYGG_DEMO", None)
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-c", "from trygg.cli import main; main()", "serve", "--db", str(db),
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("server did not start")
    yield base, link.group(1), db
    proc.terminate()
    proc.wait(10)
    log.close()


@pytest.fixture
def phone(browser: Any, lulea: tuple[str, str, Path]) -> Iterator[Any]:
    """A 360 px wide page on the Luleå server; any console error fails the test."""
    context = browser.new_context(base_url=lulea[0], locale="sv-SE", viewport=PHONE)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_default_timeout(20000)
    yield pg
    context.close()
    assert not errors, errors


def _set_password(pg: Any, link: str, password: str) -> None:
    pg.goto(link)
    pg.fill("#new_password", password)
    pg.fill("#repeat_password", password)
    pg.click("form button[type=submit]")
    pg.wait_for_url(re.compile(r"/login\?password_set=1"))


def _login(pg: Any, username: str, password: str) -> None:
    pg.fill("#username", username)
    pg.fill("#password", password)
    pg.click("form[action='/login'] button[type=submit]")
    pg.wait_for_load_state("networkidle")
    assert "/login" not in pg.url


def _fits(pg: Any) -> None:
    wide = pg.evaluate(WIDE_ELEMENTS)
    assert pg.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, (pg.url, wide)
    assert pg.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, pg.url


def _upload(pg: Any, path: Path) -> None:
    pg.set_input_files("input[type=file]", str(path))


def test_a_municipality_goes_live_through_the_settings_pages(phone: Any, lulea: tuple[str, str, Path],
                                                             tmp_path: Path, shared_dir: Path) -> None:
    base, link, db = lulea
    _set_password(phone, link, "admin-lulea-1")
    _login(phone, "admin", "admin-lulea-1")
    phone.goto("/admin")
    phone.click("nav.subnav >> text=Kommun")
    assert "Luleå (2580)" in phone.content()
    _fits(phone)
    # districts: check the file, see the map, store
    phone.click("nav.subnav >> text=Stadsdelar")
    _upload(phone, write_geojson(tmp_path / "stadsdelar.geojson", quadrants("2580")))
    phone.fill("#d-code", "kod")
    phone.fill("#d-name", "namn")
    phone.fill("#d-type", "typ")
    phone.fill("#d-pop", "folk")
    phone.click("text=Kontrollera filen")
    assert phone.locator("svg.svgmap path.svgmap-new").count() == 4
    _fits(phone)
    phone.click("text=Spara dessa stadsdelar")
    phone.wait_for_url(re.compile(r"/admin/districts\?done=imported"))
    assert phone.locator("td code", has_text="2580S01").count() == 1
    _fits(phone)
    # organisations and a coordinator in bulk
    orgs = tmp_path / "organisationer.csv"
    orgs.write_text("namn;kortnamn;typ;utanför\nPolisen – LPO Luleå;Polisen;polis;nej\n", encoding="utf-8")
    phone.click("nav.subnav >> text=Organisationer")
    _upload(phone, orgs)
    phone.click("text=Kontrollera filen")
    phone.click("form button:text-is('Spara')")
    phone.wait_for_url(re.compile(r"/admin/organisations\?done=imported"))
    assert "Polisen – LPO Luleå" in phone.content()
    _fits(phone)
    users = tmp_path / "anvandare.csv"
    users.write_text("användarnamn,namn,roll,organisation\nsamordnare,Trygghetssamordnare,samordnare,Luleå kommun\n",
                     encoding="utf-8")
    phone.goto("/admin/users")
    phone.click("text=Lägg till många användare")
    _upload(phone, users)
    phone.click("text=Kontrollera filen")
    phone.click("form button:text-is('Spara')")
    coordinator_link = phone.locator("code.token").first.inner_text()
    assert "/set-password/" in coordinator_link
    _fits(phone)
    # the police's events, from the command line
    result = runner.invoke(cli, ["import", str(shared_dir / EVENTS), "--format", "polisen", "--db", str(db)])
    assert result.exit_code == 0, result.output
    # the coordinator chooses a password and opens the lägesbild
    phone.context.clear_cookies()  # the administrator's browser session ends
    _set_password(phone, coordinator_link, "samordnare-lulea")
    _login(phone, "samordnare", "samordnare-lulea")
    phone.goto("/lagesbild?start=2023-04-13&end=2023-04-26")
    phone.wait_for_load_state("networkidle")
    assert "– Luleå</title>" in phone.content()
    shown = phone.request.get("/api/v1/lagesbild?start=2023-04-13&end=2023-04-26").json()
    assert shown["totals"]["current"] == 17  # the feed's Luleå events with a Trygg category (tests/setup)
    assert {a["code"] for a in shown["areas"]} == {"2580S01", "2580S02", "2580S03", "2580S04"}
    assert phone.locator("a", has_text="Nordväst").count() >= 1  # the districts table of the dashboard
