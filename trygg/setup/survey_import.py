"""`trygg surveys import`: the municipality's trygghetsmätning or the police's survey from CSV or Excel.

One row per district, year and indicator: the area code (``omrade``/``area``/``kod``), the year
(``ar``/``år``/``year``, or ``--year``), the indicator (``indikator``/``fraga``/``indicator``), the
number of answers (``n``/``antal``), a share 0–1 (``andel``/``share``) *or* a mean
(``medel``/``mean``), optionally the interval as published (``nedre``/``lower``, ``ovre``/``upper``,
in the unit of the figure) and a normal value (``normalvarde``/``normal``). Columns are found by
these names in any case.

Every fault is an error with its row number (n missing or 0, a share outside 0–1, an unknown area
code, …) and nothing is stored while there is one. A re-import of a survey replaces its figures of
the years in the file. Shares are stored as percentages (scale ``percent``), means as ``mean``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.domain.enums import AreaLevel
from trygg.errors import ValidationError
from trygg.ingest.csv_source import read_table
from trygg.storage import audit
from trygg.storage import surveys as survey_store
from trygg.storage.areas import current
from trygg.storage.schema import Area

COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("omrade", "område", "area", "kod", "code", "omradeskod", "områdeskod", "regso", "deso", "district"),
    "year": ("ar", "år", "year"),
    "indicator": ("indikator", "indicator", "fraga", "fråga", "question"),
    "n": ("n", "antal", "antal svar", "svar", "answers"),
    "share": ("andel", "share", "proportion"),
    "mean": ("medel", "medelvarde", "medelvärde", "mean"),
    "lower": ("nedre", "lower", "ki nedre", "ci_lower"),
    "upper": ("ovre", "övre", "upper", "ki övre", "ci_upper"),
    "normal": ("normalvarde", "normalvärde", "normal"),
}
REQUIRED = ("area", "indicator", "n")


@dataclass
class SurveyImportResult:
    survey: str
    rows: int = 0
    years: set[int] = field(default_factory=set)
    figures: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stored: int = 0
    replaced_years: set[int] = field(default_factory=set)


def find_columns(headers: list[str]) -> dict[str, str]:
    """Our field → the file's column, by the names in `COLUMNS` (case and spaces ignored)."""
    folded = {h.strip().casefold(): h for h in headers}
    return {name: folded[s] for name, synonyms in COLUMNS.items() for s in synonyms if s in folded}


def _getter(row: dict[str, Any], cols: dict[str, str]) -> Callable[[str], Any]:
    return lambda name: row.get(cols[name]) if name in cols else None


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".").removesuffix("%")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a number")
    return number


def check_rows(headers: list[str], records: list[tuple[int, dict[str, Any]]], areas: dict[str, int],
               survey: str, year: int | None) -> SurveyImportResult:
    """Every row checked; the figures (SurveyResult columns) in `figures` when there is no error."""
    result = SurveyImportResult(survey=survey, rows=len(records))
    cols = find_columns(headers)
    missing = [c for c in REQUIRED if c not in cols] + ([] if year is not None or "year" in cols else ["year"])
    if "share" not in cols and "mean" not in cols:
        missing.append("share or mean")
    if missing:
        result.errors.append(f"no column for {', '.join(missing)}; the file has {', '.join(headers)} "
                             "(see docs/going-live.md for the column names)")
        return result
    seen: dict[tuple[str, int, str], int] = {}
    for line, row in records:
        get = _getter(row, cols)
        code = str(get("area") or "").strip()
        indicator = str(get("indicator") or "").strip()
        where = f"row {line}" + (f" ({code}, {indicator})" if code or indicator else "")
        problems: list[str] = []
        if code not in areas:
            problems.append(f"unknown area code {code!r}" if code else "no area code")
        if not indicator or len(indicator) > 80:
            problems.append("the indicator must be 1–80 characters")
        values: dict[str, float | None] = {}
        for name in ("year", "n", "share", "mean", "lower", "upper", "normal"):
            try:
                values[name] = _number(get(name))
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
        row_year = year if values.get("year") is None else int(values["year"] or 0)
        if year is not None and row_year != year:
            problems.append(f"year {row_year} is not --year {year}")
        elif row_year is None or not 1990 <= row_year <= 2100:
            problems.append(f"year {get('year')!r} is not a year")
        n = values.get("n")
        if n is None or n < 1 or not float(n).is_integer():
            problems.append(f"n must be a whole number of answers ≥ 1, not {get('n')!r}")
        share, mean = values.get("share"), values.get("mean")
        if (share is None) == (mean is None):
            problems.append("give either a share or a mean")
        elif share is not None and not 0 <= share <= 1:
            problems.append(f"the share {get('share')!r} is not between 0 and 1")
        value = share * 100 if share is not None else mean
        scale_factor = 100 if share is not None else 1
        lower, upper = values.get("lower"), values.get("upper")
        if (lower is None) != (upper is None):
            problems.append("give both ends of the interval or neither")
        elif lower is not None and upper is not None and share is not None and not 0 <= lower <= share <= upper <= 1:
            problems.append("the interval must hold the share and lie within 0–1")
        elif lower is not None and upper is not None and mean is not None and not lower <= mean <= upper:
            problems.append("the interval must hold the mean")
        key = (code, row_year or 0, indicator)
        if key in seen:
            problems.append(f"the same area, year and indicator as row {seen[key]}")
        seen.setdefault(key, line)
        if problems:
            result.errors.extend(f"{where}: {p}" for p in problems)
            continue
        assert value is not None and row_year is not None and n is not None
        normal = values.get("normal")
        result.years.add(row_year)
        result.figures.append({
            "area_id": areas[code], "year": row_year, "indicator": indicator, "value": round(value, 4),
            "scale": "percent" if share is not None else "mean", "n": int(n),
            "normal_value": None if normal is None else round(normal * scale_factor, 4),
            "lower": None if lower is None else round(lower * scale_factor, 4),
            "upper": None if upper is None else round(upper * scale_factor, 4)})
    if not records:
        result.errors.append("the file holds no rows")
    return result


def import_surveys(session: Session, path: Path, survey: str, *, year: int | None = None, dry_run: bool = False,
                   user_id: int | None = None) -> SurveyImportResult:
    """Check `path`; unless there is an error or `dry_run`, replace the survey's figures of its years."""
    survey = survey.strip()
    if not survey or len(survey) > 80:
        raise ValidationError("Name the survey (1–80 characters).", fields={"survey": "e.g. Trygghetsmätning"})
    if not path.is_file():
        raise ValidationError(f"No file {path}.", fields={"file": "an existing CSV or Excel file"})
    headers, records = read_table(path)
    areas = {code: area_id for code, area_id in session.execute(
        select(Area.code, Area.id).where(Area.level != AreaLevel.MUNICIPALITY, current()))}
    result = check_rows(headers, records, areas, survey, year)
    if not result.errors:
        taken = survey_store.taken_by_other_surveys(session, survey, result.years)
        codes = {v: k for k, v in areas.items()}
        for f in result.figures:
            other = taken.get((f["area_id"], f["year"], f["indicator"]))
            if other is not None:
                result.errors.append(f"{codes[f['area_id']]}, {f['year']}, {f['indicator']}: the survey "
                                     f"{other or '(demo)'!r} has this figure already; name the indicator differently")
    if result.errors or dry_run:
        return result
    existing = survey_store.survey_results(session)
    result.replaced_years = {r.year for r in existing if r.survey == survey and r.year in result.years}
    result.stored = survey_store.replace_survey_years(session, survey, result.years, result.figures)
    audit.record(session, user_id, "surveys_import", "survey", survey,
                 {"years": sorted(result.years), "figures": result.stored})
    return result
