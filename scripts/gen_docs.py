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
    found: list[tuple[str, ...]] = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        if hasattr(cmd, "commands"):
            found += _commands(cmd, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def cli_markdown() -> str:
    import typer
    from typer.testing import CliRunner

    from trygg.cli import app

    os.environ["COLUMNS"] = "100"
    os.environ["NO_COLOR"] = "1"
    os.environ["TERM"] = "dumb"
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
