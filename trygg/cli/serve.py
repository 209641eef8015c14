"""`trygg serve` and `trygg demo`: run the web server, or build the demo database and serve it."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

import typer

from trygg.cli.common import DB_HELP, console, guarded, one_blas_thread, out, progress_bar, resolve_db
from trygg.config import Settings
from trygg.domain import clock
from trygg.storage.database import Database


def _serve(settings: Settings, database: Database, host: str, port: int, workers: int = 1) -> None:
    one_blas_thread()
    import uvicorn

    from trygg.web.app import create_app, settle_heap

    app = guarded(lambda: create_app(settings, database))  # checks the database and settings once, here
    jobs = "with a job worker loop in each" if settings.run_jobs else "without job workers (run `trygg worker`)"
    out.print(f"Trygg serves {database.display_url} on [bold]http://{host}:{port}[/] with {workers} "
              f"process(es), {jobs} (Ctrl+C stops).")
    if workers <= 1:
        settle_heap()
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False,
                    proxy_headers=False)  # X-Forwarded-For: the app decides (TRYGG_TRUSTED_PROXIES)
        return
    # Several processes: each builds its app from the environment (`app_from_env`). Nothing they
    # share lives in a process: sessions, rate limits, jobs and caches are in the database.
    database.dispose()
    os.environ["TRYGG_DATABASE_URL"] = database.url
    os.environ["TRYGG_RUN_JOBS"] = "true" if settings.run_jobs else "false"
    os.environ["TRYGG_DEMO"] = "1" if settings.demo else os.environ.get("TRYGG_DEMO", "")
    if not os.environ.get("TRYGG_SECRET_KEY"):
        os.environ["TRYGG_SECRET_KEY"] = settings.resolved_secret()  # one key, or sessions break across workers
    uvicorn.run("trygg.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="info", access_log=False, proxy_headers=False)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def serve(db: str | None = typer.Option(None, "--db", help=DB_HELP),
          host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
          port: int = typer.Option(8000, "--port", help="TCP port."),
          upgrade: bool = typer.Option(False, "--upgrade", help="Migrate the schema before serving."),
          workers: int = typer.Option(0, "--workers", min=0,
                                      help="Server processes (default 0 = one per CPU core)."),
          no_jobs: bool = typer.Option(False, "--no-jobs",
                                       help="Run no job worker loop in the server (run `trygg worker` instead).")
          ) -> None:
    """Serve the web app and API from one or several processes (each stateless: all they share is in
    the database).

    Example: trygg serve --db postgresql://trygg@127.0.0.1/trygg --port 8000 --workers 4
    """
    url = resolve_db(db)
    overrides: dict[str, object] = {"database_url": url}
    if no_jobs:
        overrides["run_jobs"] = False
    settings = guarded(lambda: Settings.from_env(**overrides))
    database = guarded(lambda: Database(url))
    if upgrade:
        guarded(database.upgrade)
    _serve(settings, database, host, port, workers or default_workers())


def demo(db: str = typer.Option("trygg-demo.db", "--db", help="Where to build the demo (path or URL)."),
         port: int = typer.Option(8000, "--port", help="TCP port."),
         host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
         no_serve: bool = typer.Option(False, "--no-serve", help="Build the database and stop."),
         rebuild: bool = typer.Option(False, "--rebuild", help="Build anew even if it exists."),
         seed: int = typer.Option(2022, "--seed", help="Random seed of the simulated reports and field work."),
         today: str = typer.Option("", "--today", help="Build and serve as if today were this date "
                                   "(YYYY-MM-DD); the data ends the day before. Default: the real date.")) -> None:
    """Build the Trollhättan demo database (once) and serve it.

    The demo's data ends the day before it is built, so "last week" on the dashboard has data.

    Example: trygg demo --db trygg-demo.db --port 8000
    """
    from trygg.demo.builder import build_demo

    if today:
        try:
            clock.pin(date.fromisoformat(today))
        except ValueError:
            raise typer.BadParameter(f"{today!r} is not a date (YYYY-MM-DD).", param_hint="--today") from None
        os.environ["TRYGG_TODAY"] = today

    is_file = "://" not in db
    if is_file and rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    database = guarded(lambda: Database(db))
    fresh = rebuild or (Path(db).exists() is False if is_file else True)
    if not fresh and is_file:
        guarded(database.upgrade)
        from sqlalchemy import func, select

        from trygg.storage.schema import Report

        with database.session() as s:
            fresh = (s.scalar(select(func.count(Report.id))) or 0) == 0
    if fresh:
        guarded(database.upgrade)
        started = time.perf_counter()
        with progress_bar() as progress:
            summary = guarded(lambda: build_demo(database, seed=seed, progress=progress))
        out.print(f"Built the demo in {time.perf_counter() - started:.1f} s: {summary}")
    else:
        out.print(f"Using the existing demo database {db} (use --rebuild to build it anew).")
        _warn_if_stale(database)
    if no_serve:
        return
    os.environ.setdefault("TRYGG_DEMO", "1")
    if not os.environ.get("TRYGG_SMTP_HOST"):  # the demo's e-mails go to a local mbox file
        os.environ.setdefault("TRYGG_MAIL_FILE", (db if is_file else "trygg-demo") + "-mail.mbox")
    settings = guarded(lambda: Settings.from_env(database_url=db, demo=True))
    console.print("Demo users: see docs/demo.md (password demo-<username>).")
    _serve(settings, database, host, port)


def _warn_if_stale(database: Database) -> None:
    """Say so when an existing demo's data ends before last week (it was built a while ago)."""
    from sqlalchemy import func, select

    from trygg.storage.schema import Report

    with database.session() as s:
        last = s.scalar(select(func.max(Report.occurred_from)))
    if last is not None and last.date() < clock.today() - timedelta(days=8):
        out.print(f"[yellow]The demo's data ends on {last.date()}: the dashboard's last week is empty. "
                  "Run with --rebuild for data up to yesterday.[/yellow]")
