"""`trygg db …`: schema migrations and checks."""

from __future__ import annotations

import typer

from trygg.cli.common import DB_HELP, guarded, open_db, out

app = typer.Typer(help="Database schema: upgrade and check.", no_args_is_help=True)


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
