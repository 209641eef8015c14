"""`trygg areas attributes`: SCB's area type (områdestyp 1–5) and population from a CSV or Excel table.

Rows are matched to stored areas by the key column (default: the first column): an area code
(``1487R003``), an area name, or SCB's ``Kommun (Områdesnamn)`` form. SCB publishes one table for
the whole country: rows of other municipalities are skipped and counted. A row of this
municipality that matches no area, or a value out of range, is an error with its row number, and
nothing is stored. The row of the municipality itself (its four-digit code) sets its population;
an area type there is ignored (SCB's types are for RegSO and DeSO).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain.enums import AreaLevel
from trygg.errors import ValidationError
from trygg.ingest.csv_source import read_table
from trygg.storage import areas as area_store
from trygg.storage import audit
from trygg.storage.area_writes import set_attributes
from trygg.storage.areas import current
from trygg.storage.schema import Area

_SCB_NAME = re.compile(r"^(.+?) \((.+)\)$")


@dataclass
class AttributesResult:
    rows: int = 0
    matched: int = 0
    skipped: int = 0  # rows of other municipalities
    errors: list[str] = field(default_factory=list)
    stored: int = 0


def _whole(value: Any) -> int | None:
    text = re.sub(r"[\s\u00a0]", "", str(value if value is not None else ""))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(text) if text.isdigit() else None


def import_attributes(session: Session, path: Path, *, key_column: str | None = None, type_column: str | None = None,
                      population_column: str | None = None, dry_run: bool = False,
                      user_id: int | None = None) -> AttributesResult:
    """Check every row; store area types and populations when nothing is wrong and not `dry_run`."""
    if not type_column and not population_column:
        raise ValidationError("Nothing to import.", fields={"type_column": "give a type or a population column"})
    muni = area_store.municipality(session)
    if muni is None:
        raise ValidationError("The database has no municipality yet.", hint="Run 'trygg init' first.")
    headers, records = read_table(path)
    if key_column is None:  # SCB's tables: the first column, often without a header
        key_column = headers[0] if headers else ""
    missing = [c for c in (type_column, population_column) if c and c not in headers]
    if key_column not in headers:
        missing.insert(0, key_column)
    if missing:
        raise ValidationError(f"No column {', '.join(map(repr, missing))} in {path.name}; it has "
                              f"{', '.join(repr(h) for h in headers)}.", fields={"column": "a column of the file"})
    areas = list(session.scalars(select(Area).where(Area.level != AreaLevel.MUNICIPALITY, current())))
    by_code = {a.code: a for a in areas}
    by_name = {a.name.casefold(): a for a in areas}
    result = AttributesResult(rows=len(records))
    values: dict[str, tuple[int | None, int | None]] = {}
    for line, row in records:
        key = str(row.get(key_column) or "").strip()
        if key == muni.code:
            population = _whole(row.get(population_column)) if population_column else None
            if population_column and population is None:
                result.errors.append(f"row {line} ({key}): population {row.get(population_column)!r} "
                                     "is not a whole number ≥ 0")
            values[muni.code] = (None, population)
            result.matched += 1
            continue
        area = by_code.get(key) or by_name.get(key.casefold())
        scb = _SCB_NAME.match(key)
        if area is None and scb and scb.group(1).casefold() == muni.name.casefold():
            area = by_name.get(scb.group(2).casefold())
        if area is None:
            ours = key.startswith(muni.code) or (scb is not None and scb.group(1).casefold() == muni.name.casefold())
            if ours:
                result.errors.append(f"row {line}: no area {key!r} in the database")
            else:
                result.skipped += 1
            continue
        area_type = population = None
        if type_column:
            area_type = _whole(row.get(type_column))
            if area_type is None or not 1 <= area_type <= 5:
                result.errors.append(f"row {line} ({key}): area type {row.get(type_column)!r} is not 1–5")
        if population_column:
            population = _whole(row.get(population_column))
            if population is None:
                result.errors.append(f"row {line} ({key}): population {row.get(population_column)!r} "
                                     "is not a whole number ≥ 0")
        values[area.code] = (area_type, population)
        result.matched += 1
    if result.errors or dry_run:
        return result
    result.stored = set_attributes(session, values)
    audit.record(session, user_id, "areas_attributes", "areas", "", {"areas": result.stored})
    return result
