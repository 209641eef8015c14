"""`trygg audit verify` and `trygg audit export` on both backends."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import update
from typer.testing import CliRunner

from trygg.cli import app
from trygg.storage import audit
from trygg.storage.database import Database
from trygg.storage.schema import AuditEntry

runner = CliRunner()


def _fill(database: Database, n: int = 5) -> list[int]:
    with database.session() as s:
        return [audit.record(s, 7, "update", "report", i, {"field": "status"}).id for i in range(n)]


def test_verify_passes_on_an_intact_chain(database: Database) -> None:
    _fill(database)
    result = runner.invoke(app, ["audit", "verify", "--db", database.url])
    assert result.exit_code == 0, result.output
    assert "5 entries" in result.output


def test_verify_fails_with_the_first_edited_entry(database: Database) -> None:
    ids = _fill(database)
    with database.session() as s:
        s.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(action="delete"))
    result = runner.invoke(app, ["audit", "verify", "--db", database.url])
    assert result.exit_code == 1
    assert f"entry id {ids[2]}" in result.output and "edited" in result.output


def test_verify_fails_when_an_entry_is_removed(database: Database) -> None:
    ids = _fill(database)
    with database.session() as s:
        s.delete(s.get(AuditEntry, ids[1]))
    result = runner.invoke(app, ["audit", "verify", "--db", database.url])
    assert result.exit_code == 1 and f"entry id {ids[2]}" in result.output


def test_export_writes_csv_and_jsonl_with_filters(database: Database, tmp_path: Path) -> None:
    _fill(database, 3)
    with database.session() as s:
        audit.record(s, 9, "read_sensitive", "report", 42)
    out = tmp_path / "audit.csv"
    result = runner.invoke(app, ["audit", "export", "--db", database.url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["action"] for r in rows] == ["update"] * 3 + ["read_sensitive"]
    assert set(rows[0]) == set(audit.CSV_FIELDS) and len(rows[0]["hash"]) == 64
    result = runner.invoke(app, ["audit", "export", "--db", database.url, "--format", "jsonl",
                                 "--action", "read_sensitive"])
    lines = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0]["object_id"] == "42" and lines[0]["user_id"] == 9


def test_export_refuses_a_bad_date(database: Database) -> None:
    result = runner.invoke(app, ["audit", "export", "--db", database.url, "--since", "yesterday"])
    assert result.exit_code == 2 and "since" in result.output
