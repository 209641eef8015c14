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


WEB = PACKAGE / "web"
#: Folders of web/ that are a protocol of their own rather than pages and API (GeoReport v2).
PROTOCOLS = {"open311"}
#: Shared web/ modules that may reach into the feature folders: the app mounts their routers, the job
#: list imports the modules that register job handlers, the error handler answers Open311 in its shape.
SHARED_REACHING_IN = {"app.py": None, "jobs.py": {"lagesbild"}, "errors.py": {"open311"}}


def _features() -> list[str]:
    """The folders of web/ that hold Python modules (a folder without ``__init__.py`` counts too)."""
    return sorted(p.name for p in WEB.iterdir() if p.is_dir() and any(p.glob("*.py")))


def _feature_modules() -> list[Path]:
    return sorted(p for f in _features() for p in (WEB / f).glob("*.py"))


def _router_call(path: Path) -> ast.Call | None:
    """The ``router = APIRouter(...)`` of a module, if it has one."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "router" for t in node.targets) \
                and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "APIRouter":
            return node.value
    return None


def _is_api(path: Path) -> bool:
    return path.stem == "api" or path.stem.endswith("_api")


def _is_page(path: Path) -> bool:
    """A page module: a router module of a feature folder that is neither its API nor a protocol."""
    return (path.parent.parent == WEB and path.parent.name not in PROTOCOLS and not _is_api(path)
            and _router_call(path) is not None)


def _web_imports(path: Path) -> set[Path]:
    """The modules of trygg/web that `path` imports (``from trygg.web.x import y`` counts y when it is a module)."""
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
        for name in names:
            if name.startswith("trygg.web."):
                file = PACKAGE.parent / (name.replace(".", "/") + ".py")
                if file.exists():
                    found.add(file)
    return found


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def test_the_web_is_one_folder_per_feature() -> None:
    """Pages and API live in the feature folders; no routes/ or api/ folder by kind comes back."""
    assert {"fieldwork", "lagesbild", "plans", "meetings", "reports", "inbox"} <= set(_features())
    assert not {"routes", "api"} & set(_features()), "pages and API go in the feature's folder (web/<feature>/)"
    missing = [f for f in _features() if not (WEB / f / "__init__.py").exists()]
    assert not missing, f"these web folders lack __init__.py: {missing}"
    stray = [_rel(p) for p in WEB.glob("*.py") if _router_call(p) is not None]
    assert not stray, f"these shared web modules serve routes: move them into a feature folder: {stray}"


@pytest.mark.parametrize("path", [p for p in _feature_modules() if _router_call(p) is not None], ids=_rel)
def test_every_router_module_is_named_for_its_kind(path: Path) -> None:
    """``api.py``/``*_api.py`` serve the JSON API (in the OpenAPI document); page modules serve HTML and
    stay out of it — so the name of a module says which side of the rule below it is on."""
    call = _router_call(path)
    assert call is not None
    hidden = any(k.arg == "include_in_schema" and isinstance(k.value, ast.Constant) and k.value.value is False
                 for k in call.keywords)
    if path.parent.name in PROTOCOLS:
        return
    if _is_api(path):
        assert not hidden, f"{_rel(path)} is named as an API module but its router is not in the OpenAPI document"
    else:
        assert hidden, f"{_rel(path)} serves the API: name it api.py (or <part>_api.py)"


@pytest.mark.parametrize("path", [p for p in _feature_modules() if _is_api(p)], ids=_rel)
def test_the_api_never_imports_a_page_module(path: Path) -> None:
    """web/<feature>/api.py imports no page module of any feature: what both need lives beside them in
    the feature's forms.py, serialize.py, filters.py, … or in web/ (access, i18n, serialize) or below."""
    pages = sorted(_rel(m) for m in _web_imports(path) if _is_page(m))
    assert not pages, f"{_rel(path)} imports page modules {pages}"


@pytest.mark.parametrize("path", [p for p in _feature_modules() if _is_page(p)], ids=_rel)
def test_a_page_module_imports_no_page_of_another_feature(path: Path) -> None:
    foreign = sorted(_rel(m) for m in _web_imports(path) if _is_page(m) and m.parent != path.parent)
    assert not foreign, f"{_rel(path)} imports page modules of other features {foreign}"


@pytest.mark.parametrize("path", sorted(WEB.glob("*.py")), ids=_rel)
def test_the_shared_web_modules_import_no_feature(path: Path) -> None:
    allowed = SHARED_REACHING_IN.get(path.name, set())
    if allowed is None:
        return
    features = {m.relative_to(WEB).parts[0] for m in _web_imports(path) if m.parent != WEB}
    assert features <= allowed, f"{_rel(path)} imports the feature folders {sorted(features - allowed)}"


def test_the_table_covers_every_feature_layer() -> None:
    layers = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert {"fieldwork", "lagesbild", "plans", "reports"} <= set(FORBIDDEN)
    unruled = layers - set(FORBIDDEN) - OUTER - {"ingest", "demo", "locale"}
    assert not unruled, f"add these folders to FORBIDDEN: {sorted(unruled)}"
