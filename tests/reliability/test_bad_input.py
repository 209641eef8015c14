"""Bad input: a seeded flood of malformed requests across every write endpoint (the reports API,
walk and night-shift observations, Open311 in JSON and XML, the resident form and the partner
form). Every one is answered with a 4xx in its endpoint's error shape, none with a 5xx, and
nothing is stored. Most of the flood runs in-process (fast); a slice goes to the real server.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.factories import World, password_of
from tests.reliability.badinput import Case, Endpoint, generate, inside_point, problem_with
from tests.reliability.conftest import token_for
from tests.reliability.harness import Server, write_artifact
from trygg.config import Settings
from trygg.storage import intake as intake_store
from trygg.storage.backup import row_counts
from trygg.storage.database import Database
from trygg.web.app import create_app

IN_PROCESS = 500
#: Requests to the real server (it answers faster than TestClient): the short form, and `pytest --long`.
REAL_SERVER, REAL_SERVER_LONG = 2_000, 10_000
REAL_SERVER_THREADS = 4  # concurrent clients: enough to show requests that block each other
FLOOD_BUDGET_S = 120.0  # ~20 s when healthy; a server that blocks is not waited for
REQUEST_TIMEOUT_S = 20.0  # SQLite's busy timeout is 10 s: a longer wait means the server hangs
SEED = 20250301


Client = Any  # a TestClient (in-process) or an httpx.Client (the real server)


def _report(rng: random.Random) -> dict[str, Any]:
    lon, lat = inside_point(rng)
    return {"category": rng.choice(["vandalism", "disorder", "littering"]), "description": "Krossad ruta vid entrén.",
            "lon": lon, "lat": lat, "occurred_from": "2025-02-14T22:30:00+01:00", "insecurity": rng.randint(1, 5),
            "people_count": rng.randint(0, 9), "police_called": rng.random() < 0.3}


def _form_report(rng: random.Random) -> dict[str, Any]:
    lon, lat = inside_point(rng)
    return {"category": rng.choice(["vandalism", "littering", "unsafe_place"]), "description": "Trasig belysning.",
            "lon": lon, "lat": lat, "when": "exact", "occurred": "2025-02-14T22:30", "insecurity": rng.randint(1, 5),
            "people_count": rng.randint(0, 9), "police_called": rng.choice(["yes", "no"])}


def _open311(rng: random.Random) -> dict[str, Any]:
    lon, lat = inside_point(rng)
    return {"service_code": rng.choice(["vandalism", "littering", "unsafe_place"]), "lat": lat, "long": lon,
            "description": "Trasig gatlykta.", "attribute[occurred]": "2025-02-14T22:30:00+01:00",
            "attribute[insecurity]": str(rng.randint(1, 5))}


def _observation(rng: random.Random) -> dict[str, Any]:
    lon, lat = inside_point(rng)
    return {"item": rng.choice(["lighting", "litter", "graffiti"]), "lon": lon, "lat": lat,
            "note": "Lampan är trasig.", "observed_at": "2025-02-14T19:30:00+01:00"}


def _shift_observation(rng: random.Random) -> dict[str, Any]:
    lon, lat = inside_point(rng)
    return {"category": rng.choice(["disorder", "littering"]), "description": "Grupp vid torget.", "lon": lon,
            "lat": lat, "occurred_at": "2025-02-14T23:10:00+01:00", "insecurity": rng.randint(1, 5)}


def endpoints(db: Database, world: World, client: Client, browser_client: Client) -> list[Endpoint]:
    """Every write endpoint that takes a report or an observation. `client` sends Bearer tokens and
    no cookies; `browser_client` is signed in as a partner reporter and has a CSRF cookie."""
    reporter = {"Authorization": f"Bearer {token_for(db, 'rapportor')}", "Accept": "application/json"}
    coordinator = {"Authorization": f"Bearer {token_for(db, 'samordnare')}", "Accept": "application/json"}
    walk = client.post("/api/v1/walks", headers=coordinator, json={
        "title": "Trygghetsrond Centrum", "planned_for": "2025-02-14T18:00:00+01:00",
        "area_id": world.area_ids["T001"]})
    assert walk.status_code == 201, walk.text
    shift = client.post("/api/v1/night-shifts", headers=coordinator, json={
        "starts_at": "2025-02-14T21:00:00+01:00", "ends_at": "2025-02-15T02:00:00+01:00", "walkers": 4})
    assert shift.status_code == 201, shift.text
    with db.session() as s:
        api_key = intake_store.create_open311_client(s, "reliability suite")
    browser_client.get("/login")
    csrf = browser_client.cookies.get("trygg_csrf")
    login = browser_client.post("/login", data={"username": "rapportor", "password": password_of("rapportor"),
                                        "csrf_token": csrf, "next": "/"}, follow_redirects=False)
    assert login.status_code == 303, login.text
    csrf = browser_client.cookies.get("trygg_csrf")  # renewed at sign-in, tied to the session
    browser = {"X-CSRF-Token": csrf, "Accept": "text/html"}
    report_fields: dict[str, Any] = {
        "strings": ("category", "description"), "numbers": ("lon", "lat"), "integers": ("insecurity", "people_count"),
        "booleans": ("police_called",), "enums": ("category",)}
    form_fields: dict[str, Any] = {
        "numbers": ("lon", "lat"), "integers": ("insecurity", "people_count"), "enums": ("category",),
        "dates": ("occurred",), "required": ("category", "lon", "lat")}
    o311: dict[str, Any] = {
        "body": "form", "valid": _open311, "form_extra": {"api_key": api_key}, "numbers": ("lat", "long"),
        "enums": ("service_code",), "dates": ("attribute[occurred]",), "integers": ("attribute[insecurity]",),
        "required": ("service_code", "lat", "long"), "lon": "long", "idempotent": True}
    return [
        Endpoint("api_reports", "/api/v1/reports", "json", "api", _report, reporter, dates=("occurred_from",),
                 required=("category", "lon", "lat"), idempotent=True, outside_refused=False, **report_fields),
        Endpoint("walk_observation", f"/api/v1/walks/{walk.json()['id']}/observations", "json", "api", _observation,
                 coordinator, strings=("item",), numbers=("lon", "lat"), dates=("observed_at",), enums=("item",),
                 required=("item", "lon", "lat"), text="note", idempotent=True, outside_refused=False),
        Endpoint("shift_observation", f"/api/v1/night-shifts/{shift.json()['id']}/observations", "json", "api",
                 _shift_observation, coordinator, strings=("category", "description"), numbers=("lon", "lat"),
                 integers=("insecurity",), dates=("occurred_at",), enums=("category",),
                 required=("category", "lon", "lat"), idempotent=True, outside_refused=False),
        Endpoint("open311_json", "/open311/v2/requests.json", shape="open311_json", **o311),
        Endpoint("open311_xml", "/open311/v2/requests.xml", shape="open311_xml", **o311),
        Endpoint("resident_form", "/kontakt", "form", "html", _form_report, browser, {"csrf_token": csrf},
                 browser=True, **form_fields),
        Endpoint("partner_form", "/report", "form", "html", _form_report, browser, {"csrf_token": csrf},
                 outside_refused=False, browser=True, **form_fields),
    ]


def flood(send: Callable[[Case], tuple[int, str, bytes]], cases: list[Case],
          threads: int = 1) -> tuple[Counter[str], list[str]]:
    """Send every case (from `threads` threads) and collect the answers that are wrong. A server
    that stops answering (a request times out) ends the flood: the rest would only wait too."""
    statuses: Counter[str] = Counter()
    problems: list[str] = []
    lock = threading.Lock()
    hung = threading.Event()

    deadline = time.monotonic() + FLOOD_BUDGET_S

    def one(case: Case) -> None:
        if hung.is_set():
            return
        if time.monotonic() > deadline:
            with lock:
                if not hung.is_set():
                    hung.set()
                    problems.append(f"the flood took longer than {FLOOD_BUDGET_S:.0f} s after "
                                    f"{sum(statuses.values())} requests (requests blocked each other); it was ended")
            return
        status, ctype, body = send(case)
        problem = problem_with(case, status, ctype, body)
        with lock:
            statuses[f"{case.endpoint.name} {status}"] += 1
            if problem:
                problems.append(f"{case.label}: {problem}")
            if status == 0 and b"Timeout" in body:
                hung.set()
                problems.append(f"{case.label}: the server stopped answering after {sum(statuses.values())} "
                                "requests (timeout); the flood was ended")

    if threads == 1:
        for case in cases:
            one(case)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, cases))
    return statuses, problems


def summarise(problems: list[str]) -> str:
    """One line per kind of wrong answer: how often, and the first example."""
    groups: dict[str, list[str]] = {}
    for p in problems:
        label, _, rest = p.partition(": ")
        kind = rest.split(":", 1)[0] if rest.startswith("status") else "flood ended"
        groups.setdefault(f"{label} {kind}", []).append(rest)
    return "\n".join(f"  {len(v):5d} × {k}: {v[0][:240]}" for k, v in sorted(groups.items()))


def _sender(client: Client, browser_client: Client,
            resets: list[str]) -> Callable[[Case], tuple[int, str, bytes]]:
    def send(case: Case) -> tuple[int, str, bytes]:
        url = case.endpoint.path + (f"?{case.query}" if case.query else "")
        for attempt in (1, 2):
            try:
                r = (browser_client if case.endpoint.browser else client).post(
                    url, content=case.content, headers={**case.headers, "Content-Type": case.content_type},
                    follow_redirects=False)
            except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
                # uvicorn closes a keep-alive connection after an unhandled exception (a 5xx, which
                # is reported on its own); a request already sent on it is reset: send it once more.
                if attempt == 1:
                    resets.append(case.label)
                    continue
                return 0, "", f"{type(exc).__name__}: {exc} (body {len(case.content)} bytes)".encode()
            except httpx.TransportError as exc:  # no answer at all
                return 0, "", f"{type(exc).__name__}: {exc} (body {len(case.content)} bytes)".encode()
            return r.status_code, r.headers.get("content-type", ""), r.content
        raise AssertionError("unreachable")
    return send


def _run(name: str, db: Database, world: World, client: Client, browser_client: Client, n: int,
         seed: int, threads: int = 1) -> None:
    eps = endpoints(db, world, client, browser_client)
    cases = list(generate(eps, n, seed))
    before = row_counts(db)
    started = time.perf_counter()
    resets: list[str] = []
    statuses, problems = flood(_sender(client, browser_client, resets), cases, threads)
    seconds = time.perf_counter() - started
    after = row_counts(db)
    # Rate-limit counters count every sign-in attempt, malformed or not: they are not stored content.
    changed = {t: (before.get(t), n) for t, n in after.items() if before.get(t) != n and t != "rate_counters"}
    kinds = Counter(c.label for c in cases)
    write_artifact(name, {"requests": len(cases), "seconds": round(seconds, 1), "problems": len(problems),
                          "requests_per_s": round(len(cases) / seconds, 1), "threads": threads,
                          "connections_reset_and_resent": len(resets),
                          "tables_changed": changed, "kinds": len(kinds),
                          "statuses": dict(sorted(statuses.items()))})
    assert problems == [], f"{len(problems)} wrong answers:\n" + summarise(problems)
    assert changed == {}, f"malformed requests stored something: {changed}"


def test_malformed_requests_in_process(database: Database, world: World, tmp_path: Path) -> None:
    settings = Settings(database_url=database.url, secret_key="reliability", public_rate_limit=10**9,
                        secure_cookies="false")  # plain http://testserver
    app = create_app(settings, database)
    with TestClient(app, raise_server_exceptions=False) as client, \
            TestClient(app, raise_server_exceptions=False) as browser_client:
        _run(f"bad_input_in_process/{database.backend}", database, world, client, browser_client, IN_PROCESS,
             SEED)


def test_a_flood_of_malformed_requests_against_the_real_server(database: Database, world: World, server: Server,
                                                              long_run: bool) -> None:
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S) as client, \
            httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S) as browser_client:
        _run(f"bad_input_real_server/{database.backend}", database, world, client, browser_client,
             REAL_SERVER_LONG if long_run else REAL_SERVER, SEED + 1, REAL_SERVER_THREADS)
    assert server.server_errors() == [], server.log_tail()
