"""The examples in the analysis docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "aggregate", "evaluation", "fdr", "getis_ord", "grid", "kde", "kde_fast", "lagesbild",
    "near_repeat", "repeat_locations", "survey", "trends",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"trygg.analysis.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
