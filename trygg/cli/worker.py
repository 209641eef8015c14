"""`trygg worker`: run the background jobs (imports, PDFs, feed polls …) outside the web processes."""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from types import FrameType

import typer

from trygg.cli.common import DB_HELP, guarded, one_blas_thread, out, resolve_db
from trygg.storage.database import Database


def worker(db: str | None = typer.Option(None, "--db", help=DB_HELP),
           once: bool = typer.Option(False, "--once", help="Run the jobs that are due now, then stop."),
           module: list[str] = typer.Option([], "--module", help="Also import this module for its job handlers "
                                                                   "(repeatable)."),
           status: bool = typer.Option(False, "--status", help="Print the number of jobs per status and stop.")
           ) -> None:
    """Run background jobs from the database's jobs table until stopped (SIGTERM finishes the current job).

    Any number of workers, on any number of machines, can run against one PostgreSQL database:
    each job is leased to one worker, and a job whose worker died is run again after its lease.

    Example: trygg worker --db postgresql://trygg@127.0.0.1/trygg
    """
    one_blas_thread()
    from trygg.jobs.worker import Worker, drain
    from trygg.storage import jobs as job_store
    from trygg.web import jobs as _kinds  # noqa: F401  registers the job handlers

    for name in module:
        guarded(lambda name=name: importlib.import_module(name))  # type: ignore[misc]
    database = guarded(lambda: Database(resolve_db(db)))
    guarded(database.check_connection)
    if status:
        with database.session() as s:
            counts = job_store.counts(s)
        for name in ("queued", "running", "done", "failed"):
            out.print(f"{name:8} {counts.get(name, 0)}")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if once:
        ran = drain(database, timeout_s=3600)
        out.print(f"Ran {ran} job(s).")
        return
    stop = threading.Event()

    def _stop(_sig: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runner = Worker(database)
    out.print(f"Trygg worker {runner.name} runs jobs of {database.display_url} (Ctrl+C stops).")
    runner.run(stop)
    out.print(f"Stopped after {runner.ran} job(s).")
