"""`trygg places …`: known places (the gazetteer) from a table, and their list."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import select

from trygg.cli.common import DB_HELP, guarded, open_db, out
from trygg.cli.tables import import_table
from trygg.setup.places import import_places
from trygg.storage.schema import Place

app = typer.Typer(help="Known places: import, list.", no_args_is_help=True)


@app.command("import")
def import_cmd(file: Path = typer.Argument(..., help="CSV or Excel: namn, lon and lat (or x and y), typ."),
               dry_run: bool = typer.Option(False, "--dry-run", help="Check only; store nothing."),
               db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Create or move known places from a table; each must lie in the municipality; every problem names
    its row and nothing is stored while there is one.

    Example: trygg places import platser.csv --db vanersborg.db
    """
    import_table(import_places, file, dry_run=dry_run, db=db, what="place(s)")


@app.command("list")
def list_cmd(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the known places.

    Example: trygg places list --db vanersborg.db
    """
    database = guarded(lambda: open_db(db))
    table = Table("id", "name", "kind", "lat", "lon")
    with database.session() as s:
        for p in s.scalars(select(Place).order_by(Place.name)):
            table.add_row(str(p.id), p.name, p.kind, f"{p.lat:.5f}", f"{p.lon:.5f}")
    out.print(table)
