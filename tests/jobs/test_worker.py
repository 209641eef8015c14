"""Durable jobs: enqueued with the request's transaction, leased, retried with backoff, taken over
after their worker was killed, and completed exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.jobs import handlers  # noqa: F401  registers the test kinds
from trygg.domain.clock import real_now as utcnow
from trygg.jobs import enqueue
from trygg.jobs.worker import Worker, drain, wait_for
from trygg.storage import jobs as job_store
from trygg.storage.database import Database
from trygg.storage.schema import Job, SharedCache

ROOT = Path(__file__).resolve().parents[2]


def _effects(db: Database, job_id: int) -> int:
    with db.session() as s:
        return int(s.scalar(select(SharedCache.version).where(SharedCache.key == f"effect-{job_id}")) or 0)


def _job(db: Database, job_id: int) -> Job:
    with db.session() as s:
        job = job_store.get(s, job_id)
        assert job is not None
        s.expunge(job)
        return job


def test_a_job_is_enqueued_with_the_callers_transaction(database: Database) -> None:
    with database.session() as s:
        enqueue(s, "test.echo", {"n": 1})
        s.rollback()  # the request failed: no job
        kept = enqueue(s, "test.echo", {"n": 2}, data=b"bytes").id
    assert drain(database) == 1
    job = _job(database, kept)
    assert (job.status, job.attempts, job.result, job.output, job.progress) == (
        "done", 1, {"payload": {"n": 2}}, b"bytes", 1.0)
    with database.session() as s:
        assert job_store.counts(s) == {"done": 1}


def test_an_unknown_kind_is_refused_at_enqueue(database: Database) -> None:
    from trygg.errors import ConfigError

    with database.session() as s, pytest.raises(ConfigError, match="No job kind"):
        enqueue(s, "test.no-such-kind")


def test_a_failing_job_is_retried_with_backoff_then_fails(database: Database) -> None:
    with database.session() as s:
        ok_id = enqueue(s, "test.flaky", {"ok_at": 2}).id
        bad_id = enqueue(s, "test.flaky", {}).id
    worker = Worker(database)
    assert worker.run_once() and worker.run_once()  # the first attempt of each fails
    first = _job(database, ok_id)
    assert (first.status, first.attempts, first.error) == ("queued", 1, "RuntimeError: attempt 1 went wrong")
    assert first.run_after > utcnow()  # it waits for its backoff …
    assert not worker.run_once()  # … so nothing is due right now
    time.sleep(2.1)
    drain(database)
    assert (_job(database, ok_id).status, _job(database, ok_id).attempts) == ("done", 2)
    deadline = time.monotonic() + 30
    while _job(database, bad_id).status != "failed" and time.monotonic() < deadline:
        time.sleep(0.1)
        drain(database)
    bad = _job(database, bad_id)
    assert (bad.status, bad.attempts, bad.error) == ("failed", 3, "RuntimeError: attempt 3 went wrong")
    # a failed attempt rolls back what it wrote: the effect happened once, in the attempt that completed
    assert _effects(database, ok_id) == 1 and _effects(database, bad_id) == 0


def test_two_workers_never_take_the_same_job(database: Database) -> None:
    with database.session() as s:
        ids = [enqueue(s, "test.echo", {"n": n}).id for n in range(12)]
    workers = [Worker(database, name=f"w{i}") for i in range(3)]
    threads = [threading.Thread(target=w.run, args=(threading.Event(),), kwargs={"idle_exit_s": 0.3})
               for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(w.ran for w in workers) == 12
    jobs = [_job(database, i) for i in ids]
    assert all(j.status == "done" and j.attempts == 1 for j in jobs)


def test_a_lost_lease_cannot_complete_the_job(database: Database) -> None:
    with database.session() as s:
        job_id = enqueue(s, "test.echo", {}).id
        first = job_store.claim(s, "slow", kinds=("test.echo",), lease_s=0.01)
        assert first is not None
    time.sleep(0.05)
    with database.session() as s:
        second = job_store.claim(s, "fast", kinds=("test.echo",), lease_s=30)
        assert second is not None and second.attempts == 2
    with database.session() as s:
        assert not job_store.finish(s, job_id, 1)  # the slow worker's attempt is fenced off
        assert not job_store.heartbeat(s, job_id, 1, lease_s=30)
        assert job_store.finish(s, job_id, 2)


def test_a_schedule_enqueues_one_job_per_period(database: Database) -> None:
    with database.session() as s:
        job_store.upsert_schedule(s, "echo", "test.echo", {"from": "schedule"}, every_s=600)
    with database.session() as s:
        first = job_store.enqueue_due_schedules(s)
    with database.session() as s:
        assert job_store.enqueue_due_schedules(s) == []  # not due again for 10 minutes
        sched = job_store.list_schedules(s)[0]
        assert sched.next_at > utcnow() + timedelta(minutes=9) and sched.last_job_id == first[0]
    assert len(first) == 1 and drain(database, kinds=("test.echo",)) == 1


def _worker_process(db: Database, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-c", "from trygg.cli import main; main()", "worker",
                                 "--db", db.url, "--module", "tests.jobs.handlers"],
                                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def test_a_job_survives_a_sigkill_of_its_worker_and_completes_once(database: Database, tmp_path: Path) -> None:
    started = tmp_path / "started"
    with database.session() as s:
        job_id = enqueue(s, "test.stall_first", {"started": str(started)}).id
    log = tmp_path / "workers.log"
    first = _worker_process(database, log)
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            assert first.poll() is None, log.read_text()
            time.sleep(0.05)
        assert started.exists(), "the first worker never started the job"
        running = _job(database, job_id)
        assert (running.status, running.attempts, running.step, running.progress) == ("running", 1, "halfway", 0.5)
        assert _effects(database, job_id) == 0  # written, but not committed: the job has not completed
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    assert first.returncode == -signal.SIGKILL
    second = _worker_process(database, log)
    try:
        assert wait_for(database, job_id, timeout=60) == "done", log.read_text()
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    assert second.returncode == 0, log.read_text()
    job = _job(database, job_id)
    assert (job.status, job.attempts, job.result) == ("done", 2, {"attempt": 2})
    assert job.worker is not None and str(second.pid) in job.worker
    assert _effects(database, job_id) == 1  # exactly once
