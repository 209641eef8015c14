"""`trygg audit …`: check the hash chain of the audit trail and export it."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from trygg.cli.common import DB_HELP, console, guarded, open_db, out
from trygg.errors import ValidationError
from trygg.reports.csv_stream import safe_writer
from trygg.storage import audit

app = typer.Typer(help="The audit trail: verify its hash chain, export it.", no_args_is_help=True)


@app.command("verify")
def verify(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Recompute every entry's hash in order. Exit 0 when the chain is whole, 1 at the first bad entry.

    Example: trygg audit verify --db trygg-demo.db
    """
    database = guarded(lambda: open_db(db))
    try:
        with database.session() as s:
            check = audit.verify_chain(s)
    finally:
        database.dispose()
    if check.ok:
        out.print(f"Audit trail OK: {check.entries} entries, the hash chain is unbroken.")
        return
    console.print(f"[bold red]Audit trail broken[/] at entry id {check.first_bad_id} "
                  f"(entry {check.entries} in order): {check.reason}.")
    console.print("[yellow]Hint:[/] restore the audit_log table from a backup and compare; entries from "
                  "this one on cannot be trusted.")
    raise typer.Exit(code=1)


def _day(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise ValidationError(f"--{name} {value!r} is not a date.", fields={name: "YYYY-MM-DD"}) from None


@app.command("export")
def export(output: Path | None = typer.Option(None, "--out", "-o", help="File to write (default: standard output)."),
           fmt: str = typer.Option("csv", "--format", help="csv or jsonl."),
           since: str | None = typer.Option(None, "--since", help="First day, YYYY-MM-DD."),
           until: str | None = typer.Option(None, "--until", help="Last day, YYYY-MM-DD (inclusive)."),
           action: str = typer.Option("", "--action", help="Only this action, e.g. read_sensitive."),
           user_id: int | None = typer.Option(None, "--user-id", help="Only entries by this user id."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Export audit entries (oldest first) with their hashes, so the chain can be checked elsewhere.

    Example: trygg audit export --since 2025-01-01 --out audit-2025.csv
    """
    if fmt not in ("csv", "jsonl"):
        guarded(lambda: (_ for _ in ()).throw(ValidationError("Unknown format.", fields={"format": "csv or jsonl"})))
    start = guarded(lambda: _day(since, "since"))
    end = guarded(lambda: _day(until, "until"))
    query = audit.AuditQuery(user_id=user_id, action=action, start=start,
                             end=end + timedelta(days=1) if end else None)
    database = guarded(lambda: open_db(db))
    stream = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    n = 0
    try:
        with database.session() as s:
            if fmt == "csv":
                w = safe_writer(stream, lineterminator="\n")
                w.writerow(audit.CSV_FIELDS)
                for e in audit.iter_entries(s, query):
                    w.writerow(audit.csv_row(e))
                    n += 1
            else:
                for e in audit.iter_entries(s, query):
                    stream.write(json.dumps(dict(zip(audit.CSV_FIELDS, audit.csv_row(e), strict=True)),
                                            ensure_ascii=False) + "\n")
                    n += 1
    finally:
        database.dispose()
        if output:
            stream.close()
    if output:
        out.print(f"Wrote {n} audit entries to {output}.")
