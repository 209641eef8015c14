"""The `trygg` command line: one module per command group, thin over the library."""

from __future__ import annotations

import os
from datetime import date

import typer

from trygg import __version__
from trygg.cli import analyse as analyse_cli
from trygg.cli import audit as audit_cli
from trygg.cli import backup as backup_cli
from trygg.cli import db as db_cli
from trygg.cli import fieldwork as fieldwork_cli
from trygg.cli import importer as importer_cli
from trygg.cli import open311 as open311_cli
from trygg.cli import plan as plan_cli
from trygg.cli import retention as retention_cli
from trygg.cli import serve as serve_cli
from trygg.cli import users as users_cli
from trygg.domain import clock

app = typer.Typer(
    name="trygg",
    help="Trygg – police and municipality working together for safety (samverkan för ökad trygghet).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        print(f"trygg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Trygg's command line. Every command takes --db PATH_OR_URL (default $TRYGG_DATABASE_URL)."""
    pinned = os.environ.get("TRYGG_TODAY", "")
    if pinned:
        try:
            clock.pin(date.fromisoformat(pinned))
        except ValueError:
            raise typer.BadParameter(f"TRYGG_TODAY={pinned!r} is not a date (YYYY-MM-DD).") from None


app.command("serve")(serve_cli.serve)
app.command("demo")(serve_cli.demo)
app.add_typer(db_cli.app, name="db")
app.add_typer(users_cli.app, name="users")
app.add_typer(users_cli.tokens_app, name="tokens")
# Feature command groups are added below, one line each.
app.add_typer(audit_cli.app, name="audit")
app.add_typer(retention_cli.app, name="retention")
app.command("backup")(backup_cli.backup)
app.command("restore")(backup_cli.restore)
app.command("import")(importer_cli.import_file)
app.add_typer(open311_cli.app, name="open311")
app.add_typer(fieldwork_cli.app, name="fieldwork")
app.add_typer(plan_cli.app, name="plan")
app.add_typer(analyse_cli.app, name="analyse")


def main() -> None:
    app()
