"""Two `trygg serve` processes on one database share what a load balancer needs them to share:
a sign-in session, rate-limit counters and queued jobs (the steps of docs/deployment.md)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.factories import password_of
from trygg.storage.database import Database
from trygg.web.account.auth import LOGIN_PER_MINUTE

ROOT = Path(__file__).resolve().parents[2]
CSV = "Vad;När;Var\nvandalism;2024-05-03 22:00;T001\nlittering;2024-05-04 10:00;T002\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db: Database, port: int, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    """`trygg serve` as docs/deployment.md runs it (one process each here: the machine has 2 cores)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRYGG_SECRET_KEY": "one-secret-for-every-process",
           "TRYGG_REQUIRE_TOTP": "false", "TRYGG_SECURE_COOKIES": "false"}  # plain http on 127.0.0.1
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-c", "from trygg.cli import main; main()", "serve",
                                 "--db", db.url, "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                                 *extra], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


@pytest.fixture
def two_servers(database: Database, world, tmp_path: Path) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Server A runs no jobs (`--no-jobs`), server B runs the worker loop; both on `database`."""
    log = tmp_path / "servers.log"
    ports = _free_port(), _free_port()
    procs = [_serve(database, ports[0], log, "--no-jobs"), _serve(database, ports[1], log)]
    urls = tuple(f"http://127.0.0.1:{p}" for p in ports)
    try:
        deadline = time.monotonic() + 90
        for url, proc in zip(urls, procs, strict=True):
            while True:
                assert proc.poll() is None, log.read_text()
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield urls[0], urls[1]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)


def _login(client: httpx.Client, username: str) -> httpx.Response:
    client.get("/login")
    return client.post("/login", data={"username": username, "password": password_of(username),
                                       "csrf_token": client.cookies.get("trygg_csrf"), "next": "/"})


def test_two_servers_share_sessions_rate_limits_and_jobs(two_servers: tuple[str, str], database: Database) -> None:
    a_url, b_url = two_servers
    with httpx.Client(base_url=a_url) as a, httpx.Client(base_url=b_url) as b:
        # a session made by A is valid on B
        assert _login(a, "samordnare").status_code == 303
        b.cookies.update({"trygg_session": a.cookies["trygg_session"], "trygg_csrf": a.cookies["trygg_csrf"]})
        assert b.get("/imports").status_code == 200
        assert httpx.get(f"{b_url}/imports", follow_redirects=False).status_code in (303, 401, 403)  # without: not

        # a job queued on A (which runs no jobs) is run by B's worker loop; A shows the result
        files = {"file": ("x.csv", CSV.encode(), "text/csv")}
        form = {"fmt": "csv", "map_category": "Vad", "map_occurred_from": "När", "map_area": "Var",
                "csrf_token": a.cookies["trygg_csrf"]}
        r = a.post("/imports/run", data=form, files=files)
        assert r.status_code == 303, r.text
        run_id = int(r.headers["location"].rsplit("/", 1)[1])
        deadline = time.monotonic() + 60
        while "Importen är klar." not in (page := a.get(f"/imports/{run_id}").text):
            assert time.monotonic() < deadline, "the job queued on A was never run"
            time.sleep(0.3)
        assert "x.csv" in page
        from trygg.ingest import jobs as import_jobs
        from trygg.jobs import worker
        from trygg.storage import jobs as job_store

        # the import commits its run as it goes; the job row is finished in the worker's next commit
        with database.session() as s:
            job = job_store.by_key(s, import_jobs.job_key(run_id))
            assert job is not None
            job_id = job.id
        assert worker.wait_for(database, job_id, timeout=30) == "done"
        with database.session() as s:
            job = job_store.get(s, job_id)
            assert job is not None and job.worker is not None

        # sign-in attempts on A and B count together: alternating between them, the limit is reached
        # after LOGIN_PER_MINUTE attempts in all (with counters per process, each would have seen half)
        with httpx.Client(base_url=a_url) as x, httpx.Client(base_url=b_url) as y:
            codes: list[int] = []
            for n in range(LOGIN_PER_MINUTE + 1):
                c = (x, y)[n % 2]
                c.get("/login")
                codes.append(c.post("/login", data={"username": "nobody", "password": "wrong",
                                                    "csrf_token": c.cookies.get("trygg_csrf")}).status_code)
                if codes[-1] == 429:
                    break
            assert codes[-1] == 429 and set(codes[:-1]) == {401}, codes
            assert LOGIN_PER_MINUTE // 2 < len(codes) <= LOGIN_PER_MINUTE + 1
            for c in (x, y):
                refused = c.post("/login", data={"username": "nobody", "password": "wrong",
                                                 "csrf_token": c.cookies.get("trygg_csrf")})
                assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
