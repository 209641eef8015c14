"""`trygg orgs …`: the partner organisations: import from a table, list, deactivate and reactivate."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from trygg.cli.common import DB_HELP, guarded, open_db, out
from trygg.cli.tables import import_table
from trygg.setup.organisations import import_organisations, set_active
from trygg.storage import users as user_store

app = typer.Typer(help="Organisations: import, list, deactivate.", no_args_is_help=True)


@app.command("import")
def import_cmd(file: Path = typer.Argument(..., help="CSV or Excel: namn, kortnamn, typ, utanför, delar."),
               dry_run: bool = typer.Option(False, "--dry-run", help="Check only; store nothing."),
               db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Create or update organisations from a table; every problem names its row and nothing is stored
    while there is one (audited).

    Example: trygg orgs import organisationer.csv --db vanersborg.db
    """
    import_table(import_organisations, file, dry_run=dry_run, db=db, what="organisation(s)")


@app.command("list")
def list_cmd(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the organisations with kind and settings.

    Example: trygg orgs list --db vanersborg.db
    """
    database = guarded(lambda: open_db(db))
    table = Table("id", "name", "short name", "kind", "outside", "shares details", "active")
    with database.session() as s:
        for o in user_store.list_organisations(s):
            table.add_row(str(o.id), o.name, o.short_name, o.kind, "yes" if o.allow_outside else "",
                          "yes" if o.shares_details else "", "yes" if o.active else "no")
    out.print(table)


def _set(ref: str, active: bool, db: str | None) -> None:
    database = guarded(lambda: open_db(db))

    def run() -> tuple[str, int]:
        with database.session() as s:
            org, users = set_active(s, ref, active)
            return org.name, users

    name, users = guarded(run)
    if active:
        out.print(f"{name} is active again (its users are reactivated one by one by an administrator).")
    else:
        out.print(f"{name} is deactivated; {users} user(s) of it can no longer sign in. Its reports stay.")


@app.command("deactivate")
def deactivate(organisation: str = typer.Argument(..., help="Id, name or short name."),
               db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Deactivate an organisation instead of deleting it: its users can no longer sign in, its reports stay.

    Example: trygg orgs deactivate "Securitas – Vänersborg"
    """
    _set(organisation, False, db)


@app.command("activate")
def activate(organisation: str = typer.Argument(..., help="Id, name or short name."),
             db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Make a deactivated organisation active again.

    Example: trygg orgs activate "Securitas – Vänersborg"
    """
    _set(organisation, True, db)
