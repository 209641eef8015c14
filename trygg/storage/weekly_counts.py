"""The weekly counts table: reports per local week × area × category × source, kept equal to the reports.

``report_week_counts`` holds, for every (local Monday, area, category, source) that has reports,
how many — what ``SELECT week, area_id, category, source, count(*) FROM reports GROUP BY …`` would
give (`group_by_reports`), with ``area_id`` 0 for reports outside every area. The lägesbild reads
its weekly series (three years of them) from here instead of loading every report.

It is maintained in the transaction of every report write, only here in storage:

- ORM writes (a new report, a changed category, area, time or source, a deleted report) are noted
  after each flush (`_note_flush`), per transaction and savepoint, and applied just before the
  transaction commits (`_apply_before_commit`), in one sorted batch of upserts. A savepoint or a
  transaction that rolls back drops what it noted. Applying last means a writer takes the count
  rows' locks after every other lock of its transaction (the audit chain's, for one), always in
  the same order: two writers cannot deadlock over them on PostgreSQL.
- Bulk writes through the session (``session.execute(insert(Report), rows)``, ``update(Report)…``,
  ``delete(Report)…``) are noted as well (`_note_bulk_writes`): inserts from their parameters,
  updates and deletes by reading the affected rows' keys before and after.
  `trygg.storage.reports.insert_reports` / `delete_reports` note their rows directly.

`rebuild` recomputes the whole table from the reports (``trygg db rebuild-counts``; the migration
that adds the table runs it for existing data).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, String, cast, delete, event, func, insert, inspect, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from trygg.domain.weeks import local_week_start
from trygg.storage.schema import Area, Report, ReportWeekCount

if TYPE_CHECKING:  # NumPy is imported where arrays are made: opening a database must not import it
    import numpy as np
    from numpy.typing import NDArray

Key = tuple[date, int, str, str]  # (local Monday, area id or 0, category, source)
NO_AREA = 0
TRACKED = ("occurred_from", "area_id", "category", "source")
_PENDING = "trygg_week_count_deltas"
ALLOW_BULK = "trygg_week_counts_noted"  # execution option of the bulk writes that note their rows


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def key(occurred_from: datetime, area_id: int | None, category: Any, source: Any) -> Key:
    return (local_week_start(occurred_from), int(area_id) if area_id else NO_AREA, str(_plain(category)),
            str(_plain(source)))


# --------------------------------------------------------------------------- noting changes


def _current(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def note(session: Session, deltas: Mapping[Key, int]) -> None:
    """Add `deltas` to what the current transaction (or savepoint) will apply before it commits."""
    trans = _current(session)
    if trans is None or not deltas:
        return
    pending: list[tuple[SessionTransaction, Counter[Key]]] = session.info.setdefault(_PENDING, [])
    if pending and pending[-1][0] is trans:
        pending[-1][1].update(deltas)
    else:
        pending.append((trans, Counter(deltas)))


def _before(obj: Report, name: str) -> Any:
    """The value attribute `name` had before this flush's change (the loaded value)."""
    hist = inspect(obj).attrs[name].history
    if hist.deleted:
        return hist.deleted[0]
    if hist.unchanged:
        return hist.unchanged[0]
    return getattr(obj, name)


def _old_key(obj: Report) -> Key:
    return key(*(_before(obj, n) for n in TRACKED))


def _new_key(obj: Report) -> Key:
    return key(obj.occurred_from, obj.area_id, obj.category, obj.source)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    deltas: Counter[Key] = Counter()
    for obj in session.new:
        if isinstance(obj, Report):
            deltas[_new_key(obj)] += 1
    for obj in session.deleted:
        if isinstance(obj, Report):
            deltas[_old_key(obj)] -= 1
    for obj in session.dirty:
        if isinstance(obj, Report) and obj not in session.deleted:
            state = inspect(obj)
            if any(state.attrs[n].history.has_changes() for n in TRACKED):
                old, new = _old_key(obj), _new_key(obj)
                if old != new:
                    deltas[old] -= 1
                    deltas[new] += 1
    note(session, {k: v for k, v in deltas.items() if v})


def _within(trans: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while trans is not None:
        if trans is ancestor:
            return True
        trans = trans.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [(t, d) for t, d in pending if not _within(t, previous)]


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, trans: SessionTransaction) -> None:
    if trans.parent is None:
        session.info.pop(_PENDING, None)


@event.listens_for(Session, "before_commit")
def _apply_before_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        apply_pending(session)


def apply_pending(session: Session) -> None:
    """Flush, then apply what the transaction noted (once; `trygg.storage.versions` calls it first)."""
    session.flush()  # the last changes are noted too
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    total: Counter[Key] = Counter()
    for _trans, deltas in pending:
        total.update(deltas)
    apply(session, total)


def apply(session: Session, deltas: Mapping[Key, int]) -> None:
    """Add `deltas` to the table now (sorted: one lock order for every writer); drop rows that reach 0."""
    changes = sorted((k, v) for k, v in deltas.items() if v)
    if not changes:
        return
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [{"week": k[0], "area_id": k[1], "category": k[2], "source": k[3], "count": v} for k, v in changes]
    stmt = module.insert(ReportWeekCount)
    stmt = stmt.on_conflict_do_update(index_elements=["week", "area_id", "category", "source"],
                                      set_={"count": ReportWeekCount.count + stmt.excluded.count})
    session.execute(stmt, rows)
    if any(v < 0 for _k, v in changes):
        weeks = sorted({k[0] for k, v in changes if v < 0})
        session.execute(delete(ReportWeekCount).where(ReportWeekCount.week.in_(weeks), ReportWeekCount.count <= 0))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state: ORMExecuteState) -> Any:
    """A bulk INSERT, UPDATE or DELETE of reports through the session is noted too: inserted rows
    from their parameters, updated and deleted ones by reading their keys before (and after)."""
    if not (state.is_insert or state.is_update or state.is_delete) or state.execution_options.get(ALLOW_BULK):
        return None
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ is not Report:
        return None
    session = state.session
    params = state.parameters
    if state.is_insert:
        rows = params if isinstance(params, list) else [params] if params else []
        if not rows or not all({"occurred_from", "category", "source"} <= set(r) for r in rows):
            raise RuntimeError("A bulk insert of reports needs occurred_from, category and source in its "
                               "parameters (or use trygg.storage.reports.insert_reports).")
        result = state.invoke_statement()
        note(session, deltas_of_rows(rows))
        return result
    where = getattr(state.statement, "whereclause", None)
    if where is None and isinstance(params, list) and params and all("id" in p for p in params):
        where = Report.id.in_([p["id"] for p in params])  # a bulk UPDATE by primary key
    cols = (Report.id, Report.occurred_from, Report.area_id, Report.category, Report.source)
    before = session.execute(select(*cols).where(where) if where is not None else select(*cols),
                             execution_options={ALLOW_BULK: True}).all()
    result = state.invoke_statement()
    deltas = deltas_of_rows(({"occurred_from": t, "area_id": a, "category": c, "source": s}
                             for _i, t, a, c, s in before), sign=-1)
    if state.is_update and before:
        ids = [r[0] for r in before]
        for start in range(0, len(ids), 500):
            after = session.execute(select(*cols[1:]).where(Report.id.in_(ids[start:start + 500]))).mappings()
            deltas.update(deltas_of_rows(after))
    note(session, {k: v for k, v in deltas.items() if v})
    return result


def deltas_of_rows(rows: Iterable[Any], sign: int = 1) -> Counter[Key]:
    """+`sign` for the key of each row (a mapping with occurred_from, area_id, category, source)."""
    out: Counter[Key] = Counter()
    for r in rows:
        out[key(r["occurred_from"], r.get("area_id"), r["category"], r["source"])] += sign
    return out


# --------------------------------------------------------------------------- rebuilding and checking


def _report_batches(session: Session, batch: int) -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = list(session.execute(
            select(Report.id, Report.occurred_from, Report.area_id, Report.category, Report.source)
            .where(Report.id > last).order_by(Report.id).limit(batch)).all())
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def group_by_reports(session: Session, batch: int = 100_000) -> Counter[Key]:
    """What the table should hold, computed from the reports (vectorised per batch)."""
    import numpy as np

    from trygg.domain.weeks import local_week_starts

    out: Counter[Key] = Counter()
    for rows in _report_batches(session, batch):
        _ids, times, areas, cats, sources = zip(*rows, strict=True)
        utc = np.array([t.replace(tzinfo=None) for t in times], dtype="datetime64[s]")
        weeks = local_week_starts(utc).astype(object)
        out.update(zip(weeks, (int(a) if a else NO_AREA for a in areas), cats, sources, strict=True))
    return out


def table(session: Session) -> dict[Key, int]:
    """The table as it is."""
    return {(w, int(a), c, s): int(n) for w, a, c, s, n in session.execute(
        select(ReportWeekCount.week, ReportWeekCount.area_id, ReportWeekCount.category, ReportWeekCount.source,
               ReportWeekCount.count))}


@dataclass(frozen=True)
class Rebuilt:
    rows: int  # rows in the table afterwards
    reports: int  # reports counted
    wrong_before: int  # rows that were missing, extra or off before the rebuild


def rebuild(session: Session) -> Rebuilt:
    """Recompute the table from the reports (in the caller's transaction; the caller commits)."""
    session.flush()
    expected = group_by_reports(session)
    before = table(session)
    wrong = sum(1 for k in expected.keys() | before.keys() if expected.get(k, 0) != before.get(k, 0))
    session.info.pop(_PENDING, None)  # computed from the reports as they are: nothing else to add
    session.execute(delete(ReportWeekCount))
    rows = [{"week": k[0], "area_id": k[1], "category": k[2], "source": k[3], "count": v}
            for k, v in sorted(expected.items())]
    for start in range(0, len(rows), 20_000):
        session.execute(insert(ReportWeekCount), rows[start:start + 20_000])
    return Rebuilt(rows=len(rows), reports=sum(expected.values()), wrong_before=wrong)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class WeeklyRows:
    """Rows of the table as NumPy columns (``area_id`` -1 for no area)."""

    week: NDArray[np.datetime64]  # datetime64[D], local Monday
    area_id: NDArray[np.int64]
    category: NDArray[Any]  # str
    count: NDArray[np.int64]


def answers(flt: Any) -> bool:
    """Whether the table can answer a `trygg.storage.reports.ReportFilter` (its time aside): it knows
    areas, categories and sources, not organisations, statuses or who may see what."""
    return not (flt.organisation_ids or flt.statuses or flt.visible is not None)


def weekly_rows(session: Session, first: date, last: date, flt: Any) -> WeeklyRows:
    """Rows for the weeks starting `first` … `last` (local Mondays) under `flt` (see `answers`).

    The rows are summed over sources in SQL and sent one text per series (area × category) of
    ``"day count day count …"`` (day: days since 1970-01-01), which NumPy turns into columns at
    once: a region's 180,000 rows would otherwise cost a Python row each.
    """
    import numpy as np

    t = ReportWeekCount
    q = select(t.week, t.area_id, t.category, func.sum(t.count).label("n")).where(t.week >= first, t.week <= last)
    if flt.area_ids:
        q = q.where(t.area_id.in_(flt.area_ids))
    if flt.area_types:
        q = q.where(t.area_id.in_(select(Area.id).where(Area.area_type.in_(flt.area_types))))
    if flt.categories:
        q = q.where(t.category.in_(flt.categories))
    if flt.exclude_categories:
        q = q.where(t.category.not_in(flt.exclude_categories))
    if flt.sources:
        q = q.where(t.source.in_(flt.sources))
    weeks = q.group_by(t.week, t.area_id, t.category).subquery()  # the sources summed
    if session.get_bind().dialect.name == "postgresql":
        day: Any = weeks.c.week - literal(date(1970, 1, 1))  # date - date: days
        agg: Any = func.string_agg
    else:
        day = cast(func.julianday(weeks.c.week) - 2440587.5, Integer)
        agg = func.group_concat
    pairs = agg(cast(day, String) + " " + cast(weeks.c.n, String), " ")
    series = session.execute(select(weeks.c.area_id, weeks.c.category, pairs)
                             .group_by(weeks.c.area_id, weeks.c.category)).all()
    if not series:
        return WeeklyRows(np.empty(0, dtype="datetime64[D]"), np.empty(0, dtype=np.int64),
                          np.empty(0, dtype=object), np.empty(0, dtype=np.int64))
    areas, cats, texts = zip(*series, strict=True)
    values = np.array(" ".join(texts).split(), dtype=np.int64).reshape(-1, 2)
    per_series = np.array([text.count(" ") // 2 + 1 for text in texts], dtype=np.int64)
    area = np.repeat(np.asarray(areas, dtype=np.int64), per_series)
    return WeeklyRows(values[:, 0].astype("datetime64[D]"), np.where(area == NO_AREA, -1, area),
                      np.repeat(np.asarray(cats, dtype=object), per_series), values[:, 1])
