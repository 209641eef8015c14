"""Printing the outcome of a table import (organisations, places, users) the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from trygg.cli.common import console, guarded, open_db, out
from trygg.setup.tables import TableImportResult


def report(result: TableImportResult, what: str) -> None:
    """Errors (exit 2, nothing stored) or the counts."""
    for e in result.errors:
        console.print(f"[bold red]Error:[/] {escape(e)}", soft_wrap=True)
    if result.errors:
        console.print(f"Nothing stored: {len(result.errors)} problem(s) in {result.rows} row(s).")
        raise typer.Exit(2)
    verb = "would be " if result.dry_run else ""
    out.print(f"{result.rows} row(s): {result.created} {what} {verb}created, {result.updated} {verb}updated.")


def import_table(importer: Callable[..., TableImportResult], file: Path, *, dry_run: bool, db: str | None,
                 what: str) -> None:
    """Run a table import (``importer(session, file, dry_run=…)``) in one session and print its outcome."""
    database = guarded(lambda: open_db(db))

    def run() -> TableImportResult:
        session: Session
        with database.session() as session:
            return importer(session, file, dry_run=dry_run)

    report(guarded(run), what)
