"""What every command shares: opening the database named by --db, printing errors with hints."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from trygg.config import DEFAULT_DB
from trygg.errors import TryggError
from trygg.storage.database import Database

console = Console(stderr=True)
out = Console()

DB_HELP = "SQLite file path or database URL (default: $TRYGG_DATABASE_URL, else ./trygg.db)."
T = TypeVar("T")


def resolve_db(db: str | None) -> str:
    return db or os.environ.get("TRYGG_DATABASE_URL") or DEFAULT_DB


def open_db(db: str | None, *, upgrade: bool = False) -> Database:
    database = Database(resolve_db(db))
    if upgrade:
        database.upgrade()
    else:
        database.check_connection()
    return database


def fail(exc: TryggError) -> typer.Exit:
    console.print(f"[bold red]Error:[/] {exc.message}")
    if exc.hint:
        console.print(f"[yellow]Hint:[/] {exc.hint}")
    details = exc.details
    if isinstance(details, dict):
        for key, value in details.items():
            console.print(f"  • {key}: {value}")
    return typer.Exit(code=2)


def guarded(fn: Callable[[], T]) -> T:
    """Run `fn`, turning a TryggError into a clear message and exit code 2."""
    try:
        return fn()
    except TryggError as exc:
        raise fail(exc) from None


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback (stage, done, total) drawn with rich on stderr."""
    bars: dict[str, TaskID] = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        def update(stage: str, done: int, total: int) -> None:
            if stage not in bars:
                bars[stage] = progress.add_task(stage, total=max(total, 1))
            progress.update(bars[stage], completed=done, total=max(total, 1))

        yield update


BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """A server or job process: one BLAS thread (unless set otherwise in the environment).

    Requests and processes already run side by side; a BLAS thread pool in each would fight them
    for the cores (on a busy 2-core machine the trend alarms' fits took 5–10 times longer with
    OpenBLAS's default of one thread per core). Takes effect for NumPy imported after the call —
    in the worker processes of ``trygg serve --workers N`` always."""
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
