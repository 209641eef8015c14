"""`trygg surveys …`: perceived-safety survey results per district (trygghetsmätning, the police's survey)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from trygg.cli.common import DB_HELP, console, guarded, open_db, out
from trygg.setup.survey_import import SurveyImportResult, import_surveys

app = typer.Typer(help="Survey results: import from CSV or Excel.", no_args_is_help=True)


@app.command("import")
def import_cmd(file: Path = typer.Argument(..., help="CSV or Excel: area code, year, indicator, n, share or mean, "
                                                     "optional interval and normal value."),
               survey: str = typer.Option(..., "--survey", help="Name of the survey, e.g. Trygghetsmätning."),
               year: int | None = typer.Option(None, "--year", help="The year of every row (when the file has "
                                                                   "no year column, or to check it)."),
               dry_run: bool = typer.Option(False, "--dry-run", help="Check only; store nothing."),
               db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Import survey figures per district; every problem names its row and nothing is stored while there
    is one. Importing a survey again replaces its figures of the years in the file.

    Example: trygg surveys import trygghetsmatning-2024.csv --survey Trygghetsmätning --year 2024
    """
    database = guarded(lambda: open_db(db))

    def run() -> SurveyImportResult:
        with database.session() as s:
            return import_surveys(s, file, survey, year=year, dry_run=dry_run)

    result = guarded(run)
    for e in result.errors:
        console.print(f"[bold red]Error:[/] {escape(e)}", soft_wrap=True)
    if result.errors:
        console.print(f"Nothing stored: {len(result.errors)} problem(s) in {result.rows} row(s).")
        raise typer.Exit(2)
    years = ", ".join(str(y) for y in sorted(result.years))
    if dry_run:
        out.print(f"{result.rows} row(s) checked: would store {len(result.figures)} figure(s) of {years}.")
    else:
        replaced = f" (replacing {', '.join(map(str, sorted(result.replaced_years)))})" if result.replaced_years else ""
        out.print(f"Stored {result.stored} figure(s) of {escape(survey)} {years}{replaced}.")
