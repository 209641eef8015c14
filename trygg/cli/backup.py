"""`trygg backup` and `trygg restore`: a checked copy of the whole database, and back."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from trygg.cli.common import DB_HELP, guarded, out, progress_bar, resolve_db
from trygg.storage.backup import backup as run_backup
from trygg.storage.backup import restore as run_restore
from trygg.storage.database import Database


def _counts_table(counts: dict[str, int]) -> Table:
    table = Table("table", "rows", title="Rows per table")
    for name, n in sorted(counts.items()):
        if n:
            table.add_row(name, f"{n:,}".replace(",", " "))
    empty = sum(1 for n in counts.values() if not n)
    if empty:
        table.add_row(f"[dim]{empty} empty tables[/]", "0")
    return table


def backup(output: Path = typer.Option(..., "--output", "-o", help="The backup file to write."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP),
           force: bool = typer.Option(False, "--force", help="Replace OUTPUT if it exists.")) -> None:
    """Write a consistent backup of the whole database to a file, and check it.

    SQLite: the online backup API (the server may keep running), then PRAGMA integrity_check on the
    copy. PostgreSQL: pg_dump -Fc of one snapshot, read back to verify every table's rows.

    Example: trygg backup --output backups/trygg-2025-03-01.db --db trygg.db
    """
    database = guarded(lambda: Database(resolve_db(db)))
    try:
        with progress_bar() as progress:
            result = guarded(lambda: run_backup(database, output, force=force, progress=progress))
    finally:
        database.dispose()
    out.print(_counts_table(result.row_counts))
    out.print(f"[green]✓[/] Backup of {database.display_url} written to [bold]{result.path}[/] "
              f"({result.size_bytes / 1e6:.1f} MB, {result.total_rows} rows, {result.seconds:.1f} s).",
              soft_wrap=True)  # a path broken over two lines cannot be copied
    out.print("  Checked: " + "; ".join(result.checks) + ".")


def restore(source: Path = typer.Argument(..., help="A file written by 'trygg backup'."),
            db: str | None = typer.Option(None, "--db", help=DB_HELP),
            force: bool = typer.Option(False, "--force", help="Replace everything in a database that "
                                       "already holds data (stop the server first).")) -> None:
    """Restore a backup file into a new or empty database (or replace one with --force), and check it.

    A PostgreSQL database that does not exist yet is created. The result must hold exactly the
    backup's rows and pass the integrity check.

    Example: trygg restore backups/trygg-2025-03-01.db --db restored.db
    """
    database = guarded(lambda: Database(resolve_db(db)))
    try:
        with progress_bar() as progress:
            result = guarded(lambda: run_restore(source, database, force=force, progress=progress))
    finally:
        database.dispose()
    out.print(_counts_table(result.row_counts))
    action = "replaced the content of" if result.replaced else "restored into"
    out.print(f"[green]✓[/] {source} {action} [bold]{result.target}[/] "
              f"({result.total_rows} rows, {result.seconds:.1f} s).")
    out.print("  Checked: " + "; ".join(result.checks) + ".")
    if not result.up_to_date:
        out.print(f"[yellow]![/] The backup is from an older schema: run 'trygg db upgrade --db {result.target}'.")
