"""The command line: every command has help with an example; misconfiguration gives hints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from trygg.cli import COMMANDS, app, load_command

runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):  # groups load lazily: ask the group, not .commands
        cmd = group.get_command(ctx, name)
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


def test_the_root_help_lists_every_command_with_its_own_help() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name, (_module, _attr, _kind, text) in COMMANDS.items():
        assert load_command(name).get_short_help_str(limit=300) == text, name
        assert name in result.output and text in result.output


HEAVY = ("fastapi", "matplotlib", "scipy.stats", "sqlalchemy", "trygg.storage", "trygg.web", "trygg.cli.serve")


@pytest.mark.parametrize("args", [["--help"], ["analyse", "--help"], ["analyse", "hotspots", "--help"]])
def test_command_groups_load_lazily(args: list[str]) -> None:
    """`trygg --help` and `trygg analyse ...` import none of the other groups' dependencies."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom trygg.cli import main\n"
        f"sys.argv = ['trygg', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', [m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert "LOADED []" in out.stdout, out.stdout[-300:]


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
