"""What the table imports (organisations, places, users, surveys) share: columns found by name,
row-numbered problems, one result shape."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trygg.ingest.csv_source import read_table

_TRUE = {"1", "true", "yes", "y", "ja", "j", "x", "sant"}
_FALSE = {"0", "false", "no", "n", "nej", "falskt", ""}


@dataclass
class TableImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (username, one-time token) of new users
    dry_run: bool = False


def find_columns(headers: list[str], synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Our field → the file's column (the first synonym present; case and surrounding spaces ignored)."""
    folded = {h.strip().casefold(): h for h in headers if h}
    found: dict[str, str] = {}
    for name, names in synonyms.items():
        for s in names:
            if s in folded:
                found[name] = folded[s]
                break
    return found


def getter(row: dict[str, Any], cols: dict[str, str]) -> Callable[[str], str]:
    """get(field) → the row's value of that field as stripped text ("" when absent)."""
    def get(name: str) -> str:
        value = row.get(cols[name]) if name in cols else None
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()
    return get


def yes_no(text: str, default: bool) -> bool | None:
    """ja/nej, yes/no, 1/0, x; empty = `default`; None when not a yes/no."""
    t = text.strip().casefold()
    if not t:
        return default
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    return None


def missing_columns(cols: dict[str, str], required: tuple[str, ...], headers: list[str]) -> str | None:
    missing = [c for c in required if c not in cols]
    if not missing:
        return None
    return f"no column for {', '.join(missing)}; the file has {', '.join(h for h in headers if h) or 'no columns'}"


@dataclass
class NamedRow:
    """A row of a table of named things: its line, its name, its values (``get``) and its problems so far."""

    line: int
    name: str
    get: Callable[[str], str]
    problems: list[str]

    @property
    def where(self) -> str:
        return f"row {self.line}" + (f" ({self.name})" if self.name else "")


class NamedTable:
    """The loop the imports of named things (organisations, places) share.

    Reads the table, finds its columns (a missing one is the only error), gives each row with the
    name checks done (1–200 characters, once per file), collects each row's problems under
    ``row N (name)`` and ends with "the file holds no rows" for an empty file::

        table = NamedTable(path, COLUMNS, ("name", "kind"), dry_run=dry_run)
        if table.result.errors:
            return table.result
        for row in table.rows():
            row.problems.append(...)          # the importer's own checks
            if table.reject(row):
                continue
            planned.append(...)
        if not table.complete():
            return table.result
    """

    def __init__(self, path: Path, synonyms: dict[str, tuple[str, ...]], required: tuple[str, ...], *,
                 dry_run: bool, columns_problem: Callable[[dict[str, str]], str | None] | None = None) -> None:
        headers, self.records = read_table(path)
        self.result = TableImportResult(rows=len(self.records), dry_run=dry_run)
        self.cols = find_columns(headers, synonyms)
        problem = missing_columns(self.cols, required, headers) or (
            columns_problem(self.cols) if columns_problem else None)
        if problem:
            self.result.errors.append(problem)

    def rows(self) -> Iterator[NamedRow]:
        seen: dict[str, int] = {}
        for line, raw in self.records:
            get = getter(raw, self.cols)
            name = get("name")
            problems = []
            if not name or len(name) > 200:
                problems.append("the name must be 1–200 characters")
            elif name in seen:
                problems.append(f"the same name as row {seen[name]}")
            seen.setdefault(name, line)
            yield NamedRow(line, name, get, problems)

    def reject(self, row: NamedRow) -> bool:
        """Record the row's problems; True when it has any (the caller skips it)."""
        self.result.errors.extend(f"{row.where}: {p}" for p in row.problems)
        return bool(row.problems)

    def complete(self) -> bool:
        """True when the whole file is fine and may be stored."""
        if not self.records:
            self.result.errors.append("the file holds no rows")
        return not self.result.errors
