"""`trygg areas …`: the municipality's districts and DeSO from boundary files (and new editions of
them), SCB attributes, the stored areas and editions."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from trygg.cli.common import DB_HELP, console, guarded, open_db, out, progress_bar
from trygg.errors import NotFound
from trygg.setup.area_attributes import AttributesResult, import_attributes
from trygg.setup.area_editions import EditionChange
from trygg.setup.area_import import LEVELS, AreaImportResult, FieldMap, import_areas
from trygg.storage import area_editions as edition_store
from trygg.storage import areas as area_store
from trygg.storage.schema import Area

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
               edition: str | None = typer.Option(None, "--edition",
                                                  help="Name of the edition, e.g. 'DeSO 2025'; required when "
                                                       "the level has areas: the file becomes its new edition."),
               year: int | None = typer.Option(None, "--year", help="The year of the edition's boundaries."),
               dry_run: bool = typer.Option(False, "--dry-run", help="Check only; store nothing."),
               db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Import districts or DeSO from a boundary file, reprojected to SWEREF 99 TM and checked first:
    every problem names the feature number and code, and nothing is stored when there is one
    (invalid geometries are repaired and reported). A level that has areas takes a new edition
    (--edition): in one transaction it becomes the active edition and every report is placed again
    by its point; the old edition stays readable.

    Example: trygg areas import deso_2025.gpkg --level deso --code-field kod --name-field namn --edition "DeSO 2025"
    """
    database = guarded(lambda: open_db(db))

    def run() -> AreaImportResult:
        with database.session() as s, progress_bar() as progress:
            return import_areas(s, file, level, FieldMap(code_field, name_field, type_field, population_field,
                                                          class_field),
                                crs=crs, dry_run=dry_run, edition=edition, year=year, progress=progress)

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
              f"{level} area(s) as edition {escape(repr(result.edition))}, {len(result.warnings)} repaired.",
              soft_wrap=True)
    if result.change is not None:
        _print_change(result.change, dry_run)


def _print_change(c: EditionChange, dry_run: bool) -> None:
    would = "would " if dry_run else ""
    out.print(f"Edition {escape(repr(c.previous))} {'would be' if dry_run else 'is'} no longer active. "
              f"{c.reports_checked} report(s) with a point placed again: {c.reports_moved} {would}land in an area "
              f"with another code, "
              f"{c.reports_outside} lie in no new area. Of the reports without a point of their own (at an "
              f"area's centroid), {c.reports_following} follow their unchanged area and {c.reports_without_point} "
              f"keep their old (split or redrawn) area.", soft_wrap=True)
    table = Table("new area", "reports")
    for code, n in c.per_area.items():
        table.add_row(escape(code), str(n))
    out.print(table)
    moved = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in c.moved.items())
    carried = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in c.carried.items())
    out.print(f"Placed again by point: {moved}. Carried over: {carried}. "
              f"{c.successors} link(s) from old areas to their successors.", soft_wrap=True)


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
             edition: str | None = typer.Option(None, "--edition",
                                                help="An edition's id or name (default: the current areas)."),
             db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the stored areas with level, type and population: the current ones, or an edition's.

    Example: trygg areas list --level regso --edition "DeSO 2018" --db vanersborg.db
    """
    database = guarded(lambda: open_db(db))

    def rows() -> list[Area]:
        with database.session() as s:
            edition_id = None
            if edition is not None:
                found = edition_store.get_edition(s, edition, LEVELS.get(level or "", level))
                if found is None:
                    raise NotFound(f"No edition {edition!r}.", hint="List them with 'trygg areas editions'.")
                edition_id = found.id
            areas = area_store.list_areas(s, level, edition_id=edition_id)
            s.expunge_all()
            return areas

    table = Table("code", "name", "level", "type", "population")
    for a in guarded(rows):
        table.add_row(a.code, a.name, a.level, str(a.area_type or ""), str(a.population or ""))
    out.print(table)


@app.command("editions")
def editions_cmd(level: str | None = typer.Option(None, "--level", help="district (= regso) or deso; default all."),
                 db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the editions of each level's boundaries: name, year, when, by whom and from which file
    they were imported, how many areas, and which one is active (reports are placed in it).

    Example: trygg areas editions --level deso --db vanersborg.db
    """
    database = guarded(lambda: open_db(db))
    with database.session() as s:
        counts = edition_store.area_counts(s)
        editions = edition_store.list_editions(s, LEVELS.get(level or "", level))
        for e in editions:
            by = f" by {e.imported_by.username}" if e.imported_by is not None else ""
            source = f" from {e.source_file}" if e.source_file else ""
            year = f", year {e.year}" if e.year else ""
            line = escape(f"#{e.id} {e.level} {e.name!r}{year}: {counts.get(e.id, 0)} area(s), imported "
                          f"{e.imported_at:%Y-%m-%d %H:%M}{by}{source}")
            out.print(line + (" [bold](active)[/]" if e.active else ""), soft_wrap=True)
    if not editions:
        out.print("No editions: import areas with 'trygg areas import'.")
