"""Durable background work and the state that several server processes share.

- `Job`: one unit of background work (an import, a PDF, a feed poll …), leased by one worker at a time.
- `JobSchedule`: work that recurs (``trygg feeds add polisen --every 10m``); the worker enqueues its jobs.
- `RateCounter`: rate-limit counters per bucket, client and fixed window, shared by every process.
- `DataVersion`: a counter per data set (``reports``) that every ORM write bumps: part of the cache keys.
- `SharedCache`: computed values (a lägesbild) for a key and a data version, shared by every process.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trygg.storage.schema.base import Base, utcnow


class Job(Base):
    """A unit of background work: queued → running (leased until ``lease_until``) → done | failed."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # a large input (an uploaded file)
    key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)  # at most one job per key
    owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the user who asked for it
    status: Mapped[str] = mapped_column(String(16), default="queued")
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    worker: Mapped[str | None] = mapped_column(String(120), nullable=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    step: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    output: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # a large result (a PDF)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),
                      Index("ix_jobs_kind_created_at", "kind", "created_at"))


class JobSchedule(Base):
    """Recurring work: a job of ``kind`` with ``payload`` every ``every_s`` seconds."""

    __tablename__ = "job_schedules"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    every_s: Mapped[int] = mapped_column(Integer)
    next_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateCounter(Base):
    """Requests of one client in one bucket during the fixed window that starts at ``window_start``."""

    __tablename__ = "rate_counters"
    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    client: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True)  # Unix seconds
    hits: Mapped[int] = mapped_column(Integer, default=0)
    expires: Mapped[int] = mapped_column(Integer, index=True)  # Unix seconds after which the row is useless


class DataVersion(Base):
    """A counter per data set that every write of it bumps (`trygg.storage.versions`)."""

    __tablename__ = "data_versions"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class SharedCache(Base):
    """A computed value for ``key`` at data version ``version`` (pickled), shared by every process."""

    __tablename__ = "shared_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # a hash of what was computed
    version: Mapped[str] = mapped_column(String(120))
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
