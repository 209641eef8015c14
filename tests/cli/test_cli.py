"""The command line: every command has help with an example; misconfiguration gives hints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from trygg.cli import app

runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            found += _commands(cmd, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def test_every_command_has_help_with_an_example() -> None:
    root = typer.main.get_command(app)
    commands = _commands(root)
    assert ("demo",) in commands and ("db", "upgrade") in commands
    for path in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"'trygg {' '.join(path)} --help' has no example"


def test_db_upgrade_then_check_on_a_new_sqlite_file(tmp_path: Path) -> None:
    db = str(tmp_path / "new.db")
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    result = runner.invoke(app, ["db", "check", "--db", db])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("url,needle", [
    ("mysql://x@localhost/db", "not supported"),
    ("postgresql://nobody@127.0.0.1:1/db", "Cannot connect"),
])
def test_misconfigured_database_gives_error_and_hint(url: str, needle: str) -> None:
    result = runner.invoke(app, ["db", "check", "--db", url])
    assert result.exit_code == 2
    assert needle in result.output and "Hint" in result.output


def test_users_add_and_token_create(tmp_path: Path) -> None:
    from trygg.storage.database import Database
    from trygg.storage.users import create_organisation

    db = str(tmp_path / "u.db")
    runner.invoke(app, ["db", "upgrade", "--db", db])
    database = Database(db)
    with database.session() as s:
        create_organisation(s, "Trollhättans Stad", "municipality", "TS")
    r = runner.invoke(app, ["users", "add", "anna", "--role", "coordinator", "--org", "TS",
                            "--password", "long-enough", "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["tokens", "create", "--user", "anna", "--db", db])
    assert r.exit_code == 0 and r.output.strip().startswith("tryggt_")
    r = runner.invoke(app, ["users", "add", "bob", "--role", "boss", "--org", "TS",
                            "--password", "long-enough", "--db", db])
    assert r.exit_code != 0
