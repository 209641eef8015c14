"""`trygg notify …`: deliver the queued e-mail notifications (the outbox), list and retry failed ones."""

from __future__ import annotations

import time

import typer
from rich.table import Table

from trygg.cli.common import DB_HELP, guarded, open_db, out
from trygg.config import Settings
from trygg.errors import ConfigError
from trygg.notify.sender import queue_overdue, run_once
from trygg.storage import outbox

app = typer.Typer(help="E-mail notifications: deliver the outbox, list and retry failed deliveries.",
                  no_args_is_help=True)


@app.command("run")
def run(once: bool = typer.Option(False, "--once", help="Deliver what is due now, then stop."),
        db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Deliver queued notifications through TRYGG_SMTP_HOST (or append them to TRYGG_MAIL_FILE),
    with retries and backoff; also queues the notices of overdue actions. Runs until stopped
    (Ctrl+C) unless --once. Safe beside `trygg serve` and other senders: each row is claimed once.

    Example: trygg notify run --once --db trygg-demo.db
    """
    from trygg.domain.clock import today
    from trygg.web.notify import mail_texts_for, make_transport, transport_factory

    database = guarded(lambda: open_db(db))
    settings = guarded(lambda: Settings.from_env(database_url=database.url))
    if transport_factory(settings) is None:
        raise guarded(lambda: _no_transport())
    texts = mail_texts_for(settings)
    try:
        while True:
            queued = guarded(lambda: queue_overdue(database, texts, today()))
            total = 0
            while True:
                result = guarded(lambda: run_once(database, make_transport(settings),
                                                  sender_address=settings.smtp_from))
                total += result.sent
                for error in result.errors[:5]:
                    out.print(f"[yellow]not delivered:[/] {error}")
                if result.claimed == 0 or result.sent == 0:
                    break
            out.print(f"{total} sent, {queued} overdue notices queued.")
            if once:
                return
            time.sleep(max(settings.notify_interval, 5))
    except KeyboardInterrupt:
        out.print("Stopped.")
    finally:
        database.dispose()


def _no_transport() -> typer.Exit:
    raise ConfigError("Neither TRYGG_SMTP_HOST nor TRYGG_MAIL_FILE is set: there is nowhere to deliver to.",
                      hint="Set TRYGG_SMTP_HOST (and TRYGG_SMTP_FROM), or TRYGG_MAIL_FILE for a local file.")


@app.command("list")
def list_notifications(status: str = typer.Option("failed", "--status", help="pending, sent or failed."),
                       db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List notifications of a status, newest first (default: the failed ones).

    Example: trygg notify list --status failed
    """
    database = guarded(lambda: open_db(db))
    try:
        with database.session() as s:
            rows = [(n.id, n.kind, n.recipient, n.attempts, n.last_error[:60], n.created_at)
                    for n in outbox.list_by_status(s, status)]
            counts = outbox.counts(s)
    finally:
        database.dispose()
    table = Table("id", "kind", "recipient", "attempts", "last error", "queued")
    for r in rows:
        table.add_row(str(r[0]), r[1], r[2], str(r[3]), r[4], r[5].isoformat(timespec="seconds"))
    out.print(table)
    out.print(", ".join(f"{k}: {v}" for k, v in counts.items()))


@app.command("retry")
def retry(notification_id: int = typer.Argument(..., help="The id of a failed notification."),
          db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Queue a failed notification again.

    Example: trygg notify retry 42
    """
    database = guarded(lambda: open_db(db))
    try:
        with database.session() as s:
            row = outbox.retry(s, notification_id)
    finally:
        database.dispose()
    if row is None:
        raise guarded(lambda: _not_failed(notification_id))
    out.print(f"Notification {notification_id} is queued again.")


def _not_failed(notification_id: int) -> typer.Exit:
    from trygg.errors import NotFound

    raise NotFound(f"No failed notification with id {notification_id}.",
                   hint="List them with 'trygg notify list --status failed'.")
