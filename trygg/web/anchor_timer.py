"""The server's periodic audit anchor: `write_anchor` every ``TRYGG_AUDIT_ANCHOR_MINUTES`` to the path set.

Started by the app's lifespan when ``TRYGG_AUDIT_ANCHOR_PATH`` is set. The work is the plain
function `trygg.storage.audit_anchor.write_anchor`, run in a worker thread; a failure is logged
and retried at the next tick (the trail itself is unaffected).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from trygg.config import Settings
from trygg.storage.audit_anchor import write_anchor
from trygg.storage.database import Database

log = logging.getLogger(__name__)


async def anchor_loop(db: Database, path: str, minutes: float) -> None:
    """Write an anchor now and then every `minutes`, until cancelled."""
    while True:
        try:
            anchor = await run_in_threadpool(write_anchor, db, path, db.audit_key)
            log.info("audit anchor written to %s: entry %s", path, anchor.sequence)
        except Exception:  # noqa: BLE001 - logged; the next tick tries again
            log.exception("could not write the audit anchor to %s", path)
        await asyncio.sleep(max(minutes, 0.01) * 60)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    task: asyncio.Task[None] | None = None
    if settings.audit_anchor_path:
        task = asyncio.create_task(anchor_loop(app.state.db, settings.audit_anchor_path,
                                               settings.audit_anchor_minutes))
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
