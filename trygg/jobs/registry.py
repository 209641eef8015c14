"""Job kinds by name: what runs a job, how often it is tried, how long its lease lasts.

A feature registers its kind once, when its module is imported (the worker imports the modules
listed in `trygg.web.jobs`, plus any given with ``trygg worker --module``)::

    @job_handler("notifications.send", max_attempts=8, backoff_s=30)
    def send(ctx: JobContext) -> None: ...

The handler gets a `JobContext`: the payload, a database session whose work commits together with
the job's completion (so an effect written there happens exactly once), and `progress()`.
It returns a JSON-able dict (the job's result) or None; raising makes the attempt fail and the job
is tried again after a backoff that doubles (``backoff_s``, 2 × ``backoff_s`` …) up to
``max_attempts``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from trygg.errors import ConfigError
from trygg.storage import jobs as job_store
from trygg.storage.database import Database
from trygg.storage.schema import Job

Handler = Callable[["JobContext"], "dict[str, Any] | None"]


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    max_attempts: int = 5
    lease_s: float = 60.0  # a worker that has not renewed the lease for this long is taken for dead
    backoff_s: float = 5.0  # delay before the second attempt; doubles with every further attempt
    backoff_max_s: float = 3600.0

    def delay(self, attempt: int) -> float:
        return float(min(self.backoff_max_s, self.backoff_s * 2 ** max(0, attempt - 1)))


@dataclass
class JobContext:
    """What a handler gets: the job's fields, a session and a way to report progress."""

    db: Database
    session: Session
    job_id: int
    kind: str
    attempt: int
    payload: dict[str, Any]
    data: bytes | None
    owner_id: int | None
    report: Callable[[float, str], None] = field(default=lambda share, step: None)
    output: bytes | None = None  # set by the handler to keep a large result (a PDF) with the job

    def progress(self, share: float, step: str = "") -> None:
        """Write the job's progress (0–1) and current step at once (another session; renews the lease)."""
        self.report(max(0.0, min(1.0, share)), step)


_KINDS: dict[str, JobKind] = {}


def register(name: str, handler: Handler, *, max_attempts: int = 5, lease_s: float = 60.0,
             backoff_s: float = 5.0, backoff_max_s: float = 3600.0) -> JobKind:
    """Register (or, when a module is reloaded, replace) the handler of job kind `name`."""
    kind = JobKind(name, handler, max_attempts, lease_s, backoff_s, backoff_max_s)
    _KINDS[name] = kind
    return kind


def job_handler(name: str, **options: Any) -> Callable[[Handler], Handler]:
    """Decorator form of `register`."""
    def wrap(handler: Handler) -> Handler:
        register(name, handler, **options)
        return handler

    return wrap


def get_kind(name: str) -> JobKind | None:
    return _KINDS.get(name)


def kind_names() -> tuple[str, ...]:
    return tuple(sorted(_KINDS))


def enqueue(session: Session, name: str, payload: dict[str, Any] | None = None, *, data: bytes | None = None,
            key: str | None = None, owner_id: int | None = None, run_after: datetime | None = None) -> Job:
    """Add a job of the registered kind `name` in the caller's transaction (it runs after the commit)."""
    kind = _KINDS.get(name)
    if kind is None:
        raise ConfigError(f"No job kind {name!r} is registered.",
                          hint="Import the module that registers it (see trygg.web.jobs) before enqueueing.")
    return job_store.enqueue(session, name, payload, data=data, key=key, owner_id=owner_id, run_after=run_after,
                             max_attempts=kind.max_attempts)
