"""`trygg areas …`: the municipality's districts and DeSO from boundary files, SCB attributes."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from trygg.cli.common import DB_HELP, console, guarded, open_db, out
from trygg.setup.area_attributes import AttributesResult, import_attributes
from trygg.setup.area_import import AreaImportResult, FieldMap, import_areas
from trygg.storage import areas as area_store

app = typer.Typer(help="Districts and DeSO: import boundaries, SCB attributes, list.", no_args_is_help=True)


@app.command("import")
def import_cmd(file: Path = typer.Argument(..., help="GeoJSON, GeoPackage or zipped Shapefile, any CRS."),
               level: str = typer.Option(..., "--level", help="district (= regso) or deso."),
               code_field: str = typer.Option(..., "--code-field", help="Field holding each area's code."),
               name_field: str = typer.Option(..., "--name-field", help="Field holding each area's name."),
               type_field: str | None = typer.Option(None, "--type-field", help="Field with SCB's area type 1–5."),
               population_field: str | None = typer.Option(None, "--population-field", help="Field with population."),
               class_field: str | None = typer.Option(None, "--class-field",
                                                      help="Field with the police's class (utsatt område, "
                                                           "riskområde, särskilt utsatt område; empty: none)."),
               crs: str | None = typer.Option(None, "--crs",
                                              help="CRS of the file when it declares none or declares it wrongly, "
                                                   "e.g. EPSG:3006."),
               dry_run: bool = typer.Option(False, "--dry-run", help="Check only; store nothing."),
               db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Import districts or DeSO from a boundary file, reprojected to SWEREF 99 TM and checked first:
    every problem names the feature number and code, and nothing is stored when there is one
    (invalid geometries are repaired and reported).

    Example: trygg areas import stadsdelar.gpkg --level district --code-field kod --name-field namn --dry-run
    """
    database = guarded(lambda: open_db(db))

    def run() -> AreaImportResult:
        with database.session() as s:
            return import_areas(s, file, level, FieldMap(code_field, name_field, type_field, population_field,
                                                          class_field),
                                crs=crs, dry_run=dry_run)

    result = guarded(run)
    for w in result.warnings:
        console.print(f"[yellow]Warning:[/] {escape(str(w))}", soft_wrap=True)
    for e in result.errors:
        console.print(f"[bold red]Error:[/] {escape(str(e))}", soft_wrap=True)
    if result.errors:
        console.print(f"Nothing stored: {len(result.errors)} problem(s) in {result.features} feature(s).")
        raise typer.Exit(2)
    verb = "would store" if dry_run else "stored"
    out.print(f"{result.features} feature(s) checked (CRS {escape(result.crs)}): {verb} {len(result.areas)} "
              f"{level} area(s), {len(result.warnings)} repaired.")


@app.command("attributes")
def attributes_cmd(file: Path = typer.Argument(..., help="CSV or Excel table, e.g. SCB's områdestyp table."),
                   code_column: str | None = typer.Option(None, "--code-column",
                                                          help="Column with the area code, name or 'Kommun (Namn)' "
                                                               "(default: the first column)."),
                   type_column: str | None = typer.Option(None, "--type-column", help="Column with area type 1–5."),
                   population_column: str | None = typer.Option(None, "--population-column",
                                                                help="Column with the population."),
                   dry_run: bool = typer.Option(False, "--dry-run", help="Check only; store nothing."),
                   db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Set SCB's area type and the population of stored areas from a table; rows of other
    municipalities are skipped, any other problem stores nothing.

    Example: trygg areas attributes regso_omradestyp_2022_scb.csv --type-column 2022
    """
    database = guarded(lambda: open_db(db))

    def run() -> AttributesResult:
        with database.session() as s:
            return import_attributes(s, file, key_column=code_column, type_column=type_column,
                                     population_column=population_column, dry_run=dry_run)

    result = guarded(run)
    for e in result.errors:
        console.print(f"[bold red]Error:[/] {escape(e)}", soft_wrap=True)
    if result.errors:
        console.print(f"Nothing stored: {len(result.errors)} problem(s) in {result.rows} row(s).")
        raise typer.Exit(2)
    verb = "would set" if dry_run else "set"
    out.print(f"{result.rows} row(s): {verb} {result.matched} area(s), skipped {result.skipped} "
              "of other municipalities.")


@app.command("list")
def list_cmd(level: str | None = typer.Option(None, "--level", help="municipality, regso or deso."),
             db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the stored areas with level, type and population.

    Example: trygg areas list --level regso --db vanersborg.db
    """
    database = guarded(lambda: open_db(db))
    table = Table("code", "name", "level", "type", "population")
    with database.session() as s:
        for a in area_store.list_areas(s, level):
            table.add_row(a.code, a.name, a.level, str(a.area_type or ""), str(a.population or ""))
    out.print(table)
