"""Imports in the background: the web page starts one and follows its `ImportRun` row.

`start_import` stores the run (status ``running``, the rows expected) and hands the work to a
worker thread, which opens its own session on the `Database` (a session never crosses threads) and
calls `run_import` with the run's id. Progress, the final counts and — when the run breaks off —
the error are written to the run row, so every server thread and every reload sees the same
state. `on_finish(session, run)` runs in the transaction that ends the run, done or failed (the web
layer writes its audit entry there, with the final counts).

A run left ``running`` by an earlier process (a restart, a crash) has no worker any more:
`settle_interrupted`, called when runs are read, marks every run whose heartbeat is older than
this process as failed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.ingest.base import FinishHook, Importer, error_text, run_import
from trygg.ingest.service import IntakeContext
from trygg.storage import intake as intake_store
from trygg.storage.database import Database
from trygg.storage.schema import ImportRun, Organisation

WORKERS = 2  # imports running at once; more wait their turn (status running, 0 rows processed)
PROCESS_START = clock.real_now()  # real time: the clock may be pinned after this import
log = logging.getLogger("trygg.ingest")


def _(message: str) -> str:
    """Mark a msgid for extraction (the page translates the stored English text)."""
    return message


INTERRUPTED = _("The server stopped before the import finished. Import the file again: "
                "the rows already stored are recognised as duplicates.")

_executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="trygg-import")
_lock = threading.Lock()
_futures: dict[int, Future[None]] = {}


def start_import(db: Database, session: Session, importer: Importer, *, organisation_id: int | None,
                 user_id: int | None, lang: str = "sv", gettext: Callable[..., str] | None = None,
                 on_finish: FinishHook | None = None) -> ImportRun:
    """Store a new run for `importer` (committed) and import it in a worker thread; return the run."""
    run = intake_store.start_run(session, importer.fmt, importer.filename, str(importer.source),
                                 organisation_id, user_id, False, total=importer.size() or 0)
    session.commit()
    run_id = run.id
    with _lock:
        future = _executor.submit(_work, db, run_id, importer, organisation_id, user_id, lang, gettext, on_finish)
        _futures[run_id] = future
    future.add_done_callback(lambda _f: _forget(run_id))
    return run


def wait(run_id: int, timeout: float | None = None) -> bool:
    """Wait until the worker of run `run_id` (of this process) ended; False if `timeout` passed first."""
    with _lock:
        future = _futures.get(run_id)
    if future is None:
        return True
    try:
        future.result(timeout)
    except FutureTimeout:
        return False
    return True


def settle_interrupted(session: Session) -> int:
    """Mark failed the runs whose worker died with an earlier process; returns how many (committed)."""
    count = intake_store.fail_interrupted_runs(session, before=clock.from_real(PROCESS_START), error=INTERRUPTED)
    if count:
        session.commit()
    return count


def _forget(run_id: int) -> None:
    with _lock:
        _futures.pop(run_id, None)


def _work(db: Database, run_id: int, importer: Importer, organisation_id: int | None, user_id: int | None,
          lang: str, gettext: Callable[..., str] | None, on_finish: FinishHook | None) -> None:
    with db.session() as session:
        try:
            org = session.get(Organisation, organisation_id) if organisation_id is not None else None
            ctx = IntakeContext(organisation=org, lang=lang)
            if gettext is not None:
                ctx.gettext = gettext
            run_import(session, importer, ctx, user_id=user_id, run_id=run_id, on_finish=on_finish)
        except Exception as exc:  # noqa: BLE001 - the run row tells the user; the log keeps the trace
            log.exception("import run %s failed", run_id)
            try:
                _fail_if_running(session, run_id, exc, on_finish)
            except Exception:  # noqa: BLE001 - e.g. the database is gone; a restart settles the run
                session.rollback()
                log.exception("could not mark import run %s failed", run_id)


def _fail_if_running(session: Session, run_id: int, exc: Exception, on_finish: FinishHook | None) -> None:
    """A failure before `run_import` took charge of the run (it marks its own failures)."""
    session.rollback()
    run = intake_store.get_run(session, run_id)
    if run is None or run.status != "running":
        return
    intake_store.fail_run(session, run, error_text(exc))
    if on_finish is not None:
        on_finish(session, run)
    session.commit()
