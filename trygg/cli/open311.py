"""`trygg open311 keys …`: api_keys of the client applications that may post Open311 requests."""

from __future__ import annotations

import typer
from rich.table import Table

from trygg.cli.common import DB_HELP, guarded, open_db, out
from trygg.storage import intake as intake_store

app = typer.Typer(help="The Open311 GeoReport v2 server.", no_args_is_help=True)
keys_app = typer.Typer(help="api_keys per client application (only their hashes are stored).",
                       no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def create(name: str = typer.Option(..., "--name", help="The client application, e.g. 'FixaMinGata'."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Create an api_key and print it once.

    Example: trygg open311 keys create --name "FixaMinGata"
    """
    database = guarded(lambda: open_db(db))

    def run() -> str:
        with database.session() as s:
            return intake_store.create_open311_client(s, name)

    try:
        print(guarded(run))
    finally:
        database.dispose()


@keys_app.command("list")
def list_keys(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List client applications (key prefix, created, last used, revoked).

    Example: trygg open311 keys list
    """
    database = guarded(lambda: open_db(db))
    table = Table("id", "name", "prefix", "created", "last used", "revoked")
    try:
        with database.session() as s:
            for c in intake_store.list_open311_clients(s):
                table.add_row(str(c.id), c.name, c.prefix, str(c.created_at)[:19],
                              str(c.last_used_at or "")[:19], str(c.revoked_at or "")[:19])
    finally:
        database.dispose()
    out.print(table)


@keys_app.command("revoke")
def revoke(ref: str = typer.Argument(..., help="Id or name of the application."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Revoke an application's api_key at once.

    Example: trygg open311 keys revoke FixaMinGata
    """
    database = guarded(lambda: open_db(db))

    def run() -> str:
        with database.session() as s:
            return intake_store.revoke_open311_client(s, ref).name

    try:
        name = guarded(run)
    finally:
        database.dispose()
    out.print(f"Revoked the api_key of {name}.")
