"""The reliability harness: the real server as a child process, reporters that write and retry,
and the checks that compare what was acknowledged with what the database holds.

Every load run is bounded twice: by a duration and by a request budget.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tests.factories import AREA_BOXES
from trygg.storage.database import Database, normalise_url
from trygg.storage.schema import Report

ROOT = Path(__file__).resolve().parents[2]
PG_ENV = "TRYGG_TEST_POSTGRES_URL"
ARTIFACTS = ROOT / "test-artifacts"
MARKER_PREFIX = "Belastningsprov"  # every report the harness writes starts its description with this
REPORTS_PATH = "/api/v1/reports"
CATEGORIES = ("vandalism", "disorder", "littering", "unsafe_place", "violence")
_LETTERS = str.maketrans("0123456789", "ghijklmnop")  # markers without digits: no personal-data look-alikes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`trygg serve` on 127.0.0.1 as a child process that the test can start, kill and restart."""

    def __init__(self, db_url: str, log_path: Path, *, env: dict[str, str] | None = None) -> None:
        self.db_url = db_url
        self.log_path = log_path
        self.port = free_port()
        # plain http on 127.0.0.1: cookies without Secure, or the clients would not send them back
        self.env = {**os.environ, "TRYGG_SECRET_KEY": "reliability-secret", "TRYGG_PUBLIC_RATE_LIMIT": "1000000",
                    "TRYGG_SECURE_COOKIES": "false", "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        assert self.proc is None or self.proc.poll() is not None, "server already running"
        log = self.log_path.open("ab")
        log.write(f"\n==== start {self.starts + 1} ====\n".encode())
        log.flush()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from trygg.cli import main; main()", "serve", "--db", self.db_url,
             "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],  # one process: killed as one
            stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=str(ROOT))
        log.close()
        self.starts += 1
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the server did not answer /healthz within {timeout} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing — a power cut as far as the process knows."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def server_errors(self) -> list[str]:
        """Tracebacks the server logged (unhandled errors)."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [ln for ln in text.splitlines() if "Traceback" in ln or "unhandled error" in ln]


# --------------------------------------------------------------------------- payloads


def marker_for(key: str) -> str:
    return f"{MARKER_PREFIX} {key.replace('-', '').translate(_LETTERS)}"


def report_payload(rng: random.Random, marker: str) -> dict[str, Any]:
    """A valid report from a partner reporter inside one of the seeded districts."""
    _name, _typ, (x0, y0, x1, y1), _pop = AREA_BOXES[rng.choice(sorted(AREA_BOXES))]
    day = rng.randint(1, 28)
    return {
        "category": rng.choice(CATEGORIES),
        "description": f"{marker}: iakttagelse vid entrén, {rng.choice(['kväll', 'natt', 'morgon'])}.",
        "lon": round(rng.uniform(x0 + 0.001, x1 - 0.001), 6),
        "lat": round(rng.uniform(y0 + 0.001, y1 - 0.001), 6),
        "occurred_from": f"2025-0{rng.randint(1, 9)}-{day:02d}T{rng.randint(0, 23):02d}:15:00+01:00",
        "insecurity": rng.randint(1, 5),
        "people_count": rng.randint(0, 12),
        "police_called": rng.random() < 0.2,
    }


# --------------------------------------------------------------------------- reporters


@dataclass
class Outcome:
    """One report a reporter tried to file: its key, and what finally happened."""

    key: str
    marker: str
    status: int = 0  # last HTTP status, 0 = no answer
    report_id: int | None = None
    attempts: int = 0
    latency_s: float = 0.0  # of the attempt that was acknowledged
    first_attempt_ok: bool = False
    replayed: bool = False  # the answer was the stored first answer (Idempotent-Replayed: true)

    @property
    def acknowledged(self) -> bool:
        return 200 <= self.status < 300 and self.report_id is not None


@dataclass
class LoadResult:
    outcomes: list[Outcome] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    server_errors: list[str] = field(default_factory=list)  # 5xx answers: status and body
    unexpected: list[str] = field(default_factory=list)  # 4xx answers to valid requests
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def acknowledged(self) -> list[Outcome]:
        with self.lock:
            return [o for o in self.outcomes if o.acknowledged]

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + self.transport_errors

    def latencies_ms(self) -> list[float]:
        return sorted(o.latency_s * 1000 for o in self.outcomes if o.acknowledged and o.first_attempt_ok)

    def summary(self) -> dict[str, Any]:
        lat = self.latencies_ms()
        return {
            "requests": self.requests, "acknowledged": len(self.acknowledged), "seconds": round(self.seconds, 2),
            "requests_per_s": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "transport_errors": self.transport_errors, "server_errors": len(self.server_errors),
            "latency_ms": {name: round(percentile(lat, q), 1) for name, q in
                           (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))} if lat else {},
        }


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), int(round(q / 100 * len(sorted_values) + 0.4999))))
    return sorted_values[rank - 1]


PayloadFn = Callable[[random.Random, str], dict[str, Any]]


def run_reporters(base_url: Callable[[], str], token: str, *, threads: int, seconds: float, max_requests: int,
                  seed: int, retry: bool, stop: threading.Event | None = None,
                  payload: PayloadFn = report_payload, retry_window: float = 60.0,
                  result: LoadResult | None = None) -> LoadResult:
    """`threads` reporters POST reports with Idempotency-Keys until `seconds` pass, `stop` is set or
    `max_requests` are spent. With `retry`, an unanswered attempt (connection lost, 5xx) is repeated
    with the same key until acknowledged or `retry_window` seconds after the run ends. Pass `result`
    to watch it fill while the run goes on."""
    result = result if result is not None else LoadResult()
    lock = result.lock
    stop = stop or threading.Event()
    budget = [max_requests]
    t0 = time.monotonic()
    deadline = t0 + seconds

    def spend() -> bool:
        with lock:
            if budget[0] <= 0:
                return False
            budget[0] -= 1
            return True

    def reporter(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30.0) as client:
            while not stop.is_set() and time.monotonic() < deadline:
                key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                outcome = Outcome(key=key, marker=marker_for(key))
                body = payload(rng, outcome.marker)
                with lock:
                    result.outcomes.append(outcome)
                give_up = deadline + retry_window
                while time.monotonic() < give_up and spend():
                    outcome.attempts += 1
                    sent = time.monotonic()
                    try:
                        r = client.post(base_url() + REPORTS_PATH, json=body, headers={"Idempotency-Key": key})
                    except httpx.TransportError:
                        with lock:
                            result.transport_errors += 1
                        if not retry:
                            break
                        time.sleep(rng.uniform(0.02, 0.1))
                        continue
                    with lock:
                        outcome.status = r.status_code
                        result.statuses[r.status_code] += 1
                    if 200 <= r.status_code < 300:
                        latency = time.monotonic() - sent
                        with lock:
                            outcome.report_id = int(r.json()["id"])
                            outcome.latency_s = latency
                            outcome.first_attempt_ok = outcome.attempts == 1
                            outcome.replayed = r.headers.get("idempotent-replayed") == "true"
                        break
                    if r.status_code >= 500:
                        with lock:
                            result.server_errors.append(f"{r.status_code} {r.text[:300]}")
                        if retry:
                            time.sleep(rng.uniform(0.02, 0.1))
                            continue
                    else:
                        with lock:
                            result.unexpected.append(f"{r.status_code} {r.text[:300]}")
                    break
                if budget[0] <= 0:
                    return

    workers = [threading.Thread(target=reporter, args=(i,), daemon=True) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=seconds + retry_window + 60)
    result.seconds = time.monotonic() - t0
    return result


# --------------------------------------------------------------------------- checks


@dataclass
class StoredCheck:
    missing: list[str]  # acknowledged keys whose report is not in the database
    duplicates: dict[str, int]  # marker → number of stored reports (> 1)
    wrong_id: list[str]  # acknowledged with an id that holds another report
    stored: int  # harness reports in the database


def check_stored(db: Database, outcomes: list[Outcome]) -> StoredCheck:
    """Compare what was acknowledged with the harness's reports in `db`."""
    with db.session() as s:
        rows = s.execute(select(Report.id, Report.description)
                         .where(Report.description.like(f"{MARKER_PREFIX} %"))).all()
    by_marker: dict[str, list[int]] = {}
    for rid, desc in rows:
        by_marker.setdefault(desc.split(":", 1)[0], []).append(rid)
    missing, wrong = [], []
    for o in outcomes:
        if not o.acknowledged:
            continue
        ids = by_marker.get(o.marker, [])
        if not ids:
            missing.append(o.key)
        elif o.report_id not in ids:
            wrong.append(o.key)
    return StoredCheck(missing=missing, duplicates={m: len(i) for m, i in by_marker.items() if len(i) > 1},
                       wrong_id=wrong, stored=len(rows))


def report_count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(Report.id))) or 0)


def write_artifact(name: str, data: dict[str, Any]) -> None:
    """Merge `data` under `name` into test-artifacts/reliability.json (and print it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "reliability.json"
    with (ARTIFACTS / "reliability.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the suite may run in several processes (pytest-xdist)
        try:
            existing = json.loads(path.read_text())
        except (OSError, ValueError):
            existing = {}
        existing[name] = {**data, "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        path.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    print(f"\n[reliability] {name}: {json.dumps(data, sort_keys=True)}")


@contextmanager
def scratch_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database URL on `backend` that does not exist yet; on PostgreSQL it is dropped afterwards."""
    if backend == "sqlite":
        yield str(tmp_path / f"scratch-{uuid.uuid4().hex[:6]}.db")
        return
    admin_url = normalise_url(os.environ[PG_ENV])
    name = f"trygg_scratch_{uuid.uuid4().hex[:10]}"
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
