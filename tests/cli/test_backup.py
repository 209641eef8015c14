"""`trygg backup` and `trygg restore`: progress, a summary with row counts, refusals with hints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.factories import World
from tests.reliability.harness import scratch_database_url
from trygg.cli import app
from trygg.storage.database import Database

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def said(result: object) -> str:
    """What a command printed, its lines joined: rich wraps long messages at its console's width, which
    was fixed when the module was imported (under pytest-xdist often 80 columns)."""
    return " ".join(str(getattr(result, "output", "")).split())


@pytest.fixture
def scratch_url(database: Database, tmp_path: Path) -> Iterator[str]:
    """A database URL on the same backend that does not exist yet."""
    with scratch_database_url(database.backend, tmp_path) as url:
        yield url


def test_backup_and_restore_from_the_command_line(database: Database, world: World, scratch_url: str,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "nightly.bak"
    result = runner.invoke(app, ["backup", "--output", str(out), "--db", database.url], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "Backup of" in said(result) and str(out) in said(result)
    assert "reports" in said(result) and "Checked:" in said(result)
    assert out.exists()

    result = runner.invoke(app, ["restore", str(out), "--db", scratch_url], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "restored into" in said(result) and "row counts equal the backup's" in said(result)

    again = runner.invoke(app, ["restore", str(out), "--db", scratch_url], env=WIDE)
    assert again.exit_code == 2
    assert "not empty" in said(again) and "Hint" in said(again) and "--force" in said(again)

    forced = runner.invoke(app, ["restore", str(out), "--db", scratch_url, "--force"], env=WIDE)
    assert forced.exit_code == 0, forced.output
    assert "replaced the content of" in said(forced)


def test_backup_to_an_existing_file_needs_force(sqlite_database: Database, tmp_path: Path) -> None:
    out = tmp_path / "b.db"
    out.write_text("keep me")
    result = runner.invoke(app, ["backup", "-o", str(out), "--db", sqlite_database.url], env=WIDE)
    assert result.exit_code == 2 and "exists already" in said(result) and "Hint" in said(result)
    assert out.read_text() == "keep me"
    result = runner.invoke(app, ["backup", "-o", str(out), "--db", sqlite_database.url, "--force"], env=WIDE)
    assert result.exit_code == 0, result.output


def test_restore_of_something_that_is_no_backup_says_so(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00" * 64)
    result = runner.invoke(app, ["restore", str(junk), "--db", str(tmp_path / "new.db")], env=WIDE)
    assert result.exit_code == 2
    assert "neither a SQLite database nor a pg_dump archive" in said(result) and "Hint" in said(result)
