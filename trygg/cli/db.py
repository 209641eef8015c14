"""`trygg db …`: schema migrations, checks and the weekly counts table."""

from __future__ import annotations

import typer

from trygg.cli.common import DB_HELP, guarded, open_db, out

app = typer.Typer(help="Database schema: upgrade, check and rebuild the weekly counts.", no_args_is_help=True)


@app.command()
def upgrade(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Create or migrate the schema to the current version.

    Example: trygg db upgrade --db postgresql://trygg@127.0.0.1/trygg
    """
    database = guarded(lambda: open_db(db, upgrade=True))
    out.print(f"Schema up to date on {database.display_url} ({database.backend}).")


@app.command()
def check(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Check connection, schema version, durability settings and integrity.

    Example: trygg db check --db trygg-demo.db
    """
    database = guarded(lambda: open_db(db))
    problems = database.durability_problems() + database.integrity_check()
    if not database.is_up_to_date():
        problems.append("schema is not current: run 'trygg db upgrade'")
    for p in problems:
        out.print(f"[red]✗[/] {p}")
    if problems:
        raise typer.Exit(1)
    out.print(f"[green]✓[/] {database.display_url}: connection, schema, durability and integrity OK.")


@app.command("rebuild-counts")
def rebuild_counts(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Recompute the weekly counts table (reports per week, area, category and source) from the reports.

    Every report write keeps the table right; run this after changing reports by hand in SQL.
    It says how many rows were wrong before.

    Example: trygg db rebuild-counts --db trygg.db
    """
    from trygg.storage.weekly_counts import rebuild

    database = guarded(lambda: open_db(db))
    with database.session() as s:
        done = rebuild(s)
    out.print(f"{done.rows} weekly counts from {done.reports} reports on {database.display_url}; "
              f"{done.wrong_before} rows were wrong before.")
