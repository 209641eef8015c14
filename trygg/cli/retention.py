"""`trygg retention …`: retention periods per category and the run that applies them."""

from __future__ import annotations

import typer
from rich.table import Table

from trygg.cli.common import DB_HELP, guarded, open_db, out
from trygg.storage import retention

app = typer.Typer(help="Retention of report details: periods per category, removal of old details.",
                  no_args_is_help=True)


@app.command("run")
def run(dry_run: bool = typer.Option(False, "--dry-run", help="Only count what would be removed."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Remove or anonymise details (text, exact place, photos, contacts) older than each category's
    period; counts and aggregates stay. Audited (action "retention").

    Example: trygg retention run --dry-run --db trygg-demo.db
    """
    database = guarded(lambda: open_db(db))

    def work() -> retention.RetentionResult:
        with database.session() as s:
            return retention.run(s, dry_run=dry_run)

    try:
        result = guarded(work)
    finally:
        database.dispose()
    table = Table("category", "days", "older than", "reports", "photos", "contacts",
                  title="Would anonymise (dry run)" if dry_run else "Anonymised")
    for c in result.categories:
        table.add_row(c.category, str(c.days), c.cutoff.date().isoformat(), str(c.reports), str(c.photos),
                      str(c.contacts))
    out.print(table)
    verb = "would be" if dry_run else "were"
    out.print(f"{result.reports} reports {verb} anonymised.")
    out.print(f"{result.idempotency_keys} stored answers of old Idempotency-Keys {verb} deleted.")


@app.command("list")
def list_policies(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Show the retention period of every category.

    Example: trygg retention list
    """
    database = guarded(lambda: open_db(db))
    try:
        with database.session() as s:
            rows = retention.policies(s)
    finally:
        database.dispose()
    table = Table("category", "days")
    for code, days in rows.items():
        table.add_row(code, str(days))
    out.print(table)


@app.command("set")
def set_policy(category: str = typer.Argument(..., help="Category code, e.g. sexual_harassment."),
               days: int = typer.Argument(..., help="Days to keep details (30–36500)."),
               db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Set the retention period of one category (audited).

    Example: trygg retention set littering 365
    """
    from trygg.storage import audit

    database = guarded(lambda: open_db(db))

    def work() -> None:
        with database.session() as s:
            retention.set_policy(s, category, days)
            audit.record(s, None, "update", "retention_policy", category, {"days": days})

    try:
        guarded(work)
    finally:
        database.dispose()
    out.print(f"Details of {category} are kept {days} days.")
