"""Retention: report details are kept for a period per category, then removed or anonymised.

What goes once a report is older than its category's period (by ``occurred_from``):

- the free text (``description``) and the coordinators' ``feedback_note`` are emptied;
- an exact point or address becomes the centroid of the report's area (``precision =
  area_centroid``), or of the municipality when the report has no area;
- photos (``report_photos``) and a resident's contact details (``resident_contacts``) are deleted,
  with the e-mails to that resident still in the outbox (``notifications`` of a ``resident_*`` kind).

What stays: category, area, time, assessment, organisation, status — everything the aggregated
lägesbild and the public statistics count, so aggregates do not change. A run is idempotent
(only reports that still hold a detail are touched) and is audited with one entry per category
(counts only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import shapely
from sqlalchemy import ColumnElement, delete, exists, or_, select
from sqlalchemy.orm import Session

from trygg.domain import clock
from trygg.domain.categories import Taxonomy
from trygg.domain.enums import AreaLevel, Precision
from trygg.domain.geo import to_sweref
from trygg.errors import ValidationError
from trygg.storage import audit, intake
from trygg.storage.categories import taxonomy
from trygg.storage.schema import Area, Notification, Report, ReportPhoto, ResidentContact, RetentionPolicy

DEFAULT_DAYS = 3 * 365  # normal categories: three years
DEFAULT_SENSITIVE_DAYS = 365  # sexual offences, young people: one year
DETAILED_PRECISIONS = (Precision.EXACT.value, Precision.ADDRESS.value)


def default_days(category: str, tax: Taxonomy) -> int:
    return DEFAULT_SENSITIVE_DAYS if tax.is_sensitive(category) else DEFAULT_DAYS


def policies(session: Session) -> dict[str, int]:
    """Retention period in days of every category (stored policy, else the default)."""
    stored = {p.category: p.days for p in session.scalars(select(RetentionPolicy))}
    tax = taxonomy(session)
    return {c.code: stored.get(c.code, default_days(c.code, tax)) for c in tax.categories}


def set_policy(session: Session, category: str, days: int) -> None:
    tax = taxonomy(session)
    if category not in tax:
        raise ValidationError("Unknown category.", fields={"category": ", ".join(tax.codes)})
    if not 30 <= days <= 36500:
        raise ValidationError("The retention period is out of range.", fields={"days": "30 to 36500 days"})
    row = session.get(RetentionPolicy, category)
    if row is None:
        session.add(RetentionPolicy(category=category, days=days))
    else:
        row.days = days
    session.flush()


def _holds_details() -> ColumnElement[bool]:
    return or_(Report.description != "", Report.feedback_note != "",
               Report.precision.in_(DETAILED_PRECISIONS),
               exists().where(ReportPhoto.report_id == Report.id),
               exists().where(ResidentContact.report_id == Report.id))


@dataclass
class CategoryResult:
    category: str
    days: int
    cutoff: datetime
    reports: int = 0
    photos: int = 0
    contacts: int = 0


@dataclass
class RetentionResult:
    dry_run: bool
    categories: list[CategoryResult] = field(default_factory=list)
    #: stored answers of old Idempotency-Keys deleted (they would otherwise pile up forever)
    idempotency_keys: int = 0

    @property
    def reports(self) -> int:
        return sum(c.reports for c in self.categories)


def run(session: Session, *, dry_run: bool = False, now: datetime | None = None, user_id: int | None = None,
        batch: int = 1000) -> RetentionResult:
    """Remove or anonymise the details of reports older than their category's period, and delete
    the stored answers of Idempotency-Keys older than 30 days.

    With ``dry_run`` nothing changes and nothing is audited; the counts say what would go.
    The caller commits.
    """
    now = now or clock.now()
    result = RetentionResult(dry_run=dry_run)
    centroids = {a.id: (a.centroid_lon, a.centroid_lat)
                 for a in session.scalars(select(Area))}
    muni = session.scalar(select(Area).where(Area.level == AreaLevel.MUNICIPALITY).order_by(Area.id).limit(1))
    for category, days in policies(session).items():
        cutoff = now - timedelta(days=days)
        res = CategoryResult(category, days, cutoff)
        base = select(Report.id).where(Report.category == category, Report.occurred_from < cutoff,
                                       _holds_details())
        ids = [int(i) for i in session.scalars(base)]
        res.reports = len(ids)
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            res.photos += len(list(session.scalars(select(ReportPhoto.id).where(ReportPhoto.report_id.in_(chunk)))))
            res.contacts += len(list(session.scalars(
                select(ResidentContact.id).where(ResidentContact.report_id.in_(chunk)))))
            if dry_run:
                continue
            session.execute(delete(ReportPhoto).where(ReportPhoto.report_id.in_(chunk)))
            session.execute(delete(ResidentContact).where(ResidentContact.report_id.in_(chunk)))
            session.execute(delete(Notification).where(Notification.report_id.in_(chunk),
                                                       Notification.kind.startswith("resident_")))
            for report in session.scalars(select(Report).where(Report.id.in_(chunk))):
                _anonymise(report, centroids, muni)
            session.flush()
        if res.reports and not dry_run:
            audit.record(session, user_id, "retention", "category", category, {
                "days": days, "cutoff": cutoff.date().isoformat(), "reports": res.reports,
                "photos": res.photos, "contacts": res.contacts})
        result.categories.append(res)
    result.idempotency_keys = intake.purge_idempotency(session, now=now, dry_run=dry_run)
    return result


def _anonymise(report: Report, centroids: dict[int, tuple[float, float]], muni: Area | None) -> None:
    report.description = ""
    report.feedback_note = ""
    if report.precision in DETAILED_PRECISIONS:
        if report.area_id is not None and report.area_id in centroids:
            lon, lat = centroids[report.area_id]
            report.precision = Precision.AREA_CENTROID.value
        elif muni is not None:
            lon, lat = muni.centroid_lon, muni.centroid_lat
            report.precision = Precision.MUNICIPALITY_CENTROID.value
        else:
            return
        x, y = to_sweref(lon, lat)
        report.lon, report.lat, report.x, report.y = lon, lat, x, y
        report.geom = shapely.Point(x, y)
