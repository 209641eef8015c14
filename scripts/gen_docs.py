"""Generate docs/cli.md from the commands' --help and docs/configuration.md from trygg.config.

Run: .venv/bin/python scripts/gen_docs.py   (tests/test_docs.py fails when either is out of date)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import typer

    found: list[tuple[str, ...]] = []
    ctx = typer.Context(group)
    for name in sorted(group.list_commands(ctx)):  # command groups load lazily: ask, do not read .commands
        cmd = group.get_command(ctx, name)
        if hasattr(cmd, "commands"):
            found += _commands(cmd, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def cli_markdown() -> str:
    import typer

    from trygg.cli import app

    # Load every (lazy) command group before the help settings below: consoles created on import
    # keep the width they see, and must not keep this one.
    _commands(typer.main.get_command(app))
    saved = {k: os.environ.get(k) for k in ("COLUMNS", "NO_COLOR", "TERM")}
    os.environ.update(COLUMNS="100", NO_COLOR="1", TERM="dumb")
    try:
        return _cli_markdown(app)
    finally:  # the settings must not leak into whoever called (tests run in one process)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _cli_markdown(app: Any) -> str:
    import typer
    from typer.testing import CliRunner

    runner = CliRunner()
    root = typer.main.get_command(app)
    parts = ["# Command-line reference", "",
             "Generated from `trygg … --help` by `scripts/gen_docs.py`; do not edit by hand.", ""]
    for path in _commands(root):
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"},
                               color=False)
        text = "\n".join(line.rstrip() for line in result.output.splitlines())
        parts += [f"## trygg {' '.join(path)}", "", "```text", text.strip(), "```", ""]
    return "\n".join(parts)


def config_markdown() -> str:
    from trygg.config import setting_help

    rows = ["# Configuration", "",
            "Every setting is an environment variable. Generated from `trygg/config.py` by `scripts/gen_docs.py`.",
            "", "| variable | default | meaning |", "|---|---|---|"]
    for name, default, help_text in setting_help():
        rows.append(f"| `{name}` | `{default}` | {help_text} |")
    return "\n".join(rows) + "\n"


def main() -> None:
    (ROOT / "docs" / "cli.md").write_text(cli_markdown(), encoding="utf-8")
    (ROOT / "docs" / "configuration.md").write_text(config_markdown(), encoding="utf-8")
    print("wrote docs/cli.md and docs/configuration.md")


if __name__ == "__main__":
    main()
