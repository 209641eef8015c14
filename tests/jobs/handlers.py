"""Job kinds used by the job tests (imported by a `trygg worker --module tests.jobs.handlers` too)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from trygg.jobs import JobContext, job_handler
from trygg.storage.schema import SharedCache


def count_effect(ctx: JobContext, name: str) -> None:
    """The job's effect: +1 on a counter row, written in the job's own session (so, with its completion)."""
    row = ctx.session.scalar(select(SharedCache).where(SharedCache.key == name))
    if row is None:
        ctx.session.add(SharedCache(key=name, version="1", value=b""))
    else:
        row.version = str(int(row.version) + 1)
    ctx.session.flush()


@job_handler("test.stall_first", max_attempts=3, lease_s=1.5, backoff_s=0.1)
def stall_first(ctx: JobContext) -> dict[str, Any]:
    """Reports progress and writes its effect, then, on the first attempt, says so in a file and hangs
    (to be killed)."""
    ctx.progress(0.5, "halfway")
    time.sleep(0.5)  # the progress is written by the lease thread; on SQLite, before the effect takes the lock
    count_effect(ctx, f"effect-{ctx.job_id}")
    if ctx.attempt == 1:
        Path(ctx.payload["started"]).write_text(str(ctx.job_id))
        time.sleep(600)
    return {"attempt": ctx.attempt}


@job_handler("test.flaky", max_attempts=3, lease_s=5, backoff_s=2.0)
def flaky(ctx: JobContext) -> dict[str, Any]:
    """Fails until attempt `ok_at` (never, if 0)."""
    count_effect(ctx, f"effect-{ctx.job_id}")
    if ctx.attempt < int(ctx.payload.get("ok_at", 0)) or not ctx.payload.get("ok_at"):
        raise RuntimeError(f"attempt {ctx.attempt} went wrong")
    return {"attempt": ctx.attempt}


@job_handler("test.echo", max_attempts=1, lease_s=5)
def echo(ctx: JobContext) -> dict[str, Any]:
    ctx.progress(0.3, "echoing")
    ctx.output = ctx.data
    return {"payload": ctx.payload}
