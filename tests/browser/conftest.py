"""Browser tests: Debian's Chromium driven by Playwright against the real server with demo data.

Fixtures:
- ``demo_db``: the Trollhättan demo database, built once per test run.
- ``live_server``: base URL of a real ``trygg serve`` process on 127.0.0.1 over that database.
- ``browser``: Chromium launched from ``$TRYGG_CHROMIUM`` or ``/usr/bin/chromium`` (never a download).
- ``page``: a fresh page that FAILS the test on any JavaScript console error or page error.
- ``login_as(page, username)``: signs in a demo user (password ``demo-<username>``).
- ``screenshot(page, name)``: saves ``test-artifacts/screenshots/<name>.png`` for review.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from trygg.domain import clock

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, demo_db_file: Path) -> Path:
    """A copy of the demo database (built once per run) for the server to write to."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(demo_db_file, path)
    return path


@pytest.fixture(scope="session")
def live_server(demo_db: Path) -> Iterator[str]:
    """A real server process on 127.0.0.1 serving the demo database."""
    port = _free_port()
    env = {**os.environ, "TRYGG_DEMO": "1", "TRYGG_SECRET_KEY": "browser-tests"}
    log = (ROOT / "test-artifacts")
    log.mkdir(exist_ok=True)
    name = f"live-server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"  # one per test process
    out = (log / name).open("w")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from trygg.cli import main; main()", "serve", "--db", str(demo_db),
         "--port", str(port), "--workers", "1"], env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see test-artifacts/{name}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("server did not answer /healthz within 60 s")
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    out.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("TRYGG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        pytest.fail(f"Chromium not found at {exe}: install Debian's chromium (scripts/setup --test does)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield PinnedBrowser(b)
        b.close()


class PinnedBrowser:
    """The browser, whose pages' JavaScript clocks run on the suite's pinned calendar, as the server does
    (`trygg.domain.clock`; time of day and timers stay real)."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **kwargs: Any) -> Any:
        context = self._browser.new_context(**kwargs)
        context.clock.set_system_time(clock.now())
        return context

    def new_page(self, **kwargs: Any) -> Any:
        return self.new_context(**kwargs).new_page()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A page in a fresh context; any console error or uncaught exception fails the test."""
    context = browser.new_context(base_url=live_server, locale="sv-SE", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.set_default_timeout(15000)
    yield pg
    context.close()
    assert not errors, "JavaScript errors in the browser:\n" + "\n".join(errors)


class QuietNetwork:
    """Waits until a page has had no request in flight for `quiet_s`: Playwright's "networkidle" waits a
    fixed 500 ms after the last one, which a crawl over a hundred pages pays a hundred times. Requests a
    page starts later (a fetch after its data arrived, an htmx load) restart the wait."""

    def __init__(self, page: Any, quiet_s: float = 0.1) -> None:
        self.page, self.quiet_s = page, quiet_s
        self.in_flight: set[Any] = set()
        self.last = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Any) -> None:
        self.in_flight.add(request)
        self.last = time.monotonic()

    def _ended(self, request: Any) -> None:
        self.in_flight.discard(request)
        self.last = time.monotonic()

    def wait(self, timeout_s: float = 20.0) -> None:
        self.page.wait_for_load_state("load")
        deadline = time.monotonic() + timeout_s
        while self.in_flight or time.monotonic() - self.last < self.quiet_s:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.page.url}: requests still in flight after {timeout_s:.0f} s: "
                                   f"{sorted(r.url for r in self.in_flight)[:5]}")
            self.page.wait_for_timeout(25)  # lets Playwright deliver the request events


@pytest.fixture
def login_as() -> Callable[[Any, str], None]:
    def _login(pg: Any, username: str, password: str | None = None) -> None:
        pg.goto("/login")
        pg.fill("#username", username)
        pg.fill("#password", password or f"demo-{username}")
        pg.click("form[action='/login'] button[type=submit]")
        pg.wait_for_load_state("networkidle")
        assert "/login" not in pg.url, f"login as {username} failed"

    return _login


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    def _shot(pg: Any, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return _shot
