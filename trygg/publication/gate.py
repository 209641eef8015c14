"""The suppression gate: the one way a public surface (no login) reads figures.

Every public surface — the public dashboard and its CSV and JSON (``/public``,
``/api/v1/public/…``), the public pages and API of citizen promises, ``/kontakt/nearby`` and the
Open311 lists and single requests — asks this module, and nothing else, what it may show:

- **counts** come only from the stored publications (``public_table``): per category group,
  RegSO × published month, hidden where the publication hid them. A year row total or a year
  total is shown only when every number it adds up is shown, so no view can be subtracted from
  another to reveal a hidden number;
- **indicator figures** of public citizen promises (``indicator_figure``) are read from the same
  publications over the last twelve published months;
- **staff-entered figures** about reports of a category (a promise's baseline and target) pass
  the primary rule (``entered_figure``);
- **single reports** are shown to the public only in categories that are not sensitive
  (``single_report_public``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from trygg.analysis.suppression import NORMAL_THRESHOLD, SENSITIVE_THRESHOLD
from trygg.domain.categories import Taxonomy
from trygg.domain.enums import AreaLevel
from trygg.domain.lru import Lru
from trygg.publication.groups import GROUP_OF_CATEGORY, GROUPS, Group
from trygg.publication.months import month_key
from trygg.storage import area_editions as edition_store
from trygg.storage import areas as area_store
from trygg.storage import publication as store
from trygg.storage import versions
from trygg.storage.audit_group import holds_writes
from trygg.storage.categories import taxonomy
from trygg.storage.schema import Area

#: How many published months a public indicator figure counts (a yearly figure).
INDICATOR_MONTHS = 12


@dataclass(frozen=True)
class MonthInfo:
    key: str  # "YYYY-MM"
    version: int
    published_at: str  # ISO date-time
    revised: bool  # version > 1: shown as "reviderad"


@dataclass(frozen=True)
class PublicTable:
    """One category group and year as published: RegSO rows × published months (None = hidden)."""

    group: Group
    year: int
    areas: list[Area]
    months: list[MonthInfo]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    month_totals: list[int | None]
    total: int | None

    @property
    def threshold(self) -> int:
        return self.group.threshold

    @property
    def month_keys(self) -> list[str]:
        return [m.key for m in self.months]


def published_years(session: Session) -> list[int]:
    return store.published_years(session)


def _sum_if_shown(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _regsos(session: Session) -> list[Area]:
    """The RegSO areas in code order, read once per database session."""
    cached = session.info.get("gate_regsos")
    if cached is None:
        cached = sorted(area_store.list_areas(session, AreaLevel.REGSO), key=lambda a: a.code)
        session.info["gate_regsos"] = cached
    return list(cached)


def _table_areas(session: Session, pubs: Sequence[ServedMonth]) -> tuple[list[Area], dict[int, int]]:
    """The rows of a year's table: the current districts, and the districts of an older edition that
    months published before a new edition name (a published version is never changed). An old district
    the new edition left as it was shares the row of its successor (old id → row id in the map)."""
    regsos = _regsos(session)
    shown = {a.id for a in regsos}
    old_ids = sorted({c.area_id for p in pubs for c in p.cells if c.area_id is not None} - shown)
    if not old_ids:
        return regsos, {}
    same = edition_store.one_to_one(session, old_ids, sorted(shown))
    extra = [a for a in (area_store.get_area(session, i) for i in old_ids if i not in same) if a is not None]
    return regsos + sorted(extra, key=lambda a: (a.code, a.id)), same


@dataclass(frozen=True)
class ServedCell:
    group_code: str
    area_id: int | None  # None: the total
    count: int
    hidden: bool


@dataclass(frozen=True)
class ServedMonth:
    """The served (highest) version of one published month, as stored: a copy that needs no session."""

    id: int
    year: int
    month: int
    version: int
    published_at: datetime
    cells: tuple[ServedCell, ...]


#: The served months of this process's databases, by database and `store.published_fingerprint` (every
#: public page and each public promise's indicator figures read them; loading them with their cells took
#: 10 ms and more per request).
_SERVED: Lru[tuple[ServedMonth, ...]] = Lru(8)


def _read_served(session: Session) -> tuple[ServedMonth, ...]:
    return tuple(ServedMonth(p.id, p.year, p.month, p.version, p.published_at,
                             tuple(ServedCell(c.group_code, c.area_id, c.count, bool(c.hidden)) for c in p.cells))
                 for p in store.current_versions(session))


def _versions(session: Session, year: int | None) -> list[ServedMonth]:
    """The served versions (of one year, or all), oldest month first: from the process's cache while no
    month was published, read from the database by a session that has written (its own publication)."""
    if holds_writes(session):
        every = _read_served(session)
    else:
        key = (versions.database_key(session), *store.published_fingerprint(session))
        every = _SERVED.get_or_compute(key, lambda: _read_served(session))
    return [m for m in every if year is None or m.year == year]


def public_table(session: Session, group: Group, year: int) -> PublicTable:
    """The published table of one group and year, exactly as stored."""
    pubs = _versions(session, year)
    regsos, same = _table_areas(session, pubs)
    by_month: list[dict[int | None, int | None]] = []
    for pub in pubs:
        by_month.append({same.get(c.area_id, c.area_id) if c.area_id is not None else None:
                         (None if c.hidden else c.count) for c in pub.cells if c.group_code == group.code})
    cells = [[m.get(a.id) for m in by_month] for a in regsos]
    month_totals = [m.get(None) for m in by_month]
    return PublicTable(
        group=group, year=year, areas=regsos,
        months=[MonthInfo(month_key(p.year, p.month), p.version, p.published_at.isoformat(timespec="minutes"),
                          p.version > 1) for p in pubs],
        cells=cells, row_totals=[_sum_if_shown(row) for row in cells], month_totals=month_totals,
        total=_sum_if_shown(month_totals))


# --------------------------------------------------------------------------- single figures


def threshold_of(category: str | None, tax: Taxonomy) -> int:
    return SENSITIVE_THRESHOLD if category and tax.is_sensitive(category) else NORMAL_THRESHOLD


def entered_figure(value: float | None, category: str | None, tax: Taxonomy) -> float | None:
    """A figure about reports of `category` typed in by staff, as the public may see it:
    None when it lies between 1 and the category's threshold (a small count is never shown)."""
    if value is None:
        return None
    return None if 0 < value < threshold_of(category, tax) else value


@dataclass(frozen=True)
class IndicatorFigure:
    value: int | None  # None: hidden or no data
    basis: str  # "2025-12–2026-11"
    hidden: bool


def indicator_figure(session: Session, category: str | None, area_id: int | None,
                     area_types: tuple[int, ...], on: date) -> IndicatorFigure:
    """Reports of `category` (None: every grouped category) in an area (or area types, or the
    municipality) over the last twelve published months up to `on`, as the public may see it.

    A category that is a group of its own (every sensitive category is) is the sum of that
    group's published numbers, hidden when any of them is hidden. Other categories are a part of
    a group that no public table shows: the stored count is shown only when it is 0 or at least
    the threshold, and it changes only when a month is published (never day by day).
    """
    pubs = [p for p in _versions(session, None) if (p.year, p.month) <= (on.year, on.month)]
    pubs = pubs[-INDICATOR_MONTHS:]
    if len(pubs) < INDICATOR_MONTHS:
        return IndicatorFigure(None, "", False)
    basis = f"{month_key(pubs[0].year, pubs[0].month)}–{month_key(pubs[-1].year, pubs[-1].month)}"
    regsos = _regsos(session)
    if area_id is not None:
        # across a new edition of the districts: an old district's ground is its successors' (a split
        # district is the sum of its parts); a district the new edition left as it was is its predecessor
        shown = {a.id for a in regsos}
        later = [i for i in edition_store.successor_ids(session, [area_id]) if i in shown]
        earlier = [o for o, n in edition_store.one_to_one(session, edition_store.predecessor_ids(session, [area_id]),
                                                         [area_id]).items() if n == area_id]
        if area_id not in shown and not later:
            return IndicatorFigure(None, basis, True)  # not an area the public tables show
        rows: list[int] | None = [area_id, *later, *earlier]
    elif area_types:
        rows = [a.id for a in regsos if a.area_type in area_types]
    else:
        rows = None
    tax = taxonomy(session)
    if category is not None and category not in tax:
        return IndicatorFigure(None, basis, True)
    group = GROUP_OF_CATEGORY.get(category) if category else None
    if category is None or (group is not None and group.categories == (category,)):
        codes = {g.code for g in GROUPS} if group is None else {group.code}
        return _from_cells(pubs, codes, rows, basis)
    if group is None:  # a category outside the public statistics (planned events)
        return IndicatorFigure(None, basis, True)
    value = store.category_counts(session, [p.id for p in pubs], [category], rows)
    if 0 < value < threshold_of(category, tax):
        return IndicatorFigure(None, basis, True)
    return IndicatorFigure(value, basis, False)


def _from_cells(pubs: Sequence[ServedMonth], codes: set[str], rows: list[int] | None,
                basis: str) -> IndicatorFigure:
    total = 0
    for pub in pubs:
        if rows is not None and not any(c.group_code in codes and c.area_id in rows for c in pub.cells):
            return IndicatorFigure(None, basis, True)  # a month published with districts that do not fit
        for c in pub.cells:
            if c.group_code not in codes:
                continue
            if (rows is None and c.area_id is None) or (rows is not None and c.area_id in rows):
                if c.hidden:
                    return IndicatorFigure(None, basis, True)
                total += c.count
    return IndicatorFigure(total, basis, False)


def single_report_public(category: str, tax: Taxonomy) -> bool:
    """May one report of `category` be shown to the public (nearby hints, Open311)? Never when
    the category is sensitive (in the current taxonomy `tax`): one report is a count of one."""
    return not tax.is_sensitive(category)


def public_single_categories(tax: Taxonomy) -> list[str]:
    return [c for c in tax.codes if single_report_public(c, tax)]
