"""One month's public tables, computed from the reports.

A month is published as one table per category group: RegSO areas × that one month, with the
month's municipality total, passed through ``trygg.analysis.suppression`` (0 or ≥ 5; ≥ 10 for
the sensitive groups). Months are separate tables on purpose: once a month is published its
numbers never change by themselves, so no later table can be subtracted from it. A revision
keeps hidden what the version before it hid (``also_hide``), so two versions cannot be
subtracted either.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session

from trygg.analysis.suppression import suppress
from trygg.domain.enums import AreaLevel
from trygg.publication.groups import GROUPS
from trygg.storage import areas as area_store
from trygg.storage.publication import countable_rows
from trygg.storage.schema import Area, Publication

STOCKHOLM = ZoneInfo("Europe/Stockholm")

Cell = tuple[str, int | None, int, bool]  # group, RegSO id (None = municipality total), count, hidden


def month_key(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_start(year: int, month: int) -> datetime:
    """Midnight on the first of the month in Stockholm (aware)."""
    return datetime(year, month, 1, tzinfo=STOCKHOLM)


def month_of(when: datetime) -> tuple[int, int]:
    local = when.astimezone(STOCKHOLM)
    return local.year, local.month


def regso_rows(session: Session) -> tuple[list[Area], dict[int, int]]:
    """The RegSO areas in code order and a map from any area id (RegSO or below) to its row."""
    regsos = sorted(area_store.list_areas(session, AreaLevel.REGSO), key=lambda a: a.code)
    row = {a.id: k for k, a in enumerate(regsos)}
    for a in area_store.list_areas(session, None):
        seen = 0
        node: Area | None = a
        while node is not None and node.id not in row and seen < 5:
            node = node.parent
            seen += 1
        if node is not None and node.id in row:
            row[a.id] = row[node.id]
    return regsos, row


@dataclass(frozen=True)
class MonthTables:
    year: int
    month: int
    cells: list[Cell]
    counts: list[tuple[str, int, int]]  # category, RegSO id, count


def compute_month(session: Session, year: int, month: int, data_until: datetime,
                  previous: Publication | None = None,
                  rows: tuple[list[Area], dict[int, int]] | None = None) -> MonthTables:
    """The suppressed tables of one month from the reports created up to `data_until`.

    With `previous` (the version this one revises) every entry it hid stays hidden. `rows` is
    ``regso_rows(session)`` when the caller has it already.
    """
    regsos, row_of = rows or regso_rows(session)
    start = month_start(year, month)
    end = month_start(*next_month(year, month))
    per_category: Counter[tuple[str, int]] = Counter()
    for area_id, category in countable_rows(session, start, end, data_until):
        if area_id in row_of:
            per_category[(category, regsos[row_of[area_id]].id)] += 1
    was_hidden = {(c.group_code, c.area_id) for c in previous.cells if c.hidden} if previous else set()
    cells: list[Cell] = []
    n = len(regsos)
    for g in GROUPS:
        column = np.array([[sum(per_category[(c, a.id)] for c in g.categories)] for a in regsos],
                          dtype=np.int64).reshape(n, 1)
        if n == 0:
            cells.append((g.code, None, 0, False))
            continue
        keep = np.zeros((n + 1, 2), dtype=bool)
        for i, a in enumerate(regsos):
            keep[i, :] = (g.code, a.id) in was_hidden  # the cell and its row total (the same number)
        keep[n, :] = (g.code, None) in was_hidden
        table = suppress(column, g.threshold, also_hide=keep)
        for i, a in enumerate(regsos):
            cells.append((g.code, a.id, int(column[i, 0]), bool(table.hidden[i, 0])))
        cells.append((g.code, None, int(column.sum()), bool(table.col_total_hidden[0])))
    counts = [(c, a, k) for (c, a), k in sorted(per_category.items())]
    return MonthTables(year, month, cells, counts)
