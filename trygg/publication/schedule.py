"""When months are published, and the deliberate republication of a published month.

``publish_due_months(session, now)`` publishes every month that has closed (in Stockholm) and
settled for ``settling_days`` since, and is not yet published — version 1, counted from the
reports as they are at `now`. It is a plain function so that a scheduler, the server at start-up
and on public reads (``trygg.publication.gate.ensure_published``) and ``trygg public publish`` can
all call it; calling it twice publishes nothing twice.

A published month never changes by itself. Reports that arrive later, are backdated into it or
are triaged after it was published change it only through ``republish``: a user with a reason,
audited, stored as the next version and shown as "reviderad" beside the month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from trygg.errors import Conflict, ValidationError
from trygg.publication.months import (
    MonthTables,
    compute_month,
    month_key,
    month_of,
    month_start,
    next_month,
    regso_rows,
)
from trygg.storage import audit
from trygg.storage import publication as store
from trygg.storage.schema import Publication

DEFAULT_SETTLING_DAYS = 14


def due_months(first: datetime | None, now: datetime, settling_days: int = DEFAULT_SETTLING_DAYS
               ) -> list[tuple[int, int]]:
    """Every month from the one of `first` whose end lies `settling_days` or more before `now`."""
    if first is None:
        return []
    out: list[tuple[int, int]] = []
    year, month = month_of(first)
    while month_start(*next_month(year, month)) + timedelta(days=settling_days) <= now:
        out.append((year, month))
        year, month = next_month(year, month)
    return out


def pending_months(session: Session, now: datetime, settling_days: int = DEFAULT_SETTLING_DAYS
                   ) -> list[tuple[int, int]]:
    """Months due for publication and not yet published.

    Publication starts at the month of the earliest countable report; once anything is published,
    at the earliest published month (a report backdated before it starts nothing new).
    """
    done = store.published_months(session)
    first = store.first_report_time(session)
    if done:
        first = month_start(*min(done))
    return [ym for ym in due_months(first, now, settling_days) if ym not in done]


def publish_due_months(session: Session, now: datetime, settling_days: int = DEFAULT_SETTLING_DAYS
                       ) -> list[Publication]:
    """Publish (version 1) every due month not yet published; audited. The caller commits."""
    if settling_days < 0:
        raise ValidationError("The settling delay cannot be negative.", fields={"settling_days": "0 or more"})
    out: list[Publication] = []
    pending = pending_months(session, now, settling_days)
    rows = regso_rows(session) if pending else None
    for year, month in pending:
        tables = compute_month(session, year, month, now, rows=rows)
        pub = store.add_publication(session, year=year, month=month, version=1, published_by_id=None,
                                    reason="", data_until=now, cells=tables.cells, counts=tables.counts)
        audit.record(session, None, "publish", "public_month", month_key(year, month),
                     {"version": 1, "data_until": now.isoformat()})
        out.append(pub)
    return out


@dataclass(frozen=True)
class CellChange:
    group: str
    area_id: int | None
    old: int
    new: int
    old_hidden: bool
    new_hidden: bool


@dataclass(frozen=True)
class Revision:
    """What a republication of a month would change (for the person deciding on it)."""

    year: int
    month: int
    current: Publication
    changes: list[CellChange]
    counts_changed: bool
    tables: MonthTables  # what the next version would publish

    @property
    def key(self) -> str:
        return month_key(self.year, self.month)

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.counts_changed


def parse_month(value: str) -> tuple[int, int]:
    """"YYYY-MM" → (year, month); a ValidationError on the field ``month`` otherwise."""
    text = value.strip()
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit() and 1 <= int(text[5:]) <= 12:
        return int(text[:4]), int(text[5:])
    raise ValidationError("Not a month.", fields={"month": "YYYY-MM, e.g. 2026-11"})


def preview(session: Session, year: int, month: int, now: datetime) -> Revision:
    current = store.latest_version(session, year, month)
    if current is None:
        raise Conflict(f"{month_key(year, month)} is not published yet, so there is nothing to revise.",
                       hint="Months are published by the schedule once they have closed and settled.")
    tables = compute_month(session, year, month, now, current)
    old = {(c.group_code, c.area_id): c for c in current.cells}
    changes = []
    for group, area_id, count, hidden in tables.cells:
        before = old.get((group, area_id))
        if before is None or before.count != count or before.hidden != hidden:
            changes.append(CellChange(group, area_id, before.count if before else 0, count,
                                      before.hidden if before else False, hidden))
    old_counts = store.stored_counts(session, current.id)
    new_counts = {(c, a): n for c, a, n in tables.counts if n}
    return Revision(year, month, current, changes, old_counts != new_counts, tables)


def republish(session: Session, year: int, month: int, *, user_id: int | None, reason: str,
              now: datetime) -> Publication:
    """Store the next version of a published month from the reports as they are now; audited.

    Refused without a reason and when nothing has changed. Whatever the version before hid stays
    hidden. The caller commits.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give a reason for the republication.",
                              fields={"reason": "is required (it is shown in the audit trail)"})
    if len(reason) > 500:
        raise ValidationError("The reason is too long.", fields={"reason": "at most 500 characters"})
    rev = preview(session, year, month, now)
    if not rev.changed:
        raise Conflict(f"{rev.key} has not changed since version {rev.current.version}.",
                       hint="A republication is only needed when reports of the month have changed.")
    tables = rev.tables
    version = rev.current.version + 1
    pub = store.add_publication(session, year=year, month=month, version=version, published_by_id=user_id,
                                reason=reason, data_until=now, cells=tables.cells, counts=tables.counts)
    audit.record(session, user_id, "republish", "public_month", rev.key,
                 {"version": version, "reason": reason, "changed_cells": len(rev.changes)})
    return pub
