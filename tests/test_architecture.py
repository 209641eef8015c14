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
    # the services: each feature over storage, none over another's outputs
    "fieldwork": {"plans", "reports", "lagesbild", "demo"},
    "lagesbild": {"ingest", "plans", "reports", "demo", "fieldwork"},
    "plans": {"ingest", "reports", "demo", "fieldwork", "lagesbild"},
    "reports": {"ingest", "demo"},
    # setting up a municipality (trygg init, bulk users and areas): over storage and ingest only
    "setup": {"plans", "reports", "lagesbild", "fieldwork", "demo"},
    # e-mail notifications (who is told what, the outbox) and the public figures: over storage and analysis
    "notify": {"ingest", "plans", "reports", "lagesbild", "fieldwork", "demo", "publication", "setup"},
    # durable background jobs: the queue and the worker over storage; handlers register from the features
    "jobs": {"ingest", "plans", "reports", "lagesbild", "fieldwork", "demo", "notify", "publication", "setup"},
    "publication": {"ingest", "plans", "reports", "lagesbild", "fieldwork", "demo", "notify", "setup"},
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


def _web_modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / "web" / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _web_modules("api"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_api_never_imports_a_page_module(path: Path) -> None:
    """web/api → web/routes is forbidden: what both need lives beside them in web/ (access, documents,
    i18n, api/serialize) or below (the services)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pages = sorted({m for node in ast.walk(tree)
                    for m in ([a.name for a in node.names] if isinstance(node, ast.Import) else
                              [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
                    if m.startswith("trygg.web.routes")})
    assert not pages, f"{path.relative_to(PACKAGE)} imports page modules {pages}"


def test_the_table_covers_every_feature_layer() -> None:
    layers = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert {"fieldwork", "lagesbild", "plans", "reports"} <= set(FORBIDDEN)
    unruled = layers - set(FORBIDDEN) - OUTER - {"ingest", "demo", "locale"}
    assert not unruled, f"add these folders to FORBIDDEN: {sorted(unruled)}"
