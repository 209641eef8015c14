"""Load figures: requests per second and latency percentiles of the real server on loopback.

Run from the repository root (needs Debian's ``wrk``: ``apt-get install -y wrk``)::

    .venv/bin/python -m bench.load                  # demo database, 20 s per target, 16 connections
    .venv/bin/python -m bench.load --postgres postgresql://postgres@127.0.0.1:5432/postgres --workers 1,2
    .venv/bin/python -m bench.load --write-docs     # and rewrite "## Load figures" in docs/performance.md
    .venv/bin/python -m bench.load --db trygg.db    # your own database (a copy is used; it needs the
                                                    # demo users, see docs/demo.md)

The demo database (``trygg.demo.builder.build_demo``, seed 2022) is built once into
``bench/.cache/load-demo.db`` and copied for every run, so the report submissions of one run do
not pile up in the next; with ``--postgres`` the demo is also built once into the PostgreSQL
database ``trygg_bench_demo`` and each run works on a ``CREATE DATABASE … TEMPLATE`` copy. For each
backend and each ``--workers`` count (``trygg serve --workers N``) the targets are ``GET /healthz``
(the yardstick: every figure is also given as a ratio to it, measured in the same run),
``GET /api/v1/reports?limit=50`` (the coordinator's API token), ``GET /lagesbild`` (cold: the first
request; warm: under load), ``GET /healthz`` again (the better of its two runs is the yardstick) and
``POST /api/v1/reports`` (a reporter's API token, a new
Idempotency-Key per request); afterwards the acknowledged submissions are compared with the
database. The load generator ``wrk`` runs on the same cores. Each target first runs ``--warmup``
seconds (default 5) unmeasured: a fresh copy of the database has no write-ahead log yet, and the
first few thousand writes, which grow it, are several times slower than the steady state.
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
HEALTHZ_AGAIN = "GET /healthz (again)"
REPORTER, VIEWER = "rapportor-trygghet-1", "samordnare"


def _schema_tag() -> str:
    """A short name of the migrations this checkout has (a server may hold other branches' benches)."""
    import hashlib

    names = sorted(p.name for p in (ROOT / "trygg" / "storage" / "migrations" / "versions").glob("*.py"))
    return hashlib.sha1("\n".join(names).encode()).hexdigest()[:8]


PG_TEMPLATE = f"trygg_bench_demo_{_schema_tag()}"  # the demo in PostgreSQL, built once; each run works on a copy


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
    key = Path(str(partial) + ".audit-key")  # the audit chain's key file goes with the database
    if key.exists():
        key.replace(str(CACHE) + ".audit-key")
    return CACHE


def api_token(url: str, username: str) -> str:
    from trygg.storage import users as user_store
    from trygg.storage.database import Database

    db = Database(url)
    try:
        with db.session() as s:
            user = user_store.get_user_by_name(s, username)
            if user is None:
                raise SystemExit(f"user {username!r} is not in {db.display_url}: use the demo database")
            return user_store.create_token(s, user, name="bench.load")
    finally:
        db.dispose()


def report_facts(url: str) -> tuple[int, str]:
    """(number of reports, the day after the newest report) of database `url`."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from trygg.storage.database import Database
    from trygg.storage.schema import Report

    db = Database(url)
    try:
        with db.session() as s:
            n = int(s.scalar(select(func.count(Report.id))) or 0)
            newest = s.scalar(select(func.max(Report.occurred_from)))
            return n, (newest.date() + timedelta(days=1)).isoformat() if newest else ""
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
    run_id = str(time.time_ns())  # new Idempotency-Keys for every run (bench/load_report.lua)
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "TRYGG_RUN": run_id, **env},
                         check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("JSON "))
    result: dict[str, Any] = json.loads(line[5:])
    result["requests_per_s"] = round(result["requests"] / result["duration_s"], 1)
    result["command"] = " ".join(cmd[:-1] + ["http://127.0.0.1:PORT/" + url.split("/", 3)[-1]])
    return result


class _Databases:
    """A fresh copy of the demo per run: a SQLite file, or a PostgreSQL database made from a template."""

    def __init__(self, sqlite_source: Path, postgres: str | None, tmp: Path) -> None:
        self.sqlite_source, self.postgres, self.tmp, self.made = sqlite_source, postgres, tmp, 0

    def new(self, backend: str) -> str:
        self.made += 1
        if backend == "sqlite":
            work = self.tmp / f"load-{self.made}.db"
            shutil.copy(self.sqlite_source, work)
            key = Path(str(self.sqlite_source) + ".audit-key")
            if key.exists():
                shutil.copy(key, str(work) + ".audit-key")
            from trygg.storage.database import Database

            db = Database(str(work))  # a demo cached by an older checkout: brought up to this schema
            db.upgrade()
            db.dispose()
            return str(work)
        admin = self._admin()
        name = f"trygg_bench_run_{self.made}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{PG_TEMPLATE}"')
        admin.dispose()
        return self._url(name)

    def drop(self, url: str) -> None:
        if url.startswith("postgresql"):
            admin = self._admin()
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
            admin.dispose()

    def _url(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        assert self.postgres is not None
        return make_url(self.postgres).set(database=name).render_as_string(hide_password=False)

    def _admin(self) -> Any:
        from sqlalchemy import create_engine

        from trygg.storage.database import normalise_url

        assert self.postgres is not None
        return create_engine(normalise_url(self.postgres), isolation_level="AUTOCOMMIT")


def postgres_demo(postgres: str) -> None:
    """The demo in PostgreSQL database `PG_TEMPLATE`, built once (deterministic, seed 2022)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from trygg.storage.database import Database, normalise_url

    admin = create_engine(normalise_url(postgres), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_TEMPLATE}).first():
            admin.dispose()
            return
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}_partial" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{PG_TEMPLATE}_partial"')
    url = make_url(postgres).set(database=f"{PG_TEMPLATE}_partial").render_as_string(hide_password=False)
    from trygg.demo.builder import build_demo

    db = Database(url)
    db.upgrade()
    print("building the demo database in PostgreSQL (once) …", file=sys.stderr)
    build_demo(db, seed=2022)
    db.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'ALTER DATABASE "{PG_TEMPLATE}_partial" RENAME TO "{PG_TEMPLATE}"')
    admin.dispose()


def run_one(url: str, backend: str, workers: int, seconds: int, connections: int, threads: int,
            warmup: int = 0) -> dict[str, Any]:
    """Serve `url` with `workers` processes and measure every target against /healthz in the same run."""
    reporter_token, viewer_token = api_token(url, REPORTER), api_token(url, VIEWER)
    before, today = report_facts(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TRYGG_SECRET_KEY": "bench-load", "TRYGG_PUBLIC_RATE_LIMIT": "1000000",
           "TRYGG_SECURE_COOKIES": "false",  # plain http on loopback: the sign-in cookies must come back
           "TRYGG_TODAY": today, "PYTHONPATH": str(ROOT)}
    with tempfile.NamedTemporaryFile("wb", suffix=".log", delete=False) as log:
        server = subprocess.Popen([sys.executable, "-c", "from trygg.cli import main; main()", "serve", "--db", url,
                                   "--port", str(port), "--workers", str(workers)],
                                  stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        for _ in range(1200):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        cookie = session_cookie(base, VIEWER)
        cold_load = round(os.getloadavg()[0], 1)
        started = time.perf_counter()  # nothing is cached yet: the first picture is computed
        first = httpx.get(base + "/lagesbild", headers={"Cookie": cookie}, timeout=120)
        cold_ms = round((time.perf_counter() - started) * 1000, 1)
        if first.status_code != 200:
            raise SystemExit(f"GET /lagesbild answered {first.status_code}")
        results = {}
        for name, path, script, extra in (  # reads first, on the unchanged demo data
                ("GET /healthz", "/healthz", "load_get.lua", {}),
                ("GET /api/v1/reports?limit=50", "/api/v1/reports?limit=50", "load_get.lua",
                 {"TRYGG_TOKEN": viewer_token}),
                ("GET /lagesbild (warm)", "/lagesbild", "load_get.lua", {"TRYGG_COOKIE": cookie}),
                (HEALTHZ_AGAIN, "/healthz", "load_get.lua", {}),
                ("POST /api/v1/reports", "/api/v1/reports", "load_report.lua", {"TRYGG_TOKEN": reporter_token})):
            print(f"{backend}, {workers} worker(s): {name}: {seconds} s, {connections} connections …",
                  file=sys.stderr)
            warm = wrk(base + path, script, warmup, connections, threads, extra) if warmup else None
            load = os.getloadavg()[0]
            results[name] = wrk(base + path, script, seconds, connections, threads, extra)
            results[name]["load_average"] = [round(load, 1), round(os.getloadavg()[0], 1)]
            if warm is not None:  # not measured; its submissions are counted with the run's below
                results[name]["warmup"] = {k: warm[k] for k in ("requests", "non_2xx", "socket_errors")}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        Path(log.name).unlink(missing_ok=True)
    stored = report_facts(url)[0] - before
    # the yardstick is the better of the two healthz runs: the machine's speed drifts over a run (other
    # processes, disk flushes), and a slow moment of healthz would flatter every ratio
    healthz = max(results["GET /healthz"]["requests_per_s"], results[HEALTHZ_AGAIN]["requests_per_s"]) or 1.0
    for r in results.values():
        r["ratio_to_healthz"] = round(r["requests_per_s"] / healthz, 2)
    posted = results["POST /api/v1/reports"]
    runs = [posted, *([posted["warmup"]] if "warmup" in posted else [])]
    return {"backend": backend, "workers": workers, "reports_before": before, "reports_stored_by_the_run": stored,
            "acknowledged": sum(r["requests"] - r["non_2xx"] - r["socket_errors"] for r in runs),
            "post_runs": len(runs),
            "lagesbild_cold_ms": cold_ms, "lagesbild_cold_load": cold_load, "results": results}


def run(db: Path | None, seconds: int, connections: int, threads: int, postgres: str | None,
        workers: tuple[int, ...], warmup: int = 0) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    source = db or demo_database()
    if postgres:
        postgres_demo(postgres)
    backends = ["sqlite"] + (["postgresql"] if postgres else [])
    load_before = os.getloadavg()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        dbs = _Databases(source, postgres, Path(tmp))
        for backend in backends:
            for w in workers:
                url = dbs.new(backend)
                try:
                    runs.append(run_one(url, backend, w, seconds, connections, threads, warmup))
                finally:
                    dbs.drop(url)
    return {
        "database": "demo (trygg.demo.builder.build_demo, seed 2022)" if db is None else str(db),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": [round(x, 1) for x in load_before],
        "load_average_after": [round(x, 1) for x in os.getloadavg()], "seconds": seconds,
        "connections": connections, "wrk_threads": threads, "warmup": warmup, "runs": runs,
    }


def _warmup_text(fig: dict[str, Any]) -> str:
    if not fig.get("warmup"):
        return ""
    return (f"Each target first ran {fig['warmup']} s unmeasured (a warm-up: SQLite's write-ahead log grows to its "
            "working size, the connection pools and caches fill); its submissions count in the check below. ")


def _machine_text(fig: dict[str, Any]) -> str:
    before, after = fig["load_average_before"], fig["load_average_after"]
    if before[0] < 1.5:
        return (f"The machine was otherwise quiet: `uptime` load average (1, 5, 15 min) {before} before and "
                f"{after} after the run (the benchmark's own server and `wrk`).")
    return (f"**The machine was shared with other work**: `uptime` load average (1, 5, 15 min) {before} before and "
            f"{after} after the run, so the absolute figures are pessimistic and noisy.")


def markdown(fig: dict[str, Any], command: str) -> str:
    rows, checks = [], []
    for run in fig["runs"]:
        label = f"{run['backend']}, {run['workers']} worker{'s' if run['workers'] > 1 else ''}"
        for name, r in run["results"].items():
            la = r.get("load_average", ["?", "?"])
            rows.append(f"| {label} | `{name}` | {r['requests_per_s']} | {r['ratio_to_healthz']} | {r['p50_ms']} | "
                        f"{r['p99_ms']} | {r['non_2xx'] + r['socket_errors']} | {la[0]}–{la[1]} |")
        cold = run["lagesbild_cold_ms"]
        rows.append(f"| {label} | `GET /lagesbild` (cold: first request) | – | – | {cold} | – | – | "
                    f"{run.get('lagesbild_cold_load', '?')} |")
        extra = run["reports_stored_by_the_run"] - run["acknowledged"]
        # wrk stops counting at the deadline: up to one request per connection is stored but not counted
        ok = 0 <= extra <= fig["connections"] * run.get("post_runs", 1)
        checks.append(f"- {label}: {run['acknowledged']} submissions answered 201, the run added "
                      f"{run['reports_stored_by_the_run']} reports — "
                      + ("every acknowledged report was stored." if ok else "**MISMATCH: reports lost.**"))
    table = "\n".join(rows)
    return f"""{SECTION}

Measured with `{command}` ({fig['seconds']} s per target, {fig['connections']} connections, `wrk` with
{fig['wrk_threads']} threads) against `trygg serve --workers N` on loopback, each backend and worker count
on a fresh copy of the {fig['database']}; {fig['machine']}; the load generator shares the cores with
the server. {_warmup_text(fig)}{_machine_text(fig)} The ratios compare each target with `GET /healthz`,
measured first and again before the submissions in the same run; the better of the two is the yardstick.

| server | request | requests/s | × healthz | p50 ms | p99 ms | errors | load (1 min, before–after) |
|---|---|---|---|---|---|---|---|
{table}

No acknowledged report lost (each answer compared with the database after the run):

{chr(10).join(checks)}

`GET /api/v1/reports?limit=50` is the first page of the list with the coordinator's API token;
`POST /api/v1/reports` a reporter's token and a new Idempotency-Key per request; `GET /lagesbild`
(warm) the coordinator's situational picture, served from the cache shared through the database
(the cold figure is the first request after start, which computes it). The wrk scripts are
`bench/load_report.lua` and `bench/load_get.lua`; the raw figures go to `test-artifacts/load.json`.
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
    parser.add_argument("--postgres", default=os.environ.get("TRYGG_TEST_POSTGRES_URL"),
                        help="a PostgreSQL server (admin URL) to measure too (default $TRYGG_TEST_POSTGRES_URL)")
    parser.add_argument("--workers", default="1,2", help="server process counts to measure (default 1,2)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured seconds before each target (default 5)")
    parser.add_argument("--write-docs", action="store_true", help="rewrite the section in docs/performance.md")
    args = parser.parse_args()
    os.environ.setdefault("TRYGG_SECRET_KEY", "bench-load")  # the audit chain's key, as the server's
    workers = tuple(int(w) for w in args.workers.split(","))
    fig = run(args.db, args.seconds, args.connections, args.threads, args.postgres, workers, args.warmup)
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(fig, indent=2) + "\n")
    text = markdown(fig, "python -m bench.load " + " ".join(sys.argv[1:]))
    print(text)
    if args.write_docs:
        write_section(text)


if __name__ == "__main__":
    main()
