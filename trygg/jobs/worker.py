"""The worker: claims due jobs one at a time, runs their handlers, renews their leases, retries.

`Worker.run_once()` enqueues the due scheduled jobs, claims one job (see `trygg.storage.jobs.claim`)
and runs it; `Worker.run(stop)` loops until `stop` is set. While a handler runs, a heartbeat thread
renews the lease every third of the kind's ``lease_s``, so only a worker that died (SIGKILL, power
loss) loses its job — to the next worker that polls after the lease ran out.

The handler's session commits together with the job's completion. If the lease was lost meanwhile
(the worker stalled longer than the lease and another worker took the job), the completion finds
the attempt number changed, and everything the handler wrote in that session is rolled back.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from trygg.jobs.registry import JobContext, JobKind, get_kind, kind_names
from trygg.storage import jobs as job_store
from trygg.storage.database import Database
from trygg.storage.schema import Job

log = logging.getLogger("trygg.jobs")
POLL_S = 1.0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def error_text(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    return f"{type(exc).__name__}: {exc}".rstrip(": ")


class _Heartbeat:
    """Renews a job's lease in the background and writes the progress the handler reports.

    The handler never waits for these writes: `report` only notes the progress and wakes the
    thread (on SQLite a handler may hold the write lock for a while; the beat waits for it).
    """

    def __init__(self, db: Database, job: Job, kind: JobKind) -> None:
        self.db, self.job_id, self.attempt, self.lease_s = db, job.id, job.attempts, kind.lease_s
        self.stop, self.changed = threading.Event(), threading.Event()
        self.lock = threading.Lock()
        self.pending: tuple[float, str] | None = None
        self.lost = False
        self.thread = threading.Thread(target=self._loop, name=f"trygg-job-{job.id}-lease", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.changed.set()
        self.thread.join()

    def report(self, share: float, step: str) -> None:
        with self.lock:
            self.pending = (share, step)
        self.changed.set()

    def beat(self) -> None:
        with self.lock:
            pending, self.pending = self.pending, None
        progress, step = pending if pending is not None else (None, None)
        with self.db.session() as s:
            if not job_store.heartbeat(s, self.job_id, self.attempt, lease_s=self.lease_s, progress=progress,
                                       step=step or None):
                self.lost = True

    def _loop(self) -> None:
        next_beat = time.monotonic() + self.lease_s / 3
        while not self.stop.is_set():
            self.changed.wait(max(0.0, next_beat - time.monotonic()))
            self.changed.clear()
            if self.stop.is_set():
                return
            try:
                self.beat()
                next_beat = time.monotonic() + self.lease_s / 3
            except Exception:  # noqa: BLE001 - a missed beat is retried; the lease is 3 beats long
                log.warning("could not renew the lease of job %s", self.job_id, exc_info=True)


class Worker:
    """Runs the jobs of the registered kinds (or of `kinds`) from database `db`."""

    def __init__(self, db: Database, *, name: str | None = None, kinds: tuple[str, ...] | None = None,
                 schedules: bool = True, poll_s: float = POLL_S) -> None:
        self.db, self.name, self.only, self.schedules, self.poll_s = db, name or worker_name(), kinds, schedules, poll_s
        self.ran = 0

    def kinds(self) -> tuple[str, ...]:
        return self.only if self.only is not None else kind_names()

    def run_once(self) -> bool:
        """Run one due job; False when none was due."""
        if self.schedules:
            with self.db.session() as s:
                job_store.enqueue_due_schedules(s)
        with self.db.session() as s:
            job = job_store.claim(s, self.name, kinds=self.kinds(), lease_s=self._lease_for_claim())
            if job is not None:
                s.expunge(job)
        if job is None:
            return False
        self._run(job)
        self.ran += 1
        return True

    def _lease_for_claim(self) -> float:
        leases = [k.lease_s for n in self.kinds() if (k := get_kind(n)) is not None]
        return max(leases, default=60.0)

    def _run(self, job: Job) -> None:
        kind = get_kind(job.kind)
        if kind is None:
            with self.db.session() as s:
                job_store.give_up(s, job.id, job.attempts, f"No handler for job kind {job.kind!r} in this worker.")
            return
        if job.attempts > job.max_attempts:  # it was claimed again after its worker died on the last attempt
            with self.db.session() as s:
                job_store.give_up(s, job.id, job.attempts, job.error or "The worker stopped during every attempt.")
            return
        log.info("job %s (%s) attempt %s on %s", job.id, job.kind, job.attempts, self.name)
        session = self.db.new_session()
        try:
            with _Heartbeat(self.db, job, kind) as heart:
                ctx = JobContext(db=self.db, session=session, job_id=job.id, kind=job.kind, attempt=job.attempts,
                                 payload=dict(job.payload or {}), data=job.data, owner_id=job.owner_id,
                                 report=heart.report)
                try:
                    result = kind.handler(ctx)
                    if not job_store.finish(session, job.id, job.attempts, result=result, output=ctx.output):
                        session.rollback()
                        log.warning("job %s: the lease was lost; another worker runs it", job.id)
                        return
                    session.commit()
                except Exception as exc:  # noqa: BLE001 - recorded on the job and retried
                    session.rollback()
                    log.exception("job %s (%s) attempt %s failed", job.id, job.kind, job.attempts)
                    with self.db.session() as s:
                        job_store.retry_or_fail(s, job.id, job.attempts, error_text(exc),
                                                delay_s=kind.delay(job.attempts))
        finally:
            session.close()

    def run(self, stop: threading.Event, *, idle_exit_s: float | None = None, wake: threading.Event | None = None,
            max_jobs: int | None = None) -> None:
        """Run jobs until `stop` is set (or, with `idle_exit_s`, nothing was due for that long)."""
        idle_since = time.monotonic()
        while not stop.is_set():
            try:
                ran = self.run_once()
            except Exception:  # noqa: BLE001 - e.g. the database restarts; try again after a pause
                log.exception("the job worker %s could not poll", self.name)
                ran = False
            if max_jobs is not None and self.ran >= max_jobs:
                return
            if ran:
                idle_since = time.monotonic()
                continue
            if idle_exit_s is not None and time.monotonic() - idle_since >= idle_exit_s:
                return
            if wake is not None:
                wake.wait(self.poll_s)
                wake.clear()
            else:
                stop.wait(self.poll_s)


class BackgroundWorker:
    """The worker loop inside a web process: a daemon thread, started on demand or for good."""

    def __init__(self, db: Database, *, idle_exit_s: float | None = None) -> None:
        self.db, self.idle_exit_s = db, idle_exit_s
        self.stop_event, self.wake_event = threading.Event(), threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def wake(self) -> None:
        """A job was enqueued: start the thread if it is not running, else poll now."""
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.stop_event.clear()
                self.thread = threading.Thread(target=self._loop, name="trygg-jobs", daemon=True)
                self.thread.start()
        self.wake_event.set()

    def start(self) -> None:
        """Run the loop for good (the server's lifespan), until `stop`."""
        with self.lock:
            self.idle_exit_s = None
            if self.thread is None or not self.thread.is_alive():
                self.stop_event.clear()
                self.thread = threading.Thread(target=self._loop, name="trygg-jobs", daemon=True)
                self.thread.start()

    def _loop(self) -> None:
        Worker(self.db).run(self.stop_event, idle_exit_s=self.idle_exit_s, wake=self.wake_event)

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self.wake_event.set()
        thread = self.thread
        if thread is not None:
            thread.join(timeout)

    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


def drain(db: Database, *, timeout_s: float = 60.0, kinds: tuple[str, ...] | None = None) -> int:
    """Run due jobs in this thread until none is due (tests, `trygg worker --once`); returns how many ran."""
    worker = Worker(db, kinds=kinds)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and worker.run_once():
        pass
    return worker.ran


def wait_for(db: Database, job_id: int, timeout: float | None = None, poll_s: float = 0.05) -> Any:
    """Wait until job `job_id` is done or failed; returns its status ('' if `timeout` passed first)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with db.session() as s:
            job = job_store.get(s, job_id)
            status = job.status if job is not None else "missing"
        if status in ("done", "failed", "missing"):
            return status
        if deadline is not None and time.monotonic() > deadline:
            return ""
        time.sleep(poll_s)
