"""Load figures: requests per second and latency percentiles of the real server on loopback.

Run from the repository root (needs Debian's ``wrk``: ``apt-get install -y wrk``)::

    .venv/bin/python -m bench.load                  # demo database, 20 s per target, 16 connections
    .venv/bin/python -m bench.load --write-docs     # and rewrite "## Load figures" in docs/performance.md
    .venv/bin/python -m bench.load --db trygg.db    # your own database (a copy is used; it needs the
                                                    # demo users, see docs/demo.md)

The demo database (``trygg.demo.builder.build_demo``, seed 2022) is built once into
``bench/.cache/load-demo.db`` and copied for every run, so the report submissions of one run do
not pile up in the next. Targets: ``POST /api/v1/reports`` (a reporter's API token, a new
Idempotency-Key per request), ``GET /lagesbild`` (the situational picture, signed in as the
coordinator) and ``GET /api/v1/reports`` (the first page of the list). The server is
``trygg serve`` (one uvicorn process), the load generator ``wrk`` on the same 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "load-demo.db"
ARTIFACT = ROOT / "test-artifacts" / "load.json"
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Load figures"
REPORTER, VIEWER = "rapportor-trygghet-1", "samordnare"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_database() -> Path:
    """The demo database, built once (deterministic, seed 2022)."""
    if CACHE.exists():
        return CACHE
    from trygg.demo.builder import build_demo
    from trygg.storage.database import Database

    CACHE.parent.mkdir(parents=True, exist_ok=True)
    partial = CACHE.with_name(CACHE.name + ".partial")
    partial.unlink(missing_ok=True)
    db = Database(str(partial))
    db.upgrade()
    print("building the demo database (once) …", file=sys.stderr)
    build_demo(db, seed=2022)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    partial.replace(CACHE)
    return CACHE


def api_token(db_path: Path, username: str) -> str:
    from trygg.storage import users as user_store
    from trygg.storage.database import Database

    db = Database(str(db_path))
    try:
        with db.session() as s:
            user = user_store.get_user_by_name(s, username)
            if user is None:
                raise SystemExit(f"user {username!r} is not in {db_path}: use the demo database")
            return user_store.create_token(s, user, name="bench.load")
    finally:
        db.dispose()


def report_count(db_path: Path) -> int:
    from sqlalchemy import func, select

    from trygg.storage.database import Database
    from trygg.storage.schema import Report

    db = Database(str(db_path))
    try:
        with db.session() as s:
            return int(s.scalar(select(func.count(Report.id))) or 0)
    finally:
        db.dispose()


def session_cookie(base: str, username: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as c:
        c.get("/login")
        csrf = c.cookies.get("trygg_csrf") or ""
        r = c.post("/login", data={"username": username, "password": f"demo-{username}", "csrf_token": csrf,
                                   "next": "/"}, follow_redirects=False)
        if r.status_code != 303:
            raise SystemExit(f"could not sign in as {username}: {r.status_code} {r.text[:200]}")
        return "; ".join(f"{k}={v}" for k, v in c.cookies.items())


def wrk(url: str, script: str, seconds: int, connections: int, threads: int, env: dict[str, str]) -> dict[str, Any]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s",
           str(ROOT / "bench" / script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("JSON "))
    result: dict[str, Any] = json.loads(line[5:])
    result["requests_per_s"] = round(result["requests"] / result["duration_s"], 1)
    result["command"] = " ".join(cmd[:-1] + ["http://127.0.0.1:PORT/" + url.split("/", 3)[-1]])
    return result


def run(db: Path | None, seconds: int, connections: int, threads: int) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    source = db or demo_database()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "load.db"
        shutil.copy(source, work)
        token = api_token(work, REPORTER)
        before = report_count(work)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "TRYGG_SECRET_KEY": "bench-load", "TRYGG_PUBLIC_RATE_LIMIT": "1000000"}
        log = (Path(tmp) / "server.log").open("wb")
        server = subprocess.Popen([sys.executable, "-c", "from trygg.cli import main; main()", "serve", "--db",
                                   str(work), "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            for _ in range(600):
                try:
                    if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            cookie = session_cookie(base, VIEWER)
            started = time.perf_counter()  # the first lägesbild builds its cache: timed on its own
            first = httpx.get(base + "/lagesbild", headers={"Cookie": cookie}, timeout=120)
            cold_ms = round((time.perf_counter() - started) * 1000, 1)
            if first.status_code != 200:
                raise SystemExit(f"GET /lagesbild answered {first.status_code}")
            results = {}
            for name, path, script, extra in (  # reads first, on the unchanged demo data
                    ("GET /lagesbild", "/lagesbild", "load_get.lua", {"TRYGG_COOKIE": cookie}),
                    ("GET /api/v1/reports", "/api/v1/reports", "load_get.lua", {"TRYGG_COOKIE": cookie}),
                    ("POST /api/v1/reports", "/api/v1/reports", "load_report.lua", {"TRYGG_TOKEN": token})):
                print(f"{name}: {seconds} s, {connections} connections …", file=sys.stderr)
                results[name] = wrk(base + path, script, seconds, connections, threads, extra)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            log.close()
        stored = report_count(work) - before
    posted = results["POST /api/v1/reports"]
    return {
        "database": "demo (trygg.demo.builder.build_demo, seed 2022)" if db is None else str(db),
        "reports_before": before, "reports_stored_by_the_run": stored,
        "acknowledged": posted["requests"] - posted["non_2xx"] - posted["socket_errors"],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_after": round(os.getloadavg()[0], 1), "seconds": seconds, "connections": connections,
        "wrk_threads": threads, "lagesbild_first_request_ms": cold_ms, "results": results,
    }


def markdown(fig: dict[str, Any]) -> str:
    busy = (" (other work shared the machine, so these figures are pessimistic)"
            if fig["load_average_after"] > (os.cpu_count() or 1) + 1 else "")
    extra = fig["reports_stored_by_the_run"] - fig["acknowledged"]
    # wrk stops counting at the deadline: up to one request per connection is stored but not counted
    verdict = ("Every acknowledged submission was stored" if 0 <= extra <= fig["connections"]
               else "**MISMATCH between acknowledged and stored submissions**")
    rows = "\n".join(
        f"| `{name}` | {r['requests_per_s']} | {r['p50_ms']} | {r['p90_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
        f"{r['max_ms']} | {r['non_2xx'] + r['socket_errors']} |" for name, r in fig["results"].items())
    return f"""{SECTION}

Measured with `.venv/bin/python -m bench.load --write-docs` ({fig['seconds']} s per target,
{fig['connections']} connections, `wrk` with {fig['wrk_threads']} threads) against `trygg serve` (one
uvicorn process, SQLite in WAL with `synchronous=FULL`) on loopback; {fig['machine']}; the load
generator shares the cores with the server. Database: {fig['database']}, {fig['reports_before']}
reports before the run. One-minute load average after the run: {fig['load_average_after']}{busy}.

| request | requests/s | p50 ms | p90 ms | p95 ms | p99 ms | max ms | errors |
|---|---|---|---|---|---|---|---|
{rows}

{verdict}: {fig['acknowledged']} answered 201 (each with its own
Idempotency-Key) and the run added {fig['reports_stored_by_the_run']} reports to the database (the
difference is the requests still in flight when wrk stopped counting, at most one per connection).
Each submission is one fsync'ed SQLite transaction (the report, its idempotency record, the
token's last use). `GET /lagesbild` is the situational
picture (trends, hot spots, hour-of-week) of the signed-in coordinator; it is computed once per data
version and then served from the in-process cache: the first request took
{fig['lagesbild_first_request_ms']} ms before the run (the reads are measured before the writes, so
the cache stays warm; after a write, the next views recompute it); `GET /api/v1/reports` is the
first page (50) of the reports list. The wrk scripts are
`bench/load_report.lua` and `bench/load_get.lua`; the raw figures go to `test-artifacts/load.json`.

The reliability suite (`tests/reliability/`, see [operations](operations.md)) measures the same
submission path with 16 Python reporters and writes its p95/p99 to `test-artifacts/reliability.json`.
"""


def write_section(text: str, path: Path = DOC) -> None:
    """Replace (or append) only the "## Load figures" section; other sections stay as they are."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n\n"
    start = old.find(SECTION)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        nxt = old.find("\n## ", start + 1)
        new = old[:start] + text + ("\n" + old[nxt + 1:] if nxt >= 0 else "")
    path.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a SQLite database with the demo users (default: the demo)")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--write-docs", action="store_true", help="rewrite the section in docs/performance.md")
    args = parser.parse_args()
    fig = run(args.db, args.seconds, args.connections, args.threads)
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(fig, indent=2) + "\n")
    text = markdown(fig)
    print(text)
    if args.write_docs:
        write_section(text)


if __name__ == "__main__":
    main()
