"""`trygg feeds add|list|remove`: feeds that the job worker polls on a schedule."""

from __future__ import annotations

import typer
from rich.table import Table

from trygg.cli.common import DB_HELP, console, guarded, open_db, out

app = typer.Typer(help="Feeds polled on a schedule by the job worker (the police's open events feed).",
                  no_args_is_help=True)


@app.command("add")
def add(feed: str = typer.Argument(..., help="The feed: polisen."),
        every: str = typer.Option("10m", "--every", help="How often: 10m, 1h, 600 (seconds); at least 1m."),
        url: str = typer.Option("", "--url", help="Where to fetch it (default: the feed's public address)."),
        org: str = typer.Option("", "--org", help="Organisation (id, name or short name) the events come from."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Poll a feed every interval (a `trygg worker` or `trygg serve` runs the polls); importing is
    idempotent, so each poll stores only new events.

    Example: trygg feeds add polisen --every 10m --org Polisen
    """
    from trygg.ingest import feeds

    database = guarded(lambda: open_db(db))
    try:
        def run() -> str:
            seconds = feeds.parse_every(every)
            with database.session() as s:
                sched = feeds.add_feed(s, feed, every_s=seconds, url=url or None, organisation=org or None)
                return f"{feed} every {seconds // 60} min from {sched.payload['url']}; first poll now."

        out.print(guarded(run))
    finally:
        database.dispose()


@app.command("list")
def list_(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """The feeds polled, how often and when next.

    Example: trygg feeds list --db postgresql://trygg@127.0.0.1/trygg
    """
    from trygg.ingest import feeds

    database = guarded(lambda: open_db(db))
    try:
        with database.session() as s:
            rows = feeds.list_feeds(s)
    finally:
        database.dispose()
    table = Table("feed", "every", "url", "organisation", "next poll (UTC)")
    for f in rows:
        table.add_row(f.name, f"{f.every_s // 60} min", f.url, f.organisation or "", f.next_at)
    console.print(table)


@app.command("remove")
def remove(feed: str = typer.Argument(..., help="The feed: polisen."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Stop polling a feed (what it imported stays).

    Example: trygg feeds remove polisen
    """
    from trygg.ingest import feeds

    database = guarded(lambda: open_db(db))
    try:
        with database.session() as s:
            removed = feeds.remove_feed(s, feed)
    finally:
        database.dispose()
    out.print(f"Stopped polling {feed}." if removed else f"{feed} was not polled.")
