"""`trygg public …`: the published public figures — publish due months, republish one, list."""

from __future__ import annotations

import typer
from rich.table import Table

from trygg.cli.common import DB_HELP, guarded, open_db, out
from trygg.config import Settings
from trygg.domain import clock
from trygg.errors import NotFound
from trygg.publication import schedule
from trygg.publication.months import month_key
from trygg.storage import publication as store
from trygg.storage import users as user_store

app = typer.Typer(help="Public figures: a month is published once after it has closed and settled; "
                       "later changes by an audited republication.", no_args_is_help=True)

SETTLING_HELP = "Days after a month's end before it is published (default $TRYGG_PUBLICATION_SETTLING_DAYS, 14)."


def _settling(days: int | None) -> int:
    return days if days is not None else Settings.from_env().publication_settling_days


@app.command("publish")
def publish(settling_days: int | None = typer.Option(None, "--settling-days", help=SETTLING_HELP),
            db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Publish every month that has closed and settled and is not published yet (audited).
    Safe to run again: a month is published once. The server also does this on its own.

    Example: trygg public publish --db trygg-demo.db
    """
    database = guarded(lambda: open_db(db))
    days = guarded(lambda: _settling(settling_days))

    def work() -> list[str]:
        with database.session() as s:
            return [month_key(p.year, p.month) for p in schedule.publish_due_months(s, clock.now(), days)]

    try:
        done = guarded(work)
    finally:
        database.dispose()
    out.print(f"Published {len(done)} month(s){': ' + ', '.join(done) if done else ''}.")


@app.command("republish")
def republish(month: str = typer.Option(..., "--month", help="The month, YYYY-MM."),
              reason: str = typer.Option(..., "--reason", help="Why (kept in the audit trail and shown to admins)."),
              user: str | None = typer.Option(None, "--user", help="The administrator responsible (username)."),
              dry_run: bool = typer.Option(False, "--dry-run", help="Only show what would change."),
              db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Publish the next version of a published month from the reports as they are now (audited);
    shown as "reviderad". Numbers the published version hid stay hidden.

    Example: trygg public republish --month 2026-10 --reason "Late police reports" --user admin
    """
    database = guarded(lambda: open_db(db))
    year, month_no = guarded(lambda: schedule.parse_month(month))

    def work() -> tuple[schedule.Revision, int | None]:
        with database.session() as s:
            user_id = None
            if user is not None:
                found = user_store.get_user_by_name(s, user)
                if found is None:
                    raise NotFound(f"No user {user!r}.", hint="List users with: trygg users list")
                user_id = found.id
            now = clock.now()
            rev = schedule.preview(s, year, month_no, now)
            if dry_run:
                return rev, None
            pub = schedule.republish(s, year, month_no, user_id=user_id, reason=reason, now=now)
            return rev, pub.version

    try:
        rev, version = guarded(work)
    finally:
        database.dispose()
    table = Table("group", "area id", "published", "now", title=f"Changes in {rev.key}")
    for c in rev.changes:
        table.add_row(c.group, "total" if c.area_id is None else str(c.area_id),
                      f"{c.old}{' (hidden)' if c.old_hidden else ''}", f"{c.new}{' (hidden)' if c.new_hidden else ''}")
    out.print(table)
    if version is None:
        out.print("Dry run: nothing published." if rev.changed else "Nothing has changed.")
    else:
        out.print(f"Published {rev.key} version {version}.")


@app.command("list")
def list_months(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List the published months with their current version.

    Example: trygg public list --db trygg-demo.db
    """
    database = guarded(lambda: open_db(db))
    try:
        with database.session() as s:
            rows = [(month_key(p.year, p.month), p.version, p.published_at.isoformat(timespec="minutes"), p.reason)
                    for p in store.current_versions(s)]
    finally:
        database.dispose()
    table = Table("month", "version", "published", "reason")
    for key, version, at, why in rows:
        table.add_row(key, str(version), at, why)
    out.print(table)
