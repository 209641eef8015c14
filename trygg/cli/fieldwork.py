"""`trygg fieldwork …`: reminders for gym certifications, checklist routing, activity counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import typer
from rich.table import Table

from trygg.cli.common import DB_HELP, guarded, open_db, out
from trygg.domain import clock
from trygg.errors import NotFound, ValidationError
from trygg.fieldwork.counts import fieldwork_counts
from trygg.fieldwork.gyms import reminders as gym_reminders
from trygg.fieldwork.vocab import REMINDER_DAYS, WALK_ITEMS
from trygg.storage import fieldwork as store
from trygg.storage import users as user_store

app = typer.Typer(help="Field work: safety walks, night walkers, watch areas, premises, gyms, meetings.",
                  no_args_is_help=True)


@app.command("reminders")
def reminders(days: int = typer.Option(REMINDER_DAYS, "--days", help="Remind this many days before expiry."),
              today: str = typer.Option("", "--today", help="Pretend today is YYYY-MM-DD (for planning)."),
              db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List gym certifications ("100 % Ren Hårdträning") that expire within --days, or have expired.

    Exit code 1 when there is something to renew, so that cron can mail the output.

    Example: trygg fieldwork reminders --days 60 --db trygg-demo.db
    """
    database = guarded(lambda: open_db(db))
    day = date.fromisoformat(today) if today else clock.today()
    try:
        with database.session() as s:
            rows = gym_reminders(s, today=day, days=days)
    finally:
        database.dispose()
    if not rows:
        out.print(f"No gym certification expires within {days} days.")
        return
    table = Table("gym", "expires", "days left")
    for r in rows:
        table.add_row(r.name, r.expires_on.isoformat(), "expired" if r.expired else str(r.days_left))
    out.print(table)
    raise typer.Exit(code=1)


@app.command("route")
def route(item: str = typer.Argument(..., help=f"Checklist item: {', '.join(WALK_ITEMS)}."),
          organisation: str = typer.Argument("", help="Organisation id, name or short name; empty = remove."),
          db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Send a safety-walk checklist item's findings to an organisation.

    Example: trygg fieldwork route lighting "Gata/park" --db trygg-demo.db
    """
    database = guarded(lambda: open_db(db))

    def run() -> str:
        if item not in WALK_ITEMS:
            raise ValidationError(f"Unknown checklist item {item!r}.", hint=f"Known: {', '.join(WALK_ITEMS)}.")
        with database.session() as s:
            org = user_store.get_organisation(s, organisation) if organisation else None
            store.set_checklist_route(s, item, org.id if org else None)
            return org.name if org else "the routing rules"

    try:
        target = guarded(run)
    finally:
        database.dispose()
    out.print(f"Findings of '{item}' now go to {target}.")


@app.command("counts")
def counts(activity: int = typer.Argument(..., help="Plan activity id."),
           start: str = typer.Option(..., "--start", help="First day, YYYY-MM-DD."),
           end: str = typer.Option(..., "--end", help="Day after the last, YYYY-MM-DD."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Print the field work counted towards a plan activity in a period.

    Example: trygg fieldwork counts 5 --start 2022-01-01 --end 2023-01-01
    """
    database = guarded(lambda: open_db(db))

    def run() -> dict[str, int]:
        from trygg.storage.schema import Activity

        t0 = datetime.fromisoformat(start).replace(tzinfo=UTC)
        t1 = datetime.fromisoformat(end).replace(tzinfo=UTC)
        with database.session() as s:
            if s.get(Activity, activity) is None:
                raise NotFound(f"No plan activity {activity}.", hint="See the plan's activities on /plans.")
            return fieldwork_counts(s, activity, t0, t1)

    try:
        result = guarded(run)
    finally:
        database.dispose()
    table = Table("what", "count")
    for k, v in result.items():
        table.add_row(k, str(v))
    out.print(table)
