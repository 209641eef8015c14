"""`trygg categories …`: the category taxonomy as a file: export it, edit it, import it again."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from trygg.cli.common import DB_HELP, console, fail, guarded, open_db, out
from trygg.errors import ValidationError
from trygg.setup.categories import CategoryImportResult, export_text, import_file
from trygg.storage.categories import taxonomy

app = typer.Typer(help="The category taxonomy: export to and import from CSV or JSON.", no_args_is_help=True)


@app.command("export")
def export_cmd(file: Path | None = typer.Argument(None, help="Write here (default: standard output)."),
               fmt: str = typer.Option("csv", "--format", help="csv (lists separated by ;) or json."),
               db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Write every category (retired and merged ones too) with its names, sensitivity, public flag, focus
    areas, police event types, retirement, merge and sort order; the file imports again unchanged.

    Example: trygg categories export kategorier.csv --db vanersborg.db
    """
    if fmt not in ("csv", "json"):
        raise fail(ValidationError(f"Unknown format {fmt!r}.", hint="Use --format csv or --format json."))
    database = guarded(lambda: open_db(db))
    with database.session() as s:
        tax = taxonomy(s)
    text = export_text(tax, fmt)
    if file is None:
        typer.echo(text, nl=False)
    else:
        file.write_text(text, encoding="utf-8")
        out.print(f"Wrote {len(tax.categories)} categories to {escape(str(file))}.")


@app.command("import")
def import_cmd(file: Path = typer.Argument(..., help="CSV or JSON as `trygg categories export` writes it."),
               dry_run: bool = typer.Option(False, "--dry-run", help="Check only; store nothing."),
               db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Add and change categories from a file: new codes are added, changed rows are updated, a date in
    retired_on retires a category and a code in merged_into merges it (its reports keep their code and
    are counted under that category). A category missing from the file stays as it is. Every problem
    names its line, and nothing is stored while there is one (audited).

    Example: trygg categories import kategorier.csv --dry-run --db vanersborg.db
    """
    database = guarded(lambda: open_db(db))

    def run() -> CategoryImportResult:
        with database.session() as s:
            return import_file(s, file, dry_run=dry_run)

    result = guarded(run)
    for e in result.errors:
        console.print(f"[bold red]Error:[/] {escape(e)}", soft_wrap=True)
    if result.errors:
        console.print(f"Nothing stored: {len(result.errors)} problem(s) in {result.rows} row(s).")
        raise typer.Exit(2)
    verb = "Would store" if dry_run else "Stored"
    parts = [f"{len(result.added)} added", f"{len(result.changed)} changed", f"{len(result.retired)} retired",
             f"{len(result.merged)} merged", f"{result.unchanged} unchanged"]
    out.print(f"{verb}: {', '.join(parts)} ({result.rows} row(s)).")
    for label, codes in (("added", result.added), ("changed", result.changed), ("retired", result.retired),
                         ("merged", result.merged)):
        if codes:
            out.print(f"  {label}: {', '.join(codes)}")
