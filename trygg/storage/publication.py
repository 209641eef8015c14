"""SQL of the published public figures: what a publication counts, and the stored versions.

What a month's publication counts (``countable_rows``): reports inside an area, neither rejected
nor duplicates, placed better than the municipality centroid, created before the publication's
``data_until`` — and, for residents' reports (the one anonymous way in), only those the
Kontaktcenter has triaged (``triaged``, ``in_progress`` or ``resolved``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session

from trygg.domain.enums import Source
from trygg.storage.access import PUBLIC_EXCLUDED_PRECISIONS, PUBLIC_EXCLUDED_STATUSES
from trygg.storage.schema import Publication, PublicationCell, PublicationCount, Report
from trygg.storage.versions import PUBLICATIONS, Probe, current

TRIAGED_STATUSES = ("triaged", "in_progress", "resolved")


def countable_rows(session: Session, start: datetime, end: datetime,
                   created_before: datetime) -> list[tuple[int, str]]:
    """(area id, category) of every report a publication of [start, end) counts."""
    q = (select(Report.area_id, Report.category)
         .where(Report.area_id.is_not(None), Report.occurred_from >= start, Report.occurred_from < end,
                Report.created_at <= created_before,
                Report.status.not_in(PUBLIC_EXCLUDED_STATUSES),
                Report.precision.not_in(PUBLIC_EXCLUDED_PRECISIONS),
                or_(Report.source != str(Source.RESIDENT), Report.status.in_(TRIAGED_STATUSES))))
    return [(int(a or 0), str(c)) for a, c in session.execute(q)]


def first_report_time(session: Session) -> datetime | None:
    """When the earliest countable report happened (where publication starts), or None."""
    return session.scalar(select(func.min(Report.occurred_from)).where(
        Report.area_id.is_not(None), Report.status.not_in(PUBLIC_EXCLUDED_STATUSES),
        or_(Report.source != str(Source.RESIDENT), Report.status.in_(TRIAGED_STATUSES))))


def published_months(session: Session) -> set[tuple[int, int]]:
    return {(int(y), int(m)) for y, m in session.execute(select(Publication.year, Publication.month).distinct())}


def latest_version(session: Session, year: int, month: int) -> Publication | None:
    return session.scalar(select(Publication).where(Publication.year == year, Publication.month == month)
                          .order_by(Publication.version.desc()).limit(1))


def versions(session: Session, year: int, month: int) -> list[Publication]:
    return list(session.scalars(select(Publication).where(Publication.year == year, Publication.month == month)
                                .order_by(Publication.version)))


def current_versions(session: Session, year: int | None = None) -> list[Publication]:
    """The served (highest) version of every published month, oldest month first."""
    latest = (select(Publication.year, Publication.month, func.max(Publication.version).label("v"))
              .group_by(Publication.year, Publication.month))
    if year is not None:
        latest = latest.where(Publication.year == year)
    sub = latest.subquery()
    q = (select(Publication).join(sub, and_(Publication.year == sub.c.year, Publication.month == sub.c.month,
                                            Publication.version == sub.c.v))
         .order_by(Publication.year, Publication.month))
    return list(session.scalars(q))


#: Besides the ``publications`` data version (bumped by every write to publications through a session,
#: bulk ones too): their number and newest ids, for writes outside a Trygg session.
_PUBLISHED = Probe(select(func.count(Publication.id)).scalar_subquery(),
                   select(func.max(Publication.id)).scalar_subquery(),
                   select(func.max(PublicationCell.id)).scalar_subquery())


def published_fingerprint(session: Session) -> tuple[Any, ...]:
    """What changes whenever a month is published (for caches of the served months)."""
    return (current(session, PUBLICATIONS), *_PUBLISHED.read(session))


def published_years(session: Session) -> list[int]:
    return sorted(int(y) for y in session.scalars(select(Publication.year).distinct()))


def add_publication(session: Session, *, year: int, month: int, version: int, published_by_id: int | None,
                    reason: str, data_until: datetime, cells: Sequence[tuple[str, int | None, int, bool]],
                    counts: Sequence[tuple[str, int, int]]) -> Publication:
    """Store one version: cells (group, area id or None for the total, count, hidden) and the
    category counts (category, area id, count) it was computed from."""
    pub = Publication(year=year, month=month, version=version, published_by_id=published_by_id,
                      reason=reason, data_until=data_until)
    session.add(pub)
    session.flush()
    if cells:  # one multi-row INSERT each, not an ORM object per cell
        session.execute(insert(PublicationCell), [
            {"publication_id": pub.id, "group_code": g, "area_id": a, "count": n, "hidden": h}
            for g, a, n, h in cells])
    rows = [{"publication_id": pub.id, "category": c, "area_id": a, "count": n} for c, a, n in counts if n]
    if rows:
        session.execute(insert(PublicationCount), rows)
    session.expire(pub, ["cells"])
    return pub


def stored_counts(session: Session, publication_id: int) -> dict[tuple[str, int], int]:
    """(category, RegSO id) → count of one version (non-zero counts only)."""
    q = select(PublicationCount.category, PublicationCount.area_id, PublicationCount.count).where(
        PublicationCount.publication_id == publication_id)
    return {(str(c), int(a)): int(n) for c, a, n in session.execute(q) if n}


def late_changes(session: Session, start: datetime, end: datetime, since: datetime) -> int:
    """Reports of [start, end) created or changed after `since` (candidates for a republication)."""
    return int(session.scalar(select(func.count(Report.id)).where(
        Report.occurred_from >= start, Report.occurred_from < end, Report.updated_at > since)) or 0)


def category_counts(session: Session, publication_ids: Sequence[int], categories: Sequence[str],
                    area_ids: Sequence[int] | None) -> int:
    """The summed stored counts of `categories` (in `area_ids`, or everywhere) of these versions."""
    if not publication_ids:
        return 0
    q = select(func.coalesce(func.sum(PublicationCount.count), 0)).where(
        PublicationCount.publication_id.in_(list(publication_ids)),
        PublicationCount.category.in_(list(categories)))
    if area_ids is not None:
        q = q.where(PublicationCount.area_id.in_(list(area_ids)))
    return int(session.scalar(q) or 0)
