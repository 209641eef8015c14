"""Documentation keeps up with the code: every command and every setting is documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _gen():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current() -> None:
    expected = _gen().cli_markdown()
    actual = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is out of date: run .venv/bin/python scripts/gen_docs.py"


def test_configuration_page_lists_every_setting() -> None:
    expected = _gen().config_markdown()
    actual = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/configuration.md is out of date: run .venv/bin/python scripts/gen_docs.py"


def test_every_dependency_has_a_reason() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [d for d in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        names += extra
    doc = (ROOT / "docs" / "dependencies.md").read_text(encoding="utf-8").lower()
    missing = []
    for spec in names:
        name = spec.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower()
        if name not in doc:
            missing.append(name)
    assert not missing, f"add a one-line reason to docs/dependencies.md for: {missing}"
