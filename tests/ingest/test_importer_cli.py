"""`trygg import`: progress, summary with line numbers, dry run, and `trygg open311 keys`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from trygg.cli import app
from trygg.storage.database import Database
from trygg.storage.schema import Report
from trygg.storage.schema.intake import Open311Client

CSV = "kategori,datum,område\nvandalism,2024-05-03 22:00,T001\nnope,2024-05-03 22:00,T001\n"


def test_import_prints_a_summary_with_rejected_lines_and_a_dry_run_stores_nothing(
        tmp_path: Path, database: Database, world) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rapporter.csv"
    path.write_text(CSV, encoding="utf-8")
    runner = CliRunner()
    dry = runner.invoke(app, ["import", str(path), "--format", "csv", "--dry-run", "--db", database.url])
    assert dry.exit_code == 0, dry.output
    assert "1 would be imported" in dry.output and "dry run" in dry.output
    with database.session() as s:
        assert s.scalar(select(func.count(Report.id)).where(Report.source == "import")) == 0
    real = runner.invoke(app, ["import", str(path), "--org", "bostad", "--save-mapping", "Eidar",
                               "--db", database.url])
    assert real.exit_code == 0, real.output
    assert "1 imported" in real.output and "1 rejected" in real.output and "│ 3" in real.output
    again = runner.invoke(app, ["import", str(path), "--mapping", "Eidar", "--db", database.url])
    assert "0 imported" in again.output and "1 skipped as duplicates" in again.output
    bad = runner.invoke(app, ["import", str(path), "--format", "xml", "--db", database.url])
    assert bad.exit_code == 2 and "Unknown format" in bad.output


def test_open311_keys_are_created_once_and_stored_hashed(database: Database) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["open311", "keys", "create", "--name", "FixaMinGata", "--db", database.url])
    assert r.exit_code == 0, r.output
    key = r.output.strip().splitlines()[-1]
    assert key.startswith("o311_")
    with database.session() as s:
        client = s.scalar(select(Open311Client))
        assert client.name == "FixaMinGata" and key not in (client.key_hash, client.prefix)
    assert "FixaMinGata" in runner.invoke(app, ["open311", "keys", "list", "--db", database.url]).output
    twice = runner.invoke(app, ["open311", "keys", "create", "--name", "FixaMinGata", "--db", database.url])
    assert twice.exit_code == 2
    assert runner.invoke(app, ["open311", "keys", "revoke", "FixaMinGata", "--db", database.url]).exit_code == 0
