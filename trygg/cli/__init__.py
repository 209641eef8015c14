"""The `trygg` command line: one module per command group, thin over the library.

Command groups are loaded lazily: `trygg --help` lists them from the table
below without importing any of them, and `trygg analyse hotspots` imports only
`trygg.cli.analyse` (not the web app, storage, matplotlib or scipy.stats that
other groups need). Start-up is measured in docs/performance.md.
"""

from __future__ import annotations

import importlib
import os
from datetime import date
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from trygg import __version__
from trygg.domain import clock

#: name: (module, attribute, kind, one-line help shown by `trygg --help`). kind "command" is a
#: function, "group" a typer.Typer. Feature command groups are added below, one line each.
COMMANDS: dict[str, tuple[str, str, str, str]] = {
    "serve": ("trygg.cli.serve", "serve", "command",
              "Serve the web app and API from one or several processes (each stateless: all they share is in "
              "the database)."),
    "demo": ("trygg.cli.serve", "demo", "command", "Build the Trollhättan demo database (once) and serve it."),
    "backup": ("trygg.cli.backup", "backup", "command",
               "Write a consistent backup of the whole database to a file, and check it."),
    "restore": ("trygg.cli.backup", "restore", "command",
                "Restore a backup file into a new or empty database (or replace one with --force), and check it."),
    "import": ("trygg.cli.importer", "import_file", "command",
               "Import reports from a file; re-running the same import adds nothing twice."),
    "db": ("trygg.cli.db", "app", "group", "Database schema: upgrade, check and rebuild the weekly counts."),
    "users": ("trygg.cli.users", "app", "group", "User accounts and organisations."),
    "tokens": ("trygg.cli.users", "tokens_app", "group", "API tokens for integrations (Authorization: Bearer …)."),
    "audit": ("trygg.cli.audit", "app", "group",
              "The audit trail: verify its keyed hash chain, anchor its head, export it."),
    "retention": ("trygg.cli.retention", "app", "group",
                  "Retention of report details: periods per category, removal of old details."),
    "open311": ("trygg.cli.open311", "app", "group", "The Open311 GeoReport v2 server."),
    "fieldwork": ("trygg.cli.fieldwork", "app", "group",
                  "Field work: safety walks, night walkers, watch areas, premises, gyms, meetings."),
    "plan": ("trygg.cli.plan", "app", "group", "Action plans: documents and effect evaluation."),
    "analyse": ("trygg.cli.analyse", "app", "group",
                "Analyse points in a CSV or GeoJSON file: hot spots, near repeats, trends."),
    "init": ("trygg.cli.init", "init", "command",
             "Set up an empty database: the municipality with its boundary, its own organisation, the default "
             "categories and the first administrator."),
    "areas": ("trygg.cli.areas", "app", "group", "Districts and DeSO: import boundaries, SCB attributes, list."),
    "surveys": ("trygg.cli.surveys", "app", "group", "Survey results: import from CSV or Excel."),
    "orgs": ("trygg.cli.orgs", "app", "group", "Organisations: import, list, deactivate."),
    "categories": ("trygg.cli.categories", "app", "group",
                   "The category taxonomy: export to and import from CSV or JSON."),
    "places": ("trygg.cli.places", "app", "group", "Known places: import, list."),
    "notify": ("trygg.cli.notify", "app", "group",
               "E-mail notifications: deliver the outbox, list and retry failed deliveries."),
    "public": ("trygg.cli.public", "app", "group",
               "Public figures: a month is published once after it has closed and settled; later changes by an "
               "audited republication."),
    "worker": ("trygg.cli.worker", "worker", "command",
               "Run background jobs from the database's jobs table until stopped (SIGTERM finishes the current "
               "job)."),
    "feeds": ("trygg.cli.feeds", "app", "group",
              "Feeds polled on a schedule by the job worker (the police's open events feed)."),
}


def load_command(name: str) -> Any:
    """Import the module of one command (group) and build its click command."""
    module, attr, kind, _help = COMMANDS[name]
    obj = getattr(importlib.import_module(module), attr)
    if kind == "group":
        # Built as add_typer would: a Typer with a single command stays a group (`trygg surveys import`).
        outer = typer.Typer(add_completion=False)
        outer.add_typer(obj, name=name)
        cmd = typer.main.get_command(outer).commands[name]  # type: ignore[attr-defined]
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(obj)
        cmd = typer.main.get_command(single)
    cmd.name = name
    return cmd


class LazyGroup(TyperGroup):
    """A Typer group whose subcommands are imported on first use.

    While the group's own help is printed, the listed commands are stand-ins
    that carry only the one-line help, so listing imports nothing.
    """

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        if self._listing:
            text = COMMANDS[cmd_name][3]
            return TyperCommand(cmd_name, help=text, short_help=text)
        cmd = load_command(cmd_name)
        self.add_command(cmd, cmd_name)
        return cmd

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        self._listing = False
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="trygg",
    help="Trygg – police and municipality working together for safety (samverkan för ökad trygghet).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    cls=LazyGroup,
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


def main() -> None:
    app()
