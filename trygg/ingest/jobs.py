"""Imports in the background: the web page starts one and follows its `ImportRun` row.

`start_import` stores the run (status ``running``, the rows expected) and, in the same transaction,
a job of kind ``import`` (`trygg.jobs`) that carries the file. A worker — the loop inside
`trygg serve` or a separate `trygg worker` — runs `import_job`, which calls `run_import` with the
run's id. Progress, the final counts and — when the run breaks off — the error are written to the
run row, so every server process and every reload sees the same state. When the run ends, done or
failed, its audit entry (with the final counts) is written in the transaction that ends it.

A worker that dies during an import (a crash, a restart, SIGKILL) loses its lease; the next worker
runs the job again and `run_import` stores only the rows that are missing (duplicates are
recognised by ``external_id``). A run left ``running`` without a live job and without a heartbeat
for `STALE` (e.g. from a version before durable jobs) is marked failed by `settle_interrupted`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from trygg import ingest
from trygg.domain import clock
from trygg.domain.msgid import _
from trygg.ingest import open_importer
from trygg.ingest.base import error_text, run_import
from trygg.ingest.service import IntakeContext
from trygg.jobs import JobContext, enqueue, job_handler
from trygg.jobs.worker import wait_for
from trygg.storage import audit
from trygg.storage import intake as intake_store
from trygg.storage import jobs as job_store
from trygg.storage.database import Database
from trygg.storage.schema import ImportRun, Organisation

KIND = "import"
PROCESS_START = clock.real_now()  # real time: the clock may be pinned after this import
STALE = timedelta(minutes=2)  # a run without a job and without a heartbeat this long has no worker
log = logging.getLogger("trygg.ingest")
Translator = Callable[[str], Callable[..., str]]




INTERRUPTED = _("The server stopped before the import finished. Import the file again: "
                "the rows already stored are recognised as duplicates.")


def job_key(run_id: int) -> str:
    return f"import:{run_id}"


def start_import(session: Session, content: bytes, fmt: str, *, filename: str = "",
                 mapping: dict[str, str] | None = None, organisation_id: int | None = None,
                 user_id: int | None = None, lang: str = "sv", audit_entry: bool = True) -> ImportRun:
    """Store a new run and its import job (committed together); return the run.

    With `audit_entry`, the run's audit entry (by `user_id`) is written when it ends.
    """
    importer = ingest.open_importer(content, fmt, filename=filename, mapping=mapping)  # for its size
    run = intake_store.start_run(session, importer.fmt, importer.filename, str(importer.source),
                                 organisation_id, user_id, False, total=importer.size() or 0)
    payload = {"run_id": run.id, "fmt": fmt, "filename": filename, "mapping": mapping,
               "organisation_id": organisation_id, "user_id": user_id, "lang": lang, "audit": audit_entry}
    enqueue(session, KIND, payload, data=content, key=job_key(run.id), owner_id=user_id)
    session.commit()
    return run


def wait(db: Database, run_id: int, timeout: float | None = None) -> bool:
    """Wait until the job of run `run_id` ended (in any process); False if `timeout` passed first."""
    with db.session() as s:
        job = job_store.by_key(s, job_key(run_id))
        job_id = job.id if job is not None else None
    if job_id is None:
        return True
    return bool(wait_for(db, job_id, timeout))


def settle_interrupted(session: Session) -> int:
    """Mark failed the runs left ``running`` with no job that could still finish them (committed)."""
    stale = intake_store.stale_running_runs(session, before=clock.now() - STALE)
    if not stale:
        return 0
    live = job_store.live_keys(session, [job_key(r) for r in stale])
    dead = [r for r in stale if job_key(r) not in live]
    if not dead:
        return 0
    count = intake_store.fail_runs(session, dead, error=INTERRUPTED)
    session.commit()
    return count


_translator: list[Translator] = []


def set_translator(translator: Translator) -> None:
    """How the job translates row messages into the run's language (the web layer's catalogs)."""
    _translator[:] = [translator]


@job_handler(KIND, max_attempts=3, lease_s=60.0, backoff_s=10.0)
def import_job(ctx: JobContext) -> dict[str, Any]:
    """The handler of kind ``import``: import the job's file into its run (again, after a crash)."""
    translator = _translator[0] if _translator else None
    p = ctx.payload
    session, run_id = ctx.session, int(p["run_id"])
    run = intake_store.get_run(session, run_id)
    if run is None or run.status != "running":
        return {"run_id": run_id, "status": run.status if run else "missing"}
    on_finish = _audit(int(p["user_id"]), str(p["fmt"])) if p.get("audit") and p.get("user_id") else None
    try:
        org_id = p.get("organisation_id")
        org = session.get(Organisation, org_id) if org_id is not None else None
        ctx_in = IntakeContext(organisation=org, lang=str(p.get("lang") or "sv"))
        if translator is not None:
            ctx_in.gettext = translator(ctx_in.lang)
        importer = open_importer(ctx.data or b"", str(p["fmt"]), filename=str(p.get("filename") or ""),
                                 mapping=p.get("mapping"))
        summary = run_import(session, importer, ctx_in, user_id=p.get("user_id"), run_id=run_id,
                             on_finish=on_finish)
        return {"run_id": run_id, "status": "done", "imported": summary.imported}
    except Exception as exc:  # noqa: BLE001 - the run row tells the user; the log keeps the trace
        log.exception("import run %s failed", run_id)
        _fail_if_running(session, run_id, exc, on_finish)
        return {"run_id": run_id, "status": "failed", "error": error_text(exc)}


def _audit(user_id: int, fmt: str) -> Callable[[Session, ImportRun], None]:
    def record(session: Session, run: ImportRun) -> None:
        audit.record(session, user_id, "import", "import_run", run.id,
                     {"fmt": fmt, "status": run.status, "imported": run.imported, "duplicates": run.duplicates})

    return record


def _fail_if_running(session: Session, run_id: int, exc: Exception,
                     on_finish: Callable[[Session, ImportRun], None] | None) -> None:
    """A failure before `run_import` took charge of the run (it marks its own failures)."""
    session.rollback()
    run = intake_store.get_run(session, run_id)
    if run is None or run.status != "running":
        return
    intake_store.fail_run(session, run, error_text(exc))
    if on_finish is not None:
        on_finish(session, run)
    session.commit()
