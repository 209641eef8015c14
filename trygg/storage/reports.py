"""Reading and writing incident reports. The only module that builds SQL for reports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import numpy as np
import shapely
from sqlalchemy import Select, and_, delete, false, func, insert, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased

from trygg.domain.lru import Lru
from trygg.storage import versions as _versions  # (also bumps the reports' data version on writes)
from trygg.storage import weekly_counts
from trygg.storage.schema import Area, AreaSuccessor, Organisation, Report

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class DetailScope:
    """Which reports' details a user may see, as computed by ``trygg.web.access.detail_scope``."""

    all_organisations: bool
    organisation_id: int | None
    sensitive: bool  # cleared for sensitive categories
    sensitive_categories: tuple[str, ...]
    shared_organisation_ids: tuple[int, ...] = ()  # organisations that share details with partners
    own_reporter_id: int | None = None  # a reporter always sees their own reports

    def condition(self) -> Any:
        own = Report.reporter_id == self.own_reporter_id if self.own_reporter_id else false()
        if self.all_organisations:
            org_ok: Any = true()
        else:
            org_ok = or_(Report.organisation_id == self.organisation_id,
                         Report.routed_to_id == self.organisation_id,
                         Report.organisation_id.in_(self.shared_organisation_ids))
        if self.sensitive:
            return or_(org_ok, own)
        return or_(and_(org_ok, Report.category.not_in(self.sensitive_categories)), own)


@dataclass(frozen=True)
class ReportFilter:
    """What a list, map, export or analysis of reports is restricted to. Empty = everything."""

    start: datetime | None = None  # occurred_from >= start
    end: datetime | None = None  # occurred_from < end
    area_ids: tuple[int, ...] = ()
    area_types: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    organisation_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    exclude_categories: tuple[str, ...] = field(default=())
    visible: DetailScope | None = None  # restrict to reports whose details a user may see

    def apply(self, q: SelectT) -> SelectT:
        if self.visible is not None:
            q = q.where(self.visible.condition())
        if self.start is not None:
            q = q.where(Report.occurred_from >= self.start)
        if self.end is not None:
            q = q.where(Report.occurred_from < self.end)
        if self.area_ids:
            # an area of an older edition also matches the reports placed in its successors
            ids = list(self.area_ids)
            q = q.where(Report.area_id.in_(union_all(
                select(Area.id).where(Area.id.in_(ids)),
                select(AreaSuccessor.new_area_id).where(AreaSuccessor.old_area_id.in_(ids)))))
        if self.area_types:
            q = q.where(Report.area_id.in_(select(Area.id).where(Area.area_type.in_(self.area_types))))
        if self.categories:
            q = q.where(Report.category.in_(self.categories))
        if self.exclude_categories:
            q = q.where(Report.category.not_in(self.exclude_categories))
        if self.organisation_ids:
            q = q.where(Report.organisation_id.in_(self.organisation_ids))
        if self.statuses:
            q = q.where(Report.status.in_(self.statuses))
        if self.sources:
            q = q.where(Report.source.in_(self.sources))
        return q


def insert_report(session: Session, **values: Any) -> Report:
    """Store one report; `x`/`y` must be SWEREF 99 TM metres. Returns it with its id."""
    if values.get("geom") is None and "x" in values and "y" in values:
        values["geom"] = shapely.Point(values["x"], values["y"])
    report = Report(**values)
    session.add(report)
    session.flush()
    return report


def insert_reports(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Store many reports at once (one executemany, no ORM objects) and count them in the weekly
    counts table in the same transaction. Each row as for `insert_report`, with ``source``."""
    if not rows:
        return 0
    session.execute(insert(Report).execution_options(**{weekly_counts.ALLOW_BULK: True}), list(rows))
    weekly_counts.note(session, weekly_counts.deltas_of_rows(rows))
    return len(rows)


def delete_reports(session: Session, ids: Sequence[int]) -> int:
    """Delete reports by id (rows that refer to them — photos, contacts, actions — are the caller's),
    taking them out of the weekly counts table in the same transaction."""
    gone = 0
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        rows = session.execute(select(Report.occurred_from, Report.area_id, Report.category, Report.source)
                               .where(Report.id.in_(chunk))).mappings().all()
        if not rows:
            continue
        session.execute(delete(Report).where(Report.id.in_(chunk))
                        .execution_options(**{weekly_counts.ALLOW_BULK: True, "synchronize_session": False}))
        weekly_counts.note(session, weekly_counts.deltas_of_rows(rows, sign=-1))
        gone += len(rows)
    return gone


def get_report(session: Session, report_id: int) -> Report | None:
    return session.get(Report, report_id)


def find_by_external_id(session: Session, source: str, external_id: str) -> Report | None:
    return session.scalar(
        select(Report).where(Report.source == source, Report.external_id == external_id)
    )


def list_reports(session: Session, flt: ReportFilter, *, limit: int = 50, offset: int = 0,
                 newest_first: bool = True) -> list[Report]:
    order = Report.occurred_from.desc() if newest_first else Report.occurred_from.asc()
    q = flt.apply(select(Report)).order_by(order, Report.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(q))


_ListArea = aliased(Area, name="list_area")
_ListOrg = aliased(Organisation, name="list_org")
#: The columns of a report in a list, with its area's and organisation's names (no geometry, no ORM objects).
LIST_COLUMNS = (Report.id, Report.public_id, Report.category, Report.description, Report.lon, Report.lat, Report.x,
                Report.y, Report.precision, Report.area_id, _ListArea.name.label("area_name"), Report.outside,
                Report.occurred_from, Report.occurred_to, Report.insecurity, Report.organisation_id,
                _ListOrg.name.label("organisation_name"), Report.people_count, Report.police_called, Report.status,
                Report.source, Report.feedback_note, Report.created_at, Report.updated_at)


def list_report_rows(session: Session, flt: ReportFilter, *, limit: int = 50, offset: int = 0,
                     after: tuple[datetime, int] | None = None) -> list[Any]:
    """A page of matching reports, newest first, as plain rows of `LIST_COLUMNS`.

    `after` = (occurred_from, id) of the last row of the previous page: keyset paging, which reads
    only the rows of the page (along the ``(occurred_from, id)`` index) however deep the page is.
    """
    q = (select(*LIST_COLUMNS).outerjoin(_ListArea, _ListArea.id == Report.area_id)
         .outerjoin(_ListOrg, _ListOrg.id == Report.organisation_id))
    q = flt.apply(q)
    if after is not None:
        at, last_id = after
        q = q.where(or_(Report.occurred_from < at, and_(Report.occurred_from == at, Report.id < last_id)))
    q = q.order_by(Report.occurred_from.desc(), Report.id.desc()).limit(limit).offset(offset)
    session.flush()  # the session's own pending writes are part of the page (as with session.execute)
    return list(session.connection().execute(q).all())  # plain rows: no ORM result processing


def iter_reports(session: Session, flt: ReportFilter, batch: int = 2000) -> Iterator[Report]:
    """Every matching report, oldest first, streamed in batches (for exports)."""
    last_id = 0
    while True:
        q = flt.apply(select(Report)).where(Report.id > last_id).order_by(Report.id).limit(batch)
        rows = list(session.scalars(q))
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def count_reports(session: Session, flt: ReportFilter) -> int:
    return int(session.scalar(flt.apply(select(func.count(Report.id)))) or 0)


COUNT_CACHE_SIZE = 256
_COUNTS: Lru[int] = Lru(COUNT_CACHE_SIZE)


def count_reports_cached(session: Session, flt: ReportFilter, version: Any) -> int:
    """`count_reports`, remembered per filter and data `version` (`trygg.storage.lagesbild.data_version`):
    paging through a list counts its filter once, not once per page; any write changes the version."""
    return _COUNTS.get_or_compute((_versions.database_key(session), flt, version),
                                  lambda: count_reports(session, flt))


@dataclass(frozen=True)
class ReportArrays:
    """Matching reports as NumPy columns, ready for `trygg.analysis`."""

    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    time: np.ndarray  # datetime64[s], UTC
    category: np.ndarray  # str
    area_id: np.ndarray  # int, -1 when outside every area
    organisation_id: np.ndarray  # int, -1 when unknown
    source: np.ndarray  # str
    insecurity: np.ndarray  # float, NaN when not assessed
    precision: np.ndarray  # str

    def __len__(self) -> int:
        return len(self.ids)


def merged_windows(windows: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Half-open [start, end) windows, sorted, with overlapping or touching ones merged."""
    out: list[tuple[datetime, datetime]] = []
    for a, b in sorted(w for w in windows if w[0] < w[1]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def report_arrays(session: Session, flt: ReportFilter,
                  windows: Sequence[tuple[datetime, datetime]] | None = None) -> ReportArrays:
    """Load the columns analysis needs in one query (no ORM objects); with `windows`, only reports
    that happened in one of those [start, end) windows (as well as matching `flt`)."""
    cols = (Report.id, Report.x, Report.y, Report.lon, Report.lat, Report.occurred_from,
            Report.category, Report.area_id, Report.organisation_id, Report.source,
            Report.insecurity, Report.precision)
    q = flt.apply(select(*cols))
    if windows is not None:
        spans = merged_windows(windows)
        q = q.where(or_(false(), *(and_(Report.occurred_from >= a, Report.occurred_from < b) for a, b in spans)))
    rows: Sequence[Any] = session.execute(q.order_by(Report.id)).all()
    n = len(rows)
    if n == 0:
        empty_f = np.empty(0, dtype=float)
        return ReportArrays(np.empty(0, dtype=np.int64), empty_f, empty_f, empty_f, empty_f,
                            np.empty(0, dtype="datetime64[s]"), np.empty(0, dtype=object),
                            np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64),
                            np.empty(0, dtype=object), empty_f, np.empty(0, dtype=object))
    c = list(zip(*rows, strict=True))
    times = np.array([t.replace(tzinfo=None) for t in c[5]], dtype="datetime64[s]")
    return ReportArrays(
        ids=np.asarray(c[0], dtype=np.int64),
        x=np.asarray(c[1], dtype=float), y=np.asarray(c[2], dtype=float),
        lon=np.asarray(c[3], dtype=float), lat=np.asarray(c[4], dtype=float),
        time=times,
        category=np.asarray(c[6], dtype=object),
        area_id=np.asarray([-1 if a is None else a for a in c[7]], dtype=np.int64),
        organisation_id=np.asarray([-1 if o is None else o for o in c[8]], dtype=np.int64),
        source=np.asarray(c[9], dtype=object),
        insecurity=np.asarray([np.nan if v is None else v for v in c[10]], dtype=float),
        precision=np.asarray(c[11], dtype=object),
    )


def reports_within(session: Session, polygon_wgs84: shapely.Geometry, flt: ReportFilter,
                   backend: str) -> list[int]:
    """Ids of reports inside a polygon: ST_Within on PostGIS, shapely on SQLite."""
    if backend == "postgresql":
        wkt = polygon_wgs84.wkt
        geom = func.ST_Transform(func.ST_GeomFromText(wkt, 4326), 3006)
        within = flt.apply(select(Report.id)).where(func.ST_Within(Report.geom, geom))
        return [int(i) for i in session.scalars(within)]
    minx, miny, maxx, maxy = polygon_wgs84.bounds
    boxed = flt.apply(select(Report.id, Report.lon, Report.lat)).where(
        Report.lon.between(minx, maxx), Report.lat.between(miny, maxy))
    rows = session.execute(boxed).all()
    if not rows:
        return []
    ids, lons, lats = (np.asarray(c) for c in zip(*rows, strict=True))
    inside = shapely.contains_xy(polygon_wgs84, lons.astype(float), lats.astype(float))
    return [int(i) for i in ids[inside]]
