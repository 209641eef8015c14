"""`trygg import PATH --format …`: bring reports in from CSV, Excel, GeoJSON or the police events API."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from trygg.cli.common import DB_HELP, console, guarded, open_db, out, progress_bar
from trygg.errors import NotFound, ValidationError
from trygg.ingest import FORMATS, ImportSummary, format_for, open_importer, run_import
from trygg.ingest.service import IntakeContext
from trygg.storage import intake as intake_store
from trygg.storage import users as user_store


def import_file(
        path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The file to import."),
        fmt: str = typer.Option("", "--format", "-f", help=f"One of {', '.join(FORMATS)} (default: from the "
                                                             "file name; .json = polisen)."),
        mapping: str = typer.Option("", "--mapping", help="Name of a saved column mapping, or a JSON object "
                                                         "{our field: column} (CSV, Excel, GeoJSON)."),
        save_mapping: str = typer.Option("", "--save-mapping", help="Save the mapping used under this name."),
        org: str = typer.Option("", "--org", help="Organisation (id, name or short name) the rows come from; "
                                                 "its 'allow outside' setting applies."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and report, store nothing."),
        show: int = typer.Option(50, "--show", help="List at most this many skipped/rejected rows (0 = all)."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Import reports from a file; re-running the same import adds nothing twice.

    Example: trygg import polisen_events.json --format polisen --org Polisen --db trygg-demo.db
    """
    fmt = fmt or format_for(path)
    if fmt not in FORMATS:
        guarded(lambda: _bad_format(fmt))
    database = guarded(lambda: open_db(db))

    def run() -> ImportSummary:
        with database.session() as s:
            cols = _mapping(s, mapping)
            organisation = user_store.get_organisation(s, org) if org else None
            importer = open_importer(path.read_bytes(), fmt, filename=path.name, mapping=cols)
            if save_mapping and fmt in ("csv", "excel", "geojson"):
                intake_store.save_mapping(s, save_mapping, fmt, getattr(importer, "mapping", {}))
                s.commit()
            with progress_bar() as progress:
                return run_import(s, importer, IntakeContext(organisation=organisation), dry_run=dry_run,
                                  progress=progress)

    try:
        summary = guarded(run)
    finally:
        database.dispose()
    _print(summary, show)


def _bad_format(fmt: str) -> None:
    raise ValidationError(f"Unknown format {fmt!r}.", fields={"--format": ", ".join(FORMATS)})


def _mapping(session: object, mapping: str) -> dict[str, str] | None:
    if not mapping:
        return None
    if mapping.strip().startswith("{"):
        try:
            return {str(k): str(v) for k, v in json.loads(mapping).items()}
        except (ValueError, AttributeError):
            raise ValidationError("--mapping is not a JSON object.", fields={"--mapping": mapping[:60]}) from None
    saved = intake_store.get_mapping(session, mapping)  # type: ignore[arg-type]
    if saved is None:
        raise NotFound(f"No saved mapping {mapping!r}.", hint="Save one with --save-mapping NAME.")
    return dict(saved.mapping)


def _print(summary: ImportSummary, show: int) -> None:
    verb = "would be imported" if summary.dry_run else "imported"
    out.print(f"[bold]{summary.total}[/] rows read: [green]{summary.imported} {verb}[/], "
              f"{summary.duplicates} skipped as duplicates, {len(summary.skipped)} skipped, "
              f"[red]{len(summary.rejected)} rejected[/]." + (" (dry run: nothing stored)" if summary.dry_run else ""))
    reasons = summary.reasons()
    if reasons:
        table = Table("outcome", "reason", "rows", title="Why rows were not imported")
        for kind, reason, n in reasons[:30]:
            table.add_row(kind, reason, str(n))
        out.print(table)
    issues = sorted(summary.rejected + summary.skipped, key=lambda i: i.line)
    if issues:
        listed = issues if show == 0 else issues[:show]
        table = Table("line", "row", "outcome", "reason", title="Rows not imported")
        for i in listed:
            table.add_row(str(i.line), i.ref, i.kind, i.reason)
        out.print(table)
        if len(listed) < len(issues):
            console.print(f"… and {len(issues) - len(listed)} more (use --show 0 to list all).")
