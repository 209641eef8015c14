"""`trygg audit …`: check the keyed hash chain of the audit trail, anchor its head, export it."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from trygg.cli.common import DB_HELP, console, guarded, open_db, out
from trygg.config import Settings, resolve_audit_key
from trygg.errors import ValidationError
from trygg.reports.csv_stream import safe_writer
from trygg.storage import audit
from trygg.storage.audit_anchor import read_anchor, write_anchor
from trygg.storage.database import Database

app = typer.Typer(help="The audit trail: verify its keyed hash chain, anchor its head, export it.",
                  no_args_is_help=True)

KEY_HELP = ("File holding the audit key (default: $TRYGG_AUDIT_KEY, $TRYGG_AUDIT_KEY_FILE, <db>.audit-key "
            "beside a SQLite file, else derived from $TRYGG_SECRET_KEY).")


def _open(db: str | None, key_file: Path | None) -> Database:
    def go() -> Database:
        database = open_db(db)
        if key_file is not None:
            database.audit_key = resolve_audit_key(Settings(database_url=database.url, audit_key_file=str(key_file)))
        else:
            database.audit_key = database.audit_key  # resolved now, so that a missing key is a clear error
        return database

    return guarded(go)


@app.command("verify")
def verify(db: str | None = typer.Option(None, "--db", help=DB_HELP),
           anchor_file: Path | None = typer.Option(None, "--anchor", help="An anchor written by 'trygg audit "
                                                   "anchor': the trail must still reach its head."),
           key_file: Path | None = typer.Option(None, "--key-file", help=KEY_HELP)) -> None:
    """Recompute every entry's MAC in order. Exit 0 when the chain is whole (and reaches the anchor), 1 if not.

    Example: trygg audit verify --db trygg-demo.db --anchor /mnt/anchors/trygg-audit.anchor
    """
    database = _open(db, key_file)
    try:
        anchor = guarded(lambda: read_anchor(anchor_file, database.audit_key)) if anchor_file else None
        with database.session() as s:
            check = audit.verify_chain(s, database.audit_key, anchor=anchor)
    finally:
        database.dispose()
    if check.ok:
        keyed = ("keyed (HMAC) from its first entry" if check.keyed_from == 0 else
                 f"keyed (HMAC) from entry {check.keyed_from}" if check.keyed_from else
                 "not keyed yet (plain SHA-256 until the server writes its next entry)")
        out.print(f"Audit trail OK: {check.entries} entries, the hash chain is unbroken, {keyed}.")
        if anchor is not None:
            out.print(f"It reaches the anchored head: entry {anchor.sequence} of {anchor.at}.")
        return
    where = f"at entry id {check.first_bad_id} " if check.first_bad_id is not None else ""
    console.print(f"[bold red]Audit trail broken[/] {where}(after {check.entries} entries in order): "
                  f"{check.reason}.")
    console.print("[yellow]Hint:[/] restore the audit_log table from a backup and compare; entries from "
                  "this one on cannot be trusted.")
    raise typer.Exit(code=1)


@app.command("anchor")
def anchor(output: Path = typer.Option(..., "--output", "-o", help="File to write the anchor to (JSON)."),
           db: str | None = typer.Option(None, "--db", help=DB_HELP),
           key_file: Path | None = typer.Option(None, "--key-file", help=KEY_HELP)) -> None:
    """Write the trail's current head (sequence number, time, MAC) to a file, for safekeeping elsewhere.

    Example: trygg audit anchor --db trygg.db --output /mnt/anchors/trygg-audit.anchor
    """
    database = _open(db, key_file)
    try:
        written = guarded(lambda: write_anchor(database, output, database.audit_key))
    finally:
        database.dispose()
    out.print(f"Wrote the anchor of entry {written.sequence} ({written.entries} entries, {written.at}) "
              f"to {output}. Keep it where the database's users cannot change it.")


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
