"""The folder tree keeps its promises: dependencies point inward, modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "trygg"
# layer → the layers it must not import
FORBIDDEN = {
    "domain": {"analysis", "storage", "ingest", "plans", "reports", "web", "cli", "demo", "lagesbild",
               "fieldwork"},
    "analysis": {"storage", "ingest", "plans", "reports", "web", "cli", "demo", "lagesbild", "fieldwork"},
    "storage": {"ingest", "plans", "reports", "web", "cli", "demo", "lagesbild", "fieldwork"},
}
EVERYONE_FORBIDDEN = {"web", "cli"}
OUTER = {"web", "cli"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {m.split(".")[1] for m in found if m.startswith("trygg.") and m.count(".") >= 1}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_dependencies_point_inward(path: Path) -> None:
    layer = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    imported = _imports(path)
    banned = FORBIDDEN.get(layer, set())
    if layer not in OUTER:
        banned = banned | EVERYONE_FORBIDDEN
    bad = imported & banned
    assert not bad, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(bad)}"


def test_no_module_is_over_800_lines() -> None:
    big = {str(p.relative_to(PACKAGE)): n for p in _modules()
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800}
    assert not big, f"split these modules by what they own: {big}"
