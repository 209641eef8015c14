"""Changing the category taxonomy: add, edit (names, sensitivity, public, focus areas, police types),
retire, restore and merge, one by one (the settings page) or as a file (``trygg categories import``).

Every change is checked against the whole taxonomy first (a police event type maps to one category
only, a merge target exists and is in use, …), stored through `trygg.storage.categories` and audited
(``category_add``, ``category_update``, ``category_retire``, ``category_restore``, ``category_merge``
with the fields that changed, old and new). Nothing is ever deleted: reports keep their stored code.

A merge of A into B retires A, moves A's police event types to B (new police events of those types
become B) and makes counts and the lägesbild group A's reports under B. The reports themselves keep
the code A: the original classification stays on record, and the merge can be undone (restore A).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.categories import Category, Taxonomy
from trygg.domain.enums import Sensitivity
from trygg.domain.msgid import _
from trygg.errors import NotFound, ValidationError
from trygg.ingest.csv_source import read_table
from trygg.setup.tables import find_columns, getter, yes_no
from trygg.storage import audit
from trygg.storage import categories as store

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
#: The columns of an export and an import, in order.
COLUMNS = ("code", "name_sv", "name_en", "sensitivity", "public", "focus_areas", "police_types", "retired_on",
           "merged_into", "sort_order")
#: Lists in a CSV cell are separated by semicolons (police event types contain commas).
LIST_SEPARATOR = ";"
_EDITABLE = ("name_sv", "name_en", "sensitivity", "public", "focus_areas", "police_types", "sort_order")


#: A problem of one field: an English msgid (translated where it is shown) and its parameters.
Problem = tuple[str, dict[str, Any]]


def problems(cat: Category, others: dict[str, Category]) -> dict[str, Problem]:
    """What is wrong with `cat` among the other categories `others` (by code), field by field."""
    found: dict[str, Problem] = {}
    if not CODE.match(cat.code):
        found["code"] = (_("2–40 lower-case letters, digits or _, starting with a letter (e.g. scooters)."), {})
    for name in ("name_sv", "name_en"):
        if not 1 <= len(getattr(cat, name).strip()) <= 120:
            found[name] = (_("1–120 characters."), {})
    if any(not 1 <= f <= 99 for f in cat.focus_areas):
        found["focus_areas"] = (_("Numbers of focus areas, 1–99, separated by commas."), {})
    taken = {t: o.code for o in others.values() if o.code != cat.code and o.active for t in o.police_types}
    clashes = [f"{t!r} → {taken[t]}" for t in cat.police_types if t in taken]
    if clashes and cat.active:
        found["police_types"] = (_("A police event type maps to one category only; already mapped: {clashes}. "
                                   "Remove it there first."), {"clashes": "; ".join(clashes)})
    elif any(not t.strip() or len(t) > 80 for t in cat.police_types):
        found["police_types"] = (_("Police event types of 1–80 characters, one per line."), {})
    elif len(set(cat.police_types)) != len(cat.police_types):
        found["police_types"] = (_("Each police event type once."), {})
    if cat.merged_into is not None:
        target = others.get(cat.merged_into)
        if cat.merged_into == cat.code:
            found["merged_into"] = (_("A category cannot be merged into itself."), {})
        elif target is None:
            found["merged_into"] = (_("Unknown category {code}."), {"code": cat.merged_into})
        elif target.merged_into is not None:
            found["merged_into"] = (_("{code} is itself merged into {target}: merge into that one."),
                                    {"code": target.code, "target": target.merged_into})
    return found


def english(found: dict[str, Problem]) -> dict[str, str]:
    """`found` as English messages (the command line, the JSON API)."""
    return {f: msg.format(**params) for f, (msg, params) in found.items()}


def _check(cat: Category, tax: Taxonomy) -> None:
    others = {c.code: c for c in tax.categories if c.code != cat.code}
    bad = problems(cat, others)
    if bad:
        raise ValidationError(f"The category {cat.code!r} cannot be stored.", fields=english(bad),
                              hint="Correct the marked fields and save again.")


def _diff(old: Category, new: Category) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in fields(Category):
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a != b:
            out[f.name] = [_plain(a), _plain(b)]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, Sensitivity) else value


def add(session: Session, cat: Category, *, user_id: int | None) -> Category:
    """Store a new category (flushed, audited). Conflict-free codes only: a used code is a field error."""
    tax = store.taxonomy(session)
    if cat.code in tax:
        raise ValidationError(f"A category {cat.code!r} exists already.", fields={"code": "a code not in use"},
                              hint="Edit the existing category, or choose another code.")
    if cat.sort_order == 0:
        cat = replace(cat, sort_order=max((c.sort_order for c in tax.categories), default=0) + 10)
    _check(cat, tax)
    store.write(session, cat)
    audit.record(session, user_id, "category_add", "category", cat.code,
                 {k: _plain(getattr(cat, k)) for k in ("name_sv", "name_en", "sensitivity", "public", "focus_areas",
                                                        "police_types")})
    return cat


def update(session: Session, code: str, *, user_id: int | None, **changes: Any) -> dict[str, list[Any]]:
    """Change fields of category `code` (names, sensitivity, public, focus areas, police types, sort
    order); the changes (field → [old, new]), audited; {} when nothing changed."""
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return _store(session, _current(session, code), lambda c: replace(c, **changes), "category_update", user_id)


def retire(session: Session, code: str, *, user_id: int | None, on: date | None = None) -> dict[str, list[Any]]:
    """Offer category `code` in no form any more (its reports stay listed and counted)."""
    cat = _current(session, code)
    if cat.retired_on is not None:
        return {}
    return _store(session, cat, lambda c: replace(c, retired_on=on or clock.today()), "category_retire", user_id)


def restore(session: Session, code: str, *, user_id: int | None) -> dict[str, list[Any]]:
    """Undo a retirement or a merge: `code` is offered and counted on its own again."""
    return _store(session, _current(session, code), lambda c: replace(c, retired_on=None, merged_into=None),
                  "category_restore", user_id)


def merge(session: Session, code: str, into: str, *, user_id: int | None) -> dict[str, list[Any]]:
    """Merge category `code` into `into`: `code` is retired, its police event types go to `into`, and
    its reports (keeping their code) are counted under `into`."""
    source, tax = _current(session, code), store.taxonomy(session)
    target = tax.get(into)
    if target is None or into == code or not target.active:
        raise ValidationError(f"Cannot merge {code!r} into {into!r}.",
                              fields={"merged_into": "another category in use"},
                              hint="Choose a category that is neither retired nor merged.")
    taken = {t for c in tax.active if c.code != code for t in c.police_types}  # a retired source's may be
    moved = tuple(t for t in source.police_types if t not in taken)
    merged = replace(source, merged_into=into, retired_on=source.retired_on or clock.today(), police_types=())
    changes = _store(session, source, lambda _c: merged, "category_merge", user_id)
    if moved:
        after = replace(target, police_types=target.police_types + moved)
        store.write(session, after, store.rows(session)[into])
        audit.record(session, user_id, "category_update", "category", into,
                     {"changes": _diff(target, after), "merged_from": code})
    return changes


def _current(session: Session, code: str) -> Category:
    cat = store.taxonomy(session).get(code)
    if cat is None:
        raise NotFound(f"No category {code!r}.", hint="`trygg categories export` lists the codes.")
    return cat


def _store(session: Session, old: Category, change: Any, action: str, user_id: int | None) -> dict[str, list[Any]]:
    new: Category = change(old)
    changes = _diff(old, new)
    if not changes:
        return {}
    _check(new, store.taxonomy(session))
    store.write(session, new, store.rows(session)[old.code])
    audit.record(session, user_id, action, "category", old.code, {"changes": changes})
    return changes


# --------------------------------------------------------------------------- export and import


def as_row(cat: Category) -> dict[str, Any]:
    """One category as an export row (lists as lists; `to_csv` joins them)."""
    return {"code": cat.code, "name_sv": cat.name_sv, "name_en": cat.name_en, "sensitivity": str(cat.sensitivity),
            "public": cat.public, "focus_areas": list(cat.focus_areas), "police_types": list(cat.police_types),
            "retired_on": cat.retired_on.isoformat() if cat.retired_on else "",
            "merged_into": cat.merged_into or "", "sort_order": cat.sort_order}


def export_text(tax: Taxonomy, fmt: str = "csv") -> str:
    """The whole taxonomy as CSV (lists separated by ``;``) or JSON (a list of objects)."""
    rows = [as_row(c) for c in tax.categories]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt != "csv":
        raise ValidationError(f"Unknown format {fmt!r}.", fields={"format": "csv or json"})
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "public": "yes" if row["public"] else "no",
                         "focus_areas": LIST_SEPARATOR.join(str(f) for f in row["focus_areas"]),
                         "police_types": LIST_SEPARATOR.join(row["police_types"])})
    return buf.getvalue()


@dataclass
class CategoryImportResult:
    rows: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def stored(self) -> int:
        return len(self.added) + len(self.changed) + len(self.retired) + len(self.merged)


def _read(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationError(f"{path.name} is not JSON: {exc}", hint="Export one with "
                                  "`trygg categories export --format json` to see the shape.") from None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValidationError(f"{path.name} must hold a list of objects, one per category.")
        return list(enumerate(data, start=1))
    headers, records = read_table(path)
    cols = find_columns(headers, {c: (c,) for c in COLUMNS})
    missing = [c for c in ("code", "name_sv", "name_en") if c not in cols]
    if missing:
        raise ValidationError(f"{path.name} has no column {', '.join(missing)}.",
                              hint=f"The columns are {', '.join(COLUMNS)} (as `trygg categories export` writes).")
    return [(n, {c: getter(row, cols)(c) for c in cols}) for n, row in records]


def _parse(row: dict[str, Any], old: Category | None) -> tuple[Category | None, list[str]]:
    errs: list[str] = []

    def text(name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value).strip()

    def listed(name: str) -> list[str]:
        value = row.get(name)
        items = value if isinstance(value, list) else str(value or "").split(LIST_SEPARATOR)
        return [str(v).strip() for v in items if str(v).strip()]

    sens = text("sensitivity") or (str(old.sensitivity) if old else "normal")
    if sens not in {s.value for s in Sensitivity}:
        errs.append(f"sensitivity must be normal or sensitive, not {sens!r}")
    raw_public = row.get("public")
    public = raw_public if isinstance(raw_public, bool) else yes_no(text("public"), old.public if old else True)
    if public is None:
        errs.append(f"public must be yes or no, not {text('public')!r}")
    try:
        focus = tuple(int(f) for f in listed("focus_areas")) if "focus_areas" in row else (old.focus_areas if old
                                                                                           else ())
    except ValueError:
        errs.append(f"focus_areas must be numbers separated by {LIST_SEPARATOR}, not {text('focus_areas')!r}")
        focus = ()
    retired: date | None = None
    if text("retired_on"):
        try:
            retired = date.fromisoformat(text("retired_on"))
        except ValueError:
            errs.append(f"retired_on must be a date (YYYY-MM-DD) or empty, not {text('retired_on')!r}")
    try:
        order = int(text("sort_order") or (old.sort_order if old else 0))
    except ValueError:
        errs.append(f"sort_order must be a whole number, not {text('sort_order')!r}")
        order = 0
    if errs:
        return None, errs
    police = tuple(listed("police_types")) if "police_types" in row else (old.police_types if old else ())
    return Category(code=text("code"), name_sv=text("name_sv"), name_en=text("name_en"),
                    sensitivity=Sensitivity(sens), police_types=police, focus_areas=focus, public=bool(public),
                    retired_on=retired, merged_into=text("merged_into") or None, sort_order=order), []


def import_file(session: Session, path: Path, *, dry_run: bool = False,
                user_id: int | None = None) -> CategoryImportResult:
    """Add and change categories from a CSV or JSON file (the columns of `COLUMNS`, as exported).

    Every row is checked against the taxonomy the file makes (police types mapped once, merge targets,
    codes); any problem names its row (CSV: its line) and nothing is stored. A category absent from
    the file stays as it is: categories are retired or merged, never deleted.
    """
    result = CategoryImportResult(dry_run=dry_run)
    tax = store.taxonomy(session)
    records = _read(path)
    result.rows = len(records)
    label = "line" if path.suffix.lower() != ".json" else "item"
    planned: dict[str, Category] = dict(tax.by_code)
    parsed: list[tuple[int, Category]] = []
    seen: dict[str, int] = {}
    for n, row in records:
        code = str(row.get("code") or "").strip()
        cat, errs = _parse(row, tax.get(code))
        if code in seen:
            errs.append(f"code {code!r} again (first on {label} {seen[code]})")
        seen.setdefault(code, n)
        if cat is None or errs:
            result.errors += [f"{label.capitalize()} {n} ({code or 'no code'}): {e}" for e in errs]
            continue
        planned[code] = cat
        parsed.append((n, cat))
    for n, cat in parsed:
        bad = english(problems(cat, {c: o for c, o in planned.items() if c != cat.code}))
        result.errors += [f"{label.capitalize()} {n} ({cat.code}): {f}: {msg}" for f, msg in bad.items()]
    if result.errors:
        return result
    for _n, cat in parsed:
        old = tax.get(cat.code)
        if old is None:
            result.added.append(cat.code)
            if not dry_run:
                store.write(session, cat)
                audit.record(session, user_id, "category_add", "category", cat.code, {"import": True})
            continue
        changes = _diff(old, cat)
        if not changes:
            result.unchanged += 1
            continue
        if cat.merged_into and not old.merged_into:
            result.merged.append(cat.code)
        elif cat.retired_on and not old.retired_on:
            result.retired.append(cat.code)
        else:
            result.changed.append(cat.code)
        if not dry_run:
            store.write(session, cat, store.rows(session)[cat.code])
            audit.record(session, user_id, "category_update", "category", cat.code,
                         {"changes": changes, "import": True})
    return result
