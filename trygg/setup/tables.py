"""What the table imports (organisations, places, users, surveys) share: columns found by name,
row-numbered problems, one result shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
