"""The jobs table: enqueue, lease, heartbeat, finish, retry — the SQL of `trygg.jobs`.

A worker *claims* the oldest due job in one ``UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING``:
on PostgreSQL the inner select takes ``FOR UPDATE SKIP LOCKED``, so workers on several machines never
wait for each other nor take the same row; on SQLite the statement runs under the database's one
writer lock, which serialises claims. A claim sets a lease (``lease_until``); a running job whose
lease ran out (its worker was killed, its machine lost power) is due again and claimed anew.
Every claim counts an attempt, and the attempt number fences the end of a job: `finish` and
`retry` only touch the row when the caller still holds that attempt, so a job completes once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.storage.schema.jobs import Job, JobSchedule

LIVE = ("queued", "running")


def _now() -> datetime:
    """Real time, not the pinnable calendar (`trygg.domain.clock`): leases and backoffs are compared
    across processes, which may pin different dates (a demo server and a plain `trygg worker`)."""
    return clock.real_now()


def enqueue(session: Session, kind: str, payload: dict[str, Any] | None = None, *, data: bytes | None = None,
            key: str | None = None, owner_id: int | None = None, run_after: datetime | None = None,
            max_attempts: int = 5) -> Job:
    """Add a job in the caller's transaction (it runs only once the caller commits)."""
    now = _now()
    job = Job(kind=kind, payload=payload or {}, data=data, key=key, owner_id=owner_id, status="queued",
              run_after=run_after or now, attempts=0, max_attempts=max_attempts, progress=0.0, step="",
              created_at=now, updated_at=now)
    session.add(job)
    session.flush()
    return job


def get(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def by_key(session: Session, key: str) -> Job | None:
    return session.scalar(select(Job).where(Job.key == key))


def claim(session: Session, worker: str, *, kinds: tuple[str, ...], lease_s: float) -> Job | None:
    """Lease the oldest due job of `kinds` to `worker` and commit; None when nothing is due."""
    if not kinds:
        return None
    now = _now()
    due = or_(and_(Job.status == "queued", Job.run_after <= now),
              and_(Job.status == "running", Job.lease_until < now))
    pick = select(Job.id).where(due, Job.kind.in_(kinds)).order_by(Job.run_after, Job.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (update(Job).where(Job.id == pick.scalar_subquery())
            .values(status="running", worker=worker, attempts=Job.attempts + 1,
                    lease_until=now + timedelta(seconds=lease_s), started_at=now, updated_at=now, error=None)
            .returning(Job.id).execution_options(synchronize_session=False))
    job_id = session.execute(stmt).scalar()
    session.commit()
    if job_id is None:
        return None
    job = session.get(Job, job_id, populate_existing=True)
    return job


def _held(job_id: int, attempt: int) -> Any:
    return and_(Job.id == job_id, Job.attempts == attempt, Job.status == "running")


def heartbeat(session: Session, job_id: int, attempt: int, *, lease_s: float, progress: float | None = None,
              step: str | None = None) -> bool:
    """Extend the lease (and write progress); False when the lease was lost to another worker."""
    now = _now()
    values: dict[str, Any] = {"lease_until": now + timedelta(seconds=lease_s), "updated_at": now}
    if progress is not None:
        values["progress"] = progress
    if step is not None:
        values["step"] = step
    done = session.execute(update(Job).where(_held(job_id, attempt)).values(**values)
                           .execution_options(synchronize_session=False))
    return bool(getattr(done, "rowcount", 0))


def finish(session: Session, job_id: int, attempt: int, *, result: dict[str, Any] | None = None,
           output: bytes | None = None) -> bool:
    """Mark the job done in the caller's transaction; False (change nothing) if the lease was lost."""
    now = _now()
    done = session.execute(update(Job).where(_held(job_id, attempt))
                           .values(status="done", result=result, output=output, progress=1.0, step="done",
                                   finished_at=now, updated_at=now, lease_until=None)
                           .execution_options(synchronize_session=False))
    return bool(getattr(done, "rowcount", 0))


def retry_or_fail(session: Session, job_id: int, attempt: int, error: str, *, delay_s: float) -> str:
    """After a failed attempt: queue the job again after `delay_s`, or fail it when out of attempts.

    Returns the new status ("queued", "failed"), or "" when the lease had been lost.
    """
    job = session.get(Job, job_id, populate_existing=True)
    if job is None or job.attempts != attempt or job.status != "running":
        return ""
    now = _now()
    if job.attempts >= job.max_attempts:
        job.status, job.finished_at = "failed", now
    else:
        job.status, job.run_after = "queued", now + timedelta(seconds=delay_s)
    job.error, job.lease_until, job.updated_at = error[:4000], None, now
    return job.status


def give_up(session: Session, job_id: int, attempt: int, error: str) -> None:
    """Fail a job at once (its kind is unknown, or it ran out of attempts by crashing)."""
    now = _now()
    session.execute(update(Job).where(_held(job_id, attempt))
                    .values(status="failed", error=error[:4000], finished_at=now, updated_at=now, lease_until=None)
                    .execution_options(synchronize_session=False))


def live_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of `keys` name a job that is queued or running."""
    if not keys:
        return set()
    return set(session.scalars(select(Job.key).where(Job.key.in_(keys), Job.status.in_(LIVE))))


def counts(session: Session) -> dict[str, int]:
    """Jobs per status (for health checks and `trygg worker --status`)."""
    return {str(s): int(n) for s, n in session.execute(select(Job.status, func.count(Job.id)).group_by(Job.status))}


def list_jobs(session: Session, *, limit: int = 50) -> list[Job]:
    return list(session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))


def purge_finished(session: Session, *, older_than: datetime) -> int:
    """Delete done and failed jobs that finished before `older_than` (their outputs with them)."""
    done = session.execute(delete(Job).where(Job.status.in_(("done", "failed")), Job.finished_at < older_than)
                           .execution_options(synchronize_session=False))
    return int(getattr(done, "rowcount", 0) or 0)


# --------------------------------------------------------------------------- schedules


def upsert_schedule(session: Session, name: str, kind: str, payload: dict[str, Any], every_s: int) -> JobSchedule:
    row = session.scalar(select(JobSchedule).where(JobSchedule.name == name))
    if row is None:
        row = JobSchedule(name=name, kind=kind, payload=payload, every_s=every_s, next_at=_now())
        session.add(row)
    else:
        row.kind, row.payload, row.every_s, row.next_at = kind, payload, every_s, _now()
    session.flush()
    return row


def list_schedules(session: Session) -> list[JobSchedule]:
    return list(session.scalars(select(JobSchedule).order_by(JobSchedule.name)))


def remove_schedule(session: Session, name: str) -> bool:
    done = session.execute(delete(JobSchedule).where(JobSchedule.name == name))
    return bool(getattr(done, "rowcount", 0))


def enqueue_due_schedules(session: Session) -> list[int]:
    """Enqueue one job for every schedule that is due and move it on; commit. Returns the new job ids.

    Each job carries the key ``schedule:<name>:<due time>``, so two workers that see the same due
    schedule at once enqueue it once (the second insert breaks the unique key and is rolled back).
    """
    now = _now()
    pick = select(JobSchedule).where(JobSchedule.next_at <= now).order_by(JobSchedule.next_at)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    made: list[int] = []
    for sched in session.scalars(pick).all():
        due = sched.next_at
        key = f"schedule:{sched.name}:{due.isoformat()}"
        if by_key(session, key) is None:
            job = enqueue(session, sched.kind, dict(sched.payload), key=key, max_attempts=3)
            sched.last_job_id = job.id
            made.append(job.id)
        step = timedelta(seconds=max(1, sched.every_s))
        nxt = due + step
        while nxt <= now:
            nxt += step
        sched.next_at = nxt
    session.commit()
    return made

