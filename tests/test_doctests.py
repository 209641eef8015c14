"""Every docstring example in trygg/ runs (the analysis modules' own test runs theirs).

A module is found by its source containing ``>>>``, so a new example is tested without a list to
keep up to date.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

from tests.analysis.test_docstrings import MODULES as ANALYSIS_MODULES

PACKAGE = Path(__file__).resolve().parent.parent / "trygg"
ALREADY = {f"trygg.analysis.{name}" for name in ANALYSIS_MODULES}


def _modules_with_examples() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts or ">>>" not in path.read_text(encoding="utf-8"):
            continue
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        if name not in ALREADY:
            found.append(name)
    return found


MODULES = _modules_with_examples()


def test_the_domain_examples_are_among_them() -> None:
    assert {"trygg.domain.categories", "trygg.domain.permissions", "trygg.domain.holidays"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} fail (see above)"
